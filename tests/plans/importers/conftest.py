"""Helpers for the importer tests: seed paths and builders that turn a seed's
text into a real .docx at test time (no database needed)."""
from __future__ import annotations

import copy
import io
import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
SEEDS = REPO / "fixtures" / "seeds"
SHARED = REPO.parent / "shared"
GOLD = SHARED / "gold"
TOOLS = SHARED / "tools"

PLAN_SEEDS = ["000", "001", "002", "003"]
CJK = re.compile(r"[\u4e00-\u9fff]")


def seed_path(prefix: str) -> Path:
    return next(SEEDS.glob(f"{prefix}_*.txt"))


def seed_text(prefix: str) -> str:
    return seed_path(prefix).read_text(encoding="utf-8")


def comparable(result: dict) -> dict:
    """The parse result without source locations (which differ per format)."""
    out = copy.deepcopy(result)
    out.pop("source", None)

    def strip(items):
        for it in items:
            it.pop("source", None)
            it.pop("loc", None)
            strip(it.get("children") or [])

    strip(out["items"])
    out["warnings"] = sorted((w["code"], w.get("label_path") or "") for w in out["warnings"])
    return out


W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

NUMBERING_XML = (
    f'<w:abstractNum xmlns:w="{W_NS}" w:abstractNumId="90">'
    '<w:multiLevelType w:val="multilevel"/>'
    '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/></w:lvl>'
    '<w:lvl w:ilvl="1"><w:start w:val="1"/>{restart}<w:numFmt w:val="chineseCounting"/>'
    '<w:lvlText w:val="（%2）"/></w:lvl>'
    "</w:abstractNum>"
)


def _add_numbering(doc, continuous: bool):
    from docx.oxml import parse_xml

    numbering = doc.part.numbering_part.element
    # （九） may follow 二、 without restarting: Word's w:lvlRestart 0
    absn = parse_xml(NUMBERING_XML.replace("{restart}", '<w:lvlRestart w:val="0"/>' if continuous else ""))
    # abstractNum elements must precede num elements
    first_num = numbering.find(f"{{{W_NS}}}num")
    if first_num is not None:
        first_num.addprevious(absn)
    else:
        numbering.append(absn)
    numbering.append(parse_xml(
        f'<w:num xmlns:w="{W_NS}" w:numId="90"><w:abstractNumId w:val="90"/></w:num>'))
    return "90"


def _set_num(paragraph, num_id: str, ilvl: int):
    from docx.oxml import parse_xml

    ppr = paragraph._p.get_or_add_pPr()
    ppr.append(parse_xml(
        f'<w:numPr xmlns:w="{W_NS}"><w:ilvl w:val="{ilvl}"/><w:numId w:val="{num_id}"/></w:numPr>'))


def _fill_cell(cell, text: str):
    lines = text.split("\n") if text else [""]
    cell.text = lines[0]
    for extra in lines[1:]:
        cell.add_paragraph(extra)


def build_docx(text: str, *, auto_numbering: bool = False) -> bytes:
    """The seed as a Word document: paragraphs, and a tab-exported table as a
    real Word table (headings spanning the row, empty cells merged vertically)."""
    import docx

    from plans.importers.readers import _BOOKMARK, _find_table_regions, _parse_tab_table

    text = _BOOKMARK.sub("", text.replace("\r\n", "\n"))
    lines = text.split("\n")
    regions = _find_table_regions(lines)
    doc = docx.Document()
    outside = "\n".join(l for k, l in enumerate(lines) if not any(a <= k < b for a, b in regions))
    continuous = len(re.findall(r"^\s*（一）", outside, re.M)) <= 1
    num_id = _add_numbering(doc, continuous) if auto_numbering else None
    i = 0
    while i < len(lines):
        reg = next((r for r in regions if r[0] == i), None)
        if reg:
            _add_table(doc, _parse_tab_table(lines[reg[0]:reg[1]]))
            i = reg[1]
            continue
        line = lines[i].strip()
        i += 1
        if not line:
            continue
        if num_id:
            m1 = re.match(r"^[一二三四五六七八九十]+、", line)
            m2 = re.match(r"^（[一二三四五六七八九十]+）", line)
            if m1:
                _set_num(doc.add_paragraph(line[m1.end():]), num_id, 0)
                continue
            if m2:
                _set_num(doc.add_paragraph(line[m2.end():]), num_id, 1)
                continue
        doc.add_paragraph(line)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def _add_table(doc, rows):
    ncols = max(len(r) for r in rows)
    table = doc.add_table(rows=len(rows), cols=ncols)
    heading = [len(set(r)) == 1 and r[0] != "" for r in rows]
    for r, row in enumerate(rows):
        if heading[r]:
            a, b = table.cell(r, 0), table.cell(r, ncols - 1)
            merged = a.merge(b)
            _fill_cell(merged, row[0])
            continue
        for c, val in enumerate(row):
            _fill_cell(table.cell(r, c), val)
    # vertical merges: an empty cell in a data row continues the cell above
    for c in range(ncols):
        r = 1
        while r < len(rows):
            if heading[r] or rows[r][c] or heading[r - 1]:
                r += 1
                continue
            top = r - 1
            while top > 0 and not rows[top][c] and not heading[top - 1]:
                top -= 1
            if not rows[top][c] or heading[top]:
                r += 1
                continue
            end = r
            while end + 1 < len(rows) and not heading[end + 1] and not rows[end + 1][c]:
                end += 1
            table.cell(top, c).merge(table.cell(end, c))
            r = end + 1


@pytest.fixture
def seeds_dir() -> Path:
    return SEEDS
