"""Carry-over on the pages: 延续自 links on the review page (confirm / reject), dropped commitments on
the plan page and the dashboard, a measure's history on the task page."""
import pytest
from django.urls import reverse
from django.utils import timezone

from plans.choices import PlanStatus, UnitRole
from audit.models import AuditEntry
from plans.models import MeasureUnit
from publishing.services import plan_publish
from publishing.carryover import measure_link_decide
from publishing.choices import LinkStatus
from publishing.models import MeasureLink
from tests.factories import MeasureFactory, PlanFactory, TaskFactory


@pytest.fixture
def years(cast):
    """A 2025 plan (published, tasks) and a 2026 draft of the same district, one suggested link."""
    old_plan = PlanFactory(region=cast.region, year=2025, title="铁西区2025年优化营商环境55条")
    old = MeasureFactory(plan=old_plan, label="12.", path="12.", title="推行水电气暖网联合报装")
    dropped = MeasureFactory(plan=old_plan, label="13.", path="13.", title="开展首店经济培育")
    done = MeasureFactory(plan=old_plan, label="14.", path="14.", title="建设政务服务驿站")
    for m in (old, dropped, done):
        TaskFactory(measure=m, unit=cast.unit)
    done.tasks.update(closed_at=timezone.now())
    new_plan = PlanFactory(region=cast.region, year=2026, status=PlanStatus.DRAFT)
    new = MeasureFactory(plan=new_plan, label="3.", path="一/3.", title="深化水电气暖网联合报装")
    MeasureUnit.objects.create(measure=new, name_as_printed="区数据局", unit=cast.unit, role=UnitRole.LEAD)
    link = MeasureLink.objects.create(measure=new, predecessor=old, score=0.61, reason="标题共同词：联合报装")
    return type("Years", (), {"old_plan": old_plan, "old": old, "dropped": dropped, "new_plan": new_plan,
                              "new": new, "link": link})


def test_it_shows_the_link_on_the_review_page_with_score_and_reason(client, cast, years):
    client.force_login(cast.admin)
    body = client.get(reverse("plans:review", args=[years.new_plan.pk])).content.decode()
    assert "延续自" in body and "2025年方案 第12条" in body and "0.61" in body and "标题共同词：联合报装" in body
    assert f'href="/plans/{years.old_plan.pk}/#m{years.old.pk}"' in body
    assert reverse("publishing:link_decide", args=[years.link.pk]) in body and "确认延续" in body


def test_it_confirms_and_rejects_a_link_by_post_and_audits_it(client, cast, years):
    client.force_login(cast.admin)
    url = reverse("publishing:link_decide", args=[years.link.pk])
    assert client.get(url).status_code == 405
    resp = client.post(url, {"decision": "confirm"})
    assert resp.status_code == 302 and resp["Location"].endswith(f"/plans/{years.new_plan.pk}/review/#m{years.new.pk}")
    years.link.refresh_from_db()
    assert years.link.status == LinkStatus.CONFIRMED and years.link.decided_by == cast.admin
    client.post(url, {"decision": "reject"})
    years.link.refresh_from_db()
    assert years.link.status == LinkStatus.REJECTED
    assert AuditEntry.objects.filter(action__in=["measure_link_confirm", "measure_link_reject"]).count() == 2
    client.post(url, {"decision": "junk"})
    years.link.refresh_from_db()
    assert years.link.status == LinkStatus.REJECTED


def test_it_lets_only_those_who_edit_the_plan_decide(client, cast, years):
    url = reverse("publishing:link_decide", args=[years.link.pk])
    for user in (cast.staff, cast.supervisor):
        client.force_login(user)
        assert client.post(url, {"decision": "confirm"}).status_code == 404
    years.link.refresh_from_db()
    assert years.link.status == LinkStatus.SUGGESTED


def test_it_keeps_a_confirmed_link_through_publishing(cast, years):
    measure_link_decide(link=years.link, actor=cast.admin, confirm=True)
    assert plan_publish(plan=years.new_plan, actor=cast.admin) == 1
    plan_publish(plan=years.new_plan, actor=cast.admin)  # a second publish (a revision) too
    years.link.refresh_from_db()
    assert years.link.status == LinkStatus.CONFIRMED and years.link.measure_id == years.new.pk


def test_it_lists_the_dropped_commitments_on_the_plan_page(client, cast, years):
    client.force_login(cast.admin)
    body = client.get(reverse("plans:detail", args=[years.new_plan.pk])).content.decode()
    assert 'id="dropped"' in body and "开展首店经济培育" in body and "2025年方案 第13条" in body
    assert "建设政务服务驿站" not in body  # finished
    assert body.count("推行水电气暖网联合报装") == 0  # continued by a suggested link
    measure_link_decide(link=years.link, actor=cast.admin, confirm=False)
    body = client.get(reverse("publishing:dropped", args=[years.new_plan.pk])).content.decode()
    assert "推行水电气暖网联合报装" in body and "开展首店经济培育" in body


def test_it_shows_the_dropped_commitments_only_within_the_users_scope(client, cast, years):
    client.force_login(cast.other_staff)  # no task in either plan
    assert client.get(reverse("publishing:dropped", args=[years.new_plan.pk])).status_code == 404


def test_it_shows_a_measures_history_across_years_on_the_task_page(client, cast, years):
    plan_publish(plan=years.new_plan, actor=cast.admin)
    task = years.new.tasks.get()
    client.force_login(cast.staff)
    body = client.get(reverse("tasks:detail", args=[task.pk])).content.decode()
    assert 'id="carryover-history"' in body and "2025年" in body and "推行水电气暖网联合报装" in body
    assert "待确认" in body  # the link is only suggested
    old_task = years.old.tasks.get()
    body = client.get(reverse("tasks:detail", args=[old_task.pk])).content.decode()
    assert "深化水电气暖网联合报装" in body  # the later year, from the earlier task's page
    measure_link_decide(link=years.link, actor=cast.admin, confirm=False)
    body = client.get(reverse("tasks:detail", args=[task.pk])).content.decode()
    assert 'id="carryover-history"' not in body


def test_it_shows_no_dropped_section_on_a_first_plan(client, cast, years):
    client.force_login(cast.admin)
    assert 'id="dropped"' not in client.get(reverse("plans:detail", args=[years.old_plan.pk])).content.decode()


def test_it_serves_links_and_dropped_commitments_over_the_api(client, cast, years):
    client.force_login(cast.staff)  # sees the 2025 plan (its unit has tasks there), not the 2026 draft
    assert client.get("/api/measure-links/").json()["results"] == []
    assert client.post(f"/api/measure-links/{years.link.pk}/decide/", {"decision": "confirm"}).status_code == 404
    client.force_login(cast.supervisor)
    rows = client.get(f"/api/measure-links/?plan={years.new_plan.pk}").json()["results"]
    assert [(r["id"], r["predecessor_year"], r["predecessor_number"]) for r in rows] == [(years.link.pk, 2025, "第12条")]
    assert client.post(f"/api/measure-links/{years.link.pk}/decide/", {"decision": "confirm"}).status_code == 403
    client.force_login(cast.admin)
    assert client.post(f"/api/measure-links/{years.link.pk}/decide/", {"decision": "maybe"}).status_code == 400
    resp = client.post(f"/api/measure-links/{years.link.pk}/decide/", {"decision": "reject"})
    assert resp.status_code == 200 and resp.json()["status"] == "rejected"
    dropped = client.get(f"/api/measure-links/dropped/?plan={years.new_plan.pk}").json()
    assert {d["title"] for d in dropped} == {"推行水电气暖网联合报装", "开展首店经济培育"}
    assert client.get("/api/measure-links/dropped/?plan=99999999999").status_code == 404
    assert "indicator_primary" in client.get(f"/api/measures/{years.new.pk}/").json()


def test_it_shows_the_plan_page_when_a_revision_has_no_actor(client, cast, years):
    """The demo imports and publishes without a user: the history says 系统 (it used to raise)."""
    plan_publish(plan=years.new_plan, actor=None)
    client.force_login(cast.admin)
    body = client.get(reverse("plans:detail", args=[years.new_plan.pk])).content.decode()
    assert "系统" in body.split('id="history"')[1]


def test_it_cites_an_unnumbered_measure_by_its_label_path():
    from publishing.carryover import article_number
    from plans.models import Measure

    assert article_number(Measure(label="12.", path="一/12.")) == "第12条"
    assert article_number(Measure(label="（二十）", path="四/（二十）")) == "第四（二十）项"


def test_it_keeps_a_decision_through_a_revised_import(cast):
    """Re-importing a revised 2026 file (measures matched by label path) keeps the admin's decisions."""
    from pathlib import Path

    from plans.importers import parse_path
    from publishing.services import plan_import

    seeds = Path(__file__).resolve().parents[2] / "fixtures" / "seeds"
    old_path, new_path = next(seeds.glob("001_*.txt")), next(seeds.glob("000_*.txt"))
    plan_import(tree=parse_path(old_path), region=cast.region, source_name=old_path.name,
                source_bytes=old_path.read_bytes())
    tree = parse_path(new_path)
    new = plan_import(tree=tree, region=cast.region, source_name=new_path.name,
                      source_bytes=new_path.read_bytes()).plan
    confirmed = MeasureLink.objects.filter(measure__plan=new).order_by("-score").first()
    rejected = MeasureLink.objects.filter(measure__plan=new).order_by("-score")[1]
    measure_link_decide(link=confirmed, actor=cast.admin, confirm=True)
    measure_link_decide(link=rejected, actor=cast.admin, confirm=False)

    def touch(items):
        for it in items:
            if it.get("actionable") and it.get("text"):
                it["text"] += "（修订）"
            touch(it.get("children") or [])

    touch(tree["items"])
    result = plan_import(tree=tree, region=cast.region, source_name=new_path.name,
                         source_bytes=new_path.read_bytes() + b"\n")
    assert result.plan.pk == new.pk and result.diff.changed
    confirmed.refresh_from_db()
    rejected.refresh_from_db()
    assert (confirmed.status, rejected.status) == (LinkStatus.CONFIRMED, LinkStatus.REJECTED)
