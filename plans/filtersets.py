import django_filters

from config.inputs import FilterSet

from .models import Measure, Plan, Unit


class PlanFilterSet(FilterSet):
    title = django_filters.CharFilter(lookup_expr="icontains", label="标题包含")

    class Meta:
        model = Plan
        fields = ["status", "year", "region", "title"]


class MeasureFilterSet(FilterSet):
    title = django_filters.CharFilter(lookup_expr="icontains", label="标题包含")

    class Meta:
        model = Measure
        fields = ["plan", "level", "actionable", "parent", "title"]


class UnitFilterSet(FilterSet):
    name = django_filters.CharFilter(lookup_expr="icontains", label="名称包含")

    class Meta:
        model = Unit
        fields = ["region", "kind", "name"]
