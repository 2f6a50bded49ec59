import django_filters

from .models import Measure, Plan, Unit


class PlanFilterSet(django_filters.FilterSet):
    title = django_filters.CharFilter(lookup_expr="icontains", label="标题包含")

    class Meta:
        model = Plan
        fields = ["status", "year", "region", "title"]


class MeasureFilterSet(django_filters.FilterSet):
    title = django_filters.CharFilter(lookup_expr="icontains", label="标题包含")

    class Meta:
        model = Measure
        fields = ["plan", "level", "actionable", "parent", "title"]


class UnitFilterSet(django_filters.FilterSet):
    name = django_filters.CharFilter(lookup_expr="icontains", label="名称包含")

    class Meta:
        model = Unit
        fields = ["region", "kind", "name"]
