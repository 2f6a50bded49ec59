from django.contrib import admin

from .models import ChannelConfig, DeliveryAttempt, Digest, Escalation, Reminder, Urge


@admin.register(ChannelConfig)
class ChannelConfigAdmin(admin.ModelAdmin):
    list_display = ["channel", "unit", "user", "enabled", "updated_at"]
    list_filter = ["channel", "enabled"]
    raw_id_fields = ["unit", "user"]


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
