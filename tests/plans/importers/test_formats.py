"""The same seed as UTF-8, UTF-8 with BOM, GBK, UTF-16 and .docx parses the same."""
import io
import zipfile

import pytest

from plans.importers import parse_bytes, parse_path

from .conftest import PLAN_SEEDS, build_docx, comparable, seed_path, seed_text


@pytest.fixture(scope="module")
def utf8_results():
    return {s: comparable(parse_path(seed_path(s))) for s in PLAN_SEEDS}


@pytest.mark.parametrize("seed", PLAN_SEEDS)
@pytest.mark.parametrize("encoding", ["utf-8-sig", "gbk", "gb18030", "utf-16", "utf-16-le"])
def test_it_parses_every_encoding_like_utf8(seed, encoding):
    text = seed_text(seed).replace("\xa0", " ")  # NBSP has no GBK code
    base = comparable(parse_bytes(text.encode("utf-8"), f"{seed}.txt"))
    data = text.encode(encoding)
    if encoding == "utf-16-le":
        data = data  # no BOM: detected from the NUL pattern
    assert comparable(parse_bytes(data, f"{seed}.txt")) == base


@pytest.mark.parametrize("seed", PLAN_SEEDS)
@pytest.mark.parametrize("auto_numbering", [False, True], ids=["typed-numbers", "word-numbering"])
def test_it_parses_the_docx_like_the_txt(seed, auto_numbering, utf8_results):
    data = build_docx(seed_text(seed), auto_numbering=auto_numbering)
    assert comparable(parse_bytes(data, f"{seed}.docx")) == utf8_results[seed]


def test_it_reads_the_responsibility_table_as_a_word_table_with_merged_cells(utf8_results):
    data = build_docx(seed_text("003"))
    xml = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode()
    assert "<w:tbl>" in xml and "w:vMerge" in xml and "w:gridSpan" in xml
    result = parse_bytes(data, "003.docx")
    measure = result["items"][1]["children"][0]["children"][0]  # 二 > （一） > 1
    assert measure["label"] == "1"
    assert [c["label"] for c in measure["children"]] == ["（1）", "（2）", "（3）"]
    assert measure["children"][0]["co_units"] == ["区发改局", "区商务局"]
    assert measure["children"][1]["deadline"] == {"text": "9月", "date": "2025-09-30"}
    assert comparable(result) == utf8_results["003"]


def test_it_renders_word_automatic_numbering_as_labels():
    data = build_docx(seed_text("000"), auto_numbering=True)
    xml = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode()
    assert "w:numPr" in xml and "（一）提升" not in xml
    result = parse_bytes(data, "000.docx")
    assert [i["label"] for i in result["items"]] == ["一", "二", "三", "四", "五", "六"]
    assert result["items"][1]["children"][0]["label"] == "（九）"


def test_it_reads_an_xlsx_task_table_with_merged_cells_and_date_cells():
    from datetime import datetime

    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["某区2025年优化营商环境重点任务分工表", None, None, None, None, None])
    ws.merge_cells("A1:F1")
    ws.append(["序号", "主要内容", "具体措施", "牵头单位", "配合单位", "完成时限"])
    ws.append(["一、提升政务服务效能", None, None, None, None, None])
    ws.merge_cells("A3:F3")
    ws.append([1, "企业开办", "企业开办时间压缩至1个工作日以内。", "区市场监管局", "区税务局、区公安分局",
               datetime(2025, 6, 30)])
    ws.append([2, None, "推行“一件事一次办”，全年新增10个集成场景。", "区政数局", None, "年底前"])
    ws.merge_cells("B4:B5")
    ws.append(["二、优化法治环境", None, None, None, None, None])
    ws.merge_cells("A6:F6")
    ws.append([3, "涉企检查", "涉企行政检查次数同比下降30%以上。", "区司法局", "各行政执法部门", "长期坚持"])
    buf = io.BytesIO()
    wb.save(buf)
    result = parse_bytes(buf.getvalue(), "分工表.xlsx")
    assert result["title"] == "某区2025年优化营商环境重点任务分工表"
    assert result["year"] == 2025
    one, two = result["items"]
    assert (one["label"], one["level"], one["actionable"]) == ("一", 1, False)
    (group,) = one["children"]  # the 主要内容 category spans two rows
    assert (group["label"], group["title"], group["actionable"]) == (None, "企业开办", False)
    t1, t2 = group["children"]
    assert t1["label"] == "1" and t1["level"] == 3 and t1["actionable"]
    assert t1["lead_units"] == ["区市场监管局"] and t1["co_units"] == ["区税务局", "区公安分局"]
    assert t1["deadline"] == {"text": "2025-06-30", "date": "2025-06-30"}
    assert t1["targets"][0]["op"] == "<=" and t1["targets"][0]["value"] == 1
    assert t2["deadline"]["date"] == "2025-12-31" and t2["lead_units"] == ["区政数局"]
    assert t2["co_units"] == []  # an empty, unmerged cell is not inherited
    t3 = two["children"][0]["children"][0]
    assert t3["deadline"] is None and t3.get("ongoing") is True
    assert t3["targets"][0]["op"] == ">=" and t3["targets"][0]["value"] == 30


def test_it_merges_a_numbered_task_table_into_the_narrative_measures():
    import docx

    d = docx.Document()
    for t in ["XX市2025年优化营商环境行动方案", "为进一步优化营商环境，制定本方案。", "一、重点任务", "（一）提升政务服务",
              "1.推行“一件事一次办”。全年新增集成场景10个。", "2.推广电子证照。电子证照应用率达到90%以上。",
              "（二）优化法治环境", "3.规范涉企检查。涉企检查次数下降20%。", "二、保障措施", "各单位要高度重视。",
              "附件：重点任务分工表"]:
        d.add_paragraph(t)
    rows = [["序号", "重点任务", "牵头单位", "配合单位", "完成时限"],
            ["1", "推行“一件事一次办”", "市政数局", "市人社局\n市医保局", "2025年6月底前"],
            ["2", "推广电子证照", "市政数局", "", "9月"],
            ["3", "规范涉企检查", "市司法局", "各行政执法部门", "长期坚持"]]
    table = d.add_table(rows=len(rows), cols=5)
    for i, r in enumerate(rows):
        for j, c in enumerate(r):
            table.cell(i, j).text = c
    buf = io.BytesIO()
    d.save(buf)
    result = parse_bytes(buf.getvalue(), "方案.docx")
    assert [i["label"] for i in result["items"]] == ["一", "二"]
    m1, m2 = result["items"][0]["children"][0]["children"]
    m3 = result["items"][0]["children"][1]["children"][0]
    assert (m1["lead_units"], m1["co_units"], m1["deadline"]["date"]) == (["市政数局"], ["市人社局", "市医保局"],
                                                                          "2025-06-30")
    assert (m2["lead_units"], m2["co_units"], m2["deadline"]["date"]) == (["市政数局"], [], "2025-09-30")
    assert m2["targets"][0]["value"] == 90
    assert (m3["lead_units"], m3["deadline"], m3.get("ongoing")) == (["市司法局"], None, True)
    assert result["warnings"] == []
