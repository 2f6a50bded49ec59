"""Units, deadlines, recurring duties and targets in the phrasings of the genre."""
import pytest

from plans.importers import parse_bytes
from plans.importers.deadlines import find_deadline, find_recurring, parse_deadline_cell
from plans.importers.numbering import match_label
from plans.importers.targets import find_targets
from plans.importers.units import find_units_in_text, split_units


@pytest.mark.parametrize("text,lead,co", [
    ("（牵头单位：区数据局）", ["区数据局"], []),
    ("（牵头单位：区发改局；责任单位：区财政局、区商务局）", ["区发改局"], ["区财政局", "区商务局"]),
    ("〔牵头单位：市财政局；配合单位：市税务局〕", ["市财政局"], ["市税务局"]),
    ("（市市场监管局牵头，市公安局、市税务局按职责分工负责）", ["市市场监管局"], ["市公安局", "市税务局"]),
    ("（区住建局、区数据局按职责分工负责）", [], ["区住建局", "区数据局"]),
    ("（市司法局负责）", ["市司法局"], []),
    ("（责任单位：区政数局及各驻厅部门）", [], ["区政数局", "各驻厅部门"]),
    ("（责任单位：区政数局）", ["区政数局"], []),
    ("(国网辽源供电公司、辽矿集团配售电公司牵头,市财政局、各区人民政府按职责分工负责)",
     ["国网辽源供电公司", "辽矿集团配售电公司"], ["市财政局", "各区人民政府"]),
    ("(市政务服务和数字化局牵头,市发展改革委、市自然资源局等涉及工程建设项目审批单位按职责分工负责)",
     ["市政务服务和数字化局"], ["市发展改革委", "市自然资源局", "涉及工程建设项目审批单位"]),
    ("（负有安全生产监督管理职责的部门按职责分工负责）", ["负有安全生产监督管理职责的部门"], []),
])
def test_it_reads_every_unit_phrasing(text, lead, co):
    found = find_units_in_text("推进某项工作。" + text)
    assert found is not None
    assert (found[0], found[1]) == (lead, co)


def test_it_ignores_parentheses_that_name_no_unit():
    assert find_units_in_text("严格落实“首问（办）负责制”，设立窗口。") is None


def test_it_splits_unit_names_run_together():
    assert split_units("市自然资源局甘州分局区发改局") == ["市自然资源局甘州分局", "区发改局"]
    assert split_units("区委组织部") == ["区委组织部"]
    assert split_units("国家金融监督管理总局辽源监管分局") == ["国家金融监督管理总局辽源监管分局"]
    assert split_units("各乡镇、街道") == ["各乡镇、街道"]


def test_it_prefers_known_units_when_splitting():
    known = frozenset({"县科工局", "县自然资源局"})
    assert split_units("县科工局县自然资源局", known) == ["县科工局", "县自然资源局"]


def test_it_reports_unknown_units_only_when_a_registry_is_given():
    text = "一、工作任务\n1.推进某项工作。（区发改局、区新设局按职责分工负责）\n"
    assert parse_bytes(text.encode(), "a.txt")["unknown_units"] == []
    result = parse_bytes(text.encode(), "a.txt", known_units=["区发改局"])
    assert result["unknown_units"] == ["区新设局"]
    assert any(w["code"] == "unknown_unit" for w in result["warnings"])


@pytest.mark.parametrize("text,date", [
    ("9月", "2025-09-30"), ("6月底", "2025-06-30"), ("6月底前", "2025-06-30"),
    ("2026年10月底前", "2026-10-31"), ("年底前", "2025-12-31"), ("年内", "2025-12-31"),
    ("上半年", "2025-06-30"), ("第三季度", "2025-09-30"), ("3月初", "2025-03-10"), ("2025-07-15", "2025-07-15"),
    ("2月", "2025-02-28"), ("11月中旬", "2025-11-20"),
])
def test_it_resolves_deadline_cells_in_the_plan_year(text, date):
    deadline, ongoing = parse_deadline_cell(text, 2025)
    assert deadline == {"text": text, "date": date} and not ongoing


@pytest.mark.parametrize("text", ["长期坚持", "持续推进", "长期", "常态化推进"])
def test_it_marks_ongoing_deadlines(text):
    assert parse_deadline_cell(text, 2025) == (None, True)


def test_it_finds_deadlines_in_running_text_but_not_in_recurring_duties():
    assert find_deadline("年底前推出一个主题场景", 2025)["date"] == "2025-12-31"
    assert find_deadline("根据安排，2025年年底前实现对接", 2025) == {"text": "2025年年底前", "date": "2025-12-31"}
    assert find_deadline("在2024年3月初将资源上图", 2024)["date"] == "2024-03-10"
    assert find_deadline("每月15日前开放系统权限", 2025) is None
    assert find_deadline("全面摸清2024年项目用地需求", 2024) is None
    assert find_deadline("用三年内时间完成", 2024) is None


def test_it_reads_recurring_duties():
    rec = find_recurring("于每月25日前填报工作进展情况表，每季末报送一次工作总结。")
    assert [(r["rule"], r["day"]) for r in rec] == [("monthly", 25), ("quarterly", None)]
    assert find_recurring("每月10日—30日原则上不入企检查")[0] == {
        "text": "每月10日—30日", "rule": "monthly", "day": 10, "day_end": 30}
    assert find_recurring("每周调度一次")[0]["rule"] == "weekly"
    assert find_recurring("每年3月底前报送")[0]["rule"] == "yearly"


def _t(text):
    return [(t["op"], t["value"], t["unit"], t["baseline"]) for t in find_targets(text)]


@pytest.mark.parametrize("text,expected", [
    ("全程网办占比稳定保持在90%以上", [(">=", 90, "%", None)]),
    ("平均结案时间不超过75天", [("<=", 75, "天", None)]),
    ("首执案件终本率不高于18%", [("<=", 18, "%", None)]),
    ("执行到位率达65％以上", [(">=", 65, "%", None)]),
    ("将高频证照由44项增加至50项以上", [(">=", 50, "项", 44)]),
    ("现场检查由10个工作日压缩至5个工作日内完成", [("<=", 5, "个工作日", 10)]),
    ("力争突破5.5万户", [(">", 55000, "户", None)]),
    ("支持申请不超过30万元的创业担保贷款", [("<=", 30, "万元", None)]),
    ("办理时限压缩三分之一以上", [(">=", 0.3333, None, None)]),
    ("达到72家、51家、113家", [(">=", 72, "家", None), (">=", 51, "家", None), (">=", 113, "家", None)]),
    ("全程网办率高出省级标准3个百分点", [(">=", 3, "个百分点", None)]),
    ("年底前推出一个主题场景", [(">=", 1, "个", None)]),
    ("推行预约办、上门办等十二项窗口工作举措", [(">=", 12, "项", None)]),
    ("推进政务服务事项百分百进入政务大厅", [(">=", 100, "%", None)]),
    ("最高减收50%公证费", [("<=", 50, "%", None)]),
    ("力争实现办结率100%、满意率100%", [(">=", 100, "%", None), (">=", 100, "%", None)]),
])
def test_it_reads_targets(text, expected):
    assert _t(text) == expected


def test_it_gives_one_target_per_rate_sharing_one_figure():
    targets = find_targets("力争实现“双公示”信息上报率、合规率、及时率均达到100%")
    assert [t["metric"] for t in targets] == ["“双公示”信息上报率", "合规率", "及时率"]


@pytest.mark.parametrize("text", [
    "依托12345热线受理诉求", "完成“630”台账欠款清偿", "每月15日前开放系统权限", "实行7x24小时预约通关",
    "2025年年底前实现对接", "落实“六税两费”减免", "开展“一件事一次办”", "《2023年第58号公告》", "构建三级网格化服务体系",
    "开展百户企业评议活动",
])
def test_it_does_not_take_dates_codes_or_names_for_targets(text):
    assert find_targets(text) == []


@pytest.mark.parametrize("text,style,label", [
    ("一、总体要求", "cn", "一"), ("（一）指导思想。", "paren_cn", "（一）"), ("(二)基本原则", "paren_cn", "(二)"),
    ("1.编制清单。", "ar", "1"), ("1. 加强组织领导。", "ar", "1"), ("12、推进改革", "ar", "12"),
    ("3．强化保障", "ar", "3"), ("（1）严格落实", "paren_ar", "（1）"), ("(2)推进", "paren_ar", "(2)"),
    ("①优化流程", "circled", "①"), ("第一条 为了", "tiao", "第一条"), ("1)推进", "ar_half", "1)"),
])
def test_it_recognises_numbering_styles(text, style, label):
    m = match_label(text)
    assert m and (m[0], m[1]) == (style, label)


@pytest.mark.parametrize("text", ["2.5%的企业", "2026年是开局之年", "12345热线", "一是加强领导"])
def test_it_does_not_take_numbers_in_text_for_labels(text):
    assert match_label(text) is None


def test_it_nests_by_the_documents_own_order_of_styles():
    text = ("某区2025年优化营商环境若干措施\n"
            "第一条 优化政务服务。\n①推行帮办代办。（区政数局负责）\n②推行延时服务。（区政数局负责）\n"
            "第二条 规范涉企执法。\n①推行非现场检查。（区司法局负责）\n")
    result = parse_bytes(text.encode(), "a.txt")
    assert [i["label"] for i in result["items"]] == ["第一条", "第二条"]
    assert [c["label"] for c in result["items"][0]["children"]] == ["①", "②"]
    assert result["items"][0]["children"][0]["level"] == 2
    assert result["year"] == 2025


def test_it_inherits_parent_units_and_warns_about_items_without_units():
    text = ("2025年某项工作方案\n一、重点任务\n（一）提升审批效率。（区政数局负责）\n"
            "1.压缩审批时限。审批时限压缩至5个工作日以内。\n（二）优化法治环境。加强执法监督。\n")
    result = parse_bytes(text.encode(), "a.txt")
    child = result["items"][0]["children"][0]["children"][0]
    assert child["lead_units"] == ["区政数局"]
    assert child["targets"][0]["op"] == "<="
    assert [w["code"] for w in result["warnings"]] == ["no_unit"]
    assert "责任单位" in result["warnings"][0]["message"]


def test_it_reads_unit_and_deadline_fields_on_their_own_lines_and_skips_the_signature():
    text = """XX县2025年优化营商环境攻坚行动方案
一、重点任务
（一）提升审批效率
1、推行并联审批。工程项目审批时间压缩至60个工作日以内。
牵头单位：县行政审批局
配合单位：县住建局、县自然资源局
完成时限：2025年6月底前
2、优化企业开办。（牵头单位：县市场监管局；配合单位：县税务局；完成时限：长期坚持）
3、推广电子证照。（县数据局负责，2025年9月底前完成）
二、保障措施
（一）加强组织领导。各单位要高度重视。
XX县人民政府办公室
2025年3月1日
"""
    result = parse_bytes(text.encode("gbk"), "方案.txt")
    assert (result["issuer"], result["issued_on"], result["year"]) == ("XX县人民政府办公室", "2025-03-01", 2025)
    m1, m2, m3 = result["items"][0]["children"][0]["children"]
    assert (m1["lead_units"], m1["co_units"]) == (["县行政审批局"], ["县住建局", "县自然资源局"])
    assert m1["deadline"] == {"text": "2025年6月底前", "date": "2025-06-30"}
    assert [(t["op"], t["value"], t["unit"]) for t in m1["targets"]] == [("<=", 60, "个工作日")]
    assert (m2["lead_units"], m2["co_units"], m2["deadline"], m2.get("ongoing")) == (
        ["县市场监管局"], ["县税务局"], None, True)
    assert m3["lead_units"] == ["县数据局"] and m3["deadline"]["date"] == "2025-09-30"
    guarantee = result["items"][1]
    assert not guarantee["actionable"] and not guarantee["children"][0]["actionable"]
    assert guarantee["children"][0]["deadline"] is None  # the signature date is not a deadline
    assert result["warnings"] == []


@pytest.mark.parametrize("text,lead,co", [
    ("（各县（市、区）人民政府、市发改委按职责分工负责）", [], ["各县（市、区）人民政府", "市发改委"]),
    ("（责任单位：区发改局（牵头）、区财政局、区商务局）", ["区发改局"], ["区财政局", "区商务局"]),
    ("（区发改局、区财政局共同牵头，区商务局配合）", ["区发改局", "区财政局"], ["区商务局"]),
    ("（县数据局负责，2025年9月底前完成）", ["县数据局"], []),
])
def test_it_reads_harder_unit_phrasings(text, lead, co):
    found = find_units_in_text("推进某项工作。" + text)
    assert (found[0], found[1]) == (lead, co)


def test_it_reads_dotted_decimal_numbering():
    text = "2025年工作方案\n1 总体要求\n1.1 推进改革。（区发改局负责）\n1.2 优化服务。（区政数局负责）\n"
    text = text.replace("1 总体要求", "1、总体要求")
    result = parse_bytes(text.encode(), "a.txt")
    assert [c["label"] for c in result["items"][0]["children"]] == ["1.1", "1.2"]


def test_it_reads_a_two_row_table_header():
    import io

    import docx

    d = docx.Document()
    d.add_paragraph("XX区2025年重点任务清单")
    rows = [["序号", "工作任务", "责任单位", "责任单位", "完成时限"],
            ["", "", "牵头单位", "配合单位", ""],
            ["1", "推行并联审批。审批时间压缩50%以上。", "区审批局", "区住建局\n区自然资源局", "6月底前"]]
    t = d.add_table(rows=3, cols=5)
    for i, r in enumerate(rows):
        for j, c in enumerate(r):
            t.cell(i, j).text = c
    t.cell(0, 2).merge(t.cell(0, 3))
    for col in (0, 1, 4):
        t.cell(0, col).merge(t.cell(1, col))
    buf = io.BytesIO()
    d.save(buf)
    result = parse_bytes(buf.getvalue(), "清单.docx")
    (item,) = result["items"]
    assert (item["label"], item["lead_units"], item["co_units"]) == ("1", ["区审批局"], ["区住建局", "区自然资源局"])
    assert item["deadline"]["date"] == "2025-06-30" and item["targets"][0]["value"] == 50


def test_it_takes_the_plan_title_out_of_a_cover_notice():
    text = ("XX区人民政府办公室关于印发《XX区2025年优化营商环境实施方案》的通知\n各乡镇人民政府，区直各部门：\n"
            "现将《XX区2025年优化营商环境实施方案》印发给你们，请认真贯彻执行。\n"
            "一、重点任务\n1.推行并联审批。（区审批局负责）\n")
    result = parse_bytes(text.encode(), "a.txt")
    assert result["title"] == "XX区2025年优化营商环境实施方案"
