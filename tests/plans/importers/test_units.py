"""Unit phrasings and the rules a document states once (parser/units.py, unitnames.py,
unitrules.py). Examples written for the rule."""
from __future__ import annotations

import pytest

from plans.importers import parse_bytes
from plans.importers.units import find_units_in_text, split_units

from .test_genre import by_title, parse_txt


def _units(item):
    return item["lead_units"], item["co_units"]


@pytest.mark.parametrize("text,lead,co", [
    # a catch-all after 等 is not a unit
    ("（区商务局、区财政局等有关部门按职责分工负责）", [], ["区商务局", "区财政局"]),
    ("（牵头单位：区人社局；责任单位：区财政局、区税务局）", ["区人社局"], ["区财政局", "区税务局"]),
    # 分工负责 / 牵头实施 are roles, not part of a name
    ("（区住建局、区城管局分工负责）", [], ["区住建局", "区城管局"]),
    ("（由区发改局牵头实施）", ["区发改局"], []),
    ("（区民政局按职责分工负责）", ["区民政局"], []),
    # a place bracket inside a name keeps its printed form
    ("（区发改局、各乡〔镇、街道〕人民政府负责）", [], ["区发改局", "各乡〔镇、街道〕人民政府"]),
])
def test_it_reads_the_unit_phrasing(text, lead, co):
    found = find_units_in_text("做好某项工作。" + text)
    assert (found[0], found[1]) == (lead, co)


def test_it_expands_an_elliptical_coordination_of_governments():
    assert split_units("区发改委、相关镇、乡政府") == ["区发改委", "相关镇政府", "相关乡政府"]
    assert split_units("甲乙、丙丁、戊己县政府") == ["甲乙县政府", "丙丁县政府", "戊己县政府"]


def test_it_splits_run_together_names_with_the_regions_registry():
    names = frozenset({"区行政审批服务局", "区司法局"})
    assert split_units("区行政审批服务局区司法局", names) == ["区行政审批服务局", "区司法局"]


def test_it_applies_a_standing_rule_to_the_measure_and_every_later_one():
    result = parse_txt("某区若干措施\n1.扩大消费。（区商务局牵头；以下措施均需各街道办事处落实，不再单独列出）\n"
                       "2.稳定就业。（区人社局负责）\n")
    assert _units(by_title(result, "扩大消费")) == (["区商务局"], ["各街道办事处"])
    assert _units(by_title(result, "稳定就业")) == (["区人社局"], ["各街道办事处"])


def test_it_applies_a_standing_rule_stated_with_xia_tong():
    result = parse_txt("某市实施方案\n（一）完善市场体系。（责任单位：市发改委、市商务局。具体任务均涉及各区县政府，"
                       "不再做分工，下同。）\n（二）规范准入。（责任单位：市市场监管局）\n")
    assert _units(by_title(result, "完善市场体系")) == ([], ["市发改委", "市商务局", "各区县政府"])
    assert _units(by_title(result, "规范准入")) == (["市市场监管局"], ["各区县政府"])


def test_it_makes_the_first_unit_lead_after_a_document_level_rule():
    result = parse_txt("某县行动方案\n各单位：责任单位排在首位的为牵头单位，下同。\n一、任务\n"
                       "1.优化审批。（责任单位：县审批局、县住建局）\n2.压减时限。（责任单位：县自然资源局、县水利局）\n")
    assert _units(by_title(result, "优化审批")) == (["县审批局"], ["县住建局"])
    assert _units(by_title(result, "压减时限")) == (["县自然资源局"], ["县水利局"])


def test_it_joins_a_unit_name_broken_by_a_hard_line_break():
    result = parse_txt("某市若干措施\n1.扩大创业担保贷款。对符合条件的个人给予支持，简化审批流程（市人力资源\n"
                       "和社会保障局牵头，市财政局配合）。\n")
    assert _units(by_title(result, "扩大创业担保贷款")) == (["市人力资源和社会保障局"], ["市财政局"])


def test_it_marks_units_missing_from_the_region_registry_and_knows_its_aliases():
    text = "某区方案\n1.做好登记。（区市场监管局、区数据局按职责分工负责）\n".encode("utf-8")
    result = parse_bytes(text, "p.txt", known_units=["区市场监管局", "区数据局"])
    assert result["unknown_units"] == []
    result = parse_bytes(text, "p.txt", known_units=["区市场监管局"])
    assert result["unknown_units"] == ["区数据局"]


def test_it_recognises_an_alias_from_the_registry_that_the_grammar_would_not():
    text = "某区方案\n1.做好登记。（发改、区财政局按职责分工负责）\n".encode("utf-8")
    assert parse_bytes(text, "p.txt")["items"][0]["co_units"] == []
    result = parse_bytes(text, "p.txt", known_units=["发改", "区财政局"])
    assert result["items"][0]["co_units"] == ["发改", "区财政局"]


def test_it_reads_the_first_unit_rule_stated_inside_the_first_bracket():
    result = parse_txt("某市2024年方案\n1.推进甲。（市发改委、市财政局按职责分工负责，排在首位的为牵头单位，下同）\n"
                       "2.推进乙。（市商务局、市市场监管局按职责分工负责）\n3.推进丙。（市税务局负责）\n")
    assert _units(by_title(result, "推进甲")) == (["市发改委"], ["市财政局"])
    assert _units(by_title(result, "推进乙")) == (["市商务局"], ["市市场监管局"])
    assert _units(by_title(result, "推进丙")) == (["市税务局"], [])
