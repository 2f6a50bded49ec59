from django import forms

from plans.models import Unit
from tasks.models import Task

from .choices import Channel


class UrgeForm(forms.Form):
    # A task is urged from its own page (?task=): a hidden field, since a province has tens of
    # thousands of open tasks and a <select> of them all would be a megabyte of HTML.
    task = forms.ModelChoiceField(label="任务", queryset=Task.objects.none(), required=False,
                                  widget=forms.HiddenInput,
                                  error_messages={"invalid_choice": "该任务不存在、已办结或不在您的督办范围内。"})
    unit = forms.ModelChoiceField(label="单位", queryset=Unit.objects.none(), required=False,
                                  empty_label="（按任务的责任单位）")
    message = forms.CharField(label="催办内容", widget=forms.Textarea(attrs={"rows": 4}), max_length=2000)
    escalate = forms.BooleanField(label="升级为督办（纳入月度通报）", required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        # units of the same name exist in many regions (区数据局): the picker names the region too
        self.fields["unit"].label_from_instance = lambda u: f"{u.region.name} {u.name}" if u.region_id else u.name
        self.fields["task"].queryset = Task.objects.visible_to(user).open().select_related("measure", "unit")
        self.fields["unit"].queryset = (Unit.objects.visible_to(user).filter(is_active=True).select_related("region")
                                        .order_by("region__code", "name"))

    def clean(self):
        data = super().clean()
        if not data.get("task") and not data.get("unit"):
            raise forms.ValidationError("请选择催办的任务或单位。")
        return data


class DecisionForm(forms.Form):
    comment = forms.CharField(label="意见", widget=forms.Textarea(attrs={"rows": 2}), required=False,
                              max_length=2000)


class RespondForm(forms.Form):
    response = forms.CharField(label="答复", widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)


class ChannelForm(forms.Form):
    channel = forms.ChoiceField(choices=[(c.value, c.label) for c in Channel if c != Channel.INAPP])
    enabled = forms.BooleanField(label="启用", required=False)
    webhook_url = forms.URLField(label="机器人 Webhook 地址", required=False, max_length=500, assume_scheme="https")
    secret = forms.CharField(label="加签密钥（钉钉）", required=False, max_length=200,
                             widget=forms.PasswordInput(render_value=False))
    scope = forms.ChoiceField(choices=[("user", "我自己"), ("unit", "本单位")], initial="user")
