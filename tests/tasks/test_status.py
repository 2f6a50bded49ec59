"""The one status rule (tasks/status.py): the due-soon window comes from the setting, and the
dashboard, the lists, 我的任务, the API and the reminder scan move together when it changes."""
import datetime as dt

import time_machine
from django.test import override_settings

from supervision import outbox
from supervision.choices import ReminderKind
from supervision.models import Reminder
from tasks import status
from tasks.choices import TaskStatus
from tasks.models import Task
from tests.factories import MeasureFactory, TaskFactory
from tests.supervision.helpers import at

NOW = at(2026, 3, 13, 10)  # a Friday; no holiday within the next three weeks


def _task(cast, deadline):
    return TaskFactory(measure=MeasureFactory(plan=cast.plan, deadline=deadline), unit=cast.unit, deadline=deadline)


def test_it_moves_the_dashboard_the_lists_and_the_scan_together_with_the_setting(cast, client):
    monday = _task(cast, dt.date(2026, 3, 16))     # 1 working day left
    friday = _task(cast, dt.date(2026, 3, 20))     # 5 working days left
    next_fri = _task(cast, dt.date(2026, 3, 27))   # 10 working days left
    _task(cast, dt.date(2026, 4, 30))              # far away
    expected = {2: {monday.pk}, 5: {monday.pk, friday.pk}, 10: {monday.pk, friday.pk, next_fri.pk}}
    # increasing windows: the scan's reminders only accumulate, so "reminded" = "due soon now"
    for workdays in (2, 5, 10):
        with override_settings(SUPERVISION_DUE_SOON_WORKDAYS=workdays), time_machine.travel(NOW, tick=False):
            due_soon = expected[workdays]
            # the rule itself, in SQL and in Python
            assert set(Task.objects.filter(status.due_soon_q(NOW.date())).values_list("pk", flat=True)) == due_soon
            assert {t.pk for t in Task.objects.all() if t.get_status(NOW) == TaskStatus.DUE_SOON} == due_soon
            # the dashboard's figure and its drill-down list
            client.force_login(cast.supervisor)
            r = client.get("/dashboard/")
            assert r.context["d"].summary["due_soon"] == len(due_soon)
            assert f"{workdays}个工作日内" in r.content.decode()
            r = client.get("/dashboard/tasks/?status=due_soon")
            assert {t.pk for t in r.context["page"].paginator.object_list} == due_soon
            # the API's list and the status it shows
            rows = client.get("/api/tasks/?status=due_soon").json()["results"]
            assert {row["id"] for row in rows} == due_soon
            assert {row["status"] for row in rows} == {TaskStatus.DUE_SOON}
            # 我的任务 of the unit's clerk: the 即将到期 tab (tasks not owing this period's report)
            client.force_login(cast.staff)
            r = client.get("/tasks/")
            shown = {t.pk: t.status_db for _, _, ts in r.context["groups"] for t in ts}
            assert {pk for pk, s in shown.items() if s == TaskStatus.DUE_SOON} == due_soon
            # the reminder scan
            outbox.scan(now=NOW)
            reminded = set(Reminder.objects.filter(kind=ReminderKind.DEADLINE_APPROACHING)
                           .values_list("task_id", flat=True))
            assert reminded == due_soon
