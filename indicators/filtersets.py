import django_filters

from config.inputs import FilterSet, IdFilter

from .models import Target


class TargetFilterSet(FilterSet):
    plan = IdFilter(field_name="measure__plan", label="方案")

    class Meta:
        model = Target
        fields = ["measure", "plan", "op"]
