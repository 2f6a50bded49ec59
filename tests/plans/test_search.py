"""Chinese search: jieba-segmented search text, ranked matches, highlighted snippets, scoped."""
import pytest

from plans.models import Measure
from plans.search import reindex_measures, search_measures, search_reports, search_units, segment
from tests.factories import MeasureFactory, PlanFactory, RegionFactory, UnitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def measures(cast):
    other_plan = PlanFactory(region=cast.region, title="2025年优化营商环境若干措施")
    ms = {
        "rate": MeasureFactory(plan=cast.plan, title="提升政务服务网办水平",
                               text="推动全区政务服务网办发生率提升至55%以上，高频事项网办发生率达到70%以上。"),
        "noise": MeasureFactory(plan=cast.plan, title="深化网格化管理",
                                text="优化办事流程，提高行政效率和审批效率。"),
        "open1": MeasureFactory(plan=cast.plan, title="优化企业开办服务",
                                text="推进企业开办全程网上办理，企业开办时间压缩至1个工作日以内。"),
        "open2": MeasureFactory(plan=other_plan, title="持续压减企业开办时间",
                                text="企业开办实现一网通办、一窗通取。"),
        "other": MeasureFactory(plan=cast.plan, title="加强知识产权保护", text="开展专项执法行动，办理侵权案件。"),
    }
    reindex_measures(Measure.objects.all())
    return ms


def test_it_stores_jieba_words_bigrams_and_characters():
    text = segment("网办发生率", "")
    assert "发生率" in text.split() and "网办" in text.split() and "率" in text.split()


def test_it_finds_measures_about_网办发生率_for_网办率(cast, measures):
    hits = search_measures(Measure.objects.visible_to(cast.supervisor), "网办率")
    assert hits and hits[0].measure == measures["rate"]
    assert "<mark>网办</mark>发生率" in hits[0].snippet
    assert measures["other"] not in [h.measure for h in hits]


def test_it_finds_企业开办_measures_across_plans_first(cast, measures):
    hits = search_measures(Measure.objects.visible_to(cast.supervisor), "企业开办")
    found = [h.measure for h in hits]
    assert set(found[:2]) == {measures["open1"], measures["open2"]}
    assert "<mark>企业开办</mark>" in hits[0].snippet
    assert measures["rate"] not in found[:2]


def test_it_escapes_snippets_and_ignores_tsquery_syntax(cast, measures):
    MeasureFactory(plan=cast.plan, title="企业开办<script>", text="")
    assert search_measures(Measure.objects.all(), "企业开办 & | ! ( ) ' :*")  # no syntax error
    hits = search_measures(Measure.objects.all(), "企业开办")
    assert all("<script>" not in h.snippet for h in hits)
    assert search_measures(Measure.objects.all(), "  ") == []


def test_it_indexes_measures_saved_without_search_text(cast):
    m = MeasureFactory(plan=cast.plan, title="推行惠企政策免申即享", text="")
    assert Measure.objects.get(pk=m.pk).search_text == ""
    assert [h.measure for h in search_measures(Measure.objects.all(), "免申即享")] == [m]
    assert Measure.objects.get(pk=m.pk).search_text


def test_it_only_searches_what_the_user_may_see(cast, measures):
    elsewhere = PlanFactory(region=RegionFactory(name="外区", code="999999"))
    hidden = MeasureFactory(plan=elsewhere, title="企业开办外区措施")
    reindex_measures(Measure.objects.filter(pk=hidden.pk))
    found = [h.measure for h in search_measures(Measure.objects.visible_to(cast.supervisor), "企业开办")]
    assert hidden not in found
    assert hidden in [h.measure for h in search_measures(Measure.objects.visible_to(cast.admin), "企业开办")]
    assert search_measures(Measure.objects.visible_to(cast.other_staff), "企业开办") == []


def test_it_finds_units_by_name_and_alias(cast):
    from plans.models import Unit, UnitAlias

    UnitAlias.objects.create(unit=cast.unit, alias="区政务服务和数据管理局")
    UnitFactory(region=RegionFactory(name="外区", code="999998"), name="区数据局")
    found = search_units(Unit.objects.visible_to(cast.supervisor), "数据管理")
    assert found == [cast.unit]


def test_it_finds_progress_reports_by_text(cast):
    from tasks.models import ProgressReport
    from tests.factories import TaskFactory

    task = TaskFactory(measure__plan=cast.plan, unit=cast.unit)
    r = ProgressReport.objects.create(task=task, period="2026-03-01", status="in_progress",
                                      done_text="已完成企业开办专区建设。", submitted_by=cast.staff)
    ProgressReport.objects.create(task=task, period="2026-02-01", status="in_progress",
                                  done_text="正在调研。", submitted_by=cast.staff)
    found = search_reports(ProgressReport.objects.visible_to(cast.supervisor), "企业开办")
    assert found == [r] and "<mark>企业开办</mark>" in found[0].snippet


def test_it_reindexes_from_the_command(cast):
    import io

    from django.core.management import call_command

    m = MeasureFactory(plan=cast.plan, title="推进企业开办", text="")
    Measure.objects.filter(pk=m.pk).update(search_text="旧的")
    out = io.StringIO()
    call_command("reindex_search", plan=cast.plan.pk, stdout=out)
    assert "已重建 1 条" in out.getvalue()
    assert "企业" in Measure.objects.get(pk=m.pk).search_text.split()


def test_it_finds_reports_through_their_segmented_text_not_a_substring(cast):
    """网办率 is not a substring of 网办发生率: the report is found through its jieba terms."""
    from tasks.models import ProgressReport
    from tests.factories import TaskFactory

    task = TaskFactory(measure__plan=cast.plan, unit=cast.unit)
    r = ProgressReport.objects.create(task=task, period="2026-03-01", status="in_progress",
                                      done_text="本月高频事项网办发生率达到72%。", submitted_by=cast.staff)
    ProgressReport.objects.create(task=task, period="2026-02-01", status="in_progress",
                                  done_text="完成系统对接。", problems_text="网上办理仍有堵点。", submitted_by=cast.staff)
    assert "网办" in r.search_text.split() and "发生率" in r.search_text.split()
    found = search_reports(ProgressReport.objects.visible_to(cast.supervisor), "网办率")
    assert found == [r] and "<mark>网办</mark>发生率" in found[0].snippet
    assert search_reports(ProgressReport.objects.visible_to(cast.other_staff), "网办率") == []


def test_it_pages_search_results(cast, client):
    for i in range(33):
        MeasureFactory(plan=cast.plan, title=f"优化企业开办服务第{i}项", text="")
    reindex_measures(Measure.objects.all())
    client.force_login(cast.supervisor)
    first = client.get("/dashboard/search/", {"q": "企业开办"})
    assert len(first.context["measures"]) == 30 and "第 1–30 条" in first.content.decode()
    assert first.context["next_url"] == "/dashboard/search/?q=%E4%BC%81%E4%B8%9A%E5%BC%80%E5%8A%9E&page=2"
    second = client.get(first.context["next_url"])
    ids = {h.measure.id for h in first.context["measures"]} | {h.measure.id for h in second.context["measures"]}
    assert len(second.context["measures"]) == 3 and len(ids) == 33 and not second.context["next_url"]
    assert "第 31–33 条" in second.content.decode() and second.context["prev_url"]
    assert client.get("/dashboard/search/", {"q": "企业开办", "page": "x"}).status_code == 200
