from django import forms

from indicators.choices import Op

from .choices import UnitKind
from .models import Region, Unit

SEP = "、"


class ImportUploadForm(forms.Form):
    region = forms.ModelChoiceField(label="所属区域", queryset=Region.objects.all(), empty_label="请选择区域")
    file = forms.FileField(label="方案文件", help_text=(
        "支持 .docx、.xlsx、.txt（UTF-8 / GBK / UTF-16）、可选中文字的 .pdf、.doc、.wps，不超过 50 MB。"
        "扫描件 PDF 请先做文字识别。"))


def _split_units(value: str) -> list[str]:
    for sep in ("，", ",", "；", ";", " ", "\n"):
        value = value.replace(sep, SEP)
    return [v.strip() for v in value.split(SEP) if v.strip()]


class MeasureEditForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    title = forms.CharField(label="标题", max_length=500)
    text = forms.CharField(label="全文", widget=forms.Textarea(attrs={"rows": 4}), required=False)
    actionable = forms.BooleanField(label="需落实的任务项", required=False)
    lead_units = forms.CharField(label="牵头单位", required=False, help_text="多个单位用“、”分隔。")
    co_units = forms.CharField(label="责任/配合单位", required=False, help_text="多个单位用“、”分隔。")
    deadline = forms.DateField(label="完成时限", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    deadline_text = forms.CharField(label="时限原文", max_length=100, required=False)
    ongoing = forms.BooleanField(label="长期坚持", required=False)

    def clean_lead_units(self):
        return _split_units(self.cleaned_data["lead_units"])

    def clean_co_units(self):
        return _split_units(self.cleaned_data["co_units"])


class TargetForm(forms.Form):
    metric = forms.CharField(label="指标名称", max_length=200)
    # A blank first choice keeps the extra empty row "unchanged", so Django skips it.
    op = forms.ChoiceField(label="比较", choices=[("", "—")] + list(Op.choices))
    value = forms.DecimalField(label="目标值", max_digits=20, decimal_places=4)
    unit = forms.CharField(label="单位", max_length=30, required=False)
    baseline = forms.DecimalField(label="基数", max_digits=20, decimal_places=4, required=False)
    text = forms.CharField(label="原文", max_length=500, required=False)


TargetFormSet = forms.formset_factory(TargetForm, extra=1, can_delete=True)


class UnitMapForm(forms.Form):
    name = forms.CharField(widget=forms.HiddenInput)
    unit = forms.ModelChoiceField(label="对应到已有单位", queryset=Unit.objects.none(), required=False,
                                  empty_label="（新建同名单位）")
    kind = forms.ChoiceField(label="新建单位类型", choices=UnitKind.choices, initial=UnitKind.DEPARTMENT)

    def __init__(self, *args, region: Region, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.filter(region=region, is_active=True).order_by("name")
