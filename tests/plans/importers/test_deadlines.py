"""Deadlines in running text and the plan year they fall in (parser/deadlines.py,
parser/document.py): examples written for the rule, not taken from a document."""
from __future__ import annotations

import pytest

from plans.importers.parser.deadlines import find_deadline

from .test_genre import by_title, parse_txt


@pytest.mark.parametrize("text,date", [
    # stages: the task is due at its last one
    ("3月底前完成摸底，9月底前全面推开。", "2024-09-30"),
    # a period that is then extended: the latest date wins
    ("执行期为2024年1月1日至2024年6月30日，到期后延长至2025年3月31日。", "2025-03-31"),
    # spaces inside a printed date (PDF copies)
    ("对承租国有房产的企业，2024 年 1—3 月份租金减半。", "2024-03-31"),
    ("2024 年，全区新增企业不少于500家。", "2024-12-31"),
    # a range of years: its end
    ("2024-2026年累计建成道路80公里。", "2026-12-31"),
    # a year that opens the sentence, or follows 确保 / 财政
    ("完善机制。2024年新增绿地30公顷。", "2024-12-31"),
    ("确保2024年普惠贷款余额只增不减。", "2024-12-31"),
    ("区财政2024年安排资金3亿元。", "2024-12-31"),
    # this year and next
    ("今明两年完成全部改造。", "2025-12-31"),
    # two months named together: the later one
    ("5、6月份集中开展专项检查。", "2024-06-30"),
])
def test_it_reads_the_deadline_of_a_measure(text, date):
    assert find_deadline(text, 2024)["date"] == date


@pytest.mark.parametrize("text", [
    "全面摸清2024年项目用地需求。",  # the year names a noun
    "贷款余额不低于2023年同期水平。",  # a comparison
    "自2024年起实行新标准。",  # a start
])
def test_it_does_not_read_a_year_that_is_no_deadline(text):
    assert find_deadline(text, 2024) is None


def test_it_gives_a_heading_over_subitems_no_deadline_from_its_year():
    result = parse_txt("某区2024年重点任务\n一、2024年全区主要预期目标\n1.新增市场主体1000户。\n"
                       "2.完成投资50亿元。\n二、到2027年营造一流环境\n1.开展评估。\n")
    head = by_title(result, "2024年全区主要预期目标")
    assert head["deadline"] is None and head["actionable"] is False


def test_it_makes_a_section_with_its_own_task_paragraph_actionable():
    result = parse_txt("某县2024年稳投资若干措施\n一、扩大有效投资\n全年计划实施重点项目120个，完成投资60亿元，"
                       "形成实物工作量。\n1.加大财政支持。县财政统筹安排资金5亿元。\n")
    head = by_title(result, "扩大有效投资")
    assert head["actionable"] is True
    assert head["deadline"]["date"].endswith("-12-31")


def test_it_takes_a_multi_year_plans_year_from_its_issue_date():
    result = parse_txt("某市投资攻坚行动方案（2024-2026年）\n一、任务\n1.建成平台。10月底前上线。\n"
                       "某市人民政府办公室\n2025年3月2日\n")
    assert result["year"] == 2025
    assert by_title(result, "建成平台")["deadline"]["date"] == "2025-10-31"


def test_it_takes_the_year_from_the_document_number():
    result = parse_txt("某县人民政府办公室关于印发某方案的通知\n某政办发〔2019〕8号\n一、任务\n1.6月底前完成清理。\n")
    assert result["year"] == 2019
    assert not [w for w in result["warnings"] if w["code"] == "year_guessed"]


def test_it_marks_the_year_as_guessed_when_the_text_dates_it_only_by_an_event():
    result = parse_txt("支持企业复工复产的若干措施\n为应对新冠肺炎疫情，帮助企业复工复产，制定本措施。\n"
                       "1.减免房租。3月底前免收租金。\n")
    assert result["year"] == 2020
    assert [w for w in result["warnings"] if w["code"] == "year_guessed"]
    assert by_title(result, "减免房租")["deadline"]["date"] == "2020-03-31"


def test_it_keeps_the_words_but_no_date_when_nothing_dates_the_plan():
    result = parse_txt("某区方案\n一、任务\n1.建成驿站。9月底前投入使用。\n")
    assert result["year_guessed"] is True
    assert by_title(result, "建成驿站")["deadline"] == {"text": "9月底前", "date": None}
    # told the year, the month gets its date
    told = parse_txt("某区方案\n一、任务\n1.建成驿站。9月底前投入使用。\n", year=2024)
    assert by_title(told, "建成驿站")["deadline"]["date"] == "2024-09-30"


def test_it_does_not_take_the_year_of_a_document_cited_in_a_sentence():
    result = parse_txt("某区方案\n根据《某省实施意见》（某政发〔2019〕5号）要求，制定本方案。\n一、任务\n1.做好服务。\n")
    assert result["year_guessed"] is True


@pytest.mark.parametrize("text,date", [
    ("第一季度完成摸排。", "2024-03-31"),
    ("上半年建成专区。", "2024-06-30"),
    ("2025年第三季度末前上线。", "2025-09-30"),
    ("全年组织开展招聘会20场。", None),  # 全年 is read by the item (see below), not here
])
def test_it_reads_quarters_and_half_years(text, date):
    found = find_deadline(text, 2024)
    assert (found or {}).get("date") == date


def test_it_reads_whole_year_and_ongoing_work_on_an_item():
    result = parse_txt("某区2024年方案\n一、任务\n1.稳定就业。全年组织开展招聘会20场。\n2.优化服务。持续推进。\n")
    assert by_title(result, "稳定就业")["deadline"]["date"] == "2024-12-31"
    ongoing = by_title(result, "优化服务")
    assert ongoing["deadline"] is None and ongoing["ongoing"] is True


def test_it_keeps_a_section_whose_paragraph_only_leads_into_its_list_non_actionable():
    result = parse_txt("某区2024年方案\n三、重点任务\n2024年是优化营商环境的关键之年，要坚持问题导向，"
                       "重点抓好以下五个方面工作。\n（一）推进审批改革。6月底前完成。\n")
    head = by_title(result, "重点任务")
    assert head["actionable"] is False and head["deadline"] is None
