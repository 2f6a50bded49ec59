"""A responsibility table laid beside the narrative: match its rows to the measures."""
from __future__ import annotations

import re

from ..numbering import label_key
from .nodes import Node, _norm, _short, _sim, _title, _warn

def _match_score(n: Node, t: Node) -> float:
    a, b = _norm(_title(n.first)), _norm(_title(t.first))
    if b and (b in _norm(n.text()) or a in _norm(t.text())):
        return 1.0
    return max(_sim(a, b), _sim(n.first, t.first))


def _find_by_label(nodes: list[Node], key: str, style: str | None, t: Node) -> Node | None:
    best, best_s = None, 0.0
    stack = list(nodes)
    while stack:
        n = stack.pop(0)
        if label_key(n.label) == key and n.style == style and not n.merged_table:
            s = _match_score(n, t)
            if s > best_s:
                best, best_s = n, s
        stack.extend(n.children)
    return best if best_s >= 0.5 else None


def _find_by_title(nodes: list[Node], t: Node, threshold: float = 0.85) -> Node | None:
    best, best_s = None, 0.0
    stack = list(nodes)
    while stack:
        n = stack.pop(0)
        if not n.from_table and not n.merged_table:
            s = max(_sim(_title(n.first), _title(t.first)), _sim(n.first, t.first))
            if s > best_s:
                best, best_s = n, s
        stack.extend(n.children)
    return best if best_s >= threshold else None


def merge_table(narr: list[Node], table_nodes: list[Node], warnings: list, path: tuple = (), root=None):
    root = root if root is not None else narr
    for t in table_nodes:
        key = label_key(t.label)
        match = None
        if key:
            cands = [n for n in narr if label_key(n.label) == key and n.style == t.style and not n.merged_table]
            if cands:
                match = max(cands, key=lambda n: _match_score(n, t))
            elif not path:
                match = _find_by_label(root, key, t.style, t)
            if match is None:
                # the table numbers its rows 1, 2, 3 while the text uses （一）（二）: match on the wording
                match = _find_by_title(root if not path else narr, t)
        else:
            cands = [n for n in narr if not n.label and not n.merged_table and _match_score(n, t) >= 0.8]
            match = cands[0] if cands else None
        here = path + ((t.label or t.first[:10]),)
        if match is not None:
            match.merged_table = True
            for x in t.src:
                match.add_source(x)
            if _norm(_title(t.first)) != _norm(_title(match.first)) and _sim(match.first, t.first) < 0.98:
                warnings.append(_warn(
                    "table_mismatch",
                    f"责任分工表中“{t.label or ''}{_short(t.first)}”与正文“{match.label or ''}{_short(match.first)}”"
                    f"的标题不一致，已采用正文标题，请核对（{t.loc}）。",
                    here))
            if t.t_lead is not None or t.t_co is not None:
                match.t_lead, match.t_co = t.t_lead, t.t_co
            if t.t_deadline:
                match.t_deadline = t.t_deadline
            if t.body and not match.body and len(match.first) <= len(_title(match.first)) + 2:
                match.body = list(t.body)  # the narrative heading only; the table says what to do
            merge_table(match.children, t.children, warnings, here, root)
        else:
            narr.append(t)  # a task only the table has (checked by _check_table_text)



def _check_table_text(narr: list[Node], warnings: list, path=()):
    for n in narr:
        here = path + ((n.label or _short(n.first, 10)),)
        if not n.from_table:
            ntext = _norm(n.text())
            table_kids = [c for c in n.children if c.from_table and c.label]
            for c in table_kids:
                probe = _norm(c.first.split("。")[0])[:14]
                if ntext and probe and probe not in ntext and len(n.body) + len(n.first) > 20:
                    warnings.append(_warn(
                        "table_task_not_in_text",
                        f"责任分工表任务{c.label}“{_short(c.first)}”在正文“{n.label or ''}{_short(n.first)}”中找不到对应表述，"
                        f"请核对（{c.loc}）。", here + (c.label,)))
        _check_table_text([c for c in n.children if not c.from_table], warnings, here)


