"""督办台账 (.xlsx): one row per measure in the current filter, grouped under merged section rows.

Columns 序号, 主要任务, 具体措施, 牵头单位, 责任单位, 完成时限, 目标值, 最新进展, 状态 (红/黄/绿 with fills).
The status of a measure is the worst light of its tasks in the filter (red > yellow > green), computed
in SQL by TaskQuerySet.with_status, the same rule as Task.get_light. Four queries whatever the size:
tasks (with status and latest report), measures of those plans (for section and group titles), targets.

Cells that a spreadsheet would read as a formula (= + - @ at the start) are prefixed with an
apostrophe, so a progress report typed as "=HYPERLINK(...)" stays text (CSV/formula injection).
"""
from __future__ import annotations

import datetime as dt
import io
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
WIDTHS = [6, 22, 48, 16, 22, 13, 20, 40, 7]
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


def safe(value):
    """Neutralise text a spreadsheet would evaluate."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def cn_date(d: dt.date | None) -> str:
    return f"{d.year}年{d.month}月{d.day}日" if d else ""


def ledger_rows(tasks: QuerySet, *, now: dt.datetime, progress=None) -> list[dict]:
    """The ledger as a list of rows: {"kind": "plan"|"section"|"measure", ...}."""
    latest = ProgressReport.objects.filter(task_id=OuterRef("pk")).order_by("-period", "-version")
    task_rows = list(
        tasks.with_status(now=now).order_by()
        .annotate(latest_done=Subquery(latest.values("done_text")[:1]),
                  latest_period=Subquery(latest.values("period")[:1]))
        .values("measure_id", "measure__plan_id", "unit__name", "role", "deadline", "granted_deadline",
                "light_db", "latest_done", "latest_period")
    )
    if progress:
        progress(40)
    by_measure: dict[int, dict] = {}
    for t in task_rows:
        m = by_measure.setdefault(t["measure_id"], {"lead": [], "co": [], "light": Light.GREEN, "deadline": None,
                                                   "progress": None, "progress_key": None})
        (m["lead"] if t["role"] == UnitRole.LEAD else m["co"]).append(t["unit__name"])
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
    for t in Target.objects.filter(measure_id__in=list(by_measure)).order_by("measure_id", "order").only(
            "measure_id", "text", "metric", "op", "value", "unit"):
        targets[t.measure_id].append(t.text or str(t))
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
        deadline = m.deadline_text or ("长期坚持" if m.ongoing else cn_date(info["deadline"]))
        n += 1
        rows.append({
            "kind": "measure", "n": n, "main": main, "detail": detail or m.title,
            "lead": "、".join(dict.fromkeys(info["lead"])), "co": "、".join(dict.fromkeys(info["co"])),
            "deadline": deadline, "targets": "；".join(targets.get(m.id, [])),
            "progress": info["progress"] or "", "light": info["light"],
        })
    return rows


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
            cell = ws.cell(row=i, column=1, value=safe(r["title"]))
            cell._style = copy(templates[r["kind"]])
            ws.merge_cells(start_row=i, start_column=1, end_row=i, end_column=ncol)
            continue
        values = [r["n"], safe(r["main"]), safe(r["detail"]), safe(r["lead"]), safe(r["co"]), safe(r["deadline"]),
                  safe(r["targets"]), safe(r["progress"]), LIGHT_TEXT[r["light"]]]
        for c, v in enumerate(values, start=1):
            cell = ws.cell(row=i, column=c, value=v)
            key = ("light", r["light"]) if c == 9 else "center" if c in (1, 6) else "wrap"
            cell._style = copy(templates[key])
    if progress:
        progress(90)
    ws.print_title_rows = "3:3"
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
