from django import forms

from indicators.choices import Op

from plans.choices import UnitKind
from plans.models import Region, Unit

SEP = "、"


class ImportUploadForm(forms.Form):
    region = forms.ModelChoiceField(label="所属区域", queryset=Region.objects.all(), empty_label="请选择区域",
                                    required=False)
    new_region_name = forms.CharField(label="或新建区域：名称", max_length=100, required=False,
                                      help_text="区域列表中没有时填写，如“铁东区”。")
    new_region_code = forms.CharField(label="区划代码", max_length=20, required=False, help_text="如 210302。")
    new_region_parent = forms.ModelChoiceField(label="上级区域", queryset=Region.objects.all(), required=False,
                                               empty_label="（无）")
    file = forms.FileField(label="方案文件", help_text=(
        "支持 .docx、.xlsx、.txt（UTF-8 / GBK / UTF-16）、可选中文字的 .pdf、.doc、.wps，不超过 50 MB。"
        "扫描件 PDF 请先做文字识别。"))

    def clean(self):
        data = super().clean()
        name, code = (data.get("new_region_name") or "").strip(), (data.get("new_region_code") or "").strip()
        if data.get("region") and (name or code):
            raise forms.ValidationError("请选择已有区域，或填写新建区域，二者选一。")
        if not data.get("region"):
            if not name and not code:
                self.add_error("region", "请选择所属区域，或填写新建区域的名称和区划代码。")
            elif not (name and code):
                self.add_error("new_region_code" if name else "new_region_name", "新建区域需要名称和区划代码。")
            elif Region.objects.filter(code=code).exists():
                self.add_error("new_region_code", f"区划代码 {code} 已存在，请在上方列表中选择该区域。")
        return data


def _split_units(value: str) -> list[str]:
    for sep in ("，", ",", "；", ";", " ", "\n"):
        value = value.replace(sep, SEP)
    return [v.strip() for v in value.split(SEP) if v.strip()]


class MeasureFields(forms.Form):
    """What a measure says, as the review page edits it and as a new measure is typed in."""

    title = forms.CharField(label="标题", max_length=500)
    text = forms.CharField(label="全文", widget=forms.Textarea(attrs={"rows": 4}), required=False)
    actionable = forms.BooleanField(label="需落实的任务项", required=False)
    lead_units = forms.CharField(label="牵头单位", required=False, help_text="多个单位用“、”分隔。")
    co_units = forms.CharField(label="责任/配合单位", required=False, help_text="多个单位用“、”分隔。")
    # A date input shows only yyyy-mm-dd (the HTML value format); the locale's 2022/09/30 leaves it
    # empty, and a form saved for another reason then sent the deadline back blank.
    deadline = forms.DateField(label="完成时限", required=False,
                               widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    deadline_text = forms.CharField(label="时限原文", max_length=100, required=False)
    ongoing = forms.BooleanField(label="长期坚持", required=False)

    def clean_lead_units(self):
        return _split_units(self.cleaned_data["lead_units"])

    def clean_co_units(self):
        return _split_units(self.cleaned_data["co_units"])


class MeasureEditForm(MeasureFields):
    version = forms.IntegerField(widget=forms.HiddenInput)


class PlanHeaderForm(forms.Form):
    """The plan's own fields, corrected on the review page."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    title = forms.CharField(label="方案标题", max_length=200)
    year = forms.IntegerField(label="方案年度", min_value=2000, max_value=2100)
    issuer = forms.CharField(label="发文机关", max_length=100, required=False)
    doc_number = forms.CharField(label="文号", max_length=100, required=False)
    confirm_year = forms.BooleanField(label="年度核对无误", required=False,
                                      help_text="年度为推测时：核对无误请勾选，年度有误请直接改正。")


class MeasureAddForm(MeasureFields):
    parent = forms.ModelChoiceField(label="上级条目", queryset=None, required=False, empty_label="（作为一级条目）")
    label = forms.CharField(label="编号", max_length=20, required=False, help_text="如“5.”或“（三）”，可留空。")
    field_order = ["parent", "label"]  # then the measure's own fields

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["actionable"].initial = True  # a measure added by hand is usually a task
        self.fields["text"].widget.attrs["rows"] = 3
        self.fields["parent"].queryset = plan.measures.filter(withdrawn_at=None).order_by("order")
        self.fields["parent"].label_from_instance = lambda m: f"{m.path} {m.title[:30]}"


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
        # the region's units and its ancestors' (a district plan names city offices too), as the
        # importer resolves names
        regions, r = [], region
        while r is not None:
            regions.append(r.pk)
            r = r.parent
        self.fields["unit"].queryset = (Unit.objects.filter(region_id__in=regions, is_active=True)
                                        .select_related("region").order_by("region__code", "name"))
        if region.parent_id:
            self.fields["unit"].label_from_instance = lambda u: f"{u.name}（{u.region.name}）"
