"""Word's automatic numbering: the label Word shows is put into the text the parser reads."""
import io

from docx import Document
from docx.oxml import parse_xml

from plans.importers import parse_bytes
from plans.importers.readers import read_document

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def numbered_docx(level_text: str, fmt: str, items: list[str], *, via_style: bool = False) -> bytes:
    doc = Document()
    numbering = doc.part.numbering_part.element
    numbering.append(parse_xml(
        f'<w:abstractNum xmlns:w="{W_NS}" w:abstractNumId="7"><w:lvl w:ilvl="0"><w:start w:val="1"/>'
        f'<w:numFmt w:val="{fmt}"/><w:lvlText w:val="{level_text}"/><w:suff w:val="tab"/></w:lvl></w:abstractNum>'))
    numbering.append(parse_xml(f'<w:num xmlns:w="{W_NS}" w:numId="7"><w:abstractNumId w:val="7"/></w:num>'))
    if via_style:
        style = doc.styles.add_style("PlanList", 1)
        style.element.get_or_add_pPr().append(parse_xml(
            f'<w:numPr xmlns:w="{W_NS}"><w:numId w:val="7"/></w:numPr>'))
    doc.add_paragraph("某区2025年优化营商环境工作方案")
    for text in items:
        p = doc.add_paragraph(text, style="PlanList" if via_style else None)
        if not via_style:
            p._p.get_or_add_pPr().append(parse_xml(
                f'<w:numPr xmlns:w="{W_NS}"><w:ilvl w:val="0"/><w:numId w:val="7"/></w:numPr>'))
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def texts(data: bytes) -> list[str]:
    return [b.text for b in read_document(data, "方案.docx").blocks][1:]


def test_it_writes_the_chinese_label_word_shows():
    assert texts(numbered_docx("%1、", "chineseCounting", ["总体要求", "重点任务"])) == ["一、总体要求", "二、重点任务"]


def test_it_keeps_a_bare_number_followed_by_a_tab_a_label():
    data = numbered_docx("%1", "decimal", ["推行并联审批。（区审批局负责）", "推广电子证照。（区数据局负责）"])
    assert texts(data) == ["1．推行并联审批。（区审批局负责）", "2．推广电子证照。（区数据局负责）"]
    assert [i["label"] for i in parse_bytes(data, "方案.docx")["items"]] == ["1", "2"]


def test_it_reads_numbering_given_by_the_paragraph_style():
    assert texts(numbered_docx("（%1）", "chineseCounting", ["优化审批", "加强监管"], via_style=True)) == [
        "（一）优化审批", "（二）加强监管"]
