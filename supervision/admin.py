from django import forms
from django.contrib import admin

from .channels import webhooks
from .models import ChannelConfig, DeliveryAttempt, Digest, Escalation, Reminder, Urge


class ChannelConfigForm(forms.ModelForm):
    """Robot credentials are write-only: the page says whether one is set, never shows it; an
    empty field keeps the stored value."""

    webhook_url = forms.CharField(label="机器人地址（Webhook）", required=False, max_length=500,
                                  widget=forms.PasswordInput(render_value=False, attrs={"size": 80}),
                                  help_text="出于安全考虑不显示已保存的地址（含密钥）；留空则保持不变。")
    secret = forms.CharField(label="加签密钥", required=False, max_length=200,
                             widget=forms.PasswordInput(render_value=False),
                             help_text="不显示已保存的密钥；留空则保持不变。")
    clear_secret = forms.BooleanField(label="清除加签密钥", required=False)

    class Meta:
        model = ChannelConfig
        fields = ["unit", "user", "channel", "enabled", "webhook_url", "secret"]

    def clean_webhook_url(self):
        url = self.cleaned_data["webhook_url"].strip()
        if not url:
            return self.instance.webhook_url if self.instance.pk else ""
        try:
            webhooks.check_url(url)
        except webhooks.WebhookRefused as e:
            raise forms.ValidationError(str(e)) from e
        return url

    def clean(self):
        data = super().clean()
        if data.get("clear_secret"):
            data["secret"] = ""
        else:
            data["secret"] = (data.get("secret") or "").strip() or (self.instance.secret if self.instance.pk else "")
        return data


@admin.register(ChannelConfig)
class ChannelConfigAdmin(admin.ModelAdmin):
    form = ChannelConfigForm
    list_display = ["channel", "unit", "user", "enabled", "webhook_host", "secret_set", "updated_at"]
    list_filter = ["channel", "enabled"]
    raw_id_fields = ["unit", "user"]
    readonly_fields = ["webhook_host", "secret_set"]
    fields = ["unit", "user", "channel", "enabled", "webhook_host", "webhook_url", "secret_set", "secret",
              "clear_secret"]

    @admin.display(description="机器人地址（不含密钥）")
    def webhook_host(self, obj):
        return webhooks.masked(obj.webhook_url) or "—"

    @admin.display(description="加签密钥", boolean=False)
    def secret_set(self, obj):
        return "已设置" if obj.secret else "未设置"


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    list_display = ["created_at", "kind", "recipient", "task", "period", "read_at"]
    list_filter = ["kind"]
    raw_id_fields = ["recipient", "task"]
    date_hierarchy = "created_at"


@admin.register(Digest)
class DigestAdmin(admin.ModelAdmin):
    """The outbox, read-only: rows are written by the scan and the workers."""

    list_display = ["day", "channel", "recipient", "item_count", "attempts", "sent_at", "failed_at", "last_error"]
    list_filter = ["channel", "day"]
    raw_id_fields = ["recipient"]

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(DeliveryAttempt)
class DeliveryAttemptAdmin(admin.ModelAdmin):
    list_display = ["at", "digest", "ok", "worker", "detail"]
    list_filter = ["ok"]
    raw_id_fields = ["digest"]


@admin.register(Urge)
class UrgeAdmin(admin.ModelAdmin):
    list_display = ["created_at", "level", "unit", "task", "created_by", "responded_at"]
    list_filter = ["level"]
    raw_id_fields = ["task", "unit", "created_by", "responded_by"]


@admin.register(Escalation)
class EscalationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "task", "deadline", "rung", "overdue_workdays", "for_monthly_report"]
    list_filter = ["rung", "for_monthly_report"]
    raw_id_fields = ["task"]
