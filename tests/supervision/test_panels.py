"""Issue 14's dashboard panels (supervision/dashboard/panels.py): the national indicators (page and
API), quality flags per unit with the 有提示/无提示 filter, dropped commitments; the 通报 never quotes
a flagged report."""
import datetime as dt
import io
import json

import pytest
from docx import Document

from plans.models import Measure
from supervision.dashboard.panels import indicator_figures
from supervision.exports.bulletin import build_bulletin, is_substantive
from tasks.models import ProgressReport, Task
from tests.factories import MeasureFactory, PlanFactory, TaskFactory

from .conftest import NOW

pytestmark = pytest.mark.django_db
FLAG = [{"code": "boilerplate", "message": "内容多为套话"}]


@pytest.fixture
def labelled(world):
    Measure.objects.filter(pk=world.m1.pk).update(indicator_primary="政务服务")
    Measure.objects.filter(pk=world.m2.pk).update(indicator_primary="开办企业")
    Measure.objects.filter(pk=world.m4.pk).update(indicator_primary="执行合同", indicator_secondary=["市场监管"])
    return world


def test_it_computes_measures_ontime_and_attainment_per_indicator(labelled):
    d = indicator_figures(Task.objects.all(), today=NOW.date())
    rows = {r["indicator"]: r for r in d["rows"]}
    assert (rows["政务服务"]["measures"], rows["政务服务"]["tasks"], rows["政务服务"]["ontime_rate"]) == (1, 2, 50.0)
    assert rows["政务服务"]["targets"]["rate"] == 100.0
    assert rows["开办企业"]["ontime_rate"] == 0.0 and rows["开办企业"]["targets"]["rate"] is None
    assert rows["执行合同"]["ontime_rate"] is None and rows["执行合同"]["targets"]["rate"] == 0.0
    assert rows["未标注"]["measures"] == 4
    assert "政务服务" not in d["uncovered"] and "市场监管" not in d["uncovered"]  # a secondary covers too
    assert "获得电力" in d["uncovered"] and "其他" not in d["uncovered"] and d["covered"] == 4


def test_it_shows_the_indicator_view_within_the_users_scope_and_filters(labelled, client):
    other = PlanFactory(title="别区方案")  # another region, out of the supervisor's scope
    TaskFactory(measure=MeasureFactory(plan=other, indicator_primary="获得电力"), unit=labelled.cast.unit)
    client.force_login(labelled.cast.supervisor)
    body = client.get("/dashboard/panels/").content.decode()
    panel = body.split('id="indicator-panel"')[1].split("</section>")[0]
    assert "政务服务" in panel and "50.0%" in panel and "获得电力" in panel.split('id="uncovered-indicators"')[1]
    body = client.get(f"/dashboard/panels/?unit={labelled.cast.other_unit.pk}").content.decode()
    panel = body.split('id="indicator-panel"')[1].split("</section>")[0]
    assert "执行合同" in panel and "开办企业" in panel


def test_it_serves_the_indicator_view_over_the_api_with_its_schema(labelled, client):
    client.force_login(labelled.cast.supervisor)
    data = client.get("/api/dashboard/indicators/").json()
    rows = {r["indicator"]: r for r in data["rows"]}
    assert rows["政务服务"]["ontime_rate"] == 50.0 and "获得电力" in data["uncovered"] and data["against"] == "granted"
    data = client.get(f"/api/dashboard/indicators/?unit={labelled.cast.unit.pk}&status=").json()
    assert {r["indicator"] for r in data["rows"]} == {"政务服务", "开办企业", "执行合同", "未标注"}
    assert client.get("/api/dashboard/indicators/?status=junk").status_code == 400
    client.force_login(labelled.cast.staff)
    assert client.get("/api/dashboard/indicators/").status_code == 404
    spec = json.loads(client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").content)
    op = spec["paths"]["/api/dashboard/indicators/"]["get"]
    assert {"region", "plan", "unit", "quality"} <= {p["name"] for p in op["parameters"]}
    assert "IndicatorFigures" in json.dumps(op["responses"]["200"])


def _flag(world):
    """t2_unit's February report flagged; t7's March report flagged then corrected without a flag."""
    r = ProgressReport.objects.get(task=world.t2_unit)
    ProgressReport.objects.filter(pk=r.pk).delete()
    ProgressReport.objects.create(task=world.t2_unit, period=r.period, status=r.status, done_text=r.done_text,
                                  submitted_by=world.cast.staff, quality_flags=FLAG)
    ProgressReport.objects.create(task=world.t4_other, period=dt.date(2026, 3, 1), status="in_progress",
                                  done_text="正在有序推进", submitted_by=world.cast.other_staff, quality_flags=FLAG)
    ProgressReport.objects.create(task=world.t7_unit, period=dt.date(2026, 3, 1), status="in_progress",
                                  done_text="已与三个部门签订协作协议，完成数据对接。", version=2,
                                  submitted_by=world.cast.staff)


def test_it_counts_flagged_reports_per_unit_and_filters_the_list(world, client):
    ProgressReport.objects.create(task=world.t7_unit, period=dt.date(2026, 2, 1), status="in_progress",
                                  done_text="推进中", submitted_by=world.cast.staff, quality_flags=FLAG)
    _flag(world)
    c = world.cast
    client.force_login(c.supervisor)
    body = client.get("/dashboard/panels/").content.decode()
    panel = body.split('id="quality-panel"')[1].split("</section>")[0]
    assert c.unit.name in panel and c.other_unit.name in panel
    assert f"/dashboard/tasks/?unit={c.unit.pk}&amp;quality=flagged" in panel
    ids = lambda q: {t.pk for t in client.get(f"/dashboard/tasks/?{q}").context["rows"]}  # noqa: E731
    assert ids("quality=flagged") == {world.t2_unit.pk, world.t4_other.pk, world.t7_unit.pk}
    assert ids(f"quality=flagged&unit={c.unit.pk}") == {world.t2_unit.pk, world.t7_unit.pk}
    assert ids("quality=clean") == {t.pk for t in world.tasks} - ids("quality=flagged")
    assert ids("quality=") == {t.pk for t in world.tasks}  # 全部: no filter
    assert client.get("/dashboard/tasks/?quality=junk").context["errors"]
    # the same filter on the API's task list
    assert {t["id"] for t in client.get("/api/tasks/?quality=flagged").json()["results"]} == ids("quality=flagged")


def test_it_shows_the_flags_on_the_task_page_to_supervisors_only(world, client):
    _flag(world)
    client.force_login(world.cast.supervisor)
    assert "内容多为套话" in client.get(f"/tasks/{world.t2_unit.pk}/").content.decode()
    client.force_login(world.cast.staff)
    body = client.get(f"/tasks/{world.t2_unit.pk}/").content.decode()
    assert "已起草企业开办方案" in body and "内容多为套话" not in body


def test_it_never_quotes_a_flagged_report_in_the_bulletin_highlights(world):
    text = "区数据局牵头建成“一网通办”企业服务专区，上线事项35项，累计办件1200件。"
    ok = ProgressReport.objects.create(task=world.t4_other, period=dt.date(2026, 3, 1), status="in_progress",
                                       done_text=text, percent=50, submitted_by=world.cast.other_staff)
    flagged = ProgressReport.objects.create(task=world.t3_unit, period=dt.date(2026, 3, 1), status="done", percent=100,
                                            done_text="已完成企业开办全流程改造，办理时间压缩至0.5个工作日，上线事项12项。",
                                            submitted_by=world.cast.staff, quality_flags=FLAG)
    assert is_substantive(ok) and not is_substantive(flagged)
    doc = Document(io.BytesIO(build_bulletin(Task.objects.all(), now=NOW)))
    body = "\n".join(p.text for p in doc.paragraphs)
    part = body.split("工作亮点")[1].split("下步工作要求")[0]
    assert "企业服务专区" in part and "全流程改造" not in part


def test_it_counts_dropped_commitments_on_the_dashboard(world, client):
    c = world.cast
    old_plan = PlanFactory(region=c.region, year=2025, title="铁西区2025年方案")
    dropped = MeasureFactory(plan=old_plan, label="7.", path="7.", title="开展首店经济培育")
    TaskFactory(measure=dropped, unit=c.unit)
    client.force_login(c.supervisor)
    body = client.get("/dashboard/panels/").content.decode()
    panel = body.split('id="dropped-panel"')[1].split("</section>")[0]
    assert f"/library/plans/{c.plan.pk}/dropped/" in panel and '"dropped-count"' in panel
    assert 'class="dropped-count" href="/library/plans/%d/dropped/">1<' % c.plan.pk in panel
    assert "开展首店经济培育" in client.get(f"/library/plans/{c.plan.pk}/dropped/").content.decode()


def test_it_caches_the_panels_until_a_write(world, client, settings):
    settings.DASHBOARD_CACHE_SECONDS = 300
    c = world.cast
    client.force_login(c.supervisor)
    def panel():
        return client.get("/dashboard/panels/").content.decode().split('id="quality-panel"')[1].split("</section>")[0]

    assert "没有带提示的进展" in panel()
    ProgressReport.objects.create(task=world.t3_unit, period=dt.date(2026, 3, 1), status="in_progress",
                                  done_text="推进中", submitted_by=c.staff, quality_flags=FLAG)
    assert c.unit.name in panel()  # a new report is a new state of the data


def test_it_loads_the_panels_after_the_dashboard_with_the_same_filters(client, labelled):
    """The panels cost more than the figures: the dashboard page carries only their address (with
    its own filters) and fetches them; without script, the link opens them as a page."""
    client.force_login(labelled.cast.supervisor)
    unit = labelled.cast.other_unit.pk
    body = client.get(f"/dashboard/?unit={unit}&status=").content.decode()
    assert 'id="indicator-panel"' not in body
    assert f'data-url="/dashboard/panels/?unit={unit}&amp;status="' in body
    fragment = client.get(f"/dashboard/panels/?unit={unit}&status=", HTTP_X_REQUESTED_WITH="XMLHttpRequest")
    assert 'id="indicator-panel"' in fragment.content.decode() and b"<html" not in fragment.content
    page = client.get(f"/dashboard/panels/?unit={unit}&status=").content.decode()
    assert "<html" in page and 'id="indicator-panel"' in page and "返回督办看板" in page
    client.force_login(labelled.cast.staff)
    assert client.get("/dashboard/panels/").status_code in (403, 404)
