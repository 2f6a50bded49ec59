"""Query vocabulary for tasks and reports; permissions build on plans.querysets.scope_of."""
from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Count, Q

from plans.choices import PlanStatus, Role
from plans.models import Measure
from plans.querysets import by_scope, scope_of

from .status import LIVE, light_case, status_case, status_q
from .workdays import local_date

# Status (open, due soon, overdue, reported, who owes a report) is the one rule of tasks/status.py.

# --- 按期完成率 (on-time completion rate): the one definition -----------------------------------
# 应完成 (due): closed, or open past its deadline day. 按期完成 (on time): closed on or before the
# deadline day in Shanghai; a closed item without a deadline (长期坚持) counts as on time. The rate
# is on time / due, so an overdue open task counts against it from the day after its deadline.
# `against` picks the deadline: "granted" (after approved extensions, the default) or "original"
# (the plan's). Dashboard, drill-down lists, 通报 and the API all use these three functions.
ONTIME_AGAINST = {"granted": "按延期后时限", "original": "按原定时限"}


def ontime_against(value) -> str:
    """A request's `against` parameter, defaulting to "granted" when absent or unknown."""
    return value if value in ONTIME_AGAINST else "granted"


def ontime_deadline(against: str = "granted"):
    if against not in ONTIME_AGAINST:
        raise ValueError(against)
    return models.F("eff_deadline") if against == "granted" else models.F("deadline")


def ontime_q() -> Q:
    """Needs the `ontime_deadline` annotation (TaskQuerySet.with_ontime)."""
    return LIVE & Q(closed_at__isnull=False) & (Q(ontime_deadline__isnull=True)
                                                | Q(closed_on__lte=models.F("ontime_deadline")))


def ontime_due_q(today: dt.date) -> Q:
    return LIVE & (Q(closed_at__isnull=False) | Q(ontime_deadline__lt=today))


class LocalDate(models.Func):
    """The Shanghai calendar day of a timestamp, in SQL a stored generated column may hold
    (Task.closed_on). PostgreSQL converts with the zone (an immutable function); SQLite, which stores
    UTC text, adds the fixed eight hours (China has kept UTC+8 without daylight saving since 1991)."""

    arity = 1
    output_field = models.DateField()
    template = "((%(expressions)s AT TIME ZONE 'Asia/Shanghai')::date)"

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template="date(%(expressions)s, '+8 hours')", **extra)


class MonthStart(models.Func):
    """The first day of a date's month, as a date (no time-zone arithmetic, unlike TruncMonth over
    a date on PostgreSQL, which casts it to a timestamp with time zone first)."""

    arity = 1
    output_field = models.DateField()
    template = "(DATE_TRUNC('month', %(expressions)s::timestamp)::date)"

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template="date(%(expressions)s, 'start of month')", **extra)


def _measure_is_loaded(task) -> bool:
    """The task holds its Measure object (not only measure_id)."""
    return task._meta.get_field("measure").is_cached(task)


class TaskQuerySet(models.QuerySet):
    def bulk_create(self, objs, *args, **kwargs):
        # Task.plan is the measure's plan (Task.save fills it); bulk loads skip save(). One query for
        # the measures given by id only.
        objs = list(objs)
        missing = [t for t in objs if t.plan_id is None and t.measure_id is not None]
        by_id = [t.measure_id for t in missing if not _measure_is_loaded(t)]
        plans = dict(Measure.objects.filter(id__in=by_id).values_list("id", "plan_id")) if by_id else {}
        for task in missing:
            task.plan_id = task.measure.plan_id if _measure_is_loaded(task) else plans[task.measure_id]
        return super().bulk_create(objs, *args, **kwargs)

    def visible_to(self, user) -> TaskQuerySet:
        return by_scope(self, user, region_field="plan__region_id",
                        member=lambda scope: Q(unit_id=scope.unit_id, plan__status=PlanStatus.PUBLISHED))

    def editable_by(self, user) -> TaskQuerySet:
        """Tasks the user may report on: their own unit's (staff, unit head); admins everything."""
        scope = scope_of(user)
        if scope.is_admin:
            return self
        if scope.role in (Role.STAFF, Role.UNIT_HEAD):
            return self.filter(unit_id=scope.unit_id, plan__status=PlanStatus.PUBLISHED)
        return self.none()

    def live(self) -> TaskQuerySet:
        """Not withdrawn by a revision of the plan: the tasks every figure and list counts."""
        return self.filter(LIVE)

    def open(self) -> TaskQuerySet:
        return self.filter(LIVE, closed_at__isnull=True)

    def with_ontime(self, against: str = "granted") -> TaskQuerySet:
        return self.annotate(ontime_deadline=ontime_deadline(against))

    def on_time_stats(self, *, today: dt.date, against: str = "granted") -> dict:
        """{"due", "on_time", "rate"} by the definition above."""
        agg = self.with_ontime(against).aggregate(due=Count("pk", filter=ontime_due_q(today)),
                                                  on_time=Count("pk", filter=ontime_q()))
        agg["rate"] = round(agg["on_time"] / agg["due"], 4) if agg["due"] else None
        return agg

    def for_list(self) -> TaskQuerySet:
        return self.select_related("measure", "measure__plan", "unit")

    # --- status in SQL (dashboards, lists, exports): the rule of tasks/status.py -------------------
    # tests/supervision/test_dashboard.py checks it agrees with Task.get_status task by task.

    def with_status(self, *, now: dt.datetime) -> TaskQuerySet:
        """Annotate `status_db` (a TaskStatus value) and `light_db` (a Light value)."""
        today = local_date(now)
        return self.annotate(status_db=status_case(today), light_db=light_case(today))

    def status_in(self, statuses, *, now: dt.datetime) -> TaskQuerySet:
        """Tasks whose computed status is one of `statuses` (tasks.status.status_q)."""
        today = local_date(now)
        cond = Q()
        for s in statuses:
            cond |= status_q(s, today)
        return self.filter(cond) if statuses else self


class ReportImmutableError(Exception):
    """A submitted progress report was about to be changed in place."""


class ProgressReportQuerySet(models.QuerySet):
    def update(self, **kwargs):
        # Append-only (see ProgressReport.save): no bulk update path either.
        raise ReportImmutableError("进展报告提交后不能修改，更正请提交新版本。")

    def visible_to(self, user) -> ProgressReportQuerySet:
        Task = self.model._meta.get_field("task").related_model  # models.py imports this module

        def member(scope) -> Q:
            # Staff see their own unit's reports, and the reports of the other units on measures
            # their unit leads or shares (the task page shows co-units' latest reports).
            measures = Task.objects.filter(unit_id=scope.unit_id).values("measure_id")
            return Q(task__measure_id__in=measures, task__plan__status=PlanStatus.PUBLISHED)

        return by_scope(self, user, region_field="task__plan__region_id", member=member)

    def latest_versions(self) -> ProgressReportQuerySet:
        """Only the newest version of each (task, period)."""
        newer = self.model.objects.filter(task_id=models.OuterRef("task_id"), period=models.OuterRef("period"),
                                          version__gt=models.OuterRef("version"))
        return self.filter(~models.Exists(newer))
