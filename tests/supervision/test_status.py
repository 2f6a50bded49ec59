"""Status from facts and a frozen clock, on the official calendar with 调休."""
import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from plans.models import Plan
from supervision import outbox
from supervision.choices import ReminderKind
from supervision.models import Reminder
from tasks.choices import Light, TaskStatus
from tasks.models import Task
from tests.factories import MeasureFactory, TaskFactory

from .helpers import at


def _task(cast, deadline, **kw):
    return TaskFactory(measure=MeasureFactory(plan=cast.plan, deadline=deadline), unit=cast.unit, deadline=deadline,
                       **kw)


def _sql_status(task, now):
    return Task.objects.with_status(now=now).values_list("status_db", flat=True).get(pk=task.pk)


def test_it_is_on_time_until_2359_and_overdue_at_0001_shanghai(cast):
    task = _task(cast, dt.date(2026, 3, 31))
    with time_machine.travel(at(2026, 3, 31, 23, 59), tick=False):
        assert task.get_status(timezone.now()) == TaskStatus.DUE_SOON
        assert task.get_light(timezone.now()) == Light.YELLOW
        assert _sql_status(task, timezone.now()) == TaskStatus.DUE_SOON
    # 2026-03-31 16:01 UTC is already 4月1日 00:01 in Shanghai
    with time_machine.travel(dt.datetime(2026, 3, 31, 16, 1, tzinfo=dt.UTC), tick=False):
        assert task.get_status(timezone.now()) == TaskStatus.OVERDUE
        assert task.get_light(timezone.now()) == Light.RED
        assert _sql_status(task, timezone.now()) == TaskStatus.OVERDUE
        assert Task.objects.status_in(["overdue"], now=timezone.now()).filter(pk=task.pk).exists()


def test_it_counts_the_spring_festival_makeup_saturday_as_a_working_day(cast):
    # 2026 春节: 2月15日–23日 off, Saturdays 2月14日 and 2月28日 are working days (调休).
    task = _task(cast, dt.date(2026, 2, 27))
    with time_machine.travel(at(2026, 2, 12, 9), tick=False):
        # (2-12, 2-27] holds 2-13, 2-14(Sat), 2-24…2-27: 6 working days > 5
        assert task.get_status(timezone.now()) == TaskStatus.NOT_STARTED
        assert _sql_status(task, timezone.now()) == TaskStatus.NOT_STARTED
    with time_machine.travel(at(2026, 2, 13, 9), tick=False):
        # 5 working days left: due soon, although 14 calendar days remain
        assert task.get_status(timezone.now()) == TaskStatus.DUE_SOON
        assert _sql_status(task, timezone.now()) == TaskStatus.DUE_SOON
    outbox.scan(now=at(2026, 2, 12, 9))
    assert not Reminder.objects.filter(task=task, kind=ReminderKind.DEADLINE_APPROACHING).exists()
    outbox.scan(now=at(2026, 2, 13, 9))
    assert Reminder.objects.filter(task=task, kind=ReminderKind.DEADLINE_APPROACHING).exists()


def test_it_counts_overdue_working_days_across_national_day(cast):
    # 2026 国庆: 10月1日–7日 off; Saturday 10月10日 is a make-up working day (调休).
    assert outbox.nth_workday_back(dt.date(2026, 10, 7), 1) == dt.date(2026, 9, 30)
    assert outbox.nth_workday_back(dt.date(2026, 10, 10), 3) == dt.date(2026, 10, 8)
    task = _task(cast, dt.date(2026, 9, 30))
    outbox.scan(now=at(2026, 10, 7, 23, 59))  # overdue, but 0 working days overdue: no reminder yet
    assert task.get_status(at(2026, 10, 7, 23, 59)) == TaskStatus.OVERDUE
    assert not Reminder.objects.filter(task=task, kind=ReminderKind.OVERDUE).exists()
    outbox.scan(now=at(2026, 10, 8, 0, 1))  # first working day after the holiday: 1
    assert Reminder.objects.filter(task=task, kind=ReminderKind.OVERDUE, recipient=cast.staff).exists()
    outbox.scan(now=at(2026, 10, 9, 9))  # 2
    assert not Reminder.objects.filter(task=task, kind=ReminderKind.URGED).exists()
    outbox.scan(now=at(2026, 10, 10, 9))  # the make-up Saturday is the 3rd → 催办 to the unit head
    assert Reminder.objects.filter(task=task, kind=ReminderKind.URGED, recipient=cast.head).exists()


def test_it_never_makes_an_ongoing_item_overdue_but_still_wants_its_reports(cast):
    Plan.objects.filter(pk=cast.plan.pk).update(report_day=25)
    with time_machine.travel(at(2026, 1, 5), tick=False):
        task = _task(cast, None, ongoing=True)
    for now in (at(2026, 3, 1), at(2026, 12, 31, 23, 59), at(2027, 6, 1)):
        assert task.get_status(now) == TaskStatus.NOT_STARTED
        assert task.get_light(now) == Light.GREEN
        assert _sql_status(task, now) == TaskStatus.NOT_STARTED
    outbox.scan(now=at(2026, 3, 26, 9))
    kinds = set(Reminder.objects.filter(recipient=cast.staff).values_list("kind", "period"))
    assert kinds == {(ReminderKind.REPORT_MISSING, dt.date(2026, 3, 1)),
                     (ReminderKind.REPORT_MISSING, dt.date(2026, 2, 1))}
    assert not Reminder.objects.filter(kind=ReminderKind.OVERDUE).exists()


@pytest.mark.parametrize("status_at,expected", [
    ((2026, 5, 1), TaskStatus.EXTENDED), ((2026, 7, 1), TaskStatus.OVERDUE)])
def test_it_measures_an_extended_task_against_the_granted_deadline(cast, status_at, expected):
    task = _task(cast, dt.date(2026, 3, 31), granted_deadline=dt.date(2026, 6, 30))
    assert task.get_status(at(*status_at)) == expected == _sql_status(task, at(*status_at))


def test_it_agrees_on_due_soon_between_queryset_and_get_status(db):
    """A deadline on the weekend right after the 5th working day is due soon in both places."""
    import datetime as dt
    from zoneinfo import ZoneInfo

    from tasks.choices import TaskStatus
    from tasks.models import Task
    from tests.factories import TaskFactory

    now = dt.datetime(2026, 3, 13, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))  # a Friday
    tasks = [TaskFactory(deadline=dt.date(2026, 3, 13) + dt.timedelta(days=d)) for d in range(0, 12)]
    in_qs = set(Task.objects.status_in([TaskStatus.DUE_SOON], now=now).values_list("pk", flat=True))
    by_status = {t.pk for t in tasks if t.get_status(now) == TaskStatus.DUE_SOON}
    assert in_qs == by_status and len(by_status) >= 7
