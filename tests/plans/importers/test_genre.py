"""The importer on plans it has never seen: patterns of the genre the seed plans
do not show (articles, nested place names in units, deadline cells, footers,
task tables laid out in other ways …).  Documents are built at test time."""
from __future__ import annotations

import io
from datetime import datetime

import pytest

from plans.importers import parse_bytes
from plans.importers.targets import find_targets


def parse_txt(text: str, name: str = "plan.txt", **kw) -> dict:
    return parse_bytes(text.encode("utf-8"), name, **kw)


def flat(items, out=None):
    out = [] if out is None else out
    for it in items:
        out.append(it)
        flat(it["children"], out)
    return out


def by_title(result: dict, start: str) -> dict:
    hits = [it for it in flat(result["items"]) if it["title"].startswith(start)]
    assert hits, f"no item titled {start!r}: {[it['title'] for it in flat(result['items'])]}"
    return hits[0]


def targets_of(item) -> list[tuple]:
    return [(t["op"], t["value"], t["unit"], t["baseline"]) for t in item["targets"]]


# --------------------------------------------------------------------------- 若干措施 with articles
ARTICLES = """XX市2026年优化营商环境若干措施

为深入贯彻落实《优化营商环境条例》，结合我市实际，制定如下措施。

第一条 压缩企业开办时间。企业开办时间压缩至1个工作日以内。〔市市场监管局牵头，市直有关部门按职责分工负责〕
第二条 优化工程建设项目审批。审批时间由15个工作日压缩至5个工作日以内，2026年6月底前完成。（责任单位：市住建局、市自然资源局，各县（市、区）人民政府）
第三条 提升办电服务水平。办电时间不超过15天。（国网XX供电公司负责）
第四条 加大金融支持。普惠小微贷款余额增长10%以上，新增首贷户不少于200户。（中国人民银行XX市分行牵头，国家金融监督管理总局XX监管分局、市财政局配合）
第五条 加强干部队伍建设。健全容错纠错机制，年内出台实施细则。（市委组织部、市委编办按职责分工负责）
第六条 建立政企沟通机制。每月5日前报送恳谈会开展情况。责任单位：市营商环境建设局；配合单位：市工商联、市发展改革委
第七条 本措施自印发之日起施行，有效期至2028年12月31日。

XX市人民政府办公室
2026年3月5日
（此件公开发布）
抄送：市委各部门，市人大常委会办公室，市政协办公室。
XX市人民政府办公室                   2026年3月6日印发
— 3 —
"""


@pytest.fixture(scope="module")
def articles():
    return parse_txt(ARTICLES)


def test_articles_are_items(articles):
    assert [it["label"] for it in articles["items"]] == [f"第{n}条" for n in "一二三四五六七"]
    assert articles["title"] == "XX市2026年优化营商环境若干措施"
    assert articles["issuer"] == "XX市人民政府办公室" and articles["issued_on"] == "2026-03-05"


def test_nested_place_parentheses_stay_inside_the_unit_name(articles):
    it = by_title(articles, "优化工程建设项目审批")
    assert it["co_units"] == ["市住建局", "市自然资源局", "各县（市、区）人民政府"]
    assert it["deadline"] == {"text": "2026年6月底前", "date": "2026-06-30"}
    assert targets_of(it) == [("<=", 5, "个工作日", 15)]


def test_unit_phrasings(articles):
    assert by_title(articles, "压缩企业开办")["lead_units"] == ["市市场监管局"]
    assert by_title(articles, "压缩企业开办")["co_units"] == ["市直有关部门"]
    assert by_title(articles, "提升办电")["lead_units"] == ["国网XX供电公司"]
    fin = by_title(articles, "加大金融支持")
    assert fin["lead_units"] == ["中国人民银行XX市分行"]
    assert fin["co_units"] == ["国家金融监督管理总局XX监管分局", "市财政局"]
    party = by_title(articles, "加强干部队伍")
    assert party["lead_units"] == [] and party["co_units"] == ["市委组织部", "市委编办"]
    assert party["deadline"]["date"] == "2026-12-31"
    # 责任单位 + 配合单位: the one responsible unit leads
    talk = by_title(articles, "建立政企沟通")
    assert talk["lead_units"] == ["市营商环境建设局"]
    assert talk["co_units"] == ["市工商联", "市发展改革委"]
    assert talk["recurring"][0]["rule"] == "monthly" and talk["recurring"][0]["day"] == 5


def test_closing_article_and_footer(articles):
    last = articles["items"][-1]
    assert last["actionable"] is False and last["deadline"] is None
    assert "抄送" not in last["text"] and "印发" not in last["text"].replace("自印发之日", "")
    assert "— 3 —" not in last["text"]
    assert not any(w["code"] == "no_unit" and "本措施" in w["message"] for w in articles["warnings"])


# --------------------------------------------------------------------------- three-level numbering
THREE_LEVELS = """YY县优化营商环境三年行动方案（2026—2028年）

一、总体目标
到2028年，全县市场主体达到2.5万户。
二、重点任务
(一)提升政务服务效能
1.推进“高效办成一件事”。一是拓展服务清单，二是优化办事流程，三是强化数据共享。2026年底前实现13个重点事项全覆盖。（县政务服务中心牵头，县直各部门配合）
(1)深化“一网通办”。政务服务事项网上可办率提高到95%。
(2)推进“一窗通办”。设立综合窗口不少于10个。
①完善综合窗口制度。3月底前完成。
②强化窗口人员培训。每半年开展一次培训。
2.规范中介服务。中介服务时限压缩三分之一，收费标准下降一半以上。（县发改局负责，长期坚持）
(二)优化市场环境
1.加强信用体系建设。信用修复办理时间压缩至3-5天，替代证明的事项由44项增加至50项以上。（县发改局负责）
三、保障措施
(一)加强组织领导。成立领导小组。
(二)强化督查考核。每月通报工作进展。

附件：1.YY县优化营商环境重点任务清单
      2.YY县营商环境评价指标表
— 3 —
"""


@pytest.fixture(scope="module")
def three():
    return parse_txt(THREE_LEVELS)


def test_three_level_numbering_and_yi_shi_er_shi(three):
    tasks = three["items"][1]
    assert [c["label"] for c in tasks["children"]] == ["(一)", "(二)"]
    m1 = tasks["children"][0]["children"][0]
    assert m1["label"] == "1" and m1["level"] == 3
    assert [c["label"] for c in m1["children"]] == ["(1)", "(2)"]
    assert [c["label"] for c in m1["children"][1]["children"]] == ["①", "②"]
    assert all(c["label"] not in ("一是", "二是") for c in flat(three["items"]))
    # units stated on the parent apply to the children
    assert m1["children"][1]["children"][0]["lead_units"] == ["县政务服务中心"]
    assert m1["children"][1]["children"][0]["deadline"]["date"] == "2026-03-31"


def test_fractions_halves_and_ranges(three):
    assert targets_of(by_title(three, "规范中介服务")) == [(">=", 0.3333, None, None), (">=", 0.5, None, None)]
    assert by_title(three, "规范中介服务").get("ongoing") is True
    credit = targets_of(by_title(three, "加强信用体系"))
    assert ("<=", 5, "天", None) in credit
    assert (">=", 50, "项", 44) in credit


def test_attachment_list_and_page_number_are_not_items(three):
    titles = [it["title"] for it in flat(three["items"])]
    assert not any("清单" in t or "指标表" in t for t in titles)
    assert "附件" not in three["items"][-1]["children"][-1]["text"]


# --------------------------------------------------------------------------- headings alone on a line
def test_number_alone_then_heading_and_labelled_fields():
    r = parse_txt("""ZZ区2026年营商环境优化提升工作要点

一、
优化政务服务
（一）
推行“免证办”服务。年内实现高频证照免提交。责任单位：区行政审批局；配合单位：区大数据中心。完成时限：2026年9月30日
（二）推进“好差评”。差评整改率达到100%。（区政务服务中心负责，长期坚持）
""")
    one = r["items"][0]
    assert one["label"] == "一" and one["title"] == "优化政务服务"
    a = one["children"][0]
    assert a["title"] == "推行“免证办”服务"
    assert a["lead_units"] == ["区行政审批局"] and a["co_units"] == ["区大数据中心"]
    assert a["deadline"]["date"] == "2026-09-30"
    assert one["children"][1].get("ongoing") is True and one["children"][1]["deadline"] is None


def test_attachment_body_continues_the_tree():
    r = parse_txt("""WW市2026年优化营商环境实施方案
一、优化政务服务
1.推行告知承诺制。（市司法局负责）
附件：1.WW市优化营商环境重点任务清单
      2.WW市营商环境评价指标表
WW市人民政府
2026年1月8日
附件1
WW市优化营商环境重点任务清单
2.压缩审批时限。审批时限压缩至3个工作日。（市数据局负责）
""")
    assert [c["label"] for c in r["items"][0]["children"]] == ["1", "2"]
    assert "附件" not in r["items"][0]["children"][0]["text"]


# --------------------------------------------------------------------------- targets
@pytest.mark.parametrize("text, expected", [
    ("信用修复办理时间压缩至3-5天", [("<=", 5, "天", None)]),
    ("培育3～5家龙头企业", [(">=", 3, "家", None)]),
    ("由原来的30天压缩至15天以内", [("<=", 15, "天", 30)]),
    ("获得电力平均办理时间分别压缩至5个、10个工作日", [("<=", 5, "个工作日", None), ("<=", 10, "个工作日", None)]),
    ("用电报装容量160千瓦及以下实行“三零”服务", [("<=", 160, "千瓦", None)]),
    ("非现场监管占比不低于1/3", [(">=", 0.3333, None, None)]),
    ("企业投诉2个月内办结", [("<=", 2, "个月", None)]),
    ("建设24小时自助服务区3个，推行一件事一次办", [(">=", 3, "个", None)]),
    ("依据国发〔2024〕12号文件，落实《条例》第三十三条", []),
    ("平均办理时间控制在2小时以内，7×24小时不打烊", [("<=", 2, "小时", None)]),
    ("新增减税降费10亿元以上，惠及企业1.2万家", [(">=", 10, "亿元", None), (">=", 12000, "家", None)]),
    ("执行到位率提升5个百分点", [(">=", 5, "个百分点", None)]),
    ("全市政务服务事项“最多跑一次”比例达到100%", [(">=", 100, "%", None)]),
    ("营商环境评价进入全省前3名", [("<=", 3, "名", None)]),
    ("走访企业1000家次", [(">=", 1000, "家次", None)]),
    ("受理后5日内答复，6月30日前完成", [("<=", 5, "日", None)]),
    ("围绕审批、监管、服务等5个专题开展明察暗访", []),
    ("下放护照申领、港澳通行证申请等12项业务", [(">=", 12, "项", None)]),
    ("推行“1+N”服务模式，打造“15分钟政务服务圈”", []),
    ("依托12345政务服务便民热线，实行7×24小时服务", []),
])
def test_targets(text, expected):
    assert [(t["op"], t["value"], t["unit"], t["baseline"]) for t in find_targets(text)] == expected


def test_target_metric_leaves_out_baseline_and_deadline():
    t = find_targets("审批时间由15个工作日压缩至5个工作日以内")[0]
    assert t["metric"] == "审批时间"
    t = find_targets("2026年底前实现13个重点事项全覆盖")[0]
    assert "年底" not in t["metric"]


# --------------------------------------------------------------------------- .xlsx task table
def _xlsx(build) -> bytes:
    import openpyxl

    wb = openpyxl.Workbook()
    build(wb)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _task_workbook(wb):
    ws = wb.active
    ws.title = "任务分工表"
    ws.append(["XX市2026年优化营商环境重点任务分工表"])
    ws.merge_cells("A1:G1")
    ws.append(["填报单位：市营商环境建设局", None, None, None, None, "2026年2月"])
    ws.append(["序号", "重点任务", "具体措施", "牵头单位", "配合单位", "完成时限", "备注"])
    rows = [
        [1, "优化企业开办服务", "推行企业开办“一网通办”，开办时间压缩至1个工作日以内", "市市场监管局",
         "市公安局、市税务局", datetime(2026, 6, 30), ""],
        [2, None, "推行电子营业执照应用，电子执照下载量达到10万户", "市市场监管局", "市数据局", "2026.09", "新增"],
        [3, None, "简易注销公告时间压缩至20天", "市市场监管局", "市人社局\n市税务局", "2026-12-31", ""],
        [4, "提升办理建筑许可便利度", "工程建设项目审批时间压缩至60个工作日以内", "市住建局",
         "各县（市、区）人民政府", "长期坚持", ""],
        [5, None, "推行分阶段施工许可", "市住建局", "", "46295", ""],
        [6, "优化用水用气报装", "水气报装办理时间不超过5个工作日", "市城管局", "市住建局", "每季度末", ""],
    ]
    for r in rows:
        ws.append(r)
    ws.merge_cells("B4:B6")
    ws.merge_cells("B7:B8")
    notes = wb.create_sheet("填表说明")
    notes.append(["说明：1.完成时限请填写具体日期。2.每月5日前报送进展。"])
    hidden = wb.create_sheet("旧表")
    hidden.append(["序号", "任务", "牵头单位"])
    hidden.append([1, "已废止的任务", "市某局"])
    hidden.sheet_state = "hidden"


@pytest.fixture(scope="module")
def xlsx_plan():
    return parse_bytes(_xlsx(_task_workbook), "任务表.xlsx")


def test_xlsx_title_rows_and_groups(xlsx_plan):
    assert xlsx_plan["title"] == "XX市2026年优化营商环境重点任务分工表"
    assert [g["title"] for g in xlsx_plan["items"]] == ["优化企业开办服务", "提升办理建筑许可便利度", "优化用水用气报装"]
    assert [c["label"] for c in xlsx_plan["items"][0]["children"]] == ["1", "2", "3"]
    assert not any("废止" in it["title"] for it in flat(xlsx_plan["items"]))


def test_xlsx_deadline_cells(xlsx_plan):
    items = {it["label"]: it for it in flat(xlsx_plan["items"]) if it["label"]}
    assert items["1"]["deadline"]["date"] == "2026-06-30"
    assert items["2"]["deadline"]["date"] == "2026-09-30"
    assert items["3"]["deadline"]["date"] == "2026-12-31"
    assert items["4"]["deadline"] is None and items["4"].get("ongoing") is True
    assert items["5"]["deadline"]["date"] == "2026-09-30"  # an Excel date serial
    assert items["6"]["deadline"] is None and items["6"]["recurring"][0]["rule"] == "quarterly"
    assert not [w for w in xlsx_plan["warnings"] if w["code"] == "deadline_unparsed"]


def test_xlsx_units_with_place_parentheses_and_line_breaks(xlsx_plan):
    items = {it["label"]: it for it in flat(xlsx_plan["items"]) if it["label"]}
    assert items["3"]["co_units"] == ["市人社局", "市税务局"]
    assert items["4"]["co_units"] == ["各县（市、区）人民政府"]


# --------------------------------------------------------------------------- .docx whose body is a table
def _docx_table(rows, *, merges=()) -> bytes:
    import docx

    d = docx.Document()
    t = d.add_table(rows=len(rows), cols=len(rows[0]))
    for r, row in enumerate(rows):
        for c, val in enumerate(row):
            cell = t.cell(r, c)
            lines = val.split("\n")
            cell.text = lines[0]
            for extra in lines[1:]:
                cell.add_paragraph(extra)
    for (r0, c0), (r1, c1), text in merges:
        m = t.cell(r0, c0).merge(t.cell(r1, c1))
        m.text = text
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def test_docx_only_a_table_with_two_row_header_and_merges():
    rows = [
        ["序号", "重点任务", "具体措施", "责任单位", "责任单位", "完成时限"],
        ["序号", "重点任务", "具体措施", "牵头单位", "配合单位", "完成时限"],
        ["一、提升政务服务效能"] * 6,
        ["1", "推进“一网通办”", "网上可办率达到98%", "市数据局", "市直各部门\n各县（市、区）政府", "2026年\n6月底前"],
        ["2", "", "1.推行“证照联办”；\n2.推进电子证照应用，新增应用场景不少于20个。", "市数据局", "市直有关部门",
         "2026年12月"],
        ["3", "加强监管执法", "检查次数减少30%", "各县（市、区）人民政府", "", "长期坚持"],
    ]
    data = _docx_table(rows, merges=[((0, 3), (0, 4), "责任单位"), ((0, 0), (1, 0), "序号"),
                                     ((0, 1), (1, 1), "重点任务"), ((0, 2), (1, 2), "具体措施"),
                                     ((0, 5), (1, 5), "完成时限"), ((2, 0), (2, 5), "一、提升政务服务效能"),
                                     ((3, 1), (4, 1), "推进“一网通办”"), ((5, 3), (5, 4), "各县（市、区）人民政府")])
    r = parse_bytes(data, "RR市2026年营商环境重点任务.docx")
    assert r["title"] == "RR市2026年营商环境重点任务"  # no title in the file: the file name
    items = {it["label"]: it for it in flat(r["items"]) if it["label"]}
    assert items["1"]["co_units"] == ["市直各部门", "各县（市、区）政府"]
    assert items["1"]["deadline"]["date"] == "2026-06-30"
    assert items["2"]["title"] == "推行“证照联办”"  # the 序号 column numbers the row
    assert targets_of(items["2"]) == [(">=", 20, "个", None)]
    assert items["3"]["lead_units"] == ["各县（市、区）人民政府"] and items["3"]["co_units"] == []


# --------------------------------------------------------------------------- encodings
RECURRING = """QQ市2026年优化营商环境攻坚行动方案
一、攻坚任务
1.开展走访活动。每周走访企业不少于5家，每月10日前报送走访台账，每年12月底前形成年度报告。（市工信局牵头，各县（市）区政府配合）
2.完善诉求办理机制。6月30日前建立诉求分类办理制度。（市政务服务中心负责）
3.开展营商环境监测。每季度末开展一次监测，三季度末前完成中期评估。（市统计局负责）
"""


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-16-le", "utf-16-be", "utf-8-sig"])
def test_encodings_without_bom(encoding):
    base = parse_txt(RECURRING)
    other = parse_bytes(RECURRING.encode(encoding), "plan.txt")
    assert other["items"] == base["items"]


def test_recurring_and_dates():
    r = parse_txt(RECURRING)
    visit = by_title(r, "开展走访活动")
    assert [x["rule"] for x in visit["recurring"]] == ["weekly", "monthly", "yearly"]
    assert visit["lead_units"] == ["市工信局"] and visit["co_units"] == ["各县（市）区政府"]
    assert by_title(r, "完善诉求")["deadline"]["date"] == "2026-06-30"
    mon = by_title(r, "开展营商环境监测")
    assert mon["deadline"]["date"] == "2026-09-30"
    assert mon["recurring"][0]["rule"] == "quarterly"


# --------------------------------------------------------------------------- chapters, units in plain sentences
CHAPTERS = """MM市2026年优化营商环境行动计划

第一章 总则
第一条 为持续优化营商环境，制定本计划。
第二章 重点任务
第二条 深化商事制度改革。推行经营主体登记确认制，2026年10月底前完成。由市市场监管局牵头，市司法局、市数据局配合。
第三条 优化跨境贸易。进出口整体通关时间压缩20%以上。市商务局、XX海关按职责分工负责。
第四条 提升涉企服务。各部门要按职责分工负责落实，每月开展一次“政企面对面”活动。
第三章 保障措施
第五条 各部门要于每年12月底前报送年度工作总结。
联系人：张三，联系电话：0000-12345678
"""


def test_chapters_and_articles():
    r = parse_txt(CHAPTERS)
    assert [it["label"] for it in r["items"]] == ["第一章", "第二章", "第三章"]
    assert r["items"][0]["children"][0]["actionable"] is False  # 总则
    assert r["items"][2]["children"][0]["actionable"] is False  # 保障措施
    assert "联系人" not in r["items"][2]["children"][0]["text"]


def test_units_named_in_a_sentence_without_brackets():
    r = parse_txt(CHAPTERS)
    reform = by_title(r, "深化商事制度改革")
    assert reform["lead_units"] == ["市市场监管局"] and reform["co_units"] == ["市司法局", "市数据局"]
    trade = by_title(r, "优化跨境贸易")
    assert trade["lead_units"] == [] and trade["co_units"] == ["市商务局", "XX海关"]
    assert targets_of(trade) == [(">=", 20, "%", None)]
    # a sentence about the units' duties is not a responsibility line
    assert by_title(r, "提升涉企服务")["co_units"] == []


# --------------------------------------------------------------------------- a 任务清单 with group rows and a total
def _checklist(wb):
    ws = wb.active
    ws.append([None])
    ws.append(["附件"])
    ws.append(["NN县2026年优化营商环境工作任务清单"])
    ws.merge_cells("A3:E3")
    ws.append(["序号", "工作任务", "责任单位", "完成时限", "备注"])
    ws.append(["一、政务服务"])
    ws.merge_cells("A5:E5")
    ws.append([1, "推行“一件事一次办”，年内新增10个一件事场景", "县政务服务中心（牵头）、县直有关部门", "2026年12月底前"])
    ws.append([2, "深化“一网通办”，网办率达到95%以上", "县数据局", "6月底"])
    ws.append(["二、法治环境"])
    ws.merge_cells("A8:E8")
    ws.append([3, "规范涉企行政检查，检查频次下降20%", "县司法局牵头，各执法部门配合", "持续推进", "重点"])
    ws.append([4, "开展“清廉护商”行动", "县纪委监委、县委政法委", "2026年"])
    ws.append(["合计", "4项"])
    ws.append(["注：完成时限为最迟时间。"])
    ws.merge_cells("A12:E12")


def test_xlsx_checklist_with_group_rows_lead_in_cell_and_total_row():
    r = parse_bytes(_xlsx(_checklist), "清单.xlsx")
    assert r["title"] == "NN县2026年优化营商环境工作任务清单"
    assert [(g["label"], g["title"]) for g in r["items"]] == [("一", "政务服务"), ("二", "法治环境")]
    items = {it["label"]: it for it in flat(r["items"]) if it["label"]}
    assert set(items) == {"一", "二", "1", "2", "3", "4"}  # no 合计 / 注 rows
    assert items["1"]["lead_units"] == ["县政务服务中心"] and items["1"]["co_units"] == ["县直有关部门"]
    assert items["2"]["deadline"]["date"] == "2026-06-30"
    assert items["3"]["lead_units"] == ["县司法局"] and items["3"]["co_units"] == ["各执法部门"]
    assert items["4"]["deadline"]["date"] == "2026-12-31"
    assert items["4"]["co_units"] == ["县纪委监委", "县委政法委"]


# --------------------------------------------------------------------------- field lines in every dress
FIELDS = """KK区2026年优化营商环境重点任务
一、提升政务服务水平
（一）推进政务服务标准化
1.编制政务服务事项实施清单，实现同一事项无差别受理。
牵头单位：区行政审批局
配合单位：区直各相关部门、各镇（街道）
完成时限：2026年8月底前
2.推进“跨省通办”。新增跨省通办事项30项。
【责任单位】区行政审批局、区大数据中心
【完成时限】2026年11月
二、强化监管执法
1.推行“双随机、一公开”监管全覆盖，抽查比例不低于5%。责任单位：区市场监管局，各行政执法部门；时间：2026年全年
2.推行“综合查一次”。（区委编办、区司法局；2026年9月底前）
3.规范中介服务。（市场主体、个体工商户）
"""


def test_field_lines_brackets_and_bare_unit_parentheses():
    r = parse_txt(FIELDS)
    std = by_title(r, "编制政务服务事项")
    assert std["lead_units"] == ["区行政审批局"] and std["co_units"] == ["区直各相关部门", "各镇（街道）"]
    assert std["deadline"]["date"] == "2026-08-31"
    cross = by_title(r, "推进“跨省通办”")
    assert cross["co_units"] == ["区行政审批局", "区大数据中心"] and cross["deadline"]["date"] == "2026-11-30"
    rand = by_title(r, "推行“双随机")
    assert rand["co_units"] == ["区市场监管局", "各行政执法部门"] and rand["deadline"]["date"] == "2026-12-31"
    one = by_title(r, "推行“综合查一次”")
    assert one["co_units"] == ["区委编办", "区司法局"] and one["deadline"]["date"] == "2026-09-30"
    assert by_title(r, "规范中介服务")["co_units"] == []  # not units


# --------------------------------------------------------------------------- narrative + 分工表 numbered differently
def test_table_rows_numbered_1_2_3_merge_into_measures_numbered_yi_er_san():
    text = (
        "SS区2026年优化营商环境实施方案（征求意见稿）\n"
        "一、重点任务\n"
        "（一）推行企业开办“一网通办”。企业开办时间压缩至1个工作日。\n"
        "（二）推进工程建设项目审批改革。审批时间压缩至40个工作日以内。\n"
        "（三）优化纳税缴费服务。\n"
        "二、保障措施\n（一）加强组织领导。\n"
        "附件\nSS区2026年优化营商环境重点任务分工表\n"
        "\t序号\t重点任务\t牵头单位\t配合单位\t完成时限\n\n"
        "\t1\t推行企业开办“一网通办”\t区市场监管局\t区税务局\t2026年6月底前\n\n"
        "\t2\t推进工程建设项目审批改革\t区住建局\t区自然资源分局\t2026年9月底前\n\n"
        "\t3\t优化纳税缴费服务\t区税务局\t\t长期坚持\n"
    )
    r = parse_txt(text)
    assert r["title"] == "SS区2026年优化营商环境实施方案（征求意见稿）"  # kept, as the gold does
    assert [it["label"] for it in r["items"]] == ["一", "二"]  # no duplicated rows at the end
    a, b, c = r["items"][0]["children"]
    assert a["lead_units"] == ["区市场监管局"] and a["co_units"] == ["区税务局"]
    assert a["deadline"]["date"] == "2026-06-30" and targets_of(a) == [("<=", 1, "个工作日", None)]
    assert b["lead_units"] == ["区住建局"] and b["deadline"]["date"] == "2026-09-30"
    # an empty 配合单位 beside the row's own 牵头单位 is "none", not "same as above"
    assert c["lead_units"] == ["区税务局"] and c["co_units"] == [] and c.get("ongoing") is True


# --------------------------------------------------------------------------- deadlines in running text and cells
@pytest.mark.parametrize("text, expected", [
    ("2026年3月—6月开展专项整治", "2026-06-30"),
    ("3-6月开展集中攻坚", "2026-06-30"),
    ("2026年6月至12月", "2026-12-31"),
    ("自2026年6月起实施新规", None),
    ("2026年7月1日起施行", None),
    ("截至2025年底，全市市场主体达到10万户，2026年底前达到12万户", "2026-12-31"),
    ("今年10月底前完成", "2026-10-31"),
    ("到2027年，实现全覆盖", "2027-12-31"),
    ("第三季度", "2026-09-30"),
    ("三季度末", "2026-09-30"),
    ("12月31日前", "2026-12-31"),
    ("每年12月底前报送", None),
])
def test_deadline_in_text(text, expected):
    from plans.importers.deadlines import find_deadline

    d = find_deadline(text, 2026)
    assert (d["date"] if d else None) == expected


@pytest.mark.parametrize("cell, expected, ongoing", [
    ("2026.06", "2026-06-30", False),
    ("2026/6/30", "2026-06-30", False),
    ("2026年", "2026-12-31", False),
    ("2026年1—6月", "2026-06-30", False),
    ("2026年6月\n2026年12月", "2026-12-31", False),
    ("6月底前完成制度建设，12月底前全面推开", "2026-12-31", False),
    ("46203", "2026-06-30", False),
    ("长期坚持", None, True),
    ("立即启动，长期坚持", None, True),
    ("每季度", None, False),
])
def test_deadline_cell(cell, expected, ongoing):
    from plans.importers.deadlines import parse_deadline_cell

    d, on = parse_deadline_cell(cell, 2026)
    assert (d["date"] if d else None) == expected and on is ongoing


# --------------------------------------------------------------------------- responsibility phrases
@pytest.mark.parametrize("phrase, lead, co", [
    ("〔市发展改革委牵头，市直有关部门按职责分工负责〕", ["市发展改革委"], ["市直有关部门"]),
    ("（责任单位：市营商环境建设局、市市场监管局，各县（市、区）人民政府）", [],
     ["市营商环境建设局", "市市场监管局", "各县（市、区）人民政府"]),
    ("（牵头单位：市数据局；配合单位：市直各部门）", ["市数据局"], ["市直各部门"]),
    ("（各县（市）区人民政府负责）", ["各县（市）区人民政府"], []),
    ("（市委组织部、市委编办、市人社局按职责分工负责）", [], ["市委组织部", "市委编办", "市人社局"]),
    ("（市税务局牵头，市财政局、人行XX中心支行配合）", ["市税务局"], ["市财政局", "人行XX中心支行"]),
    ("（市委宣传部、市委网信办，各县市区党委和政府负责）", [], ["市委宣传部", "市委网信办", "各县市区党委和政府"]),
    ("（市住建局牵头，市水务局、市城管局等部门配合）", ["市住建局"], ["市水务局", "市城管局"]),
    ("（责任单位：市发展改革委（牵头）、市财政局）", ["市发展改革委"], ["市财政局"]),
    ("（市发展改革委、市财政局〔牵头〕）", ["市财政局"], ["市发展改革委"]),
    ("（市市场监管局牵头，各县（市、区）市场监管局具体落实）", ["市市场监管局"], ["各县（市、区）市场监管局"]),
    ("（XX高新区管委会、XX经开区管委会负责）", [], ["XX高新区管委会", "XX经开区管委会"]),
])
def test_responsibility_phrases(phrase, lead, co):
    from plans.importers.units import find_units_in_text

    r = find_units_in_text("推进某项改革。" + phrase)
    assert r is not None and (r[0], r[1]) == (lead, co)


def test_xlsx_sequence_number_merged_with_the_task_over_its_measures():
    def build(wb):
        ws = wb.active
        ws.append(["序号", "重点任务", "具体措施", "责任单位", "完成时限"])
        ws.append([1, "优化企业开办", "推行企业开办一网通办", "市市场监管局", "2026年6月"])
        ws.append([None, None, "推行电子营业执照", "市市场监管局、市数据局", "2026年9月"])
        ws.append([None, None, "压缩开办时间至1个工作日", "市市场监管局", "2026年12月"])
        ws.append([2, "提升纳税便利度", "推行非接触式办税，网上办税率达到95%", "市税务局", "长期坚持"])
        ws.merge_cells("A2:A4")
        ws.merge_cells("B2:B4")

    r = parse_bytes(_xlsx(build), "RR市2026年任务表.xlsx")
    assert [(it["label"], it["title"]) for it in r["items"]] == [("1", "优化企业开办"), ("2", "提升纳税便利度")]
    parts = r["items"][0]["children"]
    assert [p["title"] for p in parts] == ["推行企业开办一网通办", "推行电子营业执照", "压缩开办时间至1个工作日"]
    assert [p["deadline"]["date"] for p in parts] == ["2026-06-30", "2026-09-30", "2026-12-31"]
    assert parts[1]["co_units"] == ["市市场监管局", "市数据局"]
    assert r["items"][1]["lead_units"] == ["市税务局"] and targets_of(r["items"][1]) == [(">=", 95, "%", None)]


# --------------------------------------------------------------------------- .docx odds and ends
def test_docx_footer_table_is_not_an_items_text():
    import docx

    d = docx.Document()
    for line in ("TT市2026年优化营商环境实施方案", "一、重点任务", "（一）推行告知承诺制。（市司法局负责）",
                 "TT市人民政府办公室", "2026年5月6日", "— 4 —"):
        d.add_paragraph(line)
    t = d.add_table(rows=2, cols=2)
    t.cell(0, 0).text = "抄送：市委各部门，市人大常委会办公室。"
    t.cell(1, 0).text = "TT市人民政府办公室"
    t.cell(1, 1).text = "2026年5月7日印发"
    buf = io.BytesIO()
    d.save(buf)
    r = parse_bytes(buf.getvalue(), "t.docx")
    assert r["issuer"] == "TT市人民政府办公室" and r["issued_on"] == "2026-05-06"
    assert r["items"][0]["children"][0]["text"] == "推行告知承诺制。（市司法局负责）"


def test_docx_word_numbering_three_levels_below_a_chinese_heading():
    import docx
    from docx.oxml import parse_xml

    from .conftest import W_NS, _set_num

    d = docx.Document()
    d.add_paragraph("PP区2026年优化营商环境工作方案")
    numbering = d.part.numbering_part.element
    absn = parse_xml(
        f'<w:abstractNum xmlns:w="{W_NS}" w:abstractNumId="91"><w:multiLevelType w:val="multilevel"/>'
        '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/></w:lvl>'
        '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%2."/></w:lvl>'
        '<w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="（%3）"/></w:lvl>'
        '<w:lvl w:ilvl="3"><w:start w:val="1"/><w:numFmt w:val="decimalEnclosedCircle"/><w:lvlText w:val="%4"/>'
        '</w:lvl></w:abstractNum>')
    first = numbering.find(f"{{{W_NS}}}num")
    first.addprevious(absn) if first is not None else numbering.append(absn)
    numbering.append(parse_xml(f'<w:num xmlns:w="{W_NS}" w:numId="91"><w:abstractNumId w:val="91"/></w:num>'))
    for text, lvl in [("优化审批服务", 0), ("推进审批提速。（区行政审批局负责）", 1), ("推行容缺受理。", 2),
                      ("梳理容缺事项清单。", 3), ("公布容缺事项清单。", 3), ("推行帮办代办。", 2),
                      ("规范中介服务。（区发改局负责，9月底前）", 1), ("强化要素保障", 0), ("保障企业用工。（区人社局负责）", 1)]:
        _set_num(d.add_paragraph(text), "91", lvl)
    buf = io.BytesIO()
    d.save(buf)
    r = parse_bytes(buf.getvalue(), "p.docx")
    one, two = r["items"]
    assert (one["label"], two["label"]) == ("一", "二")
    assert [c["label"] for c in one["children"]] == ["1", "2"]
    assert [c["label"] for c in one["children"][0]["children"]] == ["（1）", "（2）"]
    assert [c["label"] for c in one["children"][0]["children"][0]["children"]] == ["①", "②"]
    assert two["children"][0]["label"] == "1" and two["children"][0]["lead_units"] == ["区人社局"]
    assert one["children"][1]["deadline"]["date"] == "2026-09-30"


@pytest.mark.parametrize("text, rule, interval", [
    ("每两个月通报一次", "monthly", 2),
    ("每双月调度", "monthly", 2),
    ("逐月报送进展", "monthly", None),
    ("按季度通报", "quarterly", None),
    ("每三个月评估一次", "quarterly", None),
    ("每个工作日更新", "daily", None),
])
def test_recurring_phrasings(text, rule, interval):
    from plans.importers.deadlines import find_recurring

    (r,) = find_recurring(text)
    assert r["rule"] == rule and r.get("interval") == interval
    assert find_targets(text) == []


def test_gradual_wording_is_not_recurring():
    from plans.importers.deadlines import find_recurring

    assert find_recurring("政务服务满意度逐年提高") == []


def test_enclosed_number_glyphs():
    r = parse_txt("AA区2026年营商环境方案\n一、重点任务\n㈠优化服务\n⒈推行A。（区数据局负责）\n⑴细化A1。\n⑵细化A2。\n"
                  "⒉推行B。（区司法局负责）\n")
    group = r["items"][0]["children"][0]
    assert group["label"] == "㈠"
    assert [c["label"] for c in group["children"]] == ["⒈", "⒉"]
    assert [c["label"] for c in group["children"][0]["children"]] == ["⑴", "⑵"]
    assert group["children"][1]["lead_units"] == ["区司法局"]


def test_docx_unit_and_deadline_cells_merged_down_apply_to_each_row():
    rows = [
        ["序号", "具体措施", "牵头单位", "配合单位", "完成时限"],
        ["1", "推行企业开办全程网办", "市市场监管局", "市税务局", "2026年6月底前"],
        ["2", "推行电子营业执照", "", "", ""],
        ["3", "推行企业注销一网服务", "市税务局", "", "2026年9月底前"],
    ]
    data = _docx_table(rows, merges=[((1, 2), (2, 2), "市市场监管局"), ((1, 3), (2, 3), "市税务局"),
                                     ((1, 4), (2, 4), "2026年6月底前")])
    r = parse_bytes(data, "分工表.docx")
    one, two, three = r["items"]
    assert two["lead_units"] == ["市市场监管局"] and two["co_units"] == ["市税务局"]
    assert two["deadline"]["date"] == "2026-06-30"
    assert three["lead_units"] == ["市税务局"] and three["co_units"] == []  # a real empty cell


@pytest.mark.parametrize("signature, issuer", [
    ("BB区人民政府办公室　　2026年3月5日", "BB区人民政府办公室"),
    ("中共BB区委办公室\nBB区人民政府办公室\n2026年3月5日", "中共BB区委办公室、BB区人民政府办公室"),
])
def test_signature_layouts(signature, issuer):
    r = parse_txt("BB区2026年营商环境方案\n一、重点任务\n（一）推行A。\n责任单位：区数据局\n" + signature + "\n")
    assert r["issuer"] == issuer and r["issued_on"] == "2026-03-05"
    item = r["items"][0]["children"][0]
    assert item["text"] == "推行A。\n责任单位：区数据局" and item["lead_units"] == ["区数据局"]


@pytest.mark.parametrize("text, lead", [
    ("（一）优化审批（市数据局牵头）\n推行承诺制（由企业负责人签字确认）。", ["市数据局"]),
    ("（二）推行首席服务官（各企业负责联络）。（市工信局负责）", ["市工信局"]),
    ("（三）建立包联制度（一名县级领导牵头联系一个重点项目）。", None),
    ("（四）推行项目管家（项目单位负责申报）。", None),
    ("（五）组建工作专班（区营商环境工作专班负责）", ["区营商环境工作专班"]),
])
def test_parentheses_that_name_no_unit_are_not_responsibility(text, lead):
    from plans.importers.units import find_units_in_text

    r = find_units_in_text(text)
    assert (r[0] if r else None) == lead


# --------------------------------------------------------------------------- a whole plan from a file (GBK)
SAMPLES = __import__("pathlib").Path(__file__).parent / "samples"


def test_whole_plan_in_gbk_with_cover_letter_attachment_line_and_footer():
    from plans.importers import parse_path

    r = parse_path(SAMPLES / "plan_gbk_cover_letter.txt")
    assert r["title"] == "HH市2026年优化营商环境攻坚行动方案"
    assert (r["issuer"], r["issued_on"], r["year"]) == ("HH市人民政府办公室", "2026-02-18", 2026)
    assert [it["label"] for it in r["items"]] == ["一", "二", "三"]
    assert r["items"][0]["actionable"] is False
    std = by_title(r, "推进政务服务标准化")
    assert std["lead_units"] == ["市行政审批局"] and std["deadline"]["date"] == "2026-09-30"
    land = by_title(r, "保障用地需求")
    assert land["co_units"] == ["各县（市、区）人民政府"] and targets_of(land) == [("<=", 15, "个工作日", 30)]
    power = by_title(r, "提升办电便利度")
    assert power.get("ongoing") is True
    assert targets_of(power) == [("<=", 2, "个工作日", None), ("<=", 15, "个工作日", None),
                                 ("<=", 25, "个工作日", None)]
    last = r["items"][2]["children"][-1]
    assert last["text"] == "强化督查问效。对工作推进不力的单位予以通报。"
    assert len(flat(r["items"])) == 12


def test_units_and_time_in_one_parenthesis():
    r = parse_txt("CC市2026年营商环境方案\n一、重点任务\n1.推行A。（市数据局；6月底前）\n"
                  "2.推行B。（责任单位：市数据局；完成时限：6月底前）\n"
                  "3.推行C。（市数据局牵头，市直各部门配合，2026年6月底前完成）\n"
                  "4.推行D。（市发展改革委、市财政局，2026年底前）\n5.推行E（市数据局，长期坚持）。\n")
    a, b, c, d, e = r["items"][0]["children"]
    assert [x["lead_units"] for x in (a, b, c)] == [["市数据局"]] * 3
    assert c["co_units"] == ["市直各部门"] and d["co_units"] == ["市发展改革委", "市财政局"]
    assert [x["deadline"]["date"] for x in (a, b, c, d)] == ["2026-06-30"] * 3 + ["2026-12-31"]
    assert e["title"] == "推行E" and e["lead_units"] == ["市数据局"] and e.get("ongoing") is True


def test_xlsx_header_words_牵头责任单位_and_时间要求():
    def build(wb):
        ws = wb.active
        ws.append(["序号", "工作事项", "责任领导", "牵头责任单位", "配合责任单位", "时间要求"])
        ws.append([1, "推行企业开办一网通办", "张副市长", "市市场监管局", "市税务局", "2026年6月底前"])

    r = parse_bytes(_xlsx(build), "x.xlsx")
    (item,) = r["items"]
    assert item["lead_units"] == ["市市场监管局"] and item["co_units"] == ["市税务局"]
    assert item["deadline"]["date"] == "2026-06-30"


def test_plan_pasted_from_a_web_page_on_one_line_reads_like_the_original():
    raw = (SAMPLES / "plan_gbk_cover_letter.txt").read_bytes().decode("gbk")
    one_line = "　　".join(line.strip("　 ") for line in raw.splitlines())
    assert "\n" not in one_line
    a = parse_bytes(raw.encode("utf-8"), "p.txt")
    b = parse_bytes(one_line.encode("utf-8"), "p.txt")
    strip = lambda items: [dict(it, source=None, loc=None, children=strip(it["children"])) for it in items]  # noqa: E731
    assert (b["title"], b["issuer"], b["issued_on"]) == (a["title"], a["issuer"], a["issued_on"])
    assert strip(b["items"]) == strip(a["items"])


def test_xlsx_indicator_table_with_baseline_and_target_columns():
    def build(wb):
        ws = wb.active
        ws.append(["XX市2026年营商环境重点指标任务表"])
        ws.append(["序号", "指标名称", "2025年基数", "2026年目标值", "责任单位"])
        ws.append([1, "企业开办时间", "1个工作日", "0.5个工作日以内", "市市场监管局"])
        ws.append([2, "政务服务事项网上可办率", "95%", "98%以上", "市数据局"])
        ws.append([3, "新增经营主体", "2.8万户", "3万户", "市市场监管局"])

    r = parse_bytes(_xlsx(build), "x.xlsx")
    assert [(it["label"], it["title"]) for it in r["items"]] == [
        ("1", "企业开办时间"), ("2", "政务服务事项网上可办率"), ("3", "新增经营主体")]
    assert [targets_of(it) for it in r["items"]] == [
        [("<=", 0.5, "个工作日", 1)], [(">=", 98, "%", 95)], [(">=", 30000, "户", 28000)]]
    assert r["items"][0]["targets"][0]["metric"] == "企业开办时间"


def test_table_header_repeated_on_each_page_is_not_a_task():
    rows = [
        ["序号", "重点任务", "牵头单位", "完成时限"],
        ["1", "推行告知承诺制", "市司法局", "6月底前"],
        ["序号", "重点任务", "牵头单位", "完成时限"],
        ["2", "推行容缺受理", "市行政审批局", "9月底前"],
    ]
    r = parse_bytes(_docx_table(rows), "表.docx")
    assert [(it["label"], it["title"]) for it in r["items"]] == [("1", "推行告知承诺制"), ("2", "推行容缺受理")]


def test_full_width_digits():
    r = parse_txt("EE市２０２６年营商环境方案\n一、重点任务\n１．推行A。网办率达到９５％以上，２０２６年６月底前完成。（市数据局负责）\n")
    item = r["items"][0]["children"][0]
    assert r["year"] == 2026 and not [w for w in r["warnings"] if w["code"] == "year_guessed"]
    assert item["label"] == "１" and item["deadline"]["date"] == "2026-06-30"
    assert targets_of(item) == [(">=", 95, "%", None)]


def test_responsibility_cell_with_labelled_lines():
    rows = [
        ["序号", "工作任务", "责任单位", "完成时限"],
        ["1", "推行告知承诺制", "牵头单位：市司法局\n配合单位：市直各部门、各县（市、区）政府", "6月底前"],
        ["2", "推行容缺受理", "牵头：市行政审批局\n配合：市数据局", "9月底前"],
    ]
    r = parse_bytes(_docx_table(rows), "XX市2026年任务表.docx")
    one, two = r["items"]
    assert one["lead_units"] == ["市司法局"] and one["co_units"] == ["市直各部门", "各县（市、区）政府"]
    assert two["lead_units"] == ["市行政审批局"] and two["co_units"] == ["市数据局"]


def test_bare_lead_and_co_lines_under_a_measure():
    r = parse_txt("XX市2026年方案\n一、重点任务\n1.推行A。\n牵头：市数据局\n配合：市直各部门\n")
    item = r["items"][0]["children"][0]
    assert item["lead_units"] == ["市数据局"] and item["co_units"] == ["市直各部门"]


def test_docx_heading_row_merged_across_all_but_the_number():
    rows = [
        ["序号", "重点任务", "牵头单位", "配合单位", "完成时限"],
        ["一", "提升政务服务", "提升政务服务", "提升政务服务", "提升政务服务"],
        ["1", "推行告知承诺制", "市司法局", "市直各部门", "6月底前"],
        ["二", "优化市场环境", "优化市场环境", "优化市场环境", "优化市场环境"],
        ["2", "清理隐性壁垒", "市市场监管局", "", "9月底前"],
    ]
    data = _docx_table(rows, merges=[((1, 1), (1, 4), "提升政务服务"), ((3, 1), (3, 4), "优化市场环境")])
    r = parse_bytes(data, "XX市2026年任务表.docx")
    assert [(g["label"], g["title"], g["lead_units"]) for g in r["items"]] == [
        ("一", "提升政务服务", []), ("二", "优化市场环境", [])]
    assert r["items"][1]["children"][0]["lead_units"] == ["市市场监管局"]


def test_inline_enumeration_in_a_long_measure_stays_in_its_text():
    long_measure = ("3.优化涉企服务。" + "建立健全企业诉求快速响应机制，" * 20
                    + "重点做好以下工作：（1）建立专员制度；（2）建立台账制度；（3）建立回访制度。（市工信局负责）")
    assert len(long_measure) > 300
    r = parse_txt("XX市2026年方案\n一、重点任务\n1.推行A。（市数据局负责）\n2.推行B。（市司法局负责）\n" + long_measure + "\n")
    third = r["items"][0]["children"][2]
    assert third["children"] == [] and "（3）建立回访制度" in third["text"]
    assert third["lead_units"] == ["市工信局"]


def test_xlsx_two_visible_task_sheets_are_both_kept():
    def build(wb):
        ws = wb.active
        ws.title = "政务服务"
        ws.append(["序号", "工作任务", "责任单位", "完成时限"])
        ws.append([1, "推行告知承诺制", "市司法局", "2026年6月"])
        ws2 = wb.create_sheet("市场环境")
        ws2.append(["序号", "工作任务", "责任单位", "完成时限"])
        ws2.append([1, "清理隐性壁垒", "市市场监管局", "2026年9月"])

    r = parse_bytes(_xlsx(build), "XX市2026年任务表.xlsx")
    assert [(it["title"], it["lead_units"]) for it in r["items"]] == [
        ("推行告知承诺制", ["市司法局"]), ("清理隐性壁垒", ["市市场监管局"])]


def test_whole_year_is_the_deadline_of_a_measure_not_of_a_heading_over_tasks():
    r = parse_txt("XX市2026年方案\n一、重点任务\n1.稳定就业。全年组织开展招聘会20场。（市人社局负责）\n"
                  "2.扩大开放。全年发运班列20列以上。\n（1）拓展线路。（市商务局负责，9月底前）\n")
    one, two = r["items"][0]["children"]
    assert one["deadline"]["date"] == "2026-12-31"
    assert two["deadline"] is None and two["children"][0]["deadline"]["date"] == "2026-09-30"


def test_docx_tracked_changes_read_as_accepted():
    import docx
    from docx.oxml import parse_xml

    from .conftest import W_NS

    d = docx.Document()
    d.add_paragraph("XX市2026年优化营商环境方案")
    d.add_paragraph("一、重点任务")
    p = d.add_paragraph("1.推行告知承诺制。")
    p._p.append(parse_xml(f'<w:del xmlns:w="{W_NS}" w:id="1" w:author="a"><w:r><w:delText>（市法制办负责）</w:delText>'
                          '</w:r></w:del>'))
    p._p.append(parse_xml(f'<w:moveFrom xmlns:w="{W_NS}" w:id="2" w:author="a"><w:r><w:t>挪走的话。</w:t></w:r>'
                          '</w:moveFrom>'))
    p._p.append(parse_xml(f'<w:ins xmlns:w="{W_NS}" w:id="3" w:author="a"><w:r><w:t>（市司法局负责）</w:t></w:r></w:ins>'))
    buf = io.BytesIO()
    d.save(buf)
    item = parse_bytes(buf.getvalue(), "x.docx")["items"][0]["children"][0]
    assert item["text"] == "推行告知承诺制。（市司法局负责）" and item["lead_units"] == ["市司法局"]


def test_xlsx_date_cell_formatted_as_a_month_is_due_at_month_end():
    def build(wb):
        ws = wb.active
        ws.append(["序号", "工作任务", "责任单位", "完成时限"])
        ws.append([1, "推行告知承诺制", "市司法局", datetime(2026, 6, 1)])
        ws["D2"].number_format = 'yyyy"年"m"月"'
        ws.append([2, "推行容缺受理", "市行政审批局", datetime(2026, 6, 15)])
        ws["D3"].number_format = "yyyy-mm-dd"

    r = parse_bytes(_xlsx(build), "XX市2026年任务表.xlsx")
    assert [it["deadline"]["date"] for it in r["items"]] == ["2026-06-30", "2026-06-15"]


# --------------------------------------------------------------------------- a web page
HTML_PLAN = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>网站</title><style>p{}</style></head><body>
<div class="nav">首页 &gt; 政策文件</div>
<h1>GG市2026年优化营商环境实施方案</h1>
<p>一、重点任务</p>
<p>（一）推行告知承诺制。审批时间压缩至3个工作日。（市司法局负责）</p>
<p>（二）推行容缺受理。<br>（市行政审批局牵头，市直有关部门配合，2026年6月底前完成）</p>
<p style="text-align:right">GG市人民政府办公室<br>2026年3月1日</p>
<p>附件：任务分工表</p>
<table>
<tr><th>序号</th><th>重点任务</th><th>牵头单位</th><th>配合单位</th><th>完成时限</th></tr>
<tr><td>1</td><td rowspan="2">（一）推行告知承诺制</td><td>市司法局</td><td>市直各部门</td><td rowspan="2">9月底前</td></tr>
<tr><td>2</td><td>市司法局</td><td>各县（市、区）人民政府</td></tr>
</table></body></html>"""


@pytest.mark.parametrize("name", ["plan.html", "plan.txt", "plan.doc"])
def test_web_page_saved_as_html_txt_or_doc(name):
    r = parse_bytes(HTML_PLAN.encode("utf-8"), name)
    assert r["title"] == "GG市2026年优化营商环境实施方案"
    assert (r["issuer"], r["issued_on"]) == ("GG市人民政府办公室", "2026-03-01")
    a, b = r["items"][0]["children"]
    assert a["lead_units"] == ["市司法局"] and targets_of(a) == [("<=", 3, "个工作日", None)]
    assert a["deadline"]["date"] == "2026-09-30"  # from the table's merged cell
    assert b["lead_units"] == ["市行政审批局"] and b["deadline"]["date"] == "2026-06-30"


def test_several_figures_pair_with_several_metrics():
    ts = find_targets("力争年内高新技术企业、省级科技创新型企业、科技型中小企业达到72家、51家、113家")
    assert [(t["metric"], t["value"]) for t in ts] == [
        ("高新技术企业", 72), ("省级科技创新型企业", 51), ("科技型中小企业", 113)]
