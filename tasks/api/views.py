from django.http import QueryDict
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from ..filtersets import ProgressReportFilterSet, TaskFilterSet
from ..models import ProgressReport, Task
from ..querysets import ontime_against
from ..services import (
    parse_period, task_completion_apply, task_extension_request, task_report_no_change, task_report_submit,
)
from ..workdays import local_date
from .serializers import (
    CompletionApplicationSerializer, CompletionInputSerializer, ExtensionInputSerializer,
    ExtensionRequestSerializer, NoChangeInputSerializer, OnTimeStatsSerializer, ProgressReportSerializer,
    ReportInputSerializer, TaskSerializer,
)


class TaskViewSet(viewsets.ReadOnlyModelViewSet):
    """任务：承办人只能看到本单位的任务，其他单位的任务返回 404；写操作只限本单位承办人和负责人。"""

    serializer_class = TaskSerializer
    filterset_class = TaskFilterSet
    ordering_fields = ["deadline", "id"]
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self):
        return (Task.objects.visible_to(self.request.user).for_list().select_related("unit__region")
                .with_status(now=timezone.now()).order_by("id"))

    def _editable(self) -> Task:
        task = self.get_object()  # 404 outside visible_to
        if not Task.objects.editable_by(self.request.user).filter(pk=task.pk).exists():
            raise PermissionDenied("只有本单位的承办人或负责人可以填报。")
        return task

    def _input(self, serializer_class):
        data = self.request.data
        if hasattr(data, "getlist") and "evidence" in data:
            # A shallow copy: QueryDict.copy() deep-copies the uploads, and a file over
            # FILE_UPLOAD_MAX_MEMORY_SIZE is an open temporary file that cannot be copied.
            lists = dict(data.lists())
            lists["evidence"] = self.request.FILES.getlist("evidence")
            data = QueryDict(mutable=True)
            for key, values in lists.items():
                data.setlist(key, values)
        s = serializer_class(data=data)
        s.is_valid(raise_exception=True)
        return s.validated_data

    @extend_schema(responses={200: OnTimeStatsSerializer})
    @action(detail=False, methods=["get"], url_path="on-time")
    def on_time(self, request):
        """按期完成率 of the filtered, visible tasks (`against=granted|original`, same rule as the dashboard)."""
        qs = self.filter_queryset(self.get_queryset())  # an unknown `against` is a 400 from the filterset
        against = ontime_against(request.query_params.get("against"))
        stats = qs.order_by().on_time_stats(today=local_date(timezone.now()), against=against)
        return Response(OnTimeStatsSerializer({**stats, "against": against}).data)

    @extend_schema(request=ReportInputSerializer, responses={201: ProgressReportSerializer})
    @action(detail=True, methods=["post"])
    def report(self, request, pk=None):
        """报送（或更正）一期进展；expected_version 与本期最新版本不一致时返回 409。"""
        task = self._editable()
        d = self._input(ReportInputSerializer)
        period = parse_period(task.measure.plan, d.get("period"), now=timezone.now())
        r = task_report_submit(task=task, period=period, actor=request.user, expected_version=d["expected_version"],
                               data={k: d[k] for k in ("status", "done_text", "problems_text", "percent",
                                                       "actuals")},
                               files=d["evidence"])
        return Response(ProgressReportSerializer(r).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=NoChangeInputSerializer, responses={201: ProgressReportSerializer})
    @action(detail=True, methods=["post"], url_path="no-change")
    def no_change(self, request, pk=None):
        """本期无变化：沿用上次报告。"""
        task = self._editable()
        d = self._input(NoChangeInputSerializer)
        period = parse_period(task.measure.plan, d.get("period"), now=timezone.now())
        r = task_report_no_change(task=task, period=period, actor=request.user,
                                  expected_version=d["expected_version"])
        return Response(ProgressReportSerializer(r).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=CompletionInputSerializer, responses={201: CompletionApplicationSerializer})
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        """申请办结（须附佐证材料）。"""
        task = self._editable()
        d = self._input(CompletionInputSerializer)
        app = task_completion_apply(task=task, actor=request.user, note=d["note"], files=d["evidence"])
        return Response(CompletionApplicationSerializer(app).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ExtensionInputSerializer, responses={201: ExtensionRequestSerializer})
    @action(detail=True, methods=["post"])
    def extend(self, request, pk=None):
        """延期申请。"""
        task = self._editable()
        d = self._input(ExtensionInputSerializer)
        req = task_extension_request(task=task, actor=request.user, requested_deadline=d["requested_deadline"],
                                     reason=d["reason"])
        return Response(ExtensionRequestSerializer(req).data, status=status.HTTP_201_CREATED)


NARROW_SCOPE_TASKS = 20_000  # a city's districts; a province has 72,000


class ProgressReportViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = ProgressReportSerializer
    filterset_class = ProgressReportFilterSet
    ordering_fields = ["period", "submitted_at"]

    def get_queryset(self):
        # Newest first (reports are append-only: id order is filing order). A province sees most
        # reports: walking the primary key backwards stops after a page. A region or a unit sees few,
        # and the walk would pass every other region's newer reports first (9 s at province scale):
        # reach them through their tasks instead — the visible task ids, then their reports by the
        # (task, period, version) index, sorted on submitted_at (no index, so no walk).
        user = self.request.user
        qs = ProgressReport.objects.visible_to(user)
        # (no ORDER BY in the probe: Task's default ordering joins four tables and sorts them all)
        if Task.objects.visible_to(user).order_by()[:NARROW_SCOPE_TASKS + 1].count() > NARROW_SCOPE_TASKS:
            return qs.order_by("-id")
        task_ids = list(qs.order_by().values_list("task_id", flat=True).distinct())
        return ProgressReport.objects.filter(task_id__in=task_ids).order_by("-submitted_at", "-id")
