from django import forms

from plans.choices import NationalIndicator

CHOICES = [("", "（未标注）"), *NationalIndicator.choices]


class MeasureIndicatorForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, max_value=2**31 - 1)
    primary = forms.ChoiceField(label="主要评价指标", choices=CHOICES, required=False)
    secondary_1 = forms.ChoiceField(label="次要指标一", choices=CHOICES, required=False)
    secondary_2 = forms.ChoiceField(label="次要指标二", choices=CHOICES, required=False)

    def secondary(self) -> list[str]:
        return [v for v in (self.cleaned_data["secondary_1"], self.cleaned_data["secondary_2"]) if v]
