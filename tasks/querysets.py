"""Query vocabulary for tasks and reports; permissions build on plans.querysets.scope_of."""
from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Case, Q, Value, When

from plans.choices import PlanStatus, Role
from plans.models import Measure
from plans.querysets import scope_of

from .workdays import add_workdays, local_date

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


# A task withdrawn by a revision of its plan (Task.withdrawn_at, 已撤销) is neither open nor closed:
# it owes nothing, is never overdue and is left out of 应完成 and 按期完成.
LIVE = Q(withdrawn_at__isnull=True)


def ontime_q() -> Q:
    """Needs the `ontime_deadline` annotation (TaskQuerySet.with_ontime)."""
    return LIVE & Q(closed_at__isnull=False) & (Q(ontime_deadline__isnull=True)
                                                | Q(closed_on__lte=models.F("ontime_deadline")))


def ontime_due_q(today: dt.date) -> Q:
    return LIVE & (Q(closed_at__isnull=False) | Q(ontime_deadline__lt=today))


# --- Who owes a progress report for which period: the one rule ------------------------------------
# A period is named by its first day (tasks/periods.py); its report is due on the plan's report_day
# of the period's last month. A task owes the report of period P when it is open (not closed, not
# awaiting close-out review), its plan is published and has P's cycle, and it existed by P's due
# day (Shanghai): a task created after the due day owes reports from the next period on, so it is
# neither reminded of nor counted as 未报送 for a period it could not have reported in time.
# The dashboard's 本期报送率 / 未报送, the lists' `reported=` filter and the reminder scan
# (supervision.outbox) all use owes_report_q; tests/tasks/test_querysets.py checks they agree.

def owes_report_q(start: dt.date, cycle: str) -> Q:
    """Tasks that owe the report of the period starting `start` in plans of `cycle`."""
    import calendar

    from plans.choices import PlanStatus, ReportCycle

    from .workdays import SHANGHAI

    month = start.month + (2 if cycle == ReportCycle.QUARTERLY else 0)
    due_month = dt.date(start.year, month, 1)
    after_due_month = due_month + dt.timedelta(days=calendar.monthrange(due_month.year, due_month.month)[1])

    def at(day: dt.date) -> dt.datetime:
        return dt.datetime.combine(day, dt.time.min, tzinfo=SHANGHAI)

    # created before the due month, or in it on or before the report day (a day of the month is
    # never past the month's last day, so min(report_day, last day) needs no arithmetic in SQL)
    existed_by_due = Q(created_at__lt=at(due_month)) | (
        Q(created_at__lt=at(after_due_month)) & Q(created_at__day__lte=models.F("plan__report_day")))
    return (LIVE & Q(closed_at__isnull=True, completion_applied_at__isnull=True, plan__status=PlanStatus.PUBLISHED,
                     plan__report_cycle=cycle) & existed_by_due)


def owes_current_report_q(today: dt.date) -> Q:
    """Tasks that owe the report of the current period of their plan's cycle (month or quarter)."""
    from plans.choices import ReportCycle

    from .periods import period_start

    import functools
    import operator

    return functools.reduce(operator.or_, (owes_report_q(period_start(today, c), c) for c in ReportCycle.values))


def reported_q(today: dt.date) -> Q:
    """本期已报送: a task that owes the current period's report (owes_current_report_q) and whose
    newest report is for that period or later. Reports for periods not yet begun are refused, so
    this is "has reported for the current period", read from the task row (Task.latest_report_period)."""
    from plans.choices import ReportCycle

    from .periods import period_start

    quarterly = Q(plan__report_cycle=ReportCycle.QUARTERLY)
    return owes_current_report_q(today) & (
        (quarterly & Q(latest_report_period__gte=period_start(today, ReportCycle.QUARTERLY)))
        | (~quarterly & Q(latest_report_period__gte=period_start(today))))


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
        scope = scope_of(user)
        if scope.is_admin:
            return self
        if scope.is_supervisor:
            return self.filter(plan__region_id__in=scope.region_ids)
        if scope.role is None:
            return self.none()
        return self.filter(unit_id=scope.unit_id, plan__status=PlanStatus.PUBLISHED)

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

    def overdue(self, *, now: dt.datetime) -> TaskQuerySet:
        """Open, not awaiting review, and past the (possibly extended) deadline's day in Shanghai."""
        today = local_date(now)
        return (self.open().filter(completion_applied_at__isnull=True)
                .filter(Q(granted_deadline__lt=today) | Q(granted_deadline__isnull=True, deadline__lt=today)))

    def due_soon(self, *, now: dt.datetime, workdays: int = 5) -> TaskQuerySet:
        # Same rule as Task.get_status: at most `workdays` working days left, i.e. the deadline
        # falls before the (workdays+1)-th working day (a weekend right after the 5th counts).
        today = local_date(now)
        before = add_workdays(today, workdays + 1)
        return (self.open().filter(completion_applied_at__isnull=True)
                .filter(Q(granted_deadline__gte=today, granted_deadline__lt=before)
                        | Q(granted_deadline__isnull=True, deadline__gte=today, deadline__lt=before)))

    def with_ontime(self, against: str = "granted") -> TaskQuerySet:
        return self.annotate(ontime_deadline=ontime_deadline(against))

    def on_time_stats(self, *, today: dt.date, against: str = "granted") -> dict:
        """{"due", "on_time", "rate"} by the definition above."""
        from django.db.models import Count

        agg = self.with_ontime(against).aggregate(due=Count("pk", filter=ontime_due_q(today)),
                                                  on_time=Count("pk", filter=ontime_q()))
        agg["rate"] = round(agg["on_time"] / agg["due"], 4) if agg["due"] else None
        return agg

    def for_list(self) -> TaskQuerySet:
        return self.select_related("measure", "measure__plan", "unit")

    # --- status in SQL (dashboards, lists, exports) -------------------------------------------
    # Mirrors Task.get_status(now) / get_light(now) so that aggregates can be computed in the
    # database; tests/supervision/test_dashboard.py checks the two agree task by task.

    def with_status(self, *, now: dt.datetime, due_soon_workdays: int = 5) -> TaskQuerySet:
        """Annotate `status_db` (a TaskStatus value) and `light_db` (a Light value)."""
        from .choices import Light, ReportStatus, TaskStatus

        today = local_date(now)
        # get_status says due soon when workdays in (today, deadline] <= N, i.e. deadline before
        # the (N+1)-th working day: a Saturday after the N-th working day is still "due soon".
        horizon = add_workdays(today, due_soon_workdays + 1)
        overdue = Q(eff_deadline__lt=today)
        due_soon = Q(eff_deadline__gte=today, eff_deadline__lt=horizon)
        started = [ReportStatus.IN_PROGRESS, ReportStatus.DONE, ReportStatus.DIFFICULT]
        status = Case(
            When(withdrawn_at__isnull=False, then=Value(TaskStatus.WITHDRAWN.value)),
            When(closed_at__isnull=False, then=Value(TaskStatus.CLOSED.value)),
            When(completion_applied_at__isnull=False, then=Value(TaskStatus.PENDING_REVIEW.value)),
            When(overdue, then=Value(TaskStatus.OVERDUE.value)),
            When(due_soon, then=Value(TaskStatus.DUE_SOON.value)),
            When(granted_deadline__isnull=False, then=Value(TaskStatus.EXTENDED.value)),
            When(latest_report_status__in=started, then=Value(TaskStatus.IN_PROGRESS.value)),
            default=Value(TaskStatus.NOT_STARTED.value),
            output_field=models.CharField(),
        )
        light = Case(
            When(status_db=TaskStatus.OVERDUE.value, then=Value(Light.RED.value)),
            When(status_db=TaskStatus.DUE_SOON.value, then=Value(Light.YELLOW.value)),
            When(latest_report_status=ReportStatus.DIFFICULT.value, then=Value(Light.YELLOW.value)),
            default=Value(Light.GREEN.value),
            output_field=models.CharField(),
        )
        return self.annotate(status_db=status).annotate(light_db=light)

    def status_in(self, statuses, *, now: dt.datetime, due_soon_workdays: int = 5) -> TaskQuerySet:
        """Tasks whose computed status is one of `statuses`, as plain indexed conditions (filtering on
        the status_db CASE would evaluate it for every row)."""
        from .choices import ReportStatus, TaskStatus

        today = local_date(now)
        horizon = add_workdays(today, due_soon_workdays + 1)
        open_ = LIVE & Q(closed_at__isnull=True, completion_applied_at__isnull=True)
        overdue = Q(granted_deadline__lt=today) | Q(granted_deadline__isnull=True, deadline__lt=today)
        due_soon = (Q(granted_deadline__gte=today, granted_deadline__lt=horizon)
                    | Q(granted_deadline__isnull=True, deadline__gte=today, deadline__lt=horizon))
        later = open_ & ~overdue & ~due_soon
        started = [ReportStatus.IN_PROGRESS, ReportStatus.DONE, ReportStatus.DIFFICULT]
        conds = {
            TaskStatus.WITHDRAWN: ~LIVE,
            TaskStatus.CLOSED: LIVE & Q(closed_at__isnull=False),
            TaskStatus.PENDING_REVIEW: LIVE & Q(closed_at__isnull=True, completion_applied_at__isnull=False),
            TaskStatus.OVERDUE: open_ & overdue,
            TaskStatus.DUE_SOON: open_ & due_soon,
            TaskStatus.EXTENDED: later & Q(granted_deadline__isnull=False),
            TaskStatus.IN_PROGRESS: later & Q(granted_deadline__isnull=True, latest_report_status__in=started),
            TaskStatus.NOT_STARTED: later & Q(granted_deadline__isnull=True)
            & (Q(latest_report_status__isnull=True) | ~Q(latest_report_status__in=started)),
        }
        cond = Q()
        for s in statuses:
            cond |= conds[TaskStatus(s)]
        return self.filter(cond) if statuses else self


class ProgressReportQuerySet(models.QuerySet):
    def update(self, **kwargs):
        # Append-only (see ProgressReport.save): no bulk update path either.
        from .models import ReportImmutableError

        raise ReportImmutableError("进展报告提交后不能修改，更正请提交新版本。")

    def visible_to(self, user) -> ProgressReportQuerySet:
        from .models import Task

        scope = scope_of(user)
        if scope.is_admin:
            return self
        if scope.role is None:
            return self.none()
        if scope.is_supervisor:
            return self.filter(task__plan__region_id__in=scope.region_ids)
        # Staff see their own unit's reports, and the reports of the other units on measures
        # their unit leads or shares (the task page shows co-units' latest reports).
        measures = Task.objects.filter(unit_id=scope.unit_id).values("measure_id")
        return self.filter(task__measure_id__in=measures, task__plan__status=PlanStatus.PUBLISHED)

    def latest_versions(self) -> ProgressReportQuerySet:
        """Only the newest version of each (task, period)."""
        newer = self.model.objects.filter(task_id=models.OuterRef("task_id"), period=models.OuterRef("period"),
                                          version__gt=models.OuterRef("version"))
        return self.filter(~models.Exists(newer))
