"""Excel .xlsx: each visible sheet becomes one Table (merged ranges resolved); date cells,
real or typed as serial numbers under a date column, are read as dates; formula cells
without a cached value are reported, never silently read as empty."""
from __future__ import annotations

import io
import re
from datetime import date, datetime

from ..blocks import Paragraph, Table
from ..errors import ImportRefused
from .archive import check_xml_parts, open_zip_safely

def _cell_str(v, number_format: str = "") -> str:
    if v is None:
        return ""
    if isinstance(v, (datetime, date)):
        fmt = re.sub(r'"[^"]*"|\\.|\[[^\]]*\]', "", number_format or "").lower()
        if fmt and "y" in fmt and "m" in fmt and "d" not in fmt:
            return f"{v.year}年{v.month}月"  # shown as 2026年6月: the month, due at its end
        return v.strftime("%Y-%m-%d")
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v).strip()


_DATE_HEADER = re.compile(r"时限|时间|日期|期限|截止")
# Excel serial days of 1982-02-13 .. 2119-01-10: a plain number in a date column in that range
# is a date typed (or pasted) without a date format, not a count
_SERIAL_RANGE = (30000, 80000)
_RID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_SS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_PR = "{http://schemas.openxmlformats.org/package/2006/relationships}"


def _formulas_without_value(parts: dict[str, bytes]) -> dict[str, list[str]]:
    """Sheet name -> cell references holding a formula but no cached result.

    openpyxl's data_only mode reads such a cell as empty (a file written by a program that does
    not calculate, or saved with calculation off), and a row of them would vanish unnoticed.
    """
    from defusedxml.ElementTree import fromstring

    try:
        book = fromstring(parts["xl/workbook.xml"])
        rels = fromstring(parts.get("xl/_rels/workbook.xml.rels", b"<r/>"))
    except (KeyError, Exception):  # noqa: BLE001 — openpyxl reports a broken workbook itself
        return {}
    targets = {r.get("Id"): r.get("Target", "") for r in rels.iter(_PR + "Relationship")}
    out: dict[str, list[str]] = {}
    for sheet in book.iter(_SS + "sheet"):
        target = targets.get(sheet.get(_RID), "").lstrip("/")
        part = target if target.startswith("xl/") else "xl/" + target
        if part not in parts:
            continue
        refs = []
        for c in fromstring(parts[part]).iter(_SS + "c"):
            f, v = c.find(_SS + "f"), c.find(_SS + "v")
            if f is not None and (v is None or not (v.text or "").strip()):
                refs.append(c.get("r", "?"))
        if refs:
            out[sheet.get("name", "")] = refs
    return out


def _date_columns(grid: list[list[str]]) -> set[int]:
    for row in grid[:8]:
        cols = {i for i, v in enumerate(row) if v and len(v) <= 12 and _DATE_HEADER.search(v)}
        if cols and sum(1 for v in row if v) >= 2:
            return cols
    return set()


def _serials_to_dates(ws, grid: list[list[str]], epoch) -> None:
    from openpyxl.utils.datetime import from_excel

    cols = _date_columns(grid)
    if not cols:
        return
    for r, row in enumerate(ws.iter_rows()):
        for c in cols:
            if c < len(row):
                v = row[c].value
                if isinstance(v, (int, float)) and not isinstance(v, bool) and \
                        _SERIAL_RANGE[0] <= v <= _SERIAL_RANGE[1]:
                    grid[r][c] = _cell_str(from_excel(v, epoch=epoch))


def read_xlsx(data: bytes, warnings: list | None = None) -> list:
    zf = open_zip_safely(data)
    parts = check_xml_parts(zf)
    no_value = _formulas_without_value(parts)
    try:
        import openpyxl

        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=False, data_only=True)
    except ImportRefused:
        raise
    except Exception as e:  # noqa: BLE001
        raise ImportRefused(
            "文件已损坏，Excel 表格无法打开。请在 Excel / WPS 中重新打开并另存为 .xlsx 后再上传。", "corrupt"
        ) from e
    blocks: list = []
    for sno, ws in enumerate(wb.worksheets, 1):
        if getattr(ws, "sheet_state", "visible") != "visible":
            continue
        if (ws.max_row or 0) * (ws.max_column or 0) > 2_000_000:
            raise ImportRefused(
                f"工作表“{ws.title}”太大（{ws.max_row} 行 × {ws.max_column} 列）。"
                "请删除空白行列或只保留任务分工表后重新上传。", "too_large")
        grid = [[_cell_str(c.value, getattr(c, "number_format", "")) for c in row] for row in ws.iter_rows()]
        if not grid:
            continue
        _serials_to_dates(ws, grid, wb.epoch)
        if ws.title in no_value and warnings is not None:
            refs = no_value[ws.title]
            rows = sorted({int(re.sub(r"[^0-9]", "", ref) or 0) for ref in refs})
            warnings.append({"code": "formula_no_value", "label_path": None, "message": (
                f"工作表“{ws.title}”第 {'、'.join(str(r) for r in rows[:10])}{' 等' if len(rows) > 10 else ''} 行"
                f"有 {len(refs)} 个公式单元格（{'、'.join(refs[:5])}{' 等' if len(refs) > 5 else ''}）没有保存计算结果，"
                "读到的是空白，这些行的内容可能缺失。请在 Excel / WPS 中打开文件、保存后重新上传，或在审核页补录。")})
        vmerged = set()
        for rng in ws.merged_cells.ranges:
            r0, c0, r1, c1 = rng.min_row - 1, rng.min_col - 1, rng.max_row - 1, rng.max_col - 1
            if r0 >= len(grid):
                continue
            top = grid[r0][c0] if c0 < len(grid[r0]) else ""
            for r in range(r0, min(r1, len(grid) - 1) + 1):
                for c in range(c0, c1 + 1):
                    if c >= len(grid[r]):
                        continue
                    if r == r0:
                        grid[r][c] = top
                    else:
                        grid[r][c] = ""
                        vmerged.add((r, c))
        # drop empty rows / trailing empty columns, keep vmerged indexes aligned
        keep = [i for i, r in enumerate(grid) if any(c for c in r)]
        remap = {old: new for new, old in enumerate(keep)}
        grid = [grid[i] for i in keep]
        vmerged = {(remap[r], c) for r, c in vmerged if r in remap}
        width = max((max((i + 1 for i, c in enumerate(r) if c), default=0) for r in grid), default=0)
        grid = [r[:width] + [""] * (width - len(r[:width])) for r in grid]
        if grid:
            blocks += _sheet_blocks(grid, vmerged, [i + 1 for i in keep], ws.title)
    return blocks


def _sheet_blocks(grid: list[list[str]], vmerged: set, row_numbers: list[int], title: str) -> list:
    """Rows with a single filled cell before the first and after the last row with several (the
    text above and below a task table, or a whole sheet of text typed in column A) are that
    text's paragraphs, as in a Word file; the rows between are the table.  A title merged
    across the columns repeats in each, so it stays the table's first row, as before."""
    multi = [i for i, r in enumerate(grid) if sum(1 for c in r if c) > 1]
    lead, tail = (multi[0], multi[-1] + 1) if multi else (len(grid), len(grid))
    loc = f"工作表“{title}”"

    def paragraphs(rows: range) -> list:
        out = []
        for i in rows:
            text = next(c for c in grid[i] if c)
            out += [Paragraph(text=t.strip(), loc=f"{loc}第{row_numbers[i]}行") for t in text.split("\n") if t.strip()]
        return out

    blocks = paragraphs(range(lead))
    if multi:
        blocks.append(Table(rows=grid[lead:tail], loc=loc, has_merge_info=True,
                            vmerged={(r - lead, c) for r, c in vmerged if lead <= r < tail}))
    return blocks + paragraphs(range(tail, len(grid)))

