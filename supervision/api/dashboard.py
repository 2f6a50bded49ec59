"""The dashboard's indicator view over the API: the same filtered, visible tasks as the page
(TaskFilterSet over Task.objects.visible_to), supervisors and admins only (others 404, as the page)."""
from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from plans.querysets import scope_of
from tasks.filtersets import TaskFilterSet
from tasks.models import Task
from tasks.querysets import ontime_against
from tasks.workdays import local_date

from ..dashboard.panels import indicator_figures


class AttainmentSerializer(serializers.Serializer):
    met = serializers.IntegerField(help_text="达标")
    unmet = serializers.IntegerField(help_text="未达标")
    read = serializers.IntegerField(help_text="已填报实际值")
    none = serializers.IntegerField(help_text="未填报")
    total = serializers.IntegerField(help_text="量化指标数")
    rate = serializers.FloatField(allow_null=True, help_text="达标率（%）：达标 / 已填报")


class IndicatorRowSerializer(serializers.Serializer):
    indicator = serializers.CharField(help_text="国家营商环境评价一级指标（措施的主要指标；未标注的措施为“未标注”）")
    measures = serializers.IntegerField(help_text="措施数")
    tasks = serializers.IntegerField(help_text="任务数")
    due = serializers.IntegerField(help_text="应完成（已办结或已过时限）")
    ontime = serializers.IntegerField(help_text="按期完成")
    ontime_rate = serializers.FloatField(allow_null=True, help_text="按期完成率（%）")
    targets = AttainmentSerializer()


class IndicatorFiguresSerializer(serializers.Serializer):
    against = serializers.ChoiceField(choices=["granted", "original"], help_text="按期口径")
    rows = IndicatorRowSerializer(many=True)
    uncovered = serializers.ListField(child=serializers.CharField(), help_text="筛选范围内没有任何措施（主要或次要指标）涉及的一级指标")
    covered = serializers.IntegerField(help_text="已覆盖的一级指标数（共 18 项）")


class IndicatorFiguresView(generics.GenericAPIView):
    """看板的评价指标视图：按国家营商环境评价一级指标统计措施数、按期完成率和达标率，并列出未覆盖的指标。
    筛选条件与任务列表相同（region、plan、unit、status……），仅督查和管理员可用。"""

    filterset_class = TaskFilterSet
    serializer_class = IndicatorFiguresSerializer
    pagination_class = None

    def get_queryset(self):
        return Task.objects.visible_to(self.request.user)

    @extend_schema(filters=True, responses={200: IndicatorFiguresSerializer})
    def get(self, request):
        scope = scope_of(request.user)
        if not (scope.is_admin or scope.is_supervisor):
            raise NotFound()
        tasks = self.filter_queryset(self.get_queryset())  # a refused filter value is a 400
        against = ontime_against(request.query_params.get("against"))
        data = indicator_figures(tasks, today=local_date(timezone.now()), against=against)
        return Response(IndicatorFiguresSerializer({**data, "against": against}).data)
