"""The query vocabulary of tasks: who owes a progress report for which period (the one rule the
dashboard, the lists and the reminder scan share)."""
import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from plans.choices import ReportCycle
from supervision import outbox
from supervision.choices import ReminderKind
from supervision.models import Reminder
from tasks.models import ProgressReport, Task
from tests.factories import MeasureFactory, TaskFactory

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")


def at(y, m, d, h=10):
    return dt.datetime(y, m, d, h, tzinfo=SH)


def _task_created(cast, when, title):
    with time_machine.travel(when, tick=False):
        return TaskFactory(measure=MeasureFactory(plan=cast.plan, title=title, deadline=dt.date(2026, 12, 31)),
                           unit=cast.unit)


def _three_views(client, cast, now):
    """(未报送 on the dashboard, the reported=no list, the tasks the reminder scan counts) at `now`."""
    with time_machine.travel(now, tick=False):
        client.force_login(cast.supervisor)
        d = client.get("/dashboard/").context["d"]
        listed = {t.pk for t in client.get("/dashboard/tasks/?reported=no").context["page"].paginator.object_list}
        outbox.scan(now=now)
    start = dt.date(now.year, now.month, 1)
    reminder = Reminder.objects.filter(kind=ReminderKind.REPORT_MISSING, period=start, recipient=cast.staff).first()
    reminded = int(reminder.text.removeprefix("本单位有").split("项")[0]) if reminder else 0
    return d.summary["required"] - d.summary["submitted"], listed, reminded


def test_it_counts_tasks_created_after_the_due_day_alike_in_the_dashboard_the_list_and_the_reminders(cast, client):
    """Issue 11: tasks created after a period's due day were skipped by the reminders but counted as
    未报送 by the dashboard (386 missing reports, no reminder)."""
    before_due = _task_created(cast, at(2026, 3, 20), "早于截止日创建")   # March report due 3-25
    on_due_day = _task_created(cast, at(2026, 3, 25, 23), "截止日当晚创建")
    after_due = _task_created(cast, at(2026, 3, 26), "晚于截止日创建")
    reported = _task_created(cast, at(2026, 2, 10), "已报送")
    ProgressReport.objects.create(task=reported, period=dt.date(2026, 3, 1), status="in_progress",
                                  done_text="已推进。", submitted_by=cast.staff)
    unreported, listed, reminded = _three_views(client, cast, at(2026, 3, 27))
    assert listed == {before_due.pk, on_due_day.pk}
    assert unreported == reminded == len(listed) == 2
    # April: the late task owes April's report like every other (due 4-25; missing from the 26th)
    unreported, listed, reminded = _three_views(client, cast, at(2026, 4, 27))
    assert listed == {before_due.pk, on_due_day.pk, after_due.pk, reported.pk}
    assert unreported == reminded == 4


def test_it_applies_the_rule_to_quarterly_plans_by_the_quarters_due_day(cast):
    from tasks.status import owes_report_q

    cast.plan.report_cycle = ReportCycle.QUARTERLY
    cast.plan.save(update_fields=["report_cycle"])
    # Q1 report due 3-25: a task created in February owes it, one created on 3-26 owes Q2's first
    feb = _task_created(cast, at(2026, 2, 10), "二月创建")
    late = _task_created(cast, at(2026, 3, 26), "三月下旬创建")
    q1 = set(Task.objects.filter(owes_report_q(dt.date(2026, 1, 1), ReportCycle.QUARTERLY)).values_list("pk", flat=True))
    q2 = set(Task.objects.filter(owes_report_q(dt.date(2026, 4, 1), ReportCycle.QUARTERLY)).values_list("pk", flat=True))
    assert q1 == {feb.pk} and q2 == {feb.pk, late.pk}
    assert not Task.objects.filter(owes_report_q(dt.date(2026, 1, 1), ReportCycle.MONTHLY)).exists()
