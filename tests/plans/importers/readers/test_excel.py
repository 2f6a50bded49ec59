"""Excel task tables: dates typed as serial numbers read as dates; formula cells without a
cached value reported in the parse result instead of vanishing."""
import io

import openpyxl

from plans.importers import parse_bytes
from plans.importers.readers import read_document


def workbook(rows) -> bytes:
    wb = openpyxl.Workbook()
    for row in rows:
        wb.active.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


HEADER = ["序号", "具体措施", "牵头单位", "完成时限"]


def test_it_reads_a_serial_number_under_a_deadline_header_as_a_date():
    # 45838 is 2025-06-30 in Excel's 1900 system, typed into a cell without a date format
    data = workbook([HEADER, [1, "推行企业开办全程网办。", "区市场监管局", 45838],
                     [2, "新增集成服务场景10个。", "区数据局", 12]])
    rows = read_document(data, "分工表.xlsx").blocks[0].rows
    assert rows[1][3] == "2025-06-30"
    assert rows[2][3] == "12"  # not a plausible date: left as a number
    assert rows[1][0] == "1"  # no date header over the numbers column


def test_it_gives_the_deadline_of_a_serial_date_cell():
    data = workbook([["某区2025年营商环境重点任务分工表"], HEADER,
                     [1, "推行企业开办全程网办，企业开办时间压缩至1个工作日以内。", "区市场监管局", 45838]])
    item = parse_bytes(data, "分工表.xlsx")["items"][0]
    assert item["deadline"]["date"] == "2025-06-30"


def test_it_warns_about_formula_cells_without_a_cached_value():
    # openpyxl writes formulas without results, like a program that does not calculate
    data = workbook([["某区2025年营商环境重点任务分工表"], HEADER,
                     [1, "推行企业开办全程网办。", "区市场监管局", "2025年6月底前"],
                     ["=A3+1", '="推进"&"并联审批。"', '="区住建局"', "2025年9月底前"]])
    result = parse_bytes(data, "分工表.xlsx")
    warning = next(w for w in result["warnings"] if w["code"] == "formula_no_value")
    assert "第 4 行" in warning["message"] and "A4" in warning["message"] and "保存" in warning["message"]


def test_it_says_nothing_about_formulas_that_have_values():
    data = workbook([["某区2025年营商环境重点任务分工表"], HEADER,
                     [1, "推行企业开办全程网办。", "区市场监管局", "2025年6月底前"]])
    assert not [w for w in parse_bytes(data, "分工表.xlsx")["warnings"] if w["code"] == "formula_no_value"]


def test_it_reads_text_typed_in_column_a_as_paragraphs_around_the_table():
    data = workbook([["某区2025年优化营商环境工作方案"], ["一、总体要求"], ["（一）持续优化政务服务。（区政数局负责）"],
                     HEADER, [1, "推行企业开办全程网办。", "区市场监管局", "2025年6月底前"],
                     ["附件：工作联系人名单"]])
    blocks = read_document(data, "方案.xlsx").blocks
    assert [type(b).__name__ for b in blocks] == ["Paragraph", "Paragraph", "Paragraph", "Table", "Paragraph"]
    assert blocks[2].text == "（一）持续优化政务服务。（区政数局负责）" and blocks[2].loc == "工作表“Sheet”第3行"
    assert blocks[3].rows[0] == HEADER
    result = parse_bytes(data, "方案.xlsx")
    assert result["title"] == "某区2025年优化营商环境工作方案"
    assert result["items"][0]["label"] == "一"
