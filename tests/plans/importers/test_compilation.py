"""Compilations (目录 + articles): recognised and split into articles instead of refused."""
import json

import pytest
from django.core.management import call_command

from plans.importers import ImportRefused, parse_bytes, parse_document
from plans.importers.compilation_score import score_compilation

from .conftest import GOLD, seed_path


def _parse(text: str) -> dict:
    return parse_document(text.encode("utf-8"), "材料.txt")


@pytest.mark.skipif(not GOLD.is_dir(), reason="../shared/gold is not beside the repository")
def test_it_finds_the_articles_of_seed_004_as_the_gold_lists_them():
    gold = json.loads(next(GOLD.glob("004_*.json")).read_text(encoding="utf-8"))
    pred = parse_document(seed_path("004").read_bytes(), seed_path("004").name)
    s = score_compilation(gold, pred)
    assert pred["kind"] == "compilation" and pred["title"] == gold["title"]
    assert s["pred_articles"] == s["gold_articles"] == 53
    assert s["title_precision"] >= 0.95 and s["title_recall"] >= 0.95, s
    assert s["first_line_agreement"] >= 0.95, s


def test_it_prints_the_compilation_shape_with_parse_plan(capsys):
    call_command("parse_plan", str(seed_path("004")), "--json")
    out = json.loads(capsys.readouterr().out)
    assert out["kind"] == "compilation" and len(out["articles"]) > 40
    art = out["articles"][1]
    assert set(art) >= {"title", "first_line", "place", "source", "published_on", "body"}
    assert art["body"] and art["title"]


def test_it_still_refuses_a_compilation_where_a_plan_is_expected():
    with pytest.raises(ImportRefused):
        parse_bytes(seed_path("004").read_bytes(), "004.txt")


COMPILATION = """优秀经验做法选编

目录
鞍山市推行企业开办一日办结\t1
岫岩县：打造“无证明城市”\t3
铁东区信用修复助企纾困\t5

鞍山市推行企业开办一日办结

来源：鞍山市日报
2024年3月5日
鞍山市持续优化企业开办流程，实现营业执照、印章、发票一日办结。
今年以来共服务新办企业1200户。


岫岩县：打造“无证明城市”

岫岩县梳理证明事项清单，取消证明材料86项。
群众办事少跑腿。


立山区建成政务服务驿站

立山区在园区设立政务服务驿站，企业就近办理高频事项。


铁东区信用修复助企纾困

铁东区对轻微失信企业开展信用修复“一件事”办理，累计修复信用记录300条。
"""


def test_it_reads_title_source_date_and_place_and_finds_an_article_the_toc_does_not_list():
    out = _parse(COMPILATION)
    assert out["kind"] == "compilation"
    titles = [a["title"] for a in out["articles"]]
    assert titles == ["鞍山市推行企业开办一日办结", "岫岩县：打造“无证明城市”", "立山区建成政务服务驿站", "铁东区信用修复助企纾困"]
    first = out["articles"][0]
    assert first["source"] == "鞍山市日报" and first["published_on"] == "2024-03-05"
    assert first["place"] == "鞍山市" and "一日办结" in first["body"] and "来源" not in first["body"]
    assert out["articles"][1]["place"] == "岫岩县"


def test_it_leaves_a_plan_with_a_numbered_table_of_contents_to_the_plan_parser():
    text = ("XX区2025年优化营商环境行动方案\n目录\n一、总体要求\t1\n二、重点任务\t2\n三、保障措施\t5\n\n"
            "一、总体要求\n坚持问题导向。\n二、重点任务\n（一）提升政务服务。区数据局牵头，2025年6月底前完成。\n"
            "三、保障措施\n加强组织领导。\n")
    out = _parse(text)
    assert out.get("kind") != "compilation" and out["items"]
