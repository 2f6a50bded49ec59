"""Word .docx: paragraphs (with the labels of automatic numbering) and tables (merged
cells resolved) in document order, content controls opened, tracked deletions skipped."""
from __future__ import annotations

import io

from ..blocks import Paragraph, Table
from ..errors import ImportRefused
from .archive import check_xml_parts, open_zip_safely
from .word_numbering import W, Numbering

# tracked changes (text moved away or deleted) and the duplicate of a text box kept for old readers
_SKIP_TEXT = {W + "moveFrom", W + "del", "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"}


def _p_text(p) -> str:
    out = []

    def walk(el):
        for ch in el:
            tag = ch.tag
            if tag in _SKIP_TEXT:
                continue
            if tag == W + "t":
                out.append(ch.text or "")
            elif tag == W + "tab":
                out.append("\t")
            elif tag in (W + "br", W + "cr"):
                out.append("\n")
            else:
                walk(ch)

    walk(p)
    return "".join(out)


def read_docx(data: bytes) -> list:
    zf = open_zip_safely(data)
    names = set(zf.namelist())
    if "word/document.xml" not in names:
        raise ImportRefused("文件不是有效的 .docx（缺少正文部分）。请在 Word 中另存为 .docx 后重新上传。", "corrupt")
    parts = check_xml_parts(zf)
    try:
        import docx  # python-docx

        document = docx.Document(io.BytesIO(data))
    except ImportRefused:
        raise
    except Exception as e:  # noqa: BLE001
        raise ImportRefused(
            "文件已损坏，Word 文档无法打开。请在 Word 中重新打开并另存为 .docx 后再上传。", "corrupt"
        ) from e
    numbering = Numbering(parts.get("word/numbering.xml"), parts.get("word/styles.xml"))
    blocks: list = []
    counter = {"p": 0, "t": 0}

    def para_text(p) -> str:
        label = numbering.label_for(p)
        return label + _p_text(p)

    def walk(parent):
        for child in parent:
            tag = child.tag
            if tag == W + "p":
                counter["p"] += 1
                txt = para_text(child)
                for piece in txt.split("\n"):
                    if piece.strip():
                        blocks.append(Paragraph(text=piece.strip(), loc=f"第{counter['p']}段"))
            elif tag == W + "tbl":
                counter["t"] += 1
                blocks.append(_read_tbl(child, f"表{counter['t']}", para_text))
            elif tag == W + "sdt":
                content = child.find(W + "sdtContent")
                if content is not None:
                    walk(content)

    walk(document.element.body)
    return blocks


def _read_tbl(tbl, loc: str, para_text) -> Table:
    grid: list[list[str]] = []
    vmerged = set()
    for tr in tbl.findall(W + "tr"):
        row: list[str] = []
        trpr = tr.find(W + "trPr")
        if trpr is not None:
            gb = trpr.find(W + "gridBefore")
            if gb is not None:
                row.extend([""] * int(gb.get(W + "val", "0")))
        for tc in tr.findall(W + "tc"):
            tcpr = tc.find(W + "tcPr")
            span = 1
            vm = None
            if tcpr is not None:
                gs = tcpr.find(W + "gridSpan")
                if gs is not None:
                    span = int(gs.get(W + "val", "1"))
                v = tcpr.find(W + "vMerge")
                if v is not None:
                    vm = v.get(W + "val", "continue")
            texts = []
            for p in tc.iter(W + "p"):
                t = para_text(p).strip()
                if t:
                    texts.append(t)
            text = "\n".join(texts)
            if vm == "continue":
                for k in range(span):
                    vmerged.add((len(grid), len(row) + k))
                text = ""
            row.extend([text] * span)
        grid.append(row)
    width = max((len(r) for r in grid), default=0)
    grid = [r + [""] * (width - len(r)) for r in grid]
    return Table(rows=grid, loc=loc, vmerged=vmerged, has_merge_info=True)

