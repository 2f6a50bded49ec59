"""Task tables that reached us as plain text: runs of paragraphs turned back into tables.

Four layouts, all recognised by a header naming the columns (序号 / 重点任务 / 责任单位 /
完成时限 …, see ``tables.HEADER_ROLES``), never by a document's wording:

- pipes: ``| 序号 | 重点任务 | 牵头单位 |`` (Markdown or a viewer's export), one row a line;
- key–value records: ``重点任务: | X | 牵头单位: | Y`` or one ``字段：值`` a line, a record
  ending where a field repeats;
- one cell per line: the header's cells on consecutive lines, then each row's cells, a row
  opening with its 序号; a cell may take several lines (units stacked one a line) and a row
  may carry a sub-row (another task line and its own time);
- aligned columns: cells separated by runs of spaces, wrapped cells continued on the lines below.

The tables then go through the same reading as a .docx/.xlsx table (``tables.py``).
"""
from __future__ import annotations

import re

from ..blocks import Paragraph, Table
from .deadlines import parse_deadline_cell
from .tables import HEADER_ROLES, _find_header
from .units import looks_like_unit, split_units

PIPE = re.compile(r"\s*[|｜]\s*")
_RULE_ROW = re.compile(r"^[\s|｜:：\-—–=+]+$")
_KEY = re.compile(r"^\s*([\u4e00-\u9fff（）()]{2,10})\s*[:：]\s*(.*)$")
_PERSON_HEADER = re.compile(r"领导|责任人|联系人|分管")
_SEQ = re.compile(r"^\d{1,3}$")


def header_role(cell: str) -> str | None:
    h = re.sub(r"\s+", "", cell or "").rstrip(":：")
    if not h or len(h) > 12:
        return None
    if _PERSON_HEADER.search(h) and not re.search(r"单位|部门", h):
        return "person"  # 责任领导 / 区政府分管领导: people, never units
    for role, rx in HEADER_ROLES:
        if rx.search(h):
            return role
    return None


def _is_table_header(cells: list[str]) -> bool:
    roles = [header_role(c) for c in cells]
    return (len(cells) >= 3 and all(roles)
            and any(r in ("units", "lead", "co") for r in roles) and "task" in roles)


# --------------------------------------------------------------------------- cell kinds
def _is_time(line: str) -> bool:
    if len(line) > 24:
        return False
    d, ongoing = parse_deadline_cell(line, 2000)
    return bool(d or ongoing)


def _is_units(line: str) -> bool:
    if len(line) > 40 or re.search(r"[。；;：:\d]", line):
        return False
    names = split_units(line)
    return bool(names) and all(looks_like_unit(n) and len(n) <= 24 for n in names)


def _is_person(line: str) -> bool:
    return bool(re.fullmatch(r"[\u4e00-\u9fff]{2,4}(?:[、，,\s]+[\u4e00-\u9fff]{2,4})*", line)) \
        and not _is_units(line)


def _accepts(role: str, line: str) -> bool:
    if role in ("units", "lead", "co"):
        return _is_units(line)
    if role == "deadline":
        return _is_time(line)
    if role == "person":
        return _is_person(line)
    if role == "seq":
        return bool(_SEQ.match(line))
    return not (_is_time(line) or _is_units(line))


def _fill_row(roles: list[str], lines: list[str]) -> list[str]:
    """Lay one row's lines (without its 序号) into the columns, in column order; a line no
    later column takes starts a sub-row (goes back to the task column)."""
    cells: list[list[str]] = [[] for _ in roles]
    ci = 0
    for line in lines:
        k = next((j for j in range(ci, len(roles)) if roles[j] != "seq" and _accepts(roles[j], line)), None)
        if k is None:
            k = next((j for j in range(len(roles)) if roles[j] != "seq" and _accepts(roles[j], line)), None)
        if k is None:
            k = next((j for j, r in enumerate(roles) if r == "task"), len(roles) - 1)
        # units stacked one a line: a second unit goes to the 配合 column when there is one
        if roles[k] == "lead" and cells[k] and "co" in roles[k:]:
            k = roles.index("co", k)
        cells[k].append(line)
        ci = k
    return ["\n".join(c) for c in cells]


# --------------------------------------------------------------------------- layouts
def _pipe_cells(text: str) -> list[str] | None:
    if "|" not in text and "｜" not in text:
        return None
    cells = PIPE.split(text.strip())
    if cells and cells[0] == "":
        cells = cells[1:]
    if cells and cells[-1] == "":
        cells = cells[:-1]
    return cells if len(cells) >= 2 else None


def _records_to_rows(records: list[dict]) -> list[list[str]]:
    keys: list[str] = []
    for r in records:
        for k in r:
            if k not in keys:
                keys.append(k)
    return [keys] + [[r.get(k, "") for k in keys] for r in records]


def _kv_pairs(cells: list[str]):
    """`字段: | 值 | 字段: | 值` → [(key, value)], or None when the cells are not such pairs."""
    pairs = []
    i = 0
    while i < len(cells):
        m = _KEY.match(cells[i])
        if not m or not header_role(m.group(1)):
            return None
        if m.group(2).strip():
            pairs.append((m.group(1), m.group(2).strip()))
            i += 1
        else:
            pairs.append((m.group(1), cells[i + 1].strip() if i + 1 < len(cells) else ""))
            i += 2
    return pairs or None


def _records(pairs_per_line: list[list[tuple[str, str]]]) -> list[dict]:
    records: list[dict] = []
    cur: dict = {}
    for pairs in pairs_per_line:
        for k, v in pairs:
            if k in cur:
                records.append(cur)
                cur = {}
            cur[k] = v
    if cur:
        records.append(cur)
    return records


def _pipe_table(paras: list[Paragraph], i: int):
    rows, pairs_lines, j = [], [], i
    while j < len(paras):
        t = paras[j].text
        if _RULE_ROW.match(t) and ("|" in t or "-" in t) and rows:
            j += 1
            continue
        cells = _pipe_cells(t)
        if cells is None:
            break
        pairs = _kv_pairs(cells)
        if pairs is not None:
            pairs_lines.append(pairs)
        rows.append(cells)
        j += 1
    if len(rows) < 2:
        return None
    if len(pairs_lines) == len(rows):
        rows = _records_to_rows(_records(pairs_lines))
    return rows, j


def _kv_lines(paras: list[Paragraph], i: int):
    pairs, j = [], i
    while j < len(paras):
        m = _KEY.match(paras[j].text)
        if not m or not header_role(m.group(1)):
            break
        pairs.append([(m.group(1), m.group(2).strip())])
        j += 1
    records = _records(pairs)
    if len(records) < 2:
        return None
    rows = _records_to_rows(records)
    return (rows, j) if _is_table_header(rows[0]) else None


def _cell_per_line(paras: list[Paragraph], i: int):
    head, j = [], i
    while j < len(paras) and len(head) < 10 and header_role(paras[j].text):
        head.append(paras[j].text.strip())
        j += 1
    roles = [header_role(h) for h in head]
    if not _is_table_header(head) or roles[0] != "seq":
        return None
    rows = [head]
    seq = 1
    while j < len(paras) and paras[j].text.strip() == str(seq):
        k = j + 1
        while k < len(paras) and paras[k].text.strip() != str(seq + 1) \
                and not (seq > 1 and [p.text.strip() for p in paras[k:k + len(head)]] == head):
            k += 1
        lines = [p.text.strip() for p in paras[j + 1:k]]
        if k >= len(paras):  # the last row: its cells, not what follows the table
            lines = _last_row(roles[1:], lines)
            k = j + 1 + len(lines)
        rows.append([str(seq)] + _fill_row(roles[1:], lines))
        j = k
        if j < len(paras) and [p.text.strip() for p in paras[j:j + len(head)]] == head:
            j += len(head)  # the header repeated on a new page
        seq += 1
    return (rows, j) if len(rows) >= 2 else None


def _last_row(roles: list[str], lines: list[str]) -> list[str]:
    """The last row runs to the end of its last column's cell."""
    last = roles[-1]
    for n, line in enumerate(lines):
        if n and _accepts(last, line) and last not in ("task", "group", "note"):
            rest = lines[n + 1:]
            if not rest or not any(_accepts(last, x) for x in rest[:2]):
                return lines[:n + 1]
    return lines


_GAP = re.compile(r"\s{2,}|\t+")


def _aligned(paras: list[Paragraph], i: int):
    head = [c for c in _GAP.split(paras[i].text.strip()) if c]
    if not _is_table_header(head):
        return None
    roles = [header_role(h) for h in head]
    rows = [head]
    j = i + 1
    while j < len(paras):
        cells = [c for c in _GAP.split(paras[j].text.strip()) if c]
        if len(cells) == len(head) or (len(cells) >= 2 and "seq" in roles and _SEQ.match(cells[0])):
            rows.append(cells + [""] * (len(head) - len(cells)))
        elif len(rows) > 1 and (len(cells) >= 2 or len(cells[0]) <= 20):
            cont = _fill_row(roles, cells)  # a wrapped cell continued on the next line
            rows[-1] = [(a + ("" if r in ("task", "group", "note") else "\n") + b).strip("\n") if b else a
                        for a, b, r in zip(rows[-1], cont, roles)]
        else:
            break
        j += 1
    return (rows, j) if len(rows) >= 2 else None


def restore_text_tables(blocks: list) -> list:
    """Blocks with every run of paragraphs that is a task table laid out as text turned into a Table."""
    out: list = []
    i = 0
    while i < len(blocks):
        b = blocks[i]
        if not isinstance(b, Paragraph):
            out.append(b)
            i += 1
            continue
        k = i
        while k < len(blocks) and isinstance(blocks[k], Paragraph):
            k += 1
        paras = blocks[i:k]
        j = 0
        while j < len(paras):
            found = None
            for layout in (_pipe_table, _kv_lines, _cell_per_line, _aligned):
                found = layout(paras, j)
                if found and _find_header(found[0])[1] is not None:
                    break
                found = None
            if found:
                rows, end = found
                width = max(len(r) for r in rows)
                rows = [r + [""] * (width - len(r)) for r in rows]
                out.append(Table(rows=rows, loc=f"表（{paras[j].loc}起）"))
                j = end
            else:
                out.append(paras[j])
                j += 1
        i = k
    return out
