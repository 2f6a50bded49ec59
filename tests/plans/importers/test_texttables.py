"""Task tables that arrive as plain text (parser/texttables.py): each layout read into the
same items as a real table. Examples written for the rule."""
from __future__ import annotations

from .test_genre import by_title, flat, parse_txt

TITLE = "某区2024年优化营商环境任务分解表\n"


def _units(item):
    return item["lead_units"], item["co_units"]


def test_it_reads_a_table_with_pipes():
    result = parse_txt(TITLE + "| 序号 | 重点任务 | 牵头单位 | 配合单位 | 完成时限 |\n|---|---|---|---|---|\n"
                       "| 1 | 建成企业服务中心。 | 区发改局 | 区财政局、区商务局 | 2024年6月底前 |\n"
                       "| 2 | 开展信用修复专项行动。 | 区市场监管局 | | 持续推进 |\n")
    one = by_title(result, "建成企业服务中心")
    assert _units(one) == (["区发改局"], ["区财政局", "区商务局"])
    assert one["deadline"]["date"] == "2024-06-30" and one["label"] == "1"
    two = by_title(result, "开展信用修复专项行动")
    assert _units(two) == (["区市场监管局"], []) and two["deadline"] is None


def test_it_reads_key_value_records_behind_pipes():
    result = parse_txt(TITLE + "序号: | 1 | 重点任务: | 推行证照联办。 | 责任单位: | 区行政审批局 | 完成时限: | 9月底前\n"
                       "序号: | 2 | 重点任务: | 压减涉企收费。 | 责任单位: | 区财政局、区税务局 | 完成时限: | 年底前\n")
    one = by_title(result, "推行证照联办")
    assert _units(one) == (["区行政审批局"], []) and one["deadline"]["date"] == "2024-09-30"
    assert _units(by_title(result, "压减涉企收费")) == ([], ["区财政局", "区税务局"])


def test_it_reads_key_value_records_one_field_a_line():
    result = parse_txt(TITLE + "重点任务：建设政务服务驿站。\n牵头单位：区政务服务中心\n完成时限：10月\n"
                       "重点任务：编制惠企政策清单。\n牵头单位：区工信局\n完成时限：11月\n")
    item = by_title(result, "编制惠企政策清单")
    assert _units(item) == (["区工信局"], []) and item["deadline"]["date"] == "2024-11-30"


def test_it_reads_a_table_exported_one_cell_per_line():
    result = parse_txt(TITLE + "序号\n重点任务\n责任单位\n完成时限\n1\n新建3所幼儿园。\n区教育局\n区住建局\n12月底前\n"
                       "2\n改造老旧小区。\n区住建局\n6月投入使用\n开展二期改造。\n11月底前\n3\n建成便民市场1个。\n区商务局\n8月底前\n"
                       "某区人民政府办公室\n2024年1月5日\n")
    items = flat(result["items"])
    assert [it["label"] for it in items] == ["1", "2", "3"]
    one = by_title(result, "新建3所幼儿园")
    assert _units(one) == ([], ["区教育局", "区住建局"])  # several under 责任单位: all co
    two = by_title(result, "改造老旧小区")
    # a sub-row: its task is part of the row, the row is due at its last stage
    assert _units(two) == (["区住建局"], []) and two["deadline"]["date"] == "2024-11-30"
    assert by_title(result, "建成便民市场")["deadline"]["date"] == "2024-08-31"


def test_it_keeps_a_leaders_column_out_of_the_units():
    result = parse_txt(TITLE + "序号\n重点任务\n责任领导\n牵头单位\n完成时限\n1\n推进园区扩容。\n王某某\n区发改局\n"
                       "9月底前\n2\n提升物流效率。\n李某\n区交通局\n10月底前\n")
    assert _units(by_title(result, "推进园区扩容")) == (["区发改局"], [])
    assert _units(by_title(result, "提升物流效率")) == (["区交通局"], [])


def test_it_reads_aligned_columns():
    result = parse_txt(TITLE + "序号    重点任务                  牵头单位      完成时限\n"
                       "1       推行“一件事”集成办理。    区数据局      2024年5月底前\n"
                       "2       开展涉企检查规范行动。    区司法局      2024年8月底前\n")
    one = by_title(result, "推行“一件事”集成办理")
    assert _units(one) == (["区数据局"], []) and one["deadline"]["date"] == "2024-05-31"
    assert _units(by_title(result, "开展涉企检查规范行动")) == (["区司法局"], [])


def test_it_reads_a_table_whose_cells_were_glued_together():
    result = parse_txt("1、某区2024年民生实事责任分解表序号项目名称主要内容分管领导牵头单位配合单位"
                       "1改善出行条件新建停车位800个,改造道路3条。王小明交通局城管局各街道"
                       "2扩大托育服务新增托位200个。李华卫健局教育局开展托育培训。赵刚民政局\n"
                       "2、各社区\n")
    one = by_title(result, "改善出行条件")
    assert one["label"] == "1"
    assert _units(one) == (["交通局"], ["城管局", "各街道"])
    assert [(t["value"], t["unit"]) for t in one["targets"]] == [(800, "个"), (3, "条")]
    two = by_title(result, "扩大托育服务")
    # two sub-rows, each with its own leader and lead unit; the page marker "2、" is no text
    assert _units(two) == (["卫健局", "民政局"], ["教育局", "各社区"])
    assert "王小明" not in one["lead_units"] + one["co_units"]


def test_it_reads_a_plan_pasted_into_one_column_of_a_sheet_as_lines():
    import io

    import openpyxl

    from plans.importers import parse_bytes

    wb = openpyxl.Workbook()
    for line in ["某区2024年稳就业若干措施", "一、支持企业", "1.新增就业岗位2000个。（区人社局负责）", "2.开展招聘会10场。"]:
        wb.active.append([line])
    buf = io.BytesIO()
    wb.save(buf)
    result = parse_bytes(buf.getvalue(), "plan.xlsx")
    assert result["title"] == "某区2024年稳就业若干措施"
    item = by_title(result, "新增就业岗位")
    assert _units(item) == (["区人社局"], []) and item["targets"][0]["value"] == 2000


def test_it_reads_section_rows_and_a_heading_column_beside_the_measures():
    result = parse_txt(TITLE + "| 序号 | 重点任务 | 具体措施 | 牵头单位 | 责任单位 | 完成时限 |\n| --- | --- | --- | --- | --- | --- |\n"
                       "| 一、优化政务服务 | | | | | |\n"
                       "| 1 | 推行一网通办 | 9月底前可办率达到95%以上。 | 区数据局 | 各街道 | 2024年9月 |\n"
                       "| 2 | 推行帮办代办 | 覆盖全部街道。 | 区政务服务中心 | | 年底前 |\n"
                       "| 二、强化要素保障 | | | | | |\n"
                       "| 3 | 保障用地 | 新增供地500亩。 | 区自然资源局 | 区发改局、区住建局 | 持续推进 |\n")
    assert [(it["label"], it["title"]) for it in result["items"]] == [("一", "优化政务服务"), ("二", "强化要素保障")]
    one = by_title(result, "推行一网通办")  # the row's own heading is its title, the measures its text
    assert one["label"] == "1" and _units(one) == (["区数据局"], ["各街道"])
    assert [(t["value"], t["unit"]) for t in one["targets"]] == [(95, "%")]
    assert _units(by_title(result, "保障用地")) == (["区自然资源局"], ["区发改局", "区住建局"])


def test_it_joins_a_cell_wrapped_onto_the_next_line_of_aligned_columns():
    result = parse_txt(TITLE + "序号  重点任务                 责任单位                  完成时限\n"
                       "1     推行一网通办，可办率     区数据局、各街道          2024年9月\n"
                       "      达到95%以上。\n"
                       "2     推行帮办代办服务。       区政务服务中心            年底前\n")
    one = by_title(result, "推行一网通办")
    assert one["title"] == "推行一网通办，可办率达到95%以上"
    assert _units(one) == ([], ["区数据局", "各街道"])
