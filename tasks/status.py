"""The one status rule: what "open", "due soon", "overdue", "reported for the current period" and a
task's status mean, in SQL (Q objects over the stored columns of the task row) and in Python
(get_status). The dashboard, the lists and their filters, the exports, the reminder scan, 我的任务,
the task page and the API all read these; nothing else computes a window or a deadline.

Status is computed from stored facts and `now` (Asia/Shanghai, the official working-day calendar):
- the effective deadline is the granted one after an approved extension, else the plan's
  (`EFFECTIVE_DEADLINE`, stored by the database as Task.eff_deadline; `effective_deadline(task)`);
- overdue: open and the effective deadline's day has passed (a deadline day is on time until 23:59:59);
- due soon: open and at most SUPERVISION_DUE_SOON_WORKDAYS working days left, i.e. the deadline
  falls before the (N+1)-th working day after today (`horizon`): a weekend right after the N-th
  working day is still "due soon".
"""
from __future__ import annotations

import calendar
import datetime as dt
import functools
import operator

from django.conf import settings
from django.db import models
from django.db.models import Case, Exists, OuterRef, Q, Value, When
from django.db.models.functions import Coalesce

from plans.choices import PlanStatus, ReportCycle

from .choices import Light, ReportStatus, TaskStatus
from .periods import period_start
from .workdays import SHANGHAI, add_workdays, local_date

# --- the effective deadline --------------------------------------------------------------------
# The expression of the stored generated column Task.eff_deadline (every SQL rule compares that
# column); effective_deadline() is the same rule on a task in memory.
EFFECTIVE_DEADLINE = Coalesce("granted_deadline", "deadline")


def effective_deadline(task) -> dt.date | None:
    return task.granted_deadline or task.deadline


# --- states of a task row --------------------------------------------------------------------------
# A task withdrawn by a revision of its plan (Task.withdrawn_at, 已撤销) is neither open nor closed:
# it owes nothing, is never overdue and is left out of 应完成 and 按期完成.
LIVE = Q(withdrawn_at__isnull=True)
# Open: live, not closed and not awaiting close-out review: the tasks that can be due soon or
# overdue and that the reminders chase.
OPEN = LIVE & Q(closed_at__isnull=True, completion_applied_at__isnull=True)
CLOSED = LIVE & Q(closed_at__isnull=False)
PENDING_REVIEW = LIVE & Q(closed_at__isnull=True, completion_applied_at__isnull=False)
# A newest report with one of these statuses makes an open task 推进中.
STARTED = [ReportStatus.IN_PROGRESS, ReportStatus.DONE, ReportStatus.DIFFICULT]


def due_soon_workdays() -> int:
    """The due-soon window in working days (setting SUPERVISION_DUE_SOON_WORKDAYS)."""
    return settings.SUPERVISION_DUE_SOON_WORKDAYS


def horizon(today: dt.date) -> dt.date:
    """The first day that is no longer due soon: an open task whose effective deadline falls in
    [today, horizon) is due soon."""
    return add_workdays(today, due_soon_workdays() + 1)


def open_q() -> Q:
    return OPEN


def overdue_q(today: dt.date) -> Q:
    return OPEN & Q(eff_deadline__lt=today)


def due_soon_q(today: dt.date) -> Q:
    return OPEN & Q(eff_deadline__gte=today, eff_deadline__lt=horizon(today))


def not_due_yet_q(today: dt.date) -> Q:
    """Open and neither overdue nor due soon: no deadline, or one beyond the horizon."""
    return OPEN & (Q(eff_deadline__isnull=True) | Q(eff_deadline__gte=horizon(today)))


def status_q(status: str, today: dt.date) -> Q:
    """Tasks whose computed status is `status`, as plain indexed conditions (filtering on the
    status_case() CASE would evaluate it for every row)."""
    later = not_due_yet_q(today)
    conds = {
        TaskStatus.WITHDRAWN: ~LIVE,
        TaskStatus.CLOSED: CLOSED,
        TaskStatus.PENDING_REVIEW: PENDING_REVIEW,
        TaskStatus.OVERDUE: overdue_q(today),
        TaskStatus.DUE_SOON: due_soon_q(today),
        TaskStatus.EXTENDED: later & Q(granted_deadline__isnull=False),
        TaskStatus.IN_PROGRESS: later & Q(granted_deadline__isnull=True, latest_report_status__in=STARTED),
        TaskStatus.NOT_STARTED: later & Q(granted_deadline__isnull=True)
        & (Q(latest_report_status__isnull=True) | ~Q(latest_report_status__in=STARTED)),
    }
    return conds[TaskStatus(status)]


def status_case(today: dt.date) -> Case:
    """The status as a SQL CASE (a TaskStatus value), in get_status's order."""
    limit = horizon(today)
    return Case(
        When(withdrawn_at__isnull=False, then=Value(TaskStatus.WITHDRAWN.value)),
        When(closed_at__isnull=False, then=Value(TaskStatus.CLOSED.value)),
        When(completion_applied_at__isnull=False, then=Value(TaskStatus.PENDING_REVIEW.value)),
        When(eff_deadline__lt=today, then=Value(TaskStatus.OVERDUE.value)),
        When(eff_deadline__lt=limit, then=Value(TaskStatus.DUE_SOON.value)),
        When(granted_deadline__isnull=False, then=Value(TaskStatus.EXTENDED.value)),
        When(latest_report_status__in=STARTED, then=Value(TaskStatus.IN_PROGRESS.value)),
        default=Value(TaskStatus.NOT_STARTED.value),
        output_field=models.CharField(),
    )


def light_case(today: dt.date) -> Case:
    """红/黄/绿 (get_light's rule) as a SQL CASE. On the status's own conditions (status_q), not on an
    annotated status: a CASE that names another annotation repeats that annotation's whole CASE."""
    return Case(
        When(status_q(TaskStatus.OVERDUE, today), then=Value(Light.RED.value)),
        When(status_q(TaskStatus.DUE_SOON, today), then=Value(Light.YELLOW.value)),
        When(latest_report_status=ReportStatus.DIFFICULT.value, then=Value(Light.YELLOW.value)),
        default=Value(Light.GREEN.value),
        output_field=models.CharField(),
    )


def get_status(task, now: dt.datetime, *, latest_report=None) -> str:
    """A task's status from its stored facts and `now`: the same rule as status_case()."""
    if task.withdrawn_at:
        return TaskStatus.WITHDRAWN
    if task.closed_at:
        return TaskStatus.CLOSED
    if task.completion_applied_at:
        return TaskStatus.PENDING_REVIEW
    today = local_date(now)
    deadline = effective_deadline(task)
    if deadline is not None and deadline < today:
        return TaskStatus.OVERDUE
    if deadline is not None and deadline < horizon(today):
        return TaskStatus.DUE_SOON
    if task.granted_deadline:
        return TaskStatus.EXTENDED
    if latest_report is not None and latest_report.status != ReportStatus.NOT_STARTED:
        return TaskStatus.IN_PROGRESS
    return TaskStatus.NOT_STARTED


def get_light(task, now: dt.datetime, *, latest_report=None) -> str:
    status = get_status(task, now, latest_report=latest_report)
    if status == TaskStatus.OVERDUE:
        return Light.RED
    if status == TaskStatus.DUE_SOON or (latest_report is not None
                                         and latest_report.status == ReportStatus.DIFFICULT):
        return Light.YELLOW
    return Light.GREEN


# --- Who owes a progress report for which period, and who has reported -------------------------
# A period is named by its first day (tasks/periods.py); its report is due on the plan's report_day
# of the period's last month. A task owes the report of period P when it is open (not closed, not
# awaiting close-out review), its plan is published and has P's cycle, and it existed by P's due
# day (Shanghai): a task created after the due day owes reports from the next period on, so it is
# neither reminded of nor counted as 未报送 for a period it could not have reported in time.
# The dashboard's 本期报送率 / 未报送, the lists' `reported=` filter, 我的任务's 本期待报送 and the
# reminder scan (supervision.outbox) all use owes_report_q; tests/tasks/test_querysets.py checks
# they agree.

def owes_report_q(start: dt.date, cycle: str) -> Q:
    """Tasks that owe the report of the period starting `start` in plans of `cycle`."""
    month = start.month + (2 if cycle == ReportCycle.QUARTERLY else 0)
    due_month = dt.date(start.year, month, 1)
    after_due_month = due_month + dt.timedelta(days=calendar.monthrange(due_month.year, due_month.month)[1])

    def at(day: dt.date) -> dt.datetime:
        return dt.datetime.combine(day, dt.time.min, tzinfo=SHANGHAI)

    # created before the due month, or in it on or before the report day (a day of the month is
    # never past the month's last day, so min(report_day, last day) needs no arithmetic in SQL)
    existed_by_due = Q(created_at__lt=at(due_month)) | (
        Q(created_at__lt=at(after_due_month)) & Q(created_at__day__lte=models.F("plan__report_day")))
    return OPEN & Q(plan__status=PlanStatus.PUBLISHED, plan__report_cycle=cycle) & existed_by_due


def owes_current_report_q(today: dt.date) -> Q:
    """Tasks that owe the report of the current period of their plan's cycle (month or quarter)."""
    return functools.reduce(operator.or_, (owes_report_q(period_start(today, c), c) for c in ReportCycle.values))


def has_reported(task, start: dt.date) -> bool:
    """The task has filed the report of the period starting `start` (or a later one): reported_q's
    comparison on a task in memory (the task page's 已报送 / 待报送)."""
    return task.latest_report_period is not None and task.latest_report_period >= start


def filed_report_q(start: dt.date) -> Exists:
    """The task has a report (any version) for the period starting `start`: the reminder scan asks it
    of the current and the previous period. For the current period it agrees with reported_q and
    has_reported, which read the task row instead (reports for periods not yet begun are refused)."""
    from django.apps import apps  # tasks.models imports this module

    report = apps.get_model("tasks", "ProgressReport")
    return Exists(report.objects.filter(task_id=OuterRef("pk"), period=start))


def reported_q(today: dt.date) -> Q:
    """本期已报送: a task that owes the current period's report (owes_current_report_q) and whose
    newest report is for that period or later. Reports for periods not yet begun are refused, so
    this is "has reported for the current period", read from the task row (Task.latest_report_period)."""
    quarterly = Q(plan__report_cycle=ReportCycle.QUARTERLY)
    return owes_current_report_q(today) & (
        (quarterly & Q(latest_report_period__gte=period_start(today, ReportCycle.QUARTERLY)))
        | (~quarterly & Q(latest_report_period__gte=period_start(today))))
