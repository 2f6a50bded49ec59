"""Carry-over across years: matching measures to their predecessors, links, dropped commitments."""
import datetime as dt
from pathlib import Path

from django.utils import timezone

from plans.importers import parse_path
from publishing.services import plan_import
from publishing.carryover import Doc, carryover_suggest, dropped_commitments, match, measure_link_decide
from publishing.choices import LinkStatus
from publishing.models import MeasureLink
from tests.factories import MeasureFactory, PlanFactory, TaskFactory

SEEDS = Path(__file__).resolve().parents[2] / "fixtures" / "seeds"


def test_it_matches_a_renamed_measure_to_its_predecessor_and_says_why():
    old = [Doc.of(1, "推进企业开办“一件事”", "推进企业开办一件事，营业执照、印章、发票一日办结。", ["区市场监管局"], "开办企业"),
           Doc.of(2, "提升不动产登记效率", "推行不动产登记一网通办。", ["区自然资源局"], "登记财产")]
    new = [Doc.of(10, "深化企业开办“一日办结”", "企业开办实现营业执照、印章、发票一日办结，全程网办。", ["区市场监管局"], "开办企业"),
           Doc.of(11, "开展首店经济培育", "支持首店落户。", ["区商务局"], "其他")]
    found = match(new, old)
    assert [(m.new_id, m.old_id) for m in found] == [(10, 1)]
    assert "标题共同词：开办" in found[0].reason and "相同责任单位：区市场监管局" in found[0].reason
    assert "同属指标：开办企业" in found[0].reason and 0 < found[0].score <= 1


def _import(name, region):
    path = next(SEEDS.glob(f"{name}_*.txt"))
    return plan_import(tree=parse_path(path), region=region, source_name=path.name, source_bytes=path.read_bytes()).plan


def test_it_links_the_2026_plan_to_the_2025_plan_of_the_same_district_at_import(cast):
    old = _import("001", cast.region)
    new = _import("000", cast.region)
    links = MeasureLink.objects.select_related("measure", "predecessor")
    assert links.count() >= 10
    assert all(link.measure.plan_id == new.pk and link.predecessor.plan_id == old.pk for link in links)
    pairs = {(link.measure.title, link.predecessor.title) for link in links}
    assert ("深化经营主体信用提升工作", "助力重塑经营主体信用") in pairs
    assert ("配合做好工程建设审批制度改革", "深化工程建设项目审批制度改革") in pairs
    # a rejected link is kept and not suggested again; a second run changes nothing
    link = links.get(measure__title="深化经营主体信用提升工作", predecessor__title="助力重塑经营主体信用")
    measure_link_decide(link=link, actor=cast.admin, confirm=False)
    assert carryover_suggest(plan=new) == 0
    link.refresh_from_db()
    assert link.status == LinkStatus.REJECTED


def test_it_links_plans_imported_in_either_order(cast):
    old_plan = PlanFactory(region=cast.region, year=2025)
    old = MeasureFactory(plan=old_plan, title="推行水电气暖网联合报装", text="推行水电气暖网联合报装，一表申请。")
    new_plan = PlanFactory(region=cast.region, year=2026)
    new = MeasureFactory(plan=new_plan, title="深化水电气暖网联合报装", text="深化水电气暖网联合报装，一表申请、一窗受理。")
    carryover_suggest(plan=old_plan)  # the earlier plan imported last
    assert MeasureLink.objects.filter(measure=new, predecessor=old).exists()


def test_it_lists_unfinished_earlier_measures_no_new_measure_continues(cast):
    old_plan = PlanFactory(region=cast.region, year=2025)
    continued = MeasureFactory(plan=old_plan, title="推行水电气暖网联合报装")
    finished = MeasureFactory(plan=old_plan, title="建设政务服务驿站")
    dropped = MeasureFactory(plan=old_plan, title="开展首店经济培育")
    for m in (continued, finished, dropped):
        TaskFactory(measure=m, unit=cast.unit)
    finished.tasks.update(closed_at=timezone.now())
    new_plan = PlanFactory(region=cast.region, year=2026)
    new = MeasureFactory(plan=new_plan, title="深化水电气暖网联合报装", deadline=dt.date(2026, 9, 30))
    link = MeasureLink.objects.create(measure=new, predecessor=continued, score=0.5, reason="")
    assert list(dropped_commitments(new_plan)) == [dropped]
    measure_link_decide(link=link, actor=cast.admin, confirm=False)
    assert set(dropped_commitments(new_plan)) == {dropped, continued}
