"""The parser: blocks (from any reader) -> the gold-shaped plan dict, by stage.

    furniture   page numbers, 抄送 lines, tables of contents: never items
    document    title, issuer and date (the signature), plan year
    tree        numbered paragraphs -> the item tree
    texttables  tables that arrived as text (pipes, one cell a line, aligned columns, records)
    tables      responsibility tables (one item per row); merge: beside the narrative
    items       each item's own fields; units, deadlines, targets read the wording

Never touches the database.
"""
from __future__ import annotations

from ..blocks import Paragraph, Table
from ..errors import ImportRefused
from .document import NO_YEAR, find_signature, find_title, find_year, issuer_from_heading
from .furniture import check_not_compilation, split_run_on_lines, split_toc, text_sheets_as_lines
from .items import collect_warnings, finalize, to_dict
from .merge import _check_table_text, merge_table
from .nodes import Node, _warn
from .tables import _find_header, _table_roles, build_table_tree
from .gluedtable import restore_glued_tables
from .texttables import restore_text_tables
from .tree import _check_structure, build_narrative, split_unnumbered_measures
from .unitrules import UnitRules

__all__ = ["Node", "parse_blocks"]


# --------------------------------------------------------------------------- main
def parse_blocks(blocks: list, filename: str = "", known_units=(), year: int | None = None) -> dict:
    """The plan read from a reader's blocks, in the shape of ``shared/gold/README.md``.

    ``known_units``: an optional iterable of the region's unit names, aliases included (plain
    strings). With it, names printed run together are split on them (市行政审批局市司法局), a name
    the suffix grammar would not take for a unit (an alias such as 发改) is recognised, and every
    unit read that is not in it is listed in ``unknown_units``. Without it the grammar alone reads
    the names. ``year``: the plan year when the caller knows it (else read from the document).
    Each item also carries ``source`` (the paragraphs or table rows it was read from, as printed)
    and ``loc``; the result carries ``year_guessed``, ``warnings`` and ``unknown_units``.
    """
    known = frozenset(u.strip() for u in (known_units or ()) if u and u.strip())
    warnings: list[dict] = []
    blocks = restore_text_tables(restore_glued_tables(split_run_on_lines(text_sheets_as_lines(blocks))))
    paras = [b for b in blocks if isinstance(b, Paragraph)]
    tables = [b for b in blocks if isinstance(b, Table)]

    # rows above a table's header (title rows of an .xlsx task table) read as paragraphs
    table_headers = {}
    for t in tables:
        h, roles = _find_header(t.rows)
        if roles is not None:
            h0 = h
            while h0 > 0 and _table_roles(t.rows[h0 - 1]):  # the upper row of a two-row header
                h0 -= 1
            table_headers[id(t)] = (h, roles, h0)
    flat: list = []
    for b in blocks:
        if isinstance(b, Table) and id(b) in table_headers:
            h0 = table_headers[id(b)][2]
            for r in b.rows[:h0]:
                vals = list(dict.fromkeys(c for c in r if c))
                if vals:
                    flat.append(Paragraph(" ".join(vals), b.row_loc(b.rows.index(r))))
        flat.append(b)
    paras = [b for b in flat if isinstance(b, Paragraph)]
    kept, toc = split_toc(paras)
    if toc:
        dropped = {id(p) for p in paras} - {id(p) for p in kept}
        flat = [b for b in flat if id(b) not in dropped]
    blocks = flat
    paras = [b for b in blocks if isinstance(b, Paragraph)]
    check_not_compilation(toc, "")

    issuer, issued_on, sig_idx = find_signature(paras)
    sig_ids = {id(paras[i]) for i in sig_idx}

    narr, pre = build_narrative(blocks, table_headers, sig_ids)
    split_unnumbered_measures(narr)

    all_text = "\n".join(p.text for p in paras)
    title = find_title(pre, filename)
    if issuer is None:
        issuer = issuer_from_heading(title, pre)
    check_not_compilation(toc, title)
    plan_year, year_note = find_year(title, issued_on, all_text, year)
    if year_note:
        warnings.append(_warn("year_guessed", f"{year_note}：{plan_year}年。导入时可指定年度。", None))

    # ---- responsibility tables
    for t in tables:
        if id(t) not in table_headers:
            continue
        h, roles, _h0 = table_headers[id(t)]
        tnodes = build_table_tree(t, h, roles, plan_year, warnings, known)
        if not narr or not any(not n.from_table for n in narr):
            # no narrative to attach to: a second table (another sheet, the rest of a table
            # after a page break) adds its own rows rather than overwriting the first's
            narr.extend(tnodes)
        else:
            merge_table(narr, tnodes, warnings)
            _check_table_text(narr, warnings)

    if not narr:
        raise ImportRefused(
            "文件中没有找到编号条目（如“一、”“（一）”“1.”），无法识别出任务。"
            "请确认上传的是实施方案正文或任务分工表；如果编号是图片或文本框，请改为正文文字后再上传。",
            "no_items",
        )
    _check_structure(narr)

    rules = UnitRules()
    rules.read("\n".join(p.text for p in pre))  # a notice's 排在首位的为牵头单位 holds for the plan
    finalize(narr, plan_year, known, warnings, rules=rules, year_known=year_note != NO_YEAR)
    unknown: list[str] = []
    collect_warnings(narr, known, warnings, unknown)
    return {
        "source": filename or None,
        "title": title,
        "issuer": issuer,
        "issued_on": issued_on,
        "year": plan_year,
        # True when nothing in the text states the plan year (title, 文号, signature, dated
        # deadlines): the review page asks the admin to confirm it
        "year_guessed": bool(year_note),
        "items": [to_dict(n) for n in narr],
        "warnings": warnings,
        "unknown_units": unknown,
    }
