"""Plain text (.txt in any Chinese encoding): lines become paragraphs, a table exported
with TAB-led cells becomes a Table; a web page saved as text goes to the HTML reader."""
from __future__ import annotations

import codecs
import re

from ..blocks import Paragraph, Table
from ..errors import ImportRefused
from ..numbering import match_label
from .html import HTML_START, read_html


def decode_text(data: bytes) -> str:
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith(codecs.BOM_UTF32_LE) or data.startswith(codecs.BOM_UTF32_BE):
        return data.decode("utf-32", errors="replace")
    if data.startswith(codecs.BOM_UTF16_LE) or data.startswith(codecs.BOM_UTF16_BE):
        return data.decode("utf-16", errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    sample = data[:4096]
    if sample.count(b"\x00") > len(sample) // 4:
        # UTF-16 without BOM: NULs sit on the high byte of ASCII characters
        even = sample[0::2].count(b"\x00")
        odd = sample[1::2].count(b"\x00")
        enc = "utf-16-le" if odd >= even else "utf-16-be"
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        pass
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(data).best()
        if best is not None:
            return str(best)
    except Exception:  # noqa: BLE001
        pass
    raise ImportRefused(
        "无法识别文件的文字编码。请用记事本或 WPS 打开后“另存为” UTF-8 编码的 .txt，或直接上传 .docx。",
        "encoding",
    )


_BOOKMARK = re.compile(r"\[bookmark:[^\]]*\]")
_CTRL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def _is_tab_cell(line: str) -> bool:
    return line.startswith("\t")


def _find_table_regions(lines: list[str]) -> list[tuple[int, int]]:
    """Tab-indented cell runs (a table exported to text): [(start, end), ...]."""
    regions = []
    i, n = 0, len(lines)
    while i < n:
        line = lines[i]
        if _is_tab_cell(line) and line.strip():
            window = lines[i + 1:i + 8]
            if sum(1 for w in window if _is_tab_cell(w)) >= 3:
                j = i + 1
                prev_blank = False
                while j < n:
                    cur = lines[j]
                    if not cur.strip() and not _is_tab_cell(cur):
                        prev_blank = True
                    elif _is_tab_cell(cur):
                        prev_blank = False
                    else:  # plain text line
                        if prev_blank:
                            break
                    j += 1
                end = j
                while end > i and not lines[end - 1].strip():
                    end -= 1
                regions.append((i, end))
                i = j
                continue
        i += 1
    return regions


def _parse_tab_table(lines: list[str]) -> list[list[str]]:
    """Rows of a tab-exported table: each cell starts with a TAB, lines without
    one continue the previous cell, blank lines end a row."""
    rows: list[list[str]] = []
    cur: list[str] = []
    ncols = 0

    def flush():
        nonlocal cur
        if cur:
            rows.append(cur)
        cur = []

    for idx, line in enumerate(lines):
        if _is_tab_cell(line):
            for piece in line.split("\t")[1:]:
                if ncols and len(cur) >= ncols:
                    flush()
                cur.append(piece.strip())
        elif not line.strip():
            if not ncols:
                if cur:
                    ncols = len(cur)
                    flush()
            elif len(cur) in (ncols, 1) or (cur and len(cur) >= ncols):
                flush()
            elif cur:
                # a short row: a blank line inside a cell, or a row whose leading
                # (merged) cell is missing?  A numbered cell next starts a new row.
                nxt = next((l for l in lines[idx + 1:] if l.strip()), "")
                if _is_tab_cell(nxt) and match_label(nxt.strip()):
                    flush()
        else:
            if cur:
                cur[-1] = (cur[-1] + "\n" + line.strip()).strip("\n")
            else:
                cur.append(line.strip())
    flush()
    if not ncols and rows:
        ncols = len(rows[0])
    out = []
    for r in rows:
        if len(r) == 1 and ncols > 1:
            out.append(r * ncols)  # one cell spanning the row (a heading)
        elif len(r) < ncols:
            out.append([""] * (ncols - len(r)) + r)  # leading merged column missing
        else:
            out.append(r)
    return out



def read_txt(data: bytes) -> list:
    text = decode_text(data)
    if len(_CTRL.findall(text[:20000])) > 50:
        raise ImportRefused(
            "文件内容不是文字（看起来是二进制文件）。请上传方案的 .docx / .xlsx / .txt 文件。", "binary"
        )
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\ufeff", "")
    if HTML_START.match(text[:2000]):
        return read_html(text)
    text = _BOOKMARK.sub("", text)
    lines = text.split("\n")
    blocks: list = []
    regions = _find_table_regions(lines)
    ri = 0
    i = 0
    tno = 0
    while i < len(lines):
        if ri < len(regions) and i == regions[ri][0]:
            s, e = regions[ri]
            tno += 1
            blocks.append(Table(rows=_parse_tab_table(lines[s:e]), loc=f"表{tno}（第{s + 1}行起）"))
            i = e
            ri += 1
            continue
        line = lines[i].strip()
        if line:
            blocks.append(Paragraph(text=line, loc=f"第{i + 1}行"))
        i += 1
    return blocks

