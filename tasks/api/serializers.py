from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from config.inputs import BoundedIntegerField

from ..choices import ReportStatus, TaskStatus
from ..models import CompletionApplication, ExtensionRequest, ProgressReport, Task


class TaskSerializer(serializers.ModelSerializer):
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    measure_title = serializers.CharField(source="measure.title", read_only=True)
    plan = serializers.IntegerField(source="measure.plan_id", read_only=True)
    region_name = serializers.CharField(source="unit.region.name", read_only=True, default="")
    status = serializers.SerializerMethodField(help_text="状态（与页面同一规则：已逾期、即将到期、已办结……）")
    status_display = serializers.SerializerMethodField(help_text="状态的中文名称")

    class Meta:
        model = Task
        fields = ["id", "measure", "measure_title", "plan", "unit", "unit_name", "region_name", "role", "deadline",
                  "granted_deadline", "ongoing", "recurring", "completion_applied_at", "closed_at", "version",
                  "status", "status_display"]

    def _status(self, obj) -> str:
        # The list and detail querysets carry the status computed in SQL (TaskQuerySet.with_status,
        # the rule of the pages); a task built elsewhere gets the same annotation by one query.
        value = getattr(obj, "status_db", None)
        if value is None:
            value = Task.objects.with_status(now=timezone.now()).values_list("status_db", flat=True).get(pk=obj.pk)
            obj.status_db = value
        return value

    @extend_schema_field(serializers.ChoiceField(choices=TaskStatus.choices))
    def get_status(self, obj) -> str:
        return self._status(obj)

    def get_status_display(self, obj) -> str:
        return TaskStatus(self._status(obj)).label


class ProgressReportSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProgressReport
        fields = ["id", "task", "period", "version", "status", "done_text", "problems_text", "percent",
                  "no_change", "consolidated", "submitted_by", "submitted_at"]


# --- Write inputs: validated here for shape, refused by tasks.services for meaning -------------

class ReportInputSerializer(serializers.Serializer):
    period = serializers.CharField(required=False, allow_blank=True, help_text="如 2026-03；空为本期")
    expected_version = BoundedIntegerField(min_value=0, help_text="表单所基于的本期最新版本号，首次报送为 0")
    status = serializers.ChoiceField(choices=ReportStatus.choices)
    done_text = serializers.CharField(max_length=5000)
    problems_text = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    percent = serializers.IntegerField(min_value=0, max_value=100)
    actuals = serializers.DictField(child=serializers.DecimalField(max_digits=20, decimal_places=4),
                                    required=False, default=dict, help_text="{指标ID: 实际值}")
    evidence = serializers.ListField(child=serializers.FileField(), required=False, default=list)


class NoChangeInputSerializer(serializers.Serializer):
    period = serializers.CharField(required=False, allow_blank=True)
    expected_version = BoundedIntegerField(min_value=0)


class CompletionInputSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=5000)
    evidence = serializers.ListField(child=serializers.FileField(), required=False, default=list)


class ExtensionInputSerializer(serializers.Serializer):
    requested_deadline = serializers.DateField()
    reason = serializers.CharField(max_length=5000)


class CompletionApplicationSerializer(serializers.ModelSerializer):
    class Meta:
        model = CompletionApplication
        fields = ["id", "task", "note", "applied_by", "applied_at", "decision"]


class ExtensionRequestSerializer(serializers.ModelSerializer):
    class Meta:
        model = ExtensionRequest
        fields = ["id", "task", "requested_deadline", "reason", "requested_by", "requested_at", "decision"]


class OnTimeStatsSerializer(serializers.Serializer):
    against = serializers.ChoiceField(choices=["granted", "original"], help_text="时限口径")
    due = serializers.IntegerField(help_text="应完成（已办结或已过时限）")
    on_time = serializers.IntegerField(help_text="按期完成")
    rate = serializers.FloatField(allow_null=True, help_text="按期完成率（0–1）")
