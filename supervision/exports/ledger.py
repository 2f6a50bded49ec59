"""督办台账 (.xlsx): one row per measure in the current filter, grouped under merged section rows.

Columns 序号, 主要任务, 具体措施, 牵头单位, 责任单位, 完成时限, 目标值, 最新进展, 状态 (红/黄/绿 with fills).
The status of a measure is the worst light of its tasks in the filter (red > yellow > green), computed
in SQL by TaskQuerySet.with_status, the same rule as Task.get_light. Four queries whatever the size:
tasks (with status and latest report), measures of those plans (for section and group titles), targets.

Cells that a spreadsheet would read as a formula (= + - @ at the start) are stored as text with the
quote-prefix cell style (what Excel and LibreOffice set when a user types a leading apostrophe), so a
progress report typed as "=HYPERLINK(...)" stays text (formula injection) and prints as typed,
without a visible apostrophe.

Printing: every cell wraps and each row's height is set from its longest cell (Excel does not grow
a row when a file says nothing, and a cut-off cell on paper cannot be scrolled); the header row is
repeated on each page. The 完成时限 column shows the deadline in force: the plan's, and any
extension granted to a unit (延期至…); the 目标值 column shows the current targets with their latest
actuals (达标 / 未达标), not the text of the original document.
"""
from __future__ import annotations

import datetime as dt
import io
import re
from copy import copy
from collections import defaultdict

from django.db.models import OuterRef, QuerySet, Subquery
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from indicators.models import Target
from plans.choices import UnitRole
from plans.models import Measure
from tasks.choices import Light
from tasks.models import ProgressReport

HEADERS = ["序号", "主要任务", "具体措施", "牵头单位", "责任单位", "完成时限", "目标值", "最新进展", "状态"]
WIDTHS = [6, 20, 46, 16, 22, 16, 24, 40, 7]
LINE_HEIGHT_PT = 15  # one line of 11-pt text with LibreOffice's and Excel's default leading
CELL_PADDING_PT = 4
LIGHT_TEXT = {Light.RED: "红", Light.YELLOW: "黄", Light.GREEN: "绿"}
LIGHT_FILL = {
    Light.RED: PatternFill("solid", fgColor="F4B6B6"),
    Light.YELLOW: PatternFill("solid", fgColor="FFE699"),
    Light.GREEN: PatternFill("solid", fgColor="C6E0B4"),
}
LIGHT_RANK = {Light.GREEN: 0, Light.YELLOW: 1, Light.RED: 2}
HEADER_FILL = PatternFill("solid", fgColor="D9D9D9")
SECTION_FILL = PatternFill("solid", fgColor="EDEDED")
PLAN_FILL = PatternFill("solid", fgColor="DDEBF7")
THIN = Side(style="thin", color="808080")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="top")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
FORMULA_START = ("=", "+", "-", "@")


def formula_unsafe(value) -> bool:
    """Text a spreadsheet would evaluate if it were typed into a cell."""
    return isinstance(value, str) and value.startswith(FORMULA_START)


def put(cell, value, style) -> None:
    """Write `value` with the style array `style`; formula-unsafe text is kept as a string with the
    quote-prefix style instead of a visible apostrophe."""
    cell.value = value
    cell._style = copy(style)
    if formula_unsafe(value):
        cell.data_type = "s"  # openpyxl reads a leading "=" as a formula
        cell._style.quotePrefix = 1


_WIDE = re.compile("[\u2e80-\U0010ffff]")


def _display_width(text: str) -> int:
    """Width in the units of a column width: a CJK character (or full-width sign) takes two."""
    return len(text) + len(_WIDE.findall(text))


def lines_needed(text, width: float) -> int:
    """Lines a wrapped cell of `width` needs for `text` (each paragraph wraps on its own)."""
    if text is None or text == "":
        return 1
    usable = max(width - 1.5, 1)  # the cell's inner margins
    return sum(max(1, -(-_display_width(part) // int(usable))) for part in str(text).split("\n"))


def row_height(values, widths=None) -> float:
    widths = widths or WIDTHS
    lines = max(lines_needed(v, w) for v, w in zip(values, widths))
    return lines * LINE_HEIGHT_PT + CELL_PADDING_PT


def _num(d) -> str:
    return f"{d.normalize():f}"


def cn_date(d: dt.date | None) -> str:
    return f"{d.year}年{d.month}月{d.day}日" if d else ""


def ledger_rows(tasks: QuerySet, *, now: dt.datetime, progress=None) -> list[dict]:
    """The ledger as a list of rows: {"kind": "plan"|"section"|"measure", ...}."""
    latest = ProgressReport.objects.filter(task_id=OuterRef("pk")).order_by("-period", "-version")
    task_rows = list(
        tasks.with_status(now=now).order_by()
        .annotate(latest_done=Subquery(latest.values("done_text")[:1]),
                  latest_period=Subquery(latest.values("period")[:1]))
        .values("measure_id", "measure__plan_id", "unit__name", "unit__region__name", "role", "deadline",
                "granted_deadline", "light_db", "latest_done", "latest_period")
    )
    if progress:
        progress(40)
    by_measure: dict[int, dict] = {}
    for t in task_rows:
        m = by_measure.setdefault(t["measure_id"], {"lead": [], "co": [], "light": Light.GREEN, "deadline": None,
                                                   "original": None, "extended": [], "progress": None,
                                                   "progress_key": None})
        (m["lead"] if t["role"] == UnitRole.LEAD else m["co"]).append((t["unit__region__name"], t["unit__name"]))
        if t["deadline"] and (m["original"] is None or t["deadline"] > m["original"]):
            m["original"] = t["deadline"]
        if t["granted_deadline"]:
            m["extended"].append((t["granted_deadline"], t["unit__name"]))
        if LIGHT_RANK[t["light_db"]] > LIGHT_RANK[m["light"]]:
            m["light"] = t["light_db"]
        eff = t["granted_deadline"] or t["deadline"]
        if eff and (m["deadline"] is None or eff > m["deadline"]):
            m["deadline"] = eff
        if t["latest_done"]:
            # the newest period wins; within it the lead unit's report
            key = (t["latest_period"], t["role"] == UnitRole.LEAD)
            if m["progress_key"] is None or key > m["progress_key"]:
                m["progress_key"], m["progress"] = key, f"{t['unit__name']}：{t['latest_done']}"
    plan_ids = {t["measure__plan_id"] for t in task_rows}
    measures = {m.id: m for m in Measure.objects.filter(plan_id__in=plan_ids).select_related("plan")
                .only("id", "parent_id", "plan_id", "plan__title", "level", "label", "title", "text", "order",
                      "deadline_text", "ongoing")}
    targets = defaultdict(list)
    # the current targets (as corrected in review or a revision), each with its latest actual
    for t in Target.objects.filter(measure_id__in=list(by_measure)).order_by("measure_id", "order").only(
            "measure_id", "text", "metric", "op", "value", "unit", "latest_value", "latest_period"):
        line = f"{t.metric}{t.get_op_display()}{_num(t.value)}{t.unit}"
        if t.latest_value is not None:
            met = "达标" if t.is_met_by(t.latest_value) else "未达标"
            when = f"{t.latest_period:%Y年%-m月}" if t.latest_period else "最新"
            line += f"（{when}实际{_num(t.latest_value)}{t.unit}，{met}）"
        else:
            line += "（尚未填报实际值）"
        targets[t.measure_id].append(line)
    if progress:
        progress(60)

    def root_of(m: Measure) -> Measure:
        while m.parent_id and m.parent_id in measures:
            m = measures[m.parent_id]
        return m

    rows: list[dict] = []
    ordered = sorted((measures[mid] for mid in by_measure if mid in measures),
                     key=lambda m: (m.plan.title, m.plan_id, m.order))
    multi_plan = len(plan_ids) > 1
    multi_region = len({t["unit__region__name"] for t in task_rows}) > 1
    current_plan, current_root, n = None, None, 0
    for m in ordered:
        if multi_plan and m.plan_id != current_plan:
            rows.append({"kind": "plan", "title": m.plan.title})
            current_plan, current_root = m.plan_id, None
        root = root_of(m)
        if root.id != m.id and root.id != current_root:
            rows.append({"kind": "section", "title": f"{root.label}{root.title}".strip()})
            current_root = root.id
        parent = measures.get(m.parent_id) if m.parent_id else None
        if parent is not None and parent.id != root.id:
            main, detail = parent.title, f"{m.label} {m.title}".strip()
        else:
            main, detail = m.title, ""
        if m.text and m.text.strip() != m.title.strip():
            detail = (detail + "\n" if detail else "") + m.text.strip()
        info = by_measure[m.id]
        n += 1
        rows.append({
            "kind": "measure", "n": n, "main": main, "detail": detail or m.title,
            "lead": _units(info["lead"], multi_region), "co": _units(info["co"], multi_region),
            "deadline": _deadline(m, info), "targets": "\n".join(targets.get(m.id, [])),
            "progress": info["progress"] or "", "light": info["light"],
        })
    return rows


def _units(units: list[tuple], multi_region: bool) -> str:
    """Unit names, with their region when the ledger spans regions (every region has a 区数据局)."""
    return "、".join(dict.fromkeys(f"{region}{name}" if multi_region and region else name for region, name in units))


def _deadline(m: Measure, info: dict) -> str:
    """The deadline in force: the plan's (as a date, or its wording when it has none, 长期坚持 for an
    ongoing item) and each extension granted (延期至… with the unit when not all units got it)."""
    if info["original"]:
        base = cn_date(info["original"])
    elif m.ongoing:
        base = "长期坚持"
    else:
        base = m.deadline_text or ""
    if not info["extended"]:
        return base
    units = len(info["lead"]) + len(info["co"])
    by_date: dict = {}
    for day, unit in info["extended"]:
        by_date.setdefault(day, []).append(unit)
    parts = []
    for day, names in sorted(by_date.items()):
        who = "" if len(names) == units else "（" + "、".join(names) + "）"
        parts.append(f"已延期至{cn_date(day)}{who}")
    return "原定" + base + "\n" + "\n".join(parts)


def _style_templates(ws) -> dict:
    """StyleArrays for each kind of cell, made on a scratch row that is then removed."""
    scratch = ws.max_row + 10
    specs = {
        "plan": dict(font=Font(bold=True), fill=PLAN_FILL, alignment=Alignment(vertical="center")),
        "section": dict(font=Font(bold=True), fill=SECTION_FILL, alignment=Alignment(vertical="center")),
        "wrap": dict(alignment=WRAP, border=BORDER),
        "center": dict(alignment=CENTER, border=BORDER),
        **{("light", k): dict(alignment=CENTER, border=BORDER, fill=fill) for k, fill in LIGHT_FILL.items()},
    }
    out = {}
    for col, (key, spec) in enumerate(specs.items(), start=1):
        cell = ws.cell(row=scratch, column=col)
        for attr, value in spec.items():
            setattr(cell, attr, value)
        out[key] = copy(cell._style)
    ws.delete_rows(scratch)
    return out


def build_ledger(tasks: QuerySet, *, now: dt.datetime, title: str = "优化营商环境重点任务督办台账",
                 progress=None) -> bytes:
    rows = ledger_rows(tasks, now=now, progress=progress)
    wb = Workbook()
    ws = wb.active
    ws.title = "督办台账"
    ncol = len(HEADERS)
    last = get_column_letter(ncol)
    ws.append([title])
    ws.merge_cells(f"A1:{last}1")
    ws["A1"].font = Font(name="宋体", size=16, bold=True)
    ws["A1"].alignment = CENTER
    ws.row_dimensions[1].height = 30
    ws.append([f"统计时间：{cn_date(now.astimezone(dt.timezone(dt.timedelta(hours=8))).date())}"])
    ws.merge_cells(f"A2:{last}2")
    ws.append(HEADERS)
    for c in range(1, ncol + 1):
        cell = ws.cell(row=3, column=c)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = CENTER
        cell.border = BORDER
    ws.freeze_panes = "A4"
    for i, w in enumerate(WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w
    # Styles are set once on template cells and their style arrays copied: assigning Font/Border
    # objects cell by cell hashes them every time (seconds for 5,000 rows), and ws.max_row is a scan.
    templates = _style_templates(ws)
    i = 3
    for r in rows:
        i += 1
        if r["kind"] in ("plan", "section"):
            put(ws.cell(row=i, column=1), r["title"], templates[r["kind"]])
            ws.merge_cells(start_row=i, start_column=1, end_row=i, end_column=ncol)
            ws.row_dimensions[i].height = row_height([r["title"]], [sum(WIDTHS)])
            continue
        values = [r["n"], r["main"], r["detail"], r["lead"], r["co"], r["deadline"], r["targets"], r["progress"],
                  LIGHT_TEXT[r["light"]]]
        for c, v in enumerate(values, start=1):
            key = ("light", r["light"]) if c == 9 else "center" if c in (1, 6) else "wrap"
            put(ws.cell(row=i, column=c), v, templates[key])
        ws.row_dimensions[i].height = row_height(values)
    if progress:
        progress(90)
    ws.print_title_rows = "3:3"  # the header row on every printed page
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
