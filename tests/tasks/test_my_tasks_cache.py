"""我的任务 kept rendered under the unit's stamp (tasks.models.UnitTasksStamp, issue 16): the triggers
are in the database on both back ends and each watched change moves its own unit's stamp only; a
second visit reads the kept page (fewer queries, same HTML); and every change a clerk could see —
a colleague's report, a renamed measure, plan or unit, a moved deadline, a new task, another day —
shows on the next visit."""
import datetime as dt
import importlib

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from plans.models import Measure, Plan, Unit
from tasks.models import Task, UnitTasksStamp
from tasks.services import task_report_submit
from tests.caches import clear_caches
from tests.factories import MeasureFactory, TaskFactory

from .conftest import age, report_data

pytestmark = pytest.mark.django_db

STAMP_MIGRATION = importlib.import_module("tasks.migrations.0013_unit_tasks_stamp")


@pytest.fixture
def staff_client(client, cast):
    client.force_login(cast.staff)
    return client


def stamps() -> dict[int, int]:
    return dict(UnitTasksStamp.objects.values_list("unit_id", "version"))


def moved(change) -> set[int]:
    before = stamps()
    change()
    return {u for u, v in stamps().items() if v != before.get(u)}


def test_the_unit_stamp_triggers_exist_and_fire_on_each_watched_change(cast, work):
    expected = {STAMP_MIGRATION._name(table, event) for table, *_, events in STAMP_MIGRATION.WATCHED for event in events}
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        present = {name for (name,) in cursor.fetchall()}
    assert expected <= present, expected - present
    assert len(expected) == 6

    mine, other = cast.unit.pk, cast.other_unit.pk
    task = work.task
    changes = {
        "task insert": (lambda: TaskFactory(measure=MeasureFactory(plan=cast.plan), unit=cast.unit), {mine}),
        "task update": (lambda: Task.objects.filter(pk=task.pk).update(deadline=dt.date(2026, 9, 1)), {mine}),
        "report filed": (lambda: task_report_submit(task=task, period=work.period, actor=cast.staff,
                                                    data=report_data(), expected_version=0), {mine}),
        "unit update": (lambda: Unit.objects.filter(pk=mine).update(name="区数据局"), {mine}),
        # the measure and the plan are shared by both units' tasks
        "measure update": (lambda: Measure.objects.filter(pk=work.measure.pk).update(title="改过的措施"), {mine, other}),
        "plan update": (lambda: Plan.objects.filter(pk=cast.plan.pk).update(title="改过的方案"), {mine, other}),
        "bulk task update": (lambda: Task.objects.filter(unit=cast.other_unit).update(granted_deadline=dt.date(2026, 10, 1)),
                             {other}),
        "task delete": (lambda: Task.objects.filter(pk=work.co_task.pk).delete(), {other}),
    }
    for name, (change, units) in changes.items():
        assert moved(change) == units, name


def _get(client, query: str = ""):
    """The page's <main> (the header's logout form carries a fresh CSRF mask each time) and the
    number of queries it took."""
    with CaptureQueriesContext(connection) as ctx:
        resp = client.get(reverse("tasks:mine") + query)
    assert resp.status_code == 200
    return resp.content.decode().split("<main", 1)[1], len(ctx)


def test_it_serves_the_kept_page_until_the_units_data_changes(staff_client, cast, work):
    other_staff_task = work.co_task
    staff_client.get(reverse("tasks:mine"))  # the session's first request records its start
    clear_caches()
    first, n_first = _get(staff_client)
    second, n_second = _get(staff_client)
    assert second == first and n_second < n_first, (n_first, n_second)
    assert '本期待报送 <span class="badge red">1</span>' in first

    def after(change, expect: str | None = None, gone: str | None = None):
        change()
        html, _ = _get(staff_client)
        if expect:
            assert expect in html, expect
        if gone:
            assert gone not in html, gone
        return html

    # a colleague files the period's report: the task leaves 本期待报送 (its 填报本期 button goes)
    after(lambda: task_report_submit(task=work.task, period=work.period, actor=cast.head, data=report_data(),
                                     expected_version=0), expect='本期待报送 <span class="badge">0</span>')
    after(lambda: Measure.objects.filter(pk=work.measure.pk).update(title="改名后的措施"), expect="改名后的措施")
    after(lambda: Plan.objects.filter(pk=cast.plan.pk).update(title="改名后的方案"), expect="改名后的方案")
    after(lambda: Unit.objects.filter(pk=cast.unit.pk).update(name="区数据和政务服务局"), expect="区数据和政务服务局")
    after(lambda: Task.objects.filter(pk=work.task.pk).update(deadline=dt.date(2031, 6, 30)), expect="2031年6月30日")
    new = TaskFactory(measure=MeasureFactory(plan=cast.plan, title="新增的措施"), unit=cast.unit)
    age(new)
    after(lambda: None, expect="新增的措施")
    # another unit's change does not move this unit's page (it is read from the cache again)
    kept, _ = _get(staff_client)
    Task.objects.filter(pk=other_staff_task.pk).update(deadline=dt.date(2032, 1, 31))
    again, n = _get(staff_client)
    assert again == kept and n < n_first


def test_it_renders_the_page_again_on_another_day_and_per_query(staff_client, cast, work):
    """Nothing in the tables changes overnight, yet a task's group does: the day is in the key."""
    Task.objects.filter(pk=work.task.pk).update(deadline=timezone.localdate() + dt.timedelta(days=40))
    task_report_submit(task=work.task, period=work.period, actor=cast.staff, data=report_data(), expected_version=0)
    staff_client.get(reverse("tasks:mine"))
    today, _ = _get(staff_client)
    assert '推进中 <span class="badge">1</span>' in today
    with time_machine.travel(timezone.now() + dt.timedelta(days=60), tick=False):
        staff_client.force_login(cast.staff)  # the session has long timed out
        later, _ = _get(staff_client)
    assert '推进中 <span class="badge">0</span>' in later and '本期待报送 <span class="badge red">1</span>' in later
    # a filter is a page of its own
    filtered, _ = _get(staff_client, "?q=不存在的措施")
    assert "没有符合条件的任务" in filtered and "没有符合条件的任务" not in today
