import django_filters

from .models import Target


class TargetFilterSet(django_filters.FilterSet):
    plan = django_filters.NumberFilter(field_name="measure__plan", label="方案")

    class Meta:
        model = Target
        fields = ["measure", "plan", "op"]
