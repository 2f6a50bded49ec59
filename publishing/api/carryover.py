"""Carry-over over the API: the 延续自 links (visible where their new measure is), an admin's
confirm / reject, and a plan's dropped commitments. Same querysets and services as the pages."""
from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from config.inputs import FilterSet, IdFilter
from plans.models import Plan

from ..carryover import article_number, dropped_commitment_rows, measure_link_decide
from ..choices import LinkDecision
from ..models import MeasureLink


class MeasureLinkFilterSet(FilterSet):
    plan = IdFilter(field_name="measure__plan", label="新措施所属方案")

    class Meta:
        model = MeasureLink
        fields = ["plan", "measure", "predecessor", "status"]


class MeasureLinkSerializer(serializers.ModelSerializer):
    predecessor_year = serializers.IntegerField(source="predecessor.plan.year", read_only=True)
    predecessor_plan = serializers.IntegerField(source="predecessor.plan_id", read_only=True)
    predecessor_title = serializers.CharField(source="predecessor.title", read_only=True)
    predecessor_number = serializers.SerializerMethodField(help_text="如“第12条”")
    status_display = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = MeasureLink
        fields = ["id", "measure", "predecessor", "predecessor_plan", "predecessor_year", "predecessor_number",
                  "predecessor_title", "score", "reason", "status", "status_display", "decided_by", "decided_at"]

    def get_predecessor_number(self, obj) -> str:
        return article_number(obj.predecessor)


class DecisionSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=LinkDecision.choices)


class DroppedSerializer(serializers.Serializer):
    measure = serializers.IntegerField(source="measure.pk")
    plan = serializers.IntegerField(source="plan.pk")
    year = serializers.IntegerField(source="plan.year")
    number = serializers.SerializerMethodField()
    title = serializers.CharField(source="measure.title")
    open_tasks = serializers.SerializerMethodField(help_text="[[单位, 状态]]")

    def get_number(self, row) -> str:
        return article_number(row["measure"])

    def get_open_tasks(self, row) -> list[list[str]]:
        return [list(t) for t in row["tasks"]]


class MeasureLinkViewSet(viewsets.ReadOnlyModelViewSet):
    """跨年延续关系（延续自往年方案的措施）：可见范围与新措施相同；管理员可确认或否定。"""

    serializer_class = MeasureLinkSerializer
    filterset_class = MeasureLinkFilterSet
    ordering_fields = ["score", "id"]

    def get_queryset(self):
        return (MeasureLink.objects.visible_to(self.request.user)
                .select_related("predecessor", "predecessor__plan").order_by("measure_id", "-score", "id"))

    @extend_schema(request=DecisionSerializer, responses={200: MeasureLinkSerializer})
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        """确认（confirm）或否定（reject）一条延续关系：仅限可修改该方案的管理员。"""
        link = self.get_object()  # 404 outside visible_to
        if not Plan.objects.editable_by(request.user).filter(pk=link.measure.plan_id).exists():
            raise PermissionDenied("只有管理员可以确认或否定延续关系。")
        s = DecisionSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        confirm = s.validated_data["decision"] == LinkDecision.CONFIRM
        link = measure_link_decide(link=link, actor=request.user, confirm=confirm)
        return Response(MeasureLinkSerializer(link).data)

    @extend_schema(parameters=[OpenApiParameter("plan", int, required=True, description="方案 ID")],
                   responses=DroppedSerializer(many=True), filters=False)
    @action(detail=False, methods=["get"])
    def dropped(self, request):
        """未延续的往年承诺：往年方案中任务未办结、本方案没有措施延续（无待确认或已确认关系）的措施。"""
        try:
            pk = int(request.query_params.get("plan", ""))
        except ValueError:
            pk = 0
        plan = get_object_or_404(Plan.objects.visible_to(request.user), pk=pk if 0 < pk < 2**31 else 0)
        return Response(DroppedSerializer(dropped_commitment_rows(plan, user=request.user), many=True).data)
