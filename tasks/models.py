"""A task is one unit's share of one measure. Facts are stored; status is computed from them and `now`."""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.db.models.signals import post_delete
from django.dispatch import receiver

from audit.models import changes
from config.files import RandomName
from config.queries import first_row
from indicators.models import Target
from plans.choices import UnitRole
from plans.search import segment_report

from .choices import Decision, ReportStatus
from . import status as status_rule
from .querysets import LocalDate, ProgressReportQuerySet, ReportImmutableError, TaskQuerySet


class Task(models.Model):
    """One unit's share (牵头 or 配合) of one measure."""

    measure = models.ForeignKey("plans.Measure", verbose_name="措施", on_delete=models.CASCADE, related_name="tasks")
    # The measure's plan, copied when the task is created (a measure never changes plans): region
    # visibility, plan filters and the dashboard's per-plan figures read it without joining the
    # measures of a whole province.
    plan = models.ForeignKey("plans.Plan", verbose_name="方案", on_delete=models.CASCADE, related_name="+",
                             editable=False)
    unit = models.ForeignKey("plans.Unit", verbose_name="责任单位", on_delete=models.PROTECT, related_name="tasks")
    role = models.CharField("角色", max_length=10, choices=UnitRole.choices)
    deadline = models.DateField("完成时限", null=True, blank=True, help_text="方案规定的时限；空表示长期坚持。")
    # Denormalised from the latest approved ExtensionRequest so that "overdue" is one indexed
    # comparison; only extension_decide() writes it.
    granted_deadline = models.DateField("延期后时限", null=True, blank=True)
    # Denormalised from the newest ProgressReport (by period, then version), NULL before the
    # first report: the status of every task in a list or a dashboard needs it, and one column
    # beats one index probe per task. Only ProgressReport.save() (and refresh_latest_report_status
    # after a bulk load) writes it.
    latest_report_status = models.CharField("最新进展状态", max_length=20, choices=ReportStatus.choices, null=True,
                                            blank=True, editable=False)
    # The period of that newest report: "reported for the current period" is one comparison
    # (reports for future periods are refused, so newest >= current start means reported).
    latest_report_period = models.DateField("最新报送周期", null=True, blank=True, editable=False)
    ongoing = models.BooleanField("长期坚持", default=False)
    recurring = models.JSONField("周期性要求", default=list, blank=True)
    completion_applied_at = models.DateTimeField("申请办结时间", null=True, blank=True)
    closed_at = models.DateTimeField("办结时间", null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="销号人", null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    # Set when a revision of the published plan removes the unit or the measure (已撤销): the task and
    # its reports are kept, but it is neither open (no reminders, not overdue) nor closed (not in
    # 按期完成率). Cleared if a later revision gives the unit back its share.
    withdrawn_at = models.DateTimeField("撤销时间", null=True, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    version = models.PositiveIntegerField("版本", default=1)
    # Computed and stored by the database on every write: the deadline status is measured against
    # (granted, else the plan's) and the Shanghai day the task was closed. Every dashboard count and
    # the 按期 rule compare them; computing them per task per count was most of a dashboard's cost.
    eff_deadline = models.GeneratedField(verbose_name="实际时限", expression=status_rule.EFFECTIVE_DEADLINE,
                                         output_field=models.DateField(), db_persist=True)
    closed_on = models.GeneratedField(verbose_name="办结日期", expression=LocalDate("closed_at"),
                                      output_field=models.DateField(), db_persist=True)

    objects = TaskQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "任务"
        ordering = ["measure__plan", "measure__order", "role", "unit"]
        constraints = [models.UniqueConstraint(fields=["measure", "unit"], name="task_unique_unit_per_measure")]
        indexes = [
            # open tasks by (granted, plan) deadline; it served TaskQuerySet.overdue(), gone: the status
            # rule (tasks/status.py) compares the stored eff_deadline. Dropping it is a migration for
            # after a benchmark on PostgreSQL shows no plan uses it.
            models.Index(fields=["granted_deadline", "deadline"], name="task_open_deadline",
                         condition=Q(closed_at__isnull=True)),
            # serves a supervisor's 我的任务 (tasks of a province by deadline, a page at a time): an
            # index walk instead of sorting every task in scope
            models.Index(fields=["eff_deadline", "id"], name="task_eff_deadline_id"),
        ]

    def __str__(self) -> str:
        return f"{self.measure.label} {self.unit}（{self.get_role_display()}）"

    def save(self, *args, **kwargs):
        if self.plan_id is None and self.measure_id is not None:
            self.plan_id = self.measure.plan_id
        super().save(*args, **kwargs)

    @property
    def effective_deadline(self):
        return status_rule.effective_deadline(self)

    def get_status(self, now, *, latest_report: ProgressReport | None = None) -> str:
        """Status from stored facts and `now` (Asia/Shanghai): tasks.status.get_status."""
        return status_rule.get_status(self, now, latest_report=latest_report)

    def get_light(self, now, *, latest_report: ProgressReport | None = None) -> str:
        return status_rule.get_light(self, now, latest_report=latest_report)


class UnitTasksStamp(models.Model):
    """A counter per unit, bumped by database triggers (migration 0013_unit_tasks_stamp) in the same
    transaction as any insert, update or delete of the unit's tasks (a report filed updates its task's
    latest_report_* columns, so it moves the stamp too) and any update of the unit, or of a measure or
    plan the unit has tasks in. 我的任务 keeps its rendered list under (unit, role, stamp, day, query)
    (tasks/views.py, my_tasks): a page is recomputed only after its own unit's data changed, and a
    stale page is never served. Triggers, not services, for the reason RegionFactsStamp gives."""

    # No database constraint, as RegionFactsStamp: a flush or a cascade may empty the units first.
    unit = models.OneToOneField("plans.Unit", verbose_name="单位", primary_key=True, on_delete=models.DO_NOTHING,
                                related_name="+", db_constraint=False)
    version = models.BigIntegerField("版本", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "单位任务版本"

    @classmethod
    def version_of(cls, unit_id: int) -> int:
        row = first_row(("tasks:unit-stamp", unit_id),  # read on every 我的任务: compiled once per process
                        lambda: cls.objects.filter(unit_id=unit_id).values_list("version"))
        return row[0] if row else 0


def data_stamp_columns() -> dict[str, models.Subquery]:
    """The state of all the data, as two ids: the newest audited change (audit.models.changes) and the
    newest report (reports are append-only rows; a report written without a service still shows).
    Pages and figures that depend on more than one unit's data are cached under it. As two columns,
    to read along with a row the page reads anyway (one round trip)."""
    return {"stamp_change": models.Subquery(changes().values("id")[:1]),
            "stamp_report": models.Subquery(ProgressReport.objects.order_by("-id").values("id")[:1])}


def data_stamp() -> tuple[int | None, int | None]:
    """data_stamp_columns, read on their own (every dashboard request: compiled once per process)."""
    row = first_row(("tasks:data-stamp",), lambda: Task.objects.order_by().annotate(**data_stamp_columns())
                    .values_list("stamp_change", "stamp_report"))
    if row is None:  # no task yet: nothing to cache under a stamp either
        return None, None
    return row


class ProgressReport(models.Model):
    """A unit's progress on a task for one reporting period. Append-only: a correction is a new
    version row that supersedes the previous one; nothing is updated in place."""

    task = models.ForeignKey(Task, verbose_name="任务", on_delete=models.CASCADE, related_name="reports")
    period = models.DateField("报送周期", help_text="周期第一天，如 2026-03-01 表示 2026年3月。")
    version = models.PositiveIntegerField("版本", default=1)
    status = models.CharField("进展状态", max_length=20, choices=ReportStatus.choices)
    done_text = models.TextField("本期完成情况", blank=True)
    problems_text = models.TextField("存在问题及下步计划", blank=True)
    percent = models.PositiveSmallIntegerField("完成百分比", default=0)
    no_change = models.BooleanField("本期无变化", default=False)
    consolidated = models.BooleanField("牵头单位汇总", default=False)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="填报人", on_delete=models.PROTECT,
                                     related_name="+")
    submitted_at = models.DateTimeField("提交时间", auto_now_add=True)
    # jieba words, bigrams and characters of the two texts (plans.search.segment_report), written
    # once with the row; PostgreSQL keeps its tsvector in the generated column search_tsv
    # (migration 0004) for full-text search.
    search_text = models.TextField("分词文本", blank=True, editable=False)
    # Gentle notes on the text (tasks.quality): 套话, same as last time, no figure where the measure
    # has a target, too short. Written once with the row; never blocks a submission.
    quality_flags = models.JSONField("内容提示", default=list, blank=True, editable=False)

    objects = ProgressReportQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "进展报告"
        # on the key column: naming the relation would order by ITS ordering, joining up to the plan
        ordering = ["task_id", "-period", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["task", "period", "version"], name="report_unique_version"),
            models.CheckConstraint(condition=Q(percent__lte=100), name="report_percent_le_100"),
        ]
        # (task, period) lookups use report_unique_version; this one serves "who reported for
        # period P" (submission rates, the reminder scan).
        indexes = [models.Index(fields=["period", "task"], name="report_period_task")]

    def __str__(self) -> str:
        return f"{self.task} {self.period:%Y-%m} v{self.version}"

    def save(self, *args, **kwargs):
        # Append-only: a correction is a new version row (tasks.services.task_report_submit).
        if not self._state.adding:
            raise ReportImmutableError("进展报告提交后不能修改，更正请提交新版本。")
        if not self.search_text:
            self.search_text = segment_report(self.done_text, self.problems_text)
        super().save(*args, **kwargs)
        refresh_latest_report_status(Task.objects.filter(pk=self.task_id))


def refresh_latest_report_status(tasks: models.QuerySet) -> int:
    """Set Task.latest_report_status and latest_report_period of `tasks` from their newest report
    (one UPDATE)."""
    newest = ProgressReport.objects.filter(task_id=models.OuterRef("pk")).order_by("-period", "-version")
    return tasks.update(latest_report_status=models.Subquery(newest.values("status")[:1]),
                        latest_report_period=models.Subquery(newest.values("period")[:1]))


class ReportDraft(models.Model):
    """What a user has typed but not submitted yet, saved as they type."""

    task = models.ForeignKey(Task, verbose_name="任务", on_delete=models.CASCADE, related_name="drafts")
    period = models.DateField("报送周期")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="用户", on_delete=models.CASCADE,
                             related_name="+")
    data = models.JSONField("内容", default=dict)
    updated_at = models.DateTimeField("保存时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "进展草稿"
        constraints = [models.UniqueConstraint(fields=["task", "period", "user"], name="draft_unique")]


class Evidence(models.Model):
    """A supporting file (佐证材料) attached to a report or a completion application."""

    task = models.ForeignKey(Task, verbose_name="任务", on_delete=models.CASCADE, related_name="evidence")
    report = models.ForeignKey(ProgressReport, verbose_name="进展报告", null=True, blank=True,
                               on_delete=models.PROTECT, related_name="evidence")
    file = models.FileField("文件", upload_to=RandomName("evidence"))
    original_name = models.CharField("原文件名", max_length=255)
    size = models.PositiveBigIntegerField("大小（字节）")
    content_type = models.CharField("类型", max_length=100)
    sha256 = models.CharField("哈希", max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="上传人", on_delete=models.PROTECT,
                                    related_name="+")
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "佐证材料"

    def __str__(self) -> str:
        return self.original_name


class DecidedRequest(models.Model):
    """A unit's request on a task that a supervisor approves or rejects (延期申请, 办结申请): the
    decision fields, and the words its refusals and pages use. One service decides both
    (supervision.services._decide); one review page lists both (supervision.views)."""

    decision = models.CharField("审批结果", max_length=20, choices=Decision.choices, default=Decision.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="审批人", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField("审批时间", null=True, blank=True)
    comment = models.TextField("审批意见", blank=True)

    noun = "申请"  # 延期申请 / 办结申请
    verb = "审批"  # 审批 / 审核
    reject_verb = "驳回"  # 驳回 / 退回

    class Meta:
        abstract = True


class ExtensionRequest(DecidedRequest):
    """延期申请: a unit asks for a new deadline; a supervisor decides."""

    task = models.ForeignKey(Task, verbose_name="任务", on_delete=models.CASCADE, related_name="extensions")
    requested_deadline = models.DateField("申请延至")
    reason = models.TextField("理由")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="申请人", on_delete=models.PROTECT,
                                     related_name="+")
    requested_at = models.DateTimeField("申请时间", auto_now_add=True)

    noun = "延期申请"

    class Meta:
        verbose_name = verbose_name_plural = "延期申请"
        ordering = ["-requested_at"]
        constraints = [
            # one open request per task at a time
            models.UniqueConstraint(fields=["task"], condition=Q(decision="pending"), name="extension_one_pending"),
        ]


class CompletionApplication(DecidedRequest):
    """申请办结: staff apply with evidence; a supervisor closes (销号) or returns it."""

    task = models.ForeignKey(Task, verbose_name="任务", on_delete=models.CASCADE, related_name="completions")
    note = models.TextField("办结说明")
    applied_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="申请人", on_delete=models.PROTECT,
                                   related_name="+")
    applied_at = models.DateTimeField("申请时间", auto_now_add=True)

    noun, verb, reject_verb = "办结申请", "审核", "退回"

    class Meta:
        verbose_name = verbose_name_plural = "办结申请"
        ordering = ["-applied_at"]
        constraints = [
            models.UniqueConstraint(fields=["task"], condition=Q(decision="pending"), name="completion_one_pending"),
        ]


class TargetReading(models.Model):
    """An actual value reported for a target in one period, by the unit's report that carried it.
    It lives beside the report that owns it; targets (indicators, a layer below) never import tasks."""

    target = models.ForeignKey(Target, verbose_name="指标", on_delete=models.CASCADE, related_name="readings")
    report = models.ForeignKey(ProgressReport, verbose_name="进展报告", on_delete=models.CASCADE,
                               related_name="readings")
    period = models.DateField("周期")
    value = models.DecimalField("实际值", max_digits=20, decimal_places=4)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="填报人", on_delete=models.PROTECT,
                                    related_name="+")
    recorded_at = models.DateTimeField("填报时间", auto_now_add=True)

    class Meta:
        db_table = "indicators_targetreading"  # the table of the app it came from: moved without copying rows
        verbose_name = verbose_name_plural = "指标实际值"
        # on the key column: naming the relation would order by ITS ordering, joining up to the plan
        ordering = ["target_id", "-period", "-recorded_at"]
        constraints = [models.UniqueConstraint(fields=["target", "report"], name="reading_unique_per_report")]
        indexes = [models.Index(fields=["target", "period"], name="reading_target_period")]

    @property
    def met(self) -> bool | None:
        return self.target.is_met_by(self.value)

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        refresh_latest_reading(Target.objects.filter(pk=self.target_id))


def refresh_latest_reading(targets: models.QuerySet) -> int:
    """Set Target.latest_value and latest_period of `targets` from their newest reading (one UPDATE)."""
    newest = TargetReading.objects.filter(target_id=models.OuterRef("pk")).order_by("-period", "-recorded_at", "-id")
    return targets.update(latest_value=models.Subquery(newest.values("value")[:1]),
                          latest_period=models.Subquery(newest.values("period")[:1]))


@receiver(post_delete, sender=TargetReading)
def _reading_deleted(sender, instance: TargetReading, **kwargs) -> None:
    # A reading goes with its report (a task removed by a plan revision) or its target: the target's
    # latest reading may now be an older one.
    refresh_latest_reading(Target.objects.filter(pk=instance.target_id))
