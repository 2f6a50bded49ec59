from rest_framework import viewsets

from ..filtersets import MeasureFilterSet, PlanFilterSet, UnitFilterSet
from ..models import Measure, Plan, Unit
from .serializers import MeasureSerializer, PlanSerializer, UnitSerializer


class PlanViewSet(viewsets.ReadOnlyModelViewSet):
    """方案：按权限可见。"""

    serializer_class = PlanSerializer
    filterset_class = PlanFilterSet
    ordering_fields = ["year", "title", "issued_on"]

    def get_queryset(self):
        return Plan.objects.visible_to(self.request.user).order_by("-year", "id")


class MeasureViewSet(viewsets.ReadOnlyModelViewSet):
    """措施树的各项。"""

    serializer_class = MeasureSerializer
    filterset_class = MeasureFilterSet
    ordering_fields = ["order", "deadline"]

    def get_queryset(self):
        return (Measure.objects.visible_to(self.request.user).prefetch_related("unit_links")
                .order_by("plan_id", "order"))


class UnitViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = UnitSerializer
    filterset_class = UnitFilterSet
    ordering_fields = ["name"]

    def get_queryset(self):
        return Unit.objects.visible_to(self.request.user).prefetch_related("aliases").order_by("id")
