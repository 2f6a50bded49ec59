"""Responsibility tables: header roles, one item per row."""
from __future__ import annotations

import re

from ..blocks import Table
from ..numbering import match_label
from .nodes import Node, TreeBuilder, _title
from .units import parse_unit_phrase

HEADER_ROLES = [
    ("seq", re.compile(r"^(?:序号|编号|序)$")),
    ("lead", re.compile(r"牵头(?:责任)?单位|牵头(?:责任)?部门|主责单位|主办单位|^牵头$|^牵头领导?单位$")),
    ("co", re.compile(r"配合(?:责任)?单位|配合(?:责任)?部门|协办单位|协同单位|参与单位|协助单位|^配合$")),
    ("units", re.compile(r"责任单位|责任部门|责任主体|承办单位|实施主体|责任科室|落实单位")),
    ("deadline", re.compile(r"时限|完成时间|时间节点|时间安排|进度安排|完成期限|截止时间|时间要求|办结时间|完成日期|"
                            r"截止日期|^期限$|^时间$")),
    ("note", re.compile(r"备注|说明")),
    ("target", re.compile(r"目标值|预期目标值?|指标值|^目标$|目标数|年度目标$|^\d{4}年目标$")),
    ("baseline", re.compile(r"基数|基期|基准值|现状值?|^现值$|上年值|完成值|实际值")),
    ("task", re.compile(r"任务|措施|内容|事项|举措|工作|要求|目标|指标|类别|领域|名称|实事|项目$")),
]


def _table_roles(header: list[str]) -> dict[int, str] | None:
    roles = {}
    for i, h in enumerate(header):
        h = re.sub(r"\s+", "", h)
        for role, rx in HEADER_ROLES:
            if rx.search(h):
                roles[i] = role
                break
    vals = list(roles.values())
    if not (("units" in vals or "lead" in vals or "co" in vals) and ("task" in vals)):
        return None
    task_cols = [i for i, r in roles.items() if r == "task"]
    for i in task_cols[:-1]:
        roles[i] = "group"
    return roles


def _find_header(rows: list[list[str]]):
    for i, r in enumerate(rows[:12]):
        roles = _table_roles(r)
        if roles:
            # a two-row header: 责任单位 spanning 牵头单位 | 配合单位 below
            if i + 1 < len(rows):
                sub = {}
                for j, h in enumerate(rows[i + 1]):
                    h = re.sub(r"\s+", "", h)
                    for role, rx in HEADER_ROLES[:5]:
                        if h and h != re.sub(r"\s+", "", r[j]) and rx.search(h):
                            sub[j] = role
                            break
                if len(sub) >= 2:
                    roles = {**roles, **sub}
                    return i + 1, roles
            return i, roles
    return None, None


def _seq_label(seq: str):
    seq = seq.strip().rstrip("、.．")
    if not seq:
        return None
    return match_label(seq + "、x") if not seq.startswith(("（", "(")) else match_label(seq + "x")


def build_table_tree(table: Table, start: int, roles: dict[int, str], year: int, warnings: list,
                     known: frozenset = frozenset()) -> list[Node]:
    b = TreeBuilder()
    cols = {r: [i for i, rr in roles.items() if rr == r] for r in set(roles.values())}

    def get(row, role):
        parts = [row[i].strip() for i in cols.get(role, []) if i < len(row) and row[i].strip()]
        if role == "task" and row_headings and len(parts) == 2 and not re.search(r"[。；;：:]$", parts[0]):
            return parts[0] + "。" + parts[1]
        return "\n".join(parts).strip()

    # 序号 | 重点任务 | 具体措施: each numbered row has its own 重点任务 — the row's heading, not a
    # group over several rows — so the row is one item: heading。measures
    row_headings = _group_is_row_heading(table, start, cols)
    if row_headings:
        cols["task"] = sorted(cols["group"] + cols["task"])
        del cols["group"]

    prev_group = None
    group_multi = False
    header_rows = [[re.sub(r"\s+", "", c) for c in table.rows[k]] for k in range(max(0, start - 1), start + 1)
                   if _table_roles(table.rows[k]) or k == start]
    # 序号 merged down together with 重点任务 over the measures' rows: the table numbers its tasks
    seq_numbers_groups = bool(cols.get("seq")) and bool(cols.get("group")) and any(
        all((r, i) in table.vmerged for i in cols["seq"] + cols["group"]) for r in range(start + 1, len(table.rows)))
    cur_group: Node | None = None
    prev_cells = {"units": "", "lead": "", "co": "", "deadline": ""}
    for ri in range(start + 1, len(table.rows)):
        row = table.rows[ri]
        loc = table.row_loc(ri)
        vals = [c for c in row if c]
        if not vals:
            continue
        if re.match(r"^(?:合\s*计|小\s*计|总\s*计|共\s*计|注\s*\d*\s*[:：]|说明\s*[:：]|备注\s*[:：]|填表说明|填报说明)",
                    vals[0].strip()):
            continue  # a total / footnote row, not a task
        if [re.sub(r"\s+", "", c) for c in row] in header_rows:
            continue  # the header repeated on a new page
        distinct = set(vals)
        row_text = " | ".join(dict.fromkeys(c.strip().replace("\n", " ") for c in row if c.strip()))
        seq_cells = [row[i] for i in cols.get("seq", []) if i < len(row) and row[i]]
        rest_vals = [c for i, c in enumerate(row) if c and i not in cols.get("seq", [])]
        seq_heading = (seq_cells and len(set(rest_vals)) == 1 and len(rest_vals) >= 3
                       and _seq_label(seq_cells[0]) is not None)
        # a section row: its heading alone in the first cell of a text export (一、优化政务服务 | | |)
        lone_heading = (len(vals) == 1 and row[0] and match_label(row[0]) and not table.has_merge_info
                        and not re.fullmatch(r"[\d一二三四五六七八九十（()）]{1,5}[、.．]?", row[0].strip()))
        if len(distinct) == 1 and (len(vals) >= 2 or len(row) == 1 or lone_heading) or seq_heading:
            t = rest_vals[0] if seq_heading else vals[0]
            lm = match_label(t)
            if not lm and seq_heading:  # 二 | 优化市场环境 merged over the other columns
                sl = _seq_label(seq_cells[0])
                lm = (sl[0], sl[1], t)
            if lm:
                node = Node(lm[1], lm[0], lm[2], loc, from_table=True)
                b.add(node)
            else:
                node = Node(None, None, t, loc, from_table=True)
                b.add_unlabelled(node)
            node.add_source(row_text)
            cur_group, prev_group = node, t
            prev_cells = {k: "" for k in prev_cells}
            continue
        group, task, seq = get(row, "group"), get(row, "task"), get(row, "seq")
        new_group = False
        if group and group != prev_group:
            lm = match_label(group)
            sl = _seq_label(seq) if seq else None
            # 序号 and 重点任务 merged down over the measures' rows: the number is the task's
            group_multi = any((ri + 1, i) in table.vmerged for i in cols.get("group", []))
            if not lm and sl and seq_numbers_groups:
                lm = (sl[0], sl[1], group)
            if lm:
                gnode = Node(lm[1], lm[0], lm[2], loc, from_table=True)
                b.add(gnode)
            else:
                # an unnumbered category (主要内容) holds the numbered tasks of its rows
                gnode = Node(None, "table_group", group, loc, from_table=True)
                b.add(gnode)
            gnode.add_source(group)
            cur_group, prev_group, new_group = gnode, group, True
            prev_cells = {k: "" for k in prev_cells}
        target = None
        if task:
            lm = match_label(task)
            sl = _seq_label(seq) if seq and not seq_numbers_groups else None
            if sl and (not lm or "\n" in task and lm[1].strip("（()）") != sl[1].strip("（()）、")):
                # the 序号 column numbers the row; numbers inside the cell (1.…\n2.…) are its parts
                lines = [x.strip() for x in task.split("\n") if x.strip()]
                inner = match_label(lines[0])
                lm = (sl[0], sl[1], "\n".join([inner[2] if inner else lines[0]] + lines[1:]))
            if lm:
                first, _, rest = lm[2].partition("\n")
                target = Node(lm[1], lm[0], first, loc, from_table=True)
                if rest.strip():
                    target.body.extend(x.strip() for x in rest.split("\n") if x.strip())
                b.add(target)
            elif cur_group is not None and group_multi:
                # several measures under one merged task cell: each is a part of it
                target = Node(None, None, task, loc, from_table=True)
                cur_group.children.append(target)
            elif cur_group is not None and (new_group or not cur_group.t_lead and not cur_group.t_co
                                            and cur_group.body == [] and not cur_group.children):
                target = cur_group
                target.body.append(("。" if target.first and not target.first.endswith("。") else "") + task)
            else:
                target = Node(None, None, task, loc, from_table=True)
                b.add_unlabelled(target)
        else:
            target = cur_group
        if target is None:
            continue
        target.add_source(row_text)
        cells = {k: get(row, k) for k in prev_cells}
        if not new_group:
            own_units = any(cells[k] for k in ("units", "lead", "co"))
            for k in cells:
                if cells[k] or not prev_cells[k]:
                    continue
                merged = any((ri, i) in table.vmerged for i in cols.get(k, []))
                # in a text export an empty cell continues the one above — but an empty 配合单位
                # beside this row's own 牵头单位 means "none"
                if merged or not table.has_merge_info and not (own_units and k in ("units", "lead", "co")):
                    cells[k] = prev_cells[k]
        prev_cells = cells
        lead, co = [], []
        if cells["lead"]:
            lead = _cell_units(cells["lead"], known)
        if cells["co"]:
            co += _cell_units(cells["co"], known)
        phrase = parse_unit_phrase("，".join(x for x in cells["units"].split("\n") if x.strip())) \
            if cells["units"] and re.search(r"牵头|主责|配合|协办", cells["units"]) \
            and not re.search(r"[（(]牵头[）)]", cells["units"]) else None
        if phrase and phrase[0] and not lead:  # 县司法局牵头，各执法部门配合 in one 责任单位 cell
            lead, co = list(phrase[0]), list(phrase[1]) + co
        elif cells["units"]:
            names = _cell_units(cells["units"], known)
            m = re.search(r"[（(]牵头[）)]", cells["units"])
            if lead or m:
                if m:
                    first = _cell_units(cells["units"][:m.start()], known)
                    lead += first
                    names = [n for n in names if n not in first]
                co = names + co
            elif len(names) == 1:  # one 责任单位 beside a 配合单位 column leads
                lead = names
            else:
                co = names + co
        co = [u for u in co if u not in lead]  # 牵头 and 配合 cells merged across: one unit, leading
        if lead or co:
            target.t_lead, target.t_co = lead, co
        if cells["deadline"]:
            target.t_deadline = cells["deadline"]
        goal, base = get(row, "target"), get(row, "baseline")
        if goal:
            target.body.append(f"目标值：{goal}" + (f"（基数：{base}）" if base else ""))
            target.t_target = _title(target.first) + (f"由{base}至" if base and re.search(r"\d", base) else "") + goal
    return b.roots


def _group_is_row_heading(table: Table, start: int, cols: dict) -> bool:
    if not (cols.get("group") and cols.get("seq") and cols.get("task")):
        return False
    numbered = [r for r in table.rows[start + 1:]
                if any(i < len(r) and r[i].strip() and re.fullmatch(r"\d{1,3}[.．、]?", r[i].strip()) for i in cols["seq"])]
    if len(numbered) < 2:
        return False
    heads = ["".join(r[i] for i in cols["group"] if i < len(r)).strip() for r in numbered]
    merged = any((ri, i) in table.vmerged for ri in range(len(table.rows)) for i in cols["group"])
    return not merged and all(heads) and len(set(heads)) == len(heads)


def _cell_units(cell: str, known: frozenset = frozenset()) -> list[str]:
    out = []
    for line in cell.split("\n"):
        line = line.strip()
        if not line:
            continue
        r = parse_unit_phrase(line, known)
        if r:
            out += r[0] + r[1]
    seen, res = set(), []
    for u in out:
        if u not in seen:
            seen.add(u)
            res.append(u)
    return res


