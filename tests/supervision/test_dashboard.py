"""The supervisor dashboard: figures for a known world, status in SQL = Task.get_status, drill-downs,
permissions, and a constant number of queries whatever the data size."""
import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from plans.models import Region
from supervision.dashboard import querysets as agg
from tasks.models import Task
from tests.factories import MeasureFactory, PlanFactory, TaskFactory, UnitFactory

from .conftest import NOW

pytestmark = pytest.mark.django_db


def test_it_computes_status_in_sql_exactly_like_get_status(world):
    rows = {t.pk: t for t in Task.objects.with_status(now=NOW)}
    expected = {
        world.t1_unit: "closed", world.t1_other: "overdue", world.t2_unit: "overdue", world.t2_other: "closed",
        world.t3_unit: "due_soon", world.t4_unit: "in_progress", world.t4_other: "not_started",
        world.t5_unit: "extended", world.t6_other: "pending_review", world.t7_unit: "in_progress",
    }
    for task, status in expected.items():
        latest = task.reports.order_by("-period", "-version").first()
        assert task.get_status(NOW, latest_report=latest) == status
        assert rows[task.pk].status_db == status, task
        assert rows[task.pk].light_db == task.get_light(NOW, latest_report=latest), task


def test_it_agrees_with_get_status_around_weekends_and_holidays(cast):
    # 2026-04-30 (Thu) is before the May Day holiday: due soon must skip the holiday like get_status.
    import zoneinfo

    sh = zoneinfo.ZoneInfo("Asia/Shanghai")
    measure = MeasureFactory(plan=cast.plan)
    start = dt.date(2026, 4, 20)
    tasks = [TaskFactory(measure=MeasureFactory(plan=cast.plan), unit=cast.unit, deadline=start + dt.timedelta(days=i))
             for i in range(0, 30)]
    assert measure
    for day in (dt.date(2026, 4, 24), dt.date(2026, 4, 30), dt.date(2026, 5, 2), dt.date(2026, 5, 8)):
        for hour in (0, 23):
            now = dt.datetime(day.year, day.month, day.day, hour, 30, tzinfo=sh)
            sql = dict(Task.objects.filter(pk__in=[t.pk for t in tasks]).with_status(now=now)
                       .values_list("pk", "status_db"))
            for t in tasks:
                assert sql[t.pk] == t.get_status(now), (now, t.deadline)


def test_it_shows_the_figures_of_the_known_world(world, client):
    d = agg.build(Task.objects.visible_to(world.cast.supervisor), now=NOW, plan_id=world.cast.plan.pk)
    assert d.by_status == {"closed": 2, "overdue": 2, "due_soon": 1, "in_progress": 2, "not_started": 1,
                           "extended": 1, "pending_review": 1}
    s = d.summary
    assert (s["total"], s["closed"], s["due"], s["ontime"], s["ontime_rate"]) == (10, 2, 4, 1, 25.0)
    assert (s["overdue"], s["due_soon"], s["required"], s["submitted"], s["report_rate"]) == (2, 1, 7, 2, 28.6)
    units = {u["unit__name"]: u for u in d.units}
    assert units["区数据局"]["overdue"] == 1 and units["区数据局"]["due_soon"] == 1
    assert units["区数据局"]["ontime_rate"] == 50.0 and units["区市场监管局"]["ontime_rate"] == 0.0
    assert d.targets == {"total": 3, "read": 2, "met": 1, "unmet": 1, "none": 1, "rate": 50.0}
    sections = {s["label"]: s for s in d.sections}
    assert sections["一、"]["total"] == 8 and sections["二、"]["total"] == 2
    assert sections["一、"]["closed"] == 2 and sections["一、"]["overdue"] == 2
    trend = {t["month"]: t for t in d.trend}
    assert trend[dt.date(2026, 2, 1)]["due"] == 2 and trend[dt.date(2026, 2, 1)]["ontime"] == 1
    assert trend[dt.date(2026, 3, 1)]["due"] == 2 and trend[dt.date(2026, 3, 1)]["closed"] == 1
    assert trend[dt.date(2026, 2, 1)]["closed"] == 1
    assert d.reporting["due"] == dt.date(2026, 3, 25)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="GROUPING SETS: the PostgreSQL path")
def test_grouping_sets_give_the_same_facts_as_grouping_by_unit_and_plan(world):
    """On PostgreSQL fact_table is one GROUPING SETS statement; it must agree with the portable
    path (grouped by unit and plan, added up in Python) on every unit, plan, total and month."""
    from tasks.workdays import local_date

    tasks = Task.objects.visible_to(world.cast.supervisor)
    today = local_date(NOW)
    for against in ("granted", "original"):
        portable = agg.fact_table(tasks, now=NOW, against=against, portable=True)
        sets = agg.fact_table(tasks, now=NOW, against=against)
        assert sets.total == portable.total and sets.total["total"] == 10
        assert sets.units == portable.units and len(sets.units) == 2
        assert sets.plans == portable.plans
        assert agg.trend_from(sets.months, today=today) == agg.trend_from(portable.months, today=today)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the second connection is used on PostgreSQL only")
@pytest.mark.django_db(transaction=True)
def test_it_computes_attainment_on_a_second_connection_with_the_same_figures(world, monkeypatch, settings):
    """Outside a transaction build() runs target_attainment on another thread's connection, beside
    the fact table; the figures are the same as computed inline."""
    import threading

    threads = []
    inner = agg.target_attainment

    def spy(tasks):
        threads.append(threading.get_ident())
        return inner(tasks)

    monkeypatch.setattr(agg, "target_attainment", spy)
    tasks = Task.objects.visible_to(world.cast.supervisor)
    aside = agg.build(tasks, now=NOW)
    settings.DASHBOARD_PARALLEL = False
    inline = agg.build(tasks, now=NOW)
    assert threads[0] != threading.get_ident() and threads[1] == threading.get_ident()
    assert aside.targets == inline.targets == {"total": 3, "read": 2, "met": 1, "unmet": 1, "none": 1, "rate": 50.0}
    assert aside.summary == inline.summary


def test_it_renders_the_dashboard_with_drill_down_links(world, client):
    client.force_login(world.cast.supervisor)
    r = client.get("/dashboard/")
    assert r.status_code == 200
    body = r.content.decode()
    assert "按期完成率" in body and "25.0%" in body and "vendor/echarts/echarts.min.js" in body
    u = world.cast.unit.pk
    assert f"/dashboard/tasks/?unit={u}&amp;status=overdue" in body
    r = client.get(f"/dashboard/tasks/?unit={u}&status=overdue")
    rows = r.context["rows"]
    assert [t.pk for t in rows] == [world.t2_unit.pk]
    assert "已逾期" in r.content.decode()


@pytest.mark.parametrize("query,expected", [
    ("status=overdue", {"t1_other", "t2_unit"}),
    ("status=overdue&status=due_soon", {"t1_other", "t2_unit", "t3_unit"}),
    ("ontime=yes", {"t1_unit"}),
    ("ontime=no", {"t1_other", "t2_unit", "t2_other"}),
    ("reported=no", {"t1_other", "t2_unit", "t3_unit", "t4_other", "t5_unit"}),  # t6 awaits close-out review
    ("target=unmet", {"t4_unit", "t4_other"}),
    ("deadline_before=2026-03-10&deadline_after=2026-03-01", {"t2_unit", "t2_other", "t5_unit"}),
])
def test_it_filters_the_list_like_the_figures(world, client, query, expected):
    client.force_login(world.cast.supervisor)
    r = client.get(f"/dashboard/tasks/?{query}")
    names = {k for k in expected}
    got = {t.pk for t in r.context["page"].paginator.object_list}
    assert got == {getattr(world, n).pk for n in names}
    # the figures use the same filters: the dashboard for the same query counts the same tasks
    d = client.get(f"/dashboard/?{query}").context["d"]
    assert d.total == len(expected)


def test_it_shares_the_filters_with_the_api(world, client):
    client.force_login(world.cast.supervisor)
    r = client.get("/api/tasks/?status=overdue")
    assert r.status_code == 200
    assert {t["id"] for t in r.json()["results"]} == {world.t1_other.pk, world.t2_unit.pk}


def test_it_sorts_the_list(world, client):
    client.force_login(world.cast.supervisor)
    rows = client.get("/dashboard/tasks/?sort=-deadline").context["rows"]
    # by the deadline the column shows: the granted one where an extension was granted
    deadlines = [t.effective_deadline for t in rows if t.effective_deadline]
    assert deadlines == sorted(deadlines, reverse=True)
    rows = client.get("/dashboard/tasks/?sort=unit").context["rows"]
    assert [t.unit.name for t in rows] == sorted(t.unit.name for t in rows)


def test_it_refuses_staff_and_anonymous(cast, client):
    assert client.get("/dashboard/").status_code == 302
    client.force_login(cast.staff)
    for url in ("/dashboard/", "/dashboard/tasks/", "/dashboard/ledger.xlsx", "/dashboard/bulletin.docx"):
        assert client.get(url).status_code == 404
    client.force_login(cast.admin)
    assert client.get("/dashboard/").status_code == 200


def test_it_only_counts_what_the_supervisor_may_see(world, client):
    elsewhere = Region.objects.create(name="外区", code="888888")
    TaskFactory(measure=MeasureFactory(plan=PlanFactory(region=elsewhere)), unit=UnitFactory(region=elsewhere),
                deadline=dt.date(2020, 1, 1))
    client.force_login(world.cast.supervisor)
    assert client.get("/dashboard/").context["d"].total == 10
    client.force_login(world.cast.admin)
    assert client.get("/dashboard/").context["d"].total == 11


def _grow(cast, n):
    for i in range(n):
        unit = UnitFactory(region=cast.region)
        plan = PlanFactory(region=cast.region)
        m = MeasureFactory(plan=plan, deadline=dt.date(2026, 1, 1) + dt.timedelta(days=9 * i))
        TaskFactory(measure=m, unit=unit)
        TaskFactory(measure=m, unit=cast.unit, closed_at=NOW - dt.timedelta(days=i))


@pytest.mark.parametrize("url", [
    "/dashboard/", "/dashboard/?plan={plan}", "/dashboard/?status=overdue&region={region}",
    "/dashboard/tasks/", "/dashboard/tasks/?status=overdue&sort=status", "/dashboard/tasks/?region={region}",
    "/dashboard/search/?q=企业开办",
])
def test_it_runs_a_constant_number_of_queries(world, client, url, settings):
    settings.DASHBOARD_CACHE_SECONDS = 0  # count the queries that compute the figures
    cast = world.cast
    client.force_login(cast.supervisor)
    url = url.format(plan=cast.plan.pk, region=cast.region.pk)

    def count():
        client.get(url)  # warm caches (jieba, content types)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    small = count()
    _grow(cast, 60)
    assert count() == small


def test_it_caches_figures_until_data_changes(world, client, settings):
    from audit.services import audit
    from tasks.models import ProgressReport

    settings.DASHBOARD_CACHE_SECONDS = 300
    client.force_login(world.cast.supervisor)
    assert client.get("/dashboard/").context["d"].summary["closed"] == 2
    Task.objects.filter(pk=world.t3_unit.pk).update(closed_at=NOW)   # a write that bypasses services
    assert client.get("/dashboard/").context["d"].summary["closed"] == 2
    audit(actor=world.cast.supervisor, action="task_close", obj=world.t3_unit)  # what services write
    assert client.get("/dashboard/").context["d"].summary["closed"] == 3
    ProgressReport.objects.create(task=world.t4_other, period="2026-03-01", status="in_progress",
                                  submitted_by=world.cast.staff)
    assert client.get("/dashboard/").context["d"].summary["submitted"] == 3
    settings.DASHBOARD_CACHE_SECONDS = 0
    Task.objects.filter(pk=world.t4_unit.pk).update(closed_at=NOW)
    assert client.get("/dashboard/").context["d"].summary["closed"] == 4


def test_it_holds_the_newest_figures_for_a_while_when_the_data_keeps_changing(world, client, settings):
    """DASHBOARD_MIN_REFRESH_SECONDS: a clerk's report within the window leaves the figures (and the
    page says how often they are recomputed); after the window, or after the reader's own action,
    they are recomputed. The panels are held alike."""
    import time_machine
    from django.core.files.uploadedfile import SimpleUploadedFile

    from supervision.services import urge_create
    from tasks.services import current_period, task_report_submit

    settings.DASHBOARD_CACHE_SECONDS = 300
    settings.DASHBOARD_MIN_REFRESH_SECONDS = 30
    sup = world.cast.supervisor
    client.force_login(sup)
    first = client.get("/dashboard/").context["d"]
    panels = client.get("/dashboard/panels/", HTTP_X_REQUESTED_WITH="XMLHttpRequest").content
    period = current_period(world.t4_other.plan, now=NOW)
    with time_machine.travel(NOW + dt.timedelta(seconds=10), tick=False):
        task_report_submit(task=world.t4_other, period=period, actor=world.cast.other_staff, expected_version=0,
                           data={"status": "in_progress", "done_text": "推进中", "problems_text": "", "percent": 50,
                                 "actuals": {}})
        held = client.get("/dashboard/")
        assert held.context["d"].summary == first.summary and held.context["d"].computed_at == NOW
        assert "报送集中时每 30 秒更新一次" in held.content.decode()
        assert client.get("/dashboard/panels/", HTTP_X_REQUESTED_WITH="XMLHttpRequest").content == panels
    with time_machine.travel(NOW + dt.timedelta(seconds=31), tick=False):
        fresh = client.get("/dashboard/")
        assert fresh.context["d"].summary["submitted"] == first.summary["submitted"] + 1
        assert "有新的办理或报送时自动更新" in fresh.content.decode()
    with time_machine.travel(NOW + dt.timedelta(seconds=40), tick=False):
        latest = world.t4_unit.reports.filter(period=period.start).order_by("-version").first()
        task_report_submit(task=world.t4_unit, period=period, actor=world.cast.staff,
                           expected_version=latest.version if latest else 0,
                           data={"status": "difficult", "done_text": "遇到困难", "problems_text": "", "percent": 50,
                                 "actuals": {}})
        # held: another person's report
        assert client.get("/dashboard/").context["d"].computed_at == NOW + dt.timedelta(seconds=31)
        urge_create(actor=sup, task=world.t2_unit, message="请尽快办理")  # the reader's own action
        assert client.get("/dashboard/").context["d"].computed_at == NOW + dt.timedelta(seconds=40)


def test_it_filters_by_status_exactly_like_the_status_annotation(world):
    from tasks.choices import TaskStatus

    annotated = dict(Task.objects.with_status(now=NOW).values_list("pk", "status_db"))
    for status in TaskStatus.values:
        got = set(Task.objects.status_in([status], now=NOW).values_list("pk", flat=True))
        assert got == {pk for pk, s in annotated.items() if s == status}, status
    assert Task.objects.status_in([], now=NOW).count() == 10


def test_it_generates_a_small_province_the_dashboard_can_read(client):
    from django.core.management import call_command

    from plans.models import Measure
    from tasks.models import ProgressReport

    call_command("generate_scale_data", regions=1, months=3, stdout=__import__("io").StringIO())
    assert Task.objects.count() == 240 * 3
    assert ProgressReport.objects.count() > 1000
    assert not Measure.objects.filter(search_text="").exists()
    call_command("generate_scale_data", regions=1, months=3, stdout=__import__("io").StringIO())
    assert Task.objects.count() == 720  # re-running adds nothing
    client.login(username="scale_supervisor", password="Demo@2026")
    r = client.get("/dashboard/")
    assert r.status_code == 200 and r.context["d"].total == 720
    m = Measure.objects.filter(level=2).order_by("id").first()
    assert m.id in [h.measure.id for h in client.get(f"/dashboard/search/?q={m.title[:6]}").context["measures"]]


def test_sql_attainment_agrees_with_is_met_by_for_every_op(cast):
    """with_latest_met (used by the dashboard) takes the latest reading stored on the target and
    judges it exactly like Target.is_met_by, on both sides of the boundary for each op."""
    from decimal import Decimal

    from indicators.querysets import with_latest_met
    from indicators.models import Target
    from tasks.models import TargetReading
    from tasks.models import ProgressReport
    from tests.factories import MeasureFactory, TargetFactory, TaskFactory

    task = TaskFactory(measure=MeasureFactory(plan=cast.plan), unit=cast.unit)
    reports = {p: ProgressReport.objects.create(task=task, period=p, status="in_progress", done_text="x", percent=10,
                                                submitted_by=cast.staff)
               for p in (dt.date(2026, 1, 1), dt.date(2026, 2, 1))}
    expected = {}
    for op in (">=", "<=", "=", ">", "<"):
        for latest in ("89", "90", "91"):
            t = TargetFactory(measure=task.measure, op=op, value=90)
            # an older reading that would decide differently, then the latest
            TargetReading.objects.create(target=t, report=reports[dt.date(2026, 1, 1)], period=dt.date(2026, 1, 1),
                                         value=Decimal("1000") if op in ("<=", "<") else Decimal("0"),
                                         recorded_by=cast.staff)
            TargetReading.objects.create(target=t, report=reports[dt.date(2026, 2, 1)], period=dt.date(2026, 2, 1),
                                         value=Decimal(latest), recorded_by=cast.staff)
            expected[t.pk] = t.is_met_by(Decimal(latest))
    unread = TargetFactory(measure=task.measure)
    expected[unread.pk] = None
    got = dict(with_latest_met(Target.objects.all()).values_list("pk", "latest_met"))
    assert got == expected
    assert list(expected.values()).count(True) == 7  # >= 2, <= 2, = 1, > 1, < 1


def test_it_keeps_the_targets_latest_reading_when_readings_come_late_or_go(cast):
    """Target.latest_value follows the newest reading by period: a late reading for an earlier
    period does not replace it, and when the newest reading goes with its task (a plan revision
    removed the unit) the target falls back to the one before."""
    from decimal import Decimal

    from indicators.models import Target
    from tasks.models import TargetReading
    from tasks.models import ProgressReport
    from tests.factories import MeasureFactory, TargetFactory, TaskFactory

    measure = MeasureFactory(plan=cast.plan)
    lead, other = TaskFactory(measure=measure, unit=cast.unit), TaskFactory(measure=measure, unit=cast.other_unit)
    target = TargetFactory(measure=measure, op=">=", value=90)

    def read(task, period, value):
        r = ProgressReport.objects.create(task=task, period=period, status="in_progress", submitted_by=cast.staff)
        TargetReading.objects.create(target=target, report=r, period=period, value=Decimal(value),
                                     recorded_by=cast.staff)

    def latest():
        t = Target.objects.get(pk=target.pk)
        return t.latest_value, t.latest_period

    assert latest() == (None, None)
    read(lead, dt.date(2026, 2, 1), "95")
    read(lead, dt.date(2026, 1, 1), "80")  # late, for January
    assert latest() == (Decimal("95"), dt.date(2026, 2, 1))
    read(other, dt.date(2026, 3, 1), "85")
    assert latest() == (Decimal("85"), dt.date(2026, 3, 1))
    other.delete()
    assert latest() == (Decimal("95"), dt.date(2026, 2, 1))


# --- issue 11: what a browser's filter form really sends -------------------------------------------------
def _browser_query(**picked) -> str:
    """The filter form submitted as a browser does: every field, empty where left at 全部."""
    fields = {"region": "", "plan": "", "unit": "", "status": "", "deadline_after": "", "deadline_before": "",
              "against": ""}
    fields.update({k: str(v) for k, v in picked.items()})
    from urllib.parse import urlencode

    return urlencode(fields)


@pytest.mark.parametrize("picked,expected", [
    ({}, 10),
    ({"region": "REGION"}, 10),
    ({"region": "REGION", "deadline_after": "2026-03-01", "deadline_before": "2026-03-10"}, 3),
    ({"status": "overdue"}, 2),
])
def test_it_reads_empty_filter_values_as_no_filter_not_as_筛选条件有误(world, client, picked, expected):
    """状态 left at 全部 sends `status=`; plan and unit left at 全部 send `plan=&unit=`."""
    picked = {k: (world.cast.region.pk if v == "REGION" else v) for k, v in picked.items()}
    q = _browser_query(**picked)
    client.force_login(world.cast.supervisor)
    r = client.get(f"/dashboard/?{q}")
    assert "筛选条件有误" not in r.content.decode()
    assert r.context["d"].total == expected and r.context["errors"] is None
    r = client.get(f"/dashboard/tasks/?{q}")
    assert "筛选条件有误" not in r.content.decode() and r.context["page"].paginator.count == expected
    r = client.get(f"/api/tasks/?{q}")
    assert r.status_code == 200 and r.json()["count"] == expected
    # the figures' links carry only the filters that were picked
    r = client.get(f"/dashboard/?{q}")
    assert "status=&" not in r.context["links"]["overdue"] and "plan=" not in r.context["links"]["overdue"]


def test_it_exports_exactly_the_tasks_the_screen_shows_for_a_browser_query(world, client):
    from openpyxl import load_workbook
    import io

    q = _browser_query(region=world.cast.region.pk, deadline_after="2026-03-01", deadline_before="2026-03-10")
    client.force_login(world.cast.supervisor)
    listed = {t.measure_id for t in client.get(f"/dashboard/tasks/?{q}").context["page"].paginator.object_list}
    r = client.get(f"/dashboard/ledger.xlsx?{q}")
    assert r.status_code == 200
    ws = load_workbook(io.BytesIO(r.content)).active
    exported = [row for row in ws.iter_rows(min_row=4, values_only=True) if isinstance(row[0], int)]
    assert len(exported) == len(listed) == 2
    assert client.get(f"/dashboard/bulletin.docx?{q}").status_code == 200


def test_it_refuses_an_invalid_filter_in_exports_as_the_page_does(world, client):
    client.force_login(world.cast.supervisor)
    q = _browser_query(status="bogus")
    assert "筛选条件有误" in client.get(f"/dashboard/?{q}").content.decode()
    for url in ("/dashboard/ledger.xlsx", "/dashboard/bulletin.docx"):
        r = client.get(f"{url}?{q}")
        assert r.status_code == 400 and "筛选条件有误" in r.content.decode()
    q = _browser_query(deadline_after="2026-13-45")
    assert "筛选条件有误" in client.get(f"/dashboard/tasks/?{q}").content.decode()
    assert client.get(f"/dashboard/ledger.xlsx?{q}").status_code == 400


def test_it_links_each_row_of_the_drill_down_list_to_its_task(world, client):
    """Issue 11: rows of the drill-down list did not link to the task."""
    client.force_login(world.cast.supervisor)
    body = client.get("/dashboard/tasks/?status=overdue").content.decode()
    for t in (world.t1_other, world.t2_unit):
        assert f'href="/tasks/{t.pk}/"' in body
    assert client.get(f"/tasks/{world.t2_unit.pk}/").status_code == 200


def test_it_links_the_指标达标率_card_to_the_targets_behind_it(world, client):
    """Issue 11: the card linked to an empty list. Rate 50% = 1 met of 2 read; the list shows both."""
    client.force_login(world.cast.supervisor)
    r = client.get("/dashboard/")
    assert r.context["d"].targets["rate"] == 50.0
    url = r.context["links"]["target_read"]
    assert url == "/dashboard/tasks/?target=read" and f'href="{url}" id="kpi-target"' in r.content.decode()
    r = client.get(url)
    assert {t.pk for t in r.context["page"].paginator.object_list} == {
        world.t1_unit.pk, world.t1_other.pk, world.t4_unit.pk, world.t4_other.pk}
    body = r.content.decode()
    assert "全程网办率：目标≥90%，最新92%（达标）" in body and "最新78天（未达标）" in body


def test_it_tells_units_of_the_same_name_in_different_regions_apart(world, client):
    """Issue 11: 区数据局 of two regions could not be told apart in pickers and lists."""
    other_region = Region.objects.create(name="和平区", code="210102")
    twin = UnitFactory(region=other_region, name=world.cast.unit.name)
    plan = PlanFactory(region=other_region)
    TaskFactory(measure=MeasureFactory(plan=plan, deadline=dt.date(2026, 3, 1)), unit=twin)
    client.force_login(world.cast.admin)
    body = client.get("/dashboard/tasks/?status=overdue&sort=unit").content.decode()
    assert "铁西区</span> 区数据局" in body and "和平区</span> 区数据局" in body
    body = client.get(f"/dashboard/?unit={twin.pk}").content.decode()
    assert "和平区 区数据局</option>" in body
    from supervision.forms import UrgeForm

    labels = [label for _, label in UrgeForm(user=world.cast.admin).fields["unit"].choices]
    assert "铁西区 区数据局" in labels and "和平区 区数据局" in labels
    # the 台账 and the 通报 name the region when they span several
    import io

    from docx import Document
    from openpyxl import load_workbook

    ws = load_workbook(io.BytesIO(client.get("/dashboard/ledger.xlsx?status=overdue").content)).active
    leads = {row[3] for row in ws.iter_rows(min_row=4, values_only=True) if isinstance(row[0], int)}
    assert {"铁西区区数据局", "和平区区数据局"} <= leads
    doc = Document(io.BytesIO(client.get("/dashboard/bulletin.docx").content))
    units = [[c.text for c in row.cells] for row in doc.tables[0].rows]
    assert units[0][1:3] == ["区域", "责任单位"]
    assert ["和平区", "区数据局"] in [r[1:3] for r in units] and ["铁西区", "区数据局"] in [r[1:3] for r in units]


# --- Per-region figures kept under the region's stamp (issue 16) -------------------------------

def _province(n_regions: int = 3, n_measures: int = 4):
    """A province of regions, each with a plan, two units (a clerk each) and a few tasks with
    targets; a supervisor at the province level."""
    from plans.choices import Role
    from tests.factories import TargetFactory, member

    province = Region.objects.create(name="测试省", code="P00000")
    office = UnitFactory(region=province, name="省营商局")
    sup = member(office, Role.SUPERVISOR, username="province_sup")
    regions, clerks = [], {}
    for i in range(n_regions):
        region = Region.objects.create(name=f"测试{i}区", code=f"P0000{i + 1}", parent=province)
        regions.append(region)
        plan = PlanFactory(region=region)
        units = [UnitFactory(region=region, name=f"单位{i}-{k}") for k in range(2)]
        for k, unit in enumerate(units):
            clerks[unit.pk] = member(unit, Role.STAFF, username=f"clerk{i}{k}")
        for j in range(n_measures):
            m = MeasureFactory(plan=plan, deadline=dt.date(2026, 3, 1) + dt.timedelta(days=12 * j))
            TargetFactory(measure=m)
            for unit in units:
                TaskFactory(measure=m, unit=unit)
    return sup, regions, clerks


def _full_recount(sup, now):
    from supervision.dashboard.querysets import fact_table, target_attainment, trend_from
    from tasks.workdays import local_date

    tasks = Task.objects.visible_to(sup)
    f = fact_table(tasks, now=now)
    return f.total, f.units, f.plans, trend_from(f.months, today=local_date(now)), target_attainment(tasks)


def _incremental(sup, now):
    from supervision.dashboard.querysets import decomposable_regions, merged_region_figures, trend_from
    from tasks.workdays import local_date

    f, attainment = merged_region_figures(decomposable_regions(sup, {}), now=now)
    return f.total, f.units, f.plans, trend_from(f.months, today=local_date(now)), attainment


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_it_keeps_incremental_region_figures_equal_to_a_full_recount(settings, seed):
    """A random sequence of service calls (reports with target actuals, completion applied and
    approved, extensions granted, deadlines moved, a task reopened); after each one the sum of the
    cached per-region figures equals a full recount, and only the changed region's stamp moved."""
    import random

    import time_machine
    from django.core.cache import cache
    from django.core.files.uploadedfile import SimpleUploadedFile

    from supervision.models import RegionFactsStamp
    from supervision.services import completion_review, extension_decide, task_reopen
    from tasks.services import (
        current_period, task_completion_apply, task_extension_request, task_report_submit,
    )

    settings.DASHBOARD_CACHE_SECONDS = 300
    cache.clear()
    rnd = random.Random(seed)
    with time_machine.travel(NOW, tick=False):
        sup, regions, clerks = _province()
        assert _incremental(sup, NOW) == _full_recount(sup, NOW)
        for step in range(25):
            task = rnd.choice(list(Task.objects.select_related("plan", "measure")))
            clerk = clerks[task.unit_id]
            stamps = dict(RegionFactsStamp.objects.values_list("region_id", "version"))
            op = rnd.choice(["report", "report", "close", "extend", "deadline", "reopen"])
            if op == "report" and not task.closed_at:
                period = current_period(task.plan, now=NOW)
                target = task.measure.targets.first()
                task_report_submit(task=task, period=period, actor=clerk, expected_version=task.reports.filter(
                    period=period.start).order_by("-version").values_list("version", flat=True).first() or 0, data={"status": rnd.choice(["in_progress", "difficult", "done"]),
                                                     "done_text": "推进中", "problems_text": "", "percent": 50,
                                                     "actuals": {target.pk: rnd.choice([10, 95])}})
            elif op == "close" and not task.closed_at and not task.completion_applied_at:
                app = task_completion_apply(task=task, actor=clerk, note="已完成", files=[SimpleUploadedFile(
                    "佐证.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", content_type="application/pdf")])
                completion_review(application=app, actor=sup, approve=True)
            elif op == "extend" and not task.closed_at and task.deadline:
                req = task_extension_request(task=task, actor=clerk, reason="原因",
                                             requested_deadline=task.effective_deadline + dt.timedelta(days=40))
                extension_decide(request=req, actor=sup, approve=True)
            elif op == "deadline":
                # a revised plan moves the open tasks' deadline (a bulk update: the triggers see it too)
                Task.objects.filter(measure=task.measure, closed_at__isnull=True).update(
                    deadline=task.deadline - dt.timedelta(days=rnd.choice([-30, 20])) if task.deadline else None)
            elif op == "reopen" and task.closed_at:
                task_reopen(task=task, actor=sup, reason="复查未完成")
            else:
                continue
            moved = {r for r, v in RegionFactsStamp.objects.values_list("region_id", "version") if stamps.get(r) != v}
            assert moved == {task.plan.region_id}, (step, op, moved)
            assert _incremental(sup, NOW) == _full_recount(sup, NOW), (step, op)


def test_it_reads_unchanged_regions_from_the_cache_in_one_query(settings, django_assert_num_queries):
    from django.core.cache import cache

    from supervision.dashboard.querysets import decomposable_regions, region_figures

    settings.DASHBOARD_CACHE_SECONDS = 300
    cache.clear()
    sup, regions, _ = _province()
    ids = decomposable_regions(sup, {})
    region_figures(ids, now=NOW)
    with django_assert_num_queries(1):  # the stamps
        region_figures(ids, now=NOW)
    assert decomposable_regions(sup, {"region": str(regions[0].pk)}) == [regions[0].pk]
    assert decomposable_regions(sup, {"plan": "1"}) is None


def test_the_region_stamp_triggers_exist_and_fire_on_each_watched_change():
    """The triggers of supervision 0005 are in the database (on SQLite and on PostgreSQL alike) and
    each watched statement moves the stamp of its own region only: a task inserted, updated (also in
    bulk) and deleted, a target inserted, updated and deleted, a plan updated."""
    import importlib

    from plans.models import Plan
    from supervision.models import RegionFactsStamp
    from tests.factories import TargetFactory

    stamps_migration = importlib.import_module("supervision.migrations.0005_region_facts_stamp_scan_without_fk_checks")
    expected = {stamps_migration._name(table, event) for table, _, _, events in stamps_migration.WATCHED
                for event in events}
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        present = {name for (name,) in cursor.fetchall()}
    assert expected <= present, expected - present
    assert len(expected) == 7

    _, regions, _ = _province(n_regions=2, n_measures=1)
    here, there = regions
    task = Task.objects.filter(plan__region=here).first()
    target = task.measure.targets.first()

    def moved(change) -> set[int]:
        before = dict(RegionFactsStamp.objects.values_list("region_id", "version"))
        change()
        after = dict(RegionFactsStamp.objects.values_list("region_id", "version"))
        return {r for r, v in after.items() if v != before.get(r)}

    changes = {
        "task insert": lambda: TaskFactory(measure=task.measure, unit=UnitFactory(region=here)),
        "task update": lambda: Task.objects.filter(pk=task.pk).update(deadline=dt.date(2026, 9, 1)),
        "task bulk update": lambda: Task.objects.filter(plan__region=here).update(granted_deadline=dt.date(2026, 10, 1)),
        "target insert": lambda: TargetFactory(measure=task.measure),
        "target update": lambda: type(target).objects.filter(pk=target.pk).update(latest_value=95),
        "target delete": lambda: type(target).objects.filter(pk=target.pk).delete(),
        "plan update": lambda: Plan.objects.filter(pk=task.plan_id).update(title="改过的方案"),
        "task delete": lambda: Task.objects.filter(pk=task.pk).delete(),
    }
    for name, change in changes.items():
        assert moved(change) == {here.pk}, name
    assert moved(lambda: Task.objects.filter(plan__region=there).update(deadline=dt.date(2026, 9, 2))) == {there.pk}


def test_it_computes_a_views_figures_once_when_many_ask_at_the_same_moment(monkeypatch, settings):
    """Ten supervisors opening the dashboard at nine: one request computes, the others wait for its
    result (supervision.dashboard.views.cached_figures)."""
    import threading
    import time
    from types import SimpleNamespace

    from supervision.dashboard import views

    settings.DASHBOARD_CACHE_SECONDS = 300
    monkeypatch.setattr(views, "_figures_cache_keys", lambda *a, **k: ("dashboard:test", "dashboard:test:newest"))
    monkeypatch.setattr(views, "scope_of", lambda user: None)
    calls = []

    def compute():
        calls.append(1)
        time.sleep(0.3)
        return {"figures": len(calls)}

    results = []
    request = SimpleNamespace(user=None)
    threads = [threading.Thread(target=lambda: results.append(views.cached_figures(request, {}, NOW, compute)))
               for _ in range(5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(calls) == 1
    assert [r[0] for r in results] == [{"figures": 1}] * 5


def test_while_one_request_computes_the_others_are_shown_the_newest_figures(world, monkeypatch, settings):
    """The month-end rush: the held figures are older than DASHBOARD_MIN_REFRESH_SECONDS and one
    supervisor's request is recomputing them; another supervisor is shown the newest figures at once
    (held, with their time) instead of waiting, unless they acted since: then they wait for fresh ones."""
    from types import SimpleNamespace

    import time_machine
    from django.core.cache import cache

    from supervision.dashboard import views
    from supervision.services import urge_create

    settings.DASHBOARD_CACHE_SECONDS = 300
    settings.DASHBOARD_MIN_REFRESH_SECONDS = 30
    monkeypatch.setattr(views, "_figures_cache_keys", lambda *a, **k: ("dashboard:test", "dashboard:test:newest"))
    monkeypatch.setattr(views, "COMPUTE_WAIT_SECONDS", 0.2)
    earlier = NOW - dt.timedelta(seconds=60)
    cache.set("dashboard:test:newest", ({"figures": "earlier"}, earlier), 300)
    assert cache.add("dashboard:test:computing", 1, 60)  # another request is computing
    calls = []

    def compute():
        calls.append(1)
        return {"figures": "fresh"}

    sup = SimpleNamespace(user=world.cast.supervisor)
    assert views.cached_figures(sup, {}, NOW, compute) == ({"figures": "earlier"}, earlier, True)
    assert calls == []
    with time_machine.travel(NOW, tick=False):
        urge_create(actor=world.cast.supervisor, task=world.t2_unit, message="请尽快办理")
    # their own action since: no held figures for them; after the wait, computed for them
    assert views.cached_figures(sup, {}, NOW, compute) == ({"figures": "fresh"}, NOW, False)
    assert calls == [1]
