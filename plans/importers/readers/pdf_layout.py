"""The layout work on a PDF's text layer (pdfplumber): ruled tables as tables, the text
around them as lines in reading order, wrapped lines joined back into paragraphs, running
headers, footers and page numbers dropped.

Runs inside the child process started by ``pdf.py`` (pdfminer has no size or time caps of
its own); returns plain data (dicts), not blocks, so it can cross the process boundary.
"""
from __future__ import annotations

import re
from collections import Counter

from ..numbering import match_label

_CJK = r"\u3000-\u303f\u3400-\u9fff\uff00-\uffef"
_CJK_GAP = re.compile(rf"(?<=[{_CJK}])[ \t]+|[ \t]+(?=[{_CJK}])")
_PAGE_NO = re.compile(
    r"^(?:[-—–－_ ]*[0-9０-９]{1,4}[-—–－_ ]*|第\s*[0-9]+\s*页(?:\s*[,，/]?\s*共\s*[0-9]+\s*页)?"
    r"|[0-9]+\s*/\s*[0-9]+|page\s*[0-9]+(?:\s*of\s*[0-9]+)?)$", re.I)
_DIGITS = re.compile(r"[0-9０-９]+")
MARGIN_ZONE = 0.09  # top / bottom share of the page where running headers and footers sit


class NoTextLayer(Exception):
    """Raised with the page count when no page has characters (a scan)."""


def tidy(text: str) -> str:
    """pdfminer puts a space wherever two glyphs sit apart (justified Chinese text)."""
    return _CJK_GAP.sub("", text).strip()


def _join(a: str, b: str) -> str:
    if a and b and a[-1].isascii() and a[-1].isalnum() and b[0].isascii() and b[0].isalnum():
        return a + " " + b
    return a + b


_FIRST_PIECE = re.compile(r"([!-~]*)([。，、；：？！）》”’」』%％]*)((?:[“‘《（「『【]+.)?)")


def _first_token_width(text: str, size: float) -> float:
    """Roughly how wide the first unbreakable piece of a line is: a Latin / digit run moves to
    the next line whole (95%, 2025年 breaks after the digits), a CJK character alone; closing
    punctuation, which may not start a line, travels with what precedes it."""
    m = _FIRST_PIECE.match(text)
    ascii_run, closing = m.group(1), m.group(2)
    if not ascii_run:  # one CJK character, then what must not be parted from it
        m = _FIRST_PIECE.match(text, 1)
        closing = m.group(2)
    # an opening quote may not end a line: it goes down with the character after it
    return (len(ascii_run) * 0.6 * size if ascii_run else size) + (len(closing) + len(m.group(3))) * size


def _inside(obj, boxes) -> bool:
    cx = (obj["x0"] + obj["x1"]) / 2
    cy = (obj["top"] + obj["bottom"]) / 2
    return any(x0 <= cx <= x1 and top <= cy <= bottom for x0, top, x1, bottom in boxes)


def _cluster(values: list[float], tol: float = 2.0) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > tol:
            out.append(v)
    return out


def _index(edges: list[float], v: float) -> int:
    return min(range(len(edges)), key=lambda i: abs(edges[i] - v))


def _cell_text(page, bbox) -> str:
    """A cell's lines: a line that reaches the cell's right edge wrapped and is joined to the
    next; one that stops short ended its paragraph (units listed one per line stay apart)."""
    x0, top, x1, bottom = bbox
    # by the glyph's centre: a glyph's box is taller than its ink and pokes into the next row
    lines = page.filter(lambda o: o.get("object_type") != "char" or _inside(o, [bbox])).extract_text_lines(
        strip=True, return_chars=False)
    if lines:  # the cell's padding, taken as equal on both sides
        x1 -= max(0.0, min(ln["x0"] for ln in lines) - x0)
    out = ""
    prev = None
    for ln in lines:
        text = tidy(ln["text"])
        if not text:
            continue
        size = max(ln["bottom"] - ln["top"], 4)
        if prev is None:
            out = text
        elif prev["x1"] + _first_token_width(text, size) >= x1 - size and not match_label(text):
            out = _join(out, text)
        else:
            out += "\n" + text
        prev = ln
    return out


def _table(page, table) -> dict:
    """Cells with their spans on the grid of all cell edges: a horizontal span repeats its text
    (as the .docx reader does), a vertical one leaves "" flagged as merged below its first row."""
    cells = [c for row in table.rows for c in row.cells if c is not None]
    xs = _cluster([c[0] for c in cells] + [c[2] for c in cells])
    ys = _cluster([c[1] for c in cells] + [c[3] for c in cells])
    nrows, ncols = max(len(ys) - 1, 1), max(len(xs) - 1, 1)
    grid = [[""] * ncols for _ in range(nrows)]
    vmerged = []
    for bbox in cells:
        c0, c1 = _index(xs, bbox[0]), max(_index(xs, bbox[2]), _index(xs, bbox[0]) + 1)
        r0, r1 = _index(ys, bbox[1]), max(_index(ys, bbox[3]), _index(ys, bbox[1]) + 1)
        text = _cell_text(page, bbox)
        for r in range(r0, min(r1, nrows)):
            for c in range(c0, min(c1, ncols)):
                if r == r0:
                    grid[r][c] = text
                else:
                    vmerged.append((r, c))
    return {"kind": "table", "rows": grid, "vmerged": vmerged, "top": table.bbox[1], "bottom": table.bbox[3]}


def _page_objects(page) -> tuple[list[dict], list[dict]]:
    tables = [t for t in page.find_tables() if len(t.rows) >= 2 or len(t.rows[0].cells) >= 2]
    boxes = [t.bbox for t in tables]
    body = page.filter(lambda o: o.get("object_type") != "char" or not _inside(o, boxes)) if boxes else page
    lines = []
    for ln in body.extract_text_lines(strip=True, return_chars=False):
        text = tidy(ln["text"])
        if text:
            lines.append({"kind": "line", "text": text, "x0": ln["x0"], "x1": ln["x1"], "top": ln["top"],
                          "bottom": ln["bottom"]})
    return lines, [_table(page, t) for t in tables]


def _running_lines(pages: list[dict]) -> set[str]:
    """Header / footer texts: the same line (digits aside) in the margin zone of most pages."""
    if len(pages) < 2:
        return set()
    seen: Counter = Counter()
    for p in pages:
        keys = {_DIGITS.sub("#", ln["text"]) for ln in p["lines"] if _in_margin(ln, p)}
        seen.update(keys)
    need = max(2, (len(pages) + 1) // 2)
    return {k for k, n in seen.items() if n >= need}


def _in_margin(ln: dict, page: dict) -> bool:
    h = page["height"]
    return ln["bottom"] <= h * MARGIN_ZONE or ln["top"] >= h * (1 - MARGIN_ZONE)


def read_layout(pdf, max_pages: int) -> dict:
    """{"blocks": [{"kind": "para", "text", "page"} | {"kind": "table", "rows", "vmerged", "page"}],
    "image_pages": [page numbers with images and no text]}; raises NoTextLayer."""
    if len(pdf.pages) > max_pages:
        raise OverflowError(len(pdf.pages))
    pages = []
    image_pages = []
    for no, page in enumerate(pdf.pages, 1):
        lines, tables = _page_objects(page)
        if not lines and not tables and page.images:
            image_pages.append(no)
        pages.append({"no": no, "height": float(page.height), "lines": lines, "tables": tables})
        page.flush_cache()  # the page's objects are no longer needed: keeps memory flat on long files
    if not any(p["lines"] or p["tables"] for p in pages):
        raise NoTextLayer(len(pages))
    running = _running_lines(pages)
    blocks: list[dict] = []
    prev_line = None  # the last body line, with its page's margins, for joining wrapped lines
    for p in pages:
        body = [ln for ln in p["lines"] if not (_in_margin(ln, p) and (
            _PAGE_NO.match(ln["text"]) or _DIGITS.sub("#", ln["text"]) in running))]
        left = min((ln["x0"] for ln in body), default=0)
        right = max((ln["x1"] for ln in body), default=0)
        objects = sorted(body + p["tables"], key=lambda o: o["top"])
        first = True
        for ob in objects:
            if ob["kind"] == "table":
                last = blocks[-1] if blocks else None
                if (first and last and last["kind"] == "table" and last["page"] == p["no"] - 1
                        and len(last["rows"][0]) == len(ob["rows"][0])):
                    _continue_table(last, ob)  # a table running on from the previous page
                    last["page"] = p["no"]  # where it ends: the next page may continue it again
                else:
                    blocks.append({"kind": "table", "rows": ob["rows"], "vmerged": ob["vmerged"], "page": p["no"],
                                   "first_page": p["no"]})
                prev_line = None
                first = False
                continue
            first = False
            ln = dict(ob, left=left, right=right)
            if prev_line is not None and _continues(prev_line, ln) and blocks and blocks[-1]["kind"] == "para":
                blocks[-1]["text"] = _join(blocks[-1]["text"], ln["text"])
            else:
                blocks.append({"kind": "para", "text": ln["text"], "page": p["no"]})
            prev_line = ln
    return {"blocks": blocks, "image_pages": image_pages, "pages": len(pages)}


def _continues(prev: dict, ln: dict) -> bool:
    """Is ``ln`` the wrapped rest of ``prev``'s paragraph?  Only when ``prev`` ran to the right
    margin, ``ln`` starts at the left one (a paragraph's first line is indented or centred) and
    ``ln`` does not start with an item label."""
    size = max(ln["bottom"] - ln["top"], 4)
    if prev["x1"] + _first_token_width(ln["text"], size) < prev["right"] - 0.5 * size:
        return False  # the next line's first word would have fitted: prev ended its paragraph
    if ln["x0"] > ln["left"] + 0.8 * size:
        return False
    if ln["top"] > prev["top"] and ln["top"] - prev["bottom"] > 1.2 * size:
        return False  # a blank line's worth of space: a new paragraph
    return not match_label(ln["text"])


def _continue_table(last: dict, more: dict) -> None:
    rows = more["rows"]
    shift = len(last["rows"])
    skip = 1 if rows and rows[0] == last["rows"][0] else 0  # the header row repeated on each page
    first = rows[skip] if len(rows) > skip else None
    if first and not first[0] and sum(1 for c in first if not c) * 2 >= len(first):
        # a row cut by the page break: its first cell (the number) and most others stayed above
        prev = last["rows"][-1]
        for c, text in enumerate(first):
            if text:
                prev[c] = _join(prev[c], text) if prev[c] else text
        skip += 1
    last["rows"].extend(rows[skip:])
    last["vmerged"].extend((r - skip + shift, c) for r, c in more["vmerged"] if r >= skip)
