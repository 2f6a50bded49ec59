"""The item tree from numbered paragraphs (parser/tree.py). Examples written for the rule."""
from __future__ import annotations

from .test_genre import by_title, flat, parse_txt


def test_it_leaves_out_the_covering_notices_numbered_paragraphs():
    result = parse_txt("某区人民政府办公室关于印发某方案的通知\n各部门：\n现将方案印发给你们，请认真贯彻执行。\n"
                       "一、各单位要高度重视，于2024年2月10日前报送联系人。\n二、每季度末报送进展。\n"
                       "某区人民政府办公室\n2024年1月8日\n"
                       "某区2024年重点任务分解方案\n一、稳增长\n（一）新增市场主体3000户。\n责任单位：区市场监管局\n")
    labels = [(it["label"], it["title"]) for it in flat(result["items"])]
    assert labels == [("一", "稳增长"), ("（一）", "新增市场主体3000户")]
    assert result["title"] == "某区2024年重点任务分解方案"


def test_it_splits_sub_measures_run_into_the_measures_paragraph():
    result = parse_txt("某市攻坚方案\n一、任务\n1.扩大工业投资。全年完成工业投资100亿元。(1)推进技改。实施技改项目50个以上。"
                       "(2)培育新兴产业。新增规上企业20家。\n")
    one = by_title(result, "扩大工业投资")
    assert [c["label"] for c in one["children"]] == ["(1)", "(2)"]
    assert [(t["value"], t["unit"]) for t in one["children"][0]["targets"]] == [(50, "个")]


def test_it_keeps_an_enumeration_after_a_colon_inside_the_measure():
    result = parse_txt("某市攻坚方案\n一、任务\n1.完善机制。主要包括：(1)建立台账；(2)定期调度。\n")
    assert by_title(result, "完善机制")["children"] == []


def test_it_joins_a_hard_wrapped_paragraph():
    result = parse_txt("某县若干政策\n一、支持企业\n（一）支持软件企业。对年销售收入首次突破 1000 万元、\n2000 万元的，"
                       "分别给予奖励。全年新增软件企业\n10家。\n")
    item = by_title(result, "支持软件企业")
    assert [(t["op"], t["value"], t["unit"]) for t in item["targets"]] == [(">=", 10, "家")]


def test_it_splits_a_run_on_heading_into_its_numbered_parts():
    result = parse_txt("某区方案\n二、工作措施（一）降低企业用地成本。推行弹性年期供地。\n（二）降低物流成本。新增货运线路3条。\n")
    two = [it for it in result["items"] if it["label"] == "二"][0]
    assert two["title"] == "工作措施"
    assert [c["label"] for c in two["children"]] == ["（一）", "（二）"]


def test_it_gives_each_item_the_text_it_was_read_from():
    result = parse_txt("某区方案\n一、优化审批\n1.推行告知承诺制。对20个事项实行告知承诺，\n减少证明材料。\n（区司法局负责）\n")
    one = by_title(result, "推行告知承诺制")
    assert one["source"] == "1.推行告知承诺制。对20个事项实行告知承诺，减少证明材料。\n（区司法局负责）"
    assert one["loc"] == "第3行"


def test_it_gives_a_table_row_as_the_source_of_its_item():
    result = parse_txt("某区任务表\n| 序号 | 重点任务 | 牵头单位 |\n| 1 | 建设企业服务中心。 | 区发改局 |\n")
    assert by_title(result, "建设企业服务中心")["source"] == "1 | 建设企业服务中心。 | 区发改局"


def test_it_says_when_the_plan_year_is_guessed():
    assert parse_txt("某区方案\n一、任务\n1.做好服务。\n", year=None)["year_guessed"] is True
    assert parse_txt("某区2024年方案\n一、任务\n1.做好服务。\n")["year_guessed"] is False


def test_it_does_not_join_a_heading_with_a_comma_to_the_paragraph_below():
    result = parse_txt("某区方案\n一、保障措施\n1.加强组织领导，压实责任\n各单位要明确专人负责。\n")
    assert by_title(result, "加强组织领导")["title"] == "加强组织领导，压实责任"


def test_it_reads_unnumbered_measures_under_a_numbered_heading():
    result = parse_txt("某区2024年工作方案\n一、优化政务服务\n推行“一网通办”，9月底前可办率达到95%以上。（区数据局负责）\n"
                       "推行帮办代办服务，年底前覆盖全部街道。（区政务服务中心负责）\n")
    head = by_title(result, "优化政务服务")
    assert head["actionable"] is False
    assert [(c["label"], c["lead_units"], c["deadline"]["date"]) for c in head["children"]] == [
        ("", ["区数据局"], "2024-09-30"), ("", ["区政务服务中心"], "2024-12-31")]


def test_it_keeps_unit_lines_with_the_measure_above_them():
    result = parse_txt("某区2024年工作方案\n一、目标\n1.地区生产总值增长6%左右。\n牵头单位：区发改局\n责任单位：各街道\n")
    one = by_title(result, "地区生产总值增长")
    assert one["children"] == [] and (one["lead_units"], one["co_units"]) == (["区发改局"], ["各街道"])


def test_it_reads_chapters_and_articles():
    result = parse_txt("某市2024年若干措施\n第一章 总则\n第一条 为优化营商环境，制定本措施。\n第二章 政务服务\n"
                       "第二条 推行企业开办1天办结。（市市场监管局负责）\n")
    art = by_title(result, "推行企业开办1天办结")
    assert art["label"] == "第二条" and art["level"] == 2 and art["lead_units"] == ["市市场监管局"]
    assert by_title(result, "总则")["actionable"] is False


def test_it_does_not_join_a_long_heading_without_a_full_stop_to_its_body():
    result = parse_txt("某区方案\n一、任务\n（一）深化“放管服”改革，持续优化政务服务环境和企业办事体验\n"
                       "推行一网通办，年底前可办率达到95%。\n")
    assert by_title(result, "深化")["title"] == "深化“放管服”改革，持续优化政务服务环境和企业办事体验"
