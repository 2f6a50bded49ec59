"""Forms of the staff workspace. Validation of files and periods lives in tasks.services, so the
page and the API refuse the same things with the same words."""
from __future__ import annotations

from django import forms

from .choices import ReportStatus
from .services import EVIDENCE_EXTENSIONS, TaskActionRefused, evidence_check

ACCEPT = ",".join(f".{e}" for e in EVIDENCE_EXTENSIONS)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several evidence files at once; each is checked by size and by content."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, (list, tuple)) else ([data] if data else [])
        out = [super(MultipleFileField, self).clean(f, initial) for f in files]
        for f in out:
            try:
                evidence_check(f)
            except TaskActionRefused as exc:
                raise forms.ValidationError(exc.message + "（出于安全原因，请重新选择文件）") from None
        return out


class ReportForm(forms.Form):
    status = forms.ChoiceField(label="进展状态", choices=[("", "请选择")] + list(ReportStatus.choices),
                               error_messages={"required": "请选择进展状态。"})
    percent = forms.IntegerField(label="完成百分比（%）", min_value=0, max_value=100, initial=0,
                                 error_messages={"required": "请填写完成百分比（0–100）。",
                                                 "min_value": "完成百分比应在 0–100 之间。",
                                                 "max_value": "完成百分比应在 0–100 之间。",
                                                 "invalid": "完成百分比应为 0–100 的整数。"})
    done_text = forms.CharField(label="本期完成情况", widget=forms.Textarea(attrs={"rows": 5}), max_length=5000,
                                error_messages={"required": "请填写本期完成情况。"})
    problems_text = forms.CharField(label="存在问题及下步计划", widget=forms.Textarea(attrs={"rows": 3}),
                                    required=False, max_length=5000)
    evidence = MultipleFileField(label="佐证材料（PDF、图片、Office 文档，可多选）")
    expected_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, targets=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.targets = list(targets)
        for t in self.targets:
            label = f"{t.metric}（目标 {t.get_op_display()} {t.value.normalize():f}{t.unit}）实际值"
            self.fields[f"target_{t.pk}"] = forms.DecimalField(
                label=label, required=False, max_digits=20, decimal_places=4,
                error_messages={"invalid": f"“{t.metric}”的实际值应为数字。",
                                "max_decimal_places": f"“{t.metric}”的实际值最多四位小数。"})

    def target_fields(self):
        return [(t, self[f"target_{t.pk}"]) for t in self.targets]

    def service_data(self) -> dict:
        cd = self.cleaned_data
        return {"status": cd["status"], "done_text": cd["done_text"], "problems_text": cd["problems_text"],
                "percent": cd["percent"],
                "actuals": {t.pk: cd.get(f"target_{t.pk}") for t in self.targets
                            if cd.get(f"target_{t.pk}") is not None}}


class CompletionForm(forms.Form):
    note = forms.CharField(label="办结说明", widget=forms.Textarea(attrs={"rows": 5}), max_length=5000,
                           error_messages={"required": "请填写办结说明。"})
    evidence = MultipleFileField(label="佐证材料（必传，可多选）")


class ExtensionForm(forms.Form):
    requested_deadline = forms.DateField(label="申请延至", widget=forms.DateInput(attrs={"type": "date"}),
                                         error_messages={"required": "请选择申请延至的日期。",
                                                         "invalid": "日期格式不正确。"})
    reason = forms.CharField(label="延期理由", widget=forms.Textarea(attrs={"rows": 4}), max_length=5000,
                             error_messages={"required": "请填写延期理由。"})
