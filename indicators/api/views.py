from rest_framework import viewsets

from plans.models import Measure

from ..filtersets import TargetFilterSet
from ..models import Target
from .serializers import TargetSerializer


class TargetViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = TargetSerializer
    filterset_class = TargetFilterSet

    def get_queryset(self):
        measures = Measure.objects.visible_to(self.request.user).values("id")
        return Target.objects.filter(measure_id__in=measures).order_by("id")
