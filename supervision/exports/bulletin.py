"""Monthly 通报 (.docx) in 公文 style, fit to send upward: red-headed issuing office, title, a summary
in sentences with the figures (按期完成率, the units with most overdue tasks, 催办 and their answers,
report submission), then the body's tables kept short (the worst units, the longest overdue tasks,
targets not met), highlights chosen from substantive reports, the requirements paragraph and the
signature kept on the page of the last paragraph; the longer lists go to an annex after the
signature, each capped so that a province-scope 通报 stays within ten pages (the complete lists are
in the 督办台账).

Tables have fixed column widths (the task text gets the room) and name region and unit, since units
of the same name exist in every region. Fonts follow GB/T 9704 where installed (方正小标宋简体 title,
仿宋_GB2312 body, 黑体 headings) and fall back to the viewer's substitutes; the figures come from the
same aggregates as the dashboard.
"""
from __future__ import annotations

import datetime as dt
import difflib
import io
import re

import cn2an
from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from supervision.dashboard import querysets as agg
from supervision.models import Escalation, Urge
from tasks import status as status_rule
from tasks.choices import ReportStatus
from tasks.models import ProgressReport
from tasks.periods import period_start
from tasks.workdays import SHANGHAI, local_date

from .ledger import cn_date

TITLE_FONT, BODY_FONT, HEAD_FONT = "方正小标宋简体", "仿宋_GB2312", "黑体"
RED = RGBColor(0xC0, 0x00, 0x00)
# Body: the worst few; annex: the rest up to a cap (a province has thousands of units and tasks).
BODY_UNITS, ANNEX_UNITS = 15, 60
BODY_OVERDUE, ANNEX_OVERDUE = 10, 40
BODY_UNMET = 10
MAX_HIGHLIGHTS = 6
HIGHLIGHT_POOL = 400
# Usable width of the A4 page between the 公文 margins (21 - 2.8 - 2.6 cm).
TEXT_WIDTH_CM = 15.6


# Column widths in cm, summing to the text width: figures get what their header needs (序号 two
# characters, 按期完成率 five at 10.5 pt), the task text gets the rest.
def UNIT_WIDTHS(multi: bool) -> list[float]:  # noqa: N802
    return [1.1, 2.4, 3.3, 1.5, 1.5, 1.9, 2.3, 1.6] if multi else [1.1, 5.7, 1.5, 1.5, 1.9, 2.3, 1.6]


def OVERDUE_WIDTHS(multi: bool) -> list[float]:  # noqa: N802
    return [1.1, 2.2, 2.4, 5.0, 2.3, 1.3, 1.3] if multi else [1.1, 2.8, 6.9, 2.3, 1.3, 1.2]

# 套话: phrases that say nothing about what was done. A report that is only these (and punctuation,
# "本月", "各项工作" …) is not a highlight.
BOILERPLATE = re.compile(
    "|".join([
        r"正在有序推进", r"有序推进中?", r"按计划推进中?", r"按计划有序推进", r"稳步推进中?", r"正在推进中?",
        r"持续推进中?", r"积极推进中?", r"推进中", r"正在落实", r"落实中", r"本期无变化", r"无变化", r"同上期",
        r"与上期相同", r"暂无进展", r"无新进展", r"各项工作", r"相关工作", r"工作", r"本月", r"本期", r"目前",
        r"已按要求", r"按要求", r"已?按照?方案要求推进", r"(完成|取得)了?阶段性(工作|进展|成效|成果)?",
    ]))
QUOTED = re.compile(r"“([^”]*)”")
PUNCT = re.compile(r"[\s，。；、：,.;:！!？?（）()“”\"'—\-]+")


def _font(run, name: str, size: float, bold: bool = False, color: RGBColor | None = None):
    run.font.name = name
    run.font.size = Pt(size)
    run.font.bold = bold
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)
    if color is not None:
        run.font.color.rgb = color


def _para(doc, text: str = "", *, font=BODY_FONT, size=16, bold=False, align=None, indent=True, color=None,
          keep_with_next=False, line=28):
    p = doc.add_paragraph()
    if align is not None:
        p.alignment = align
    if indent and align is None:
        p.paragraph_format.first_line_indent = Pt(size * 2)
    p.paragraph_format.line_spacing = Pt(line)
    p.paragraph_format.space_after = Pt(0)
    p.paragraph_format.keep_together = True
    p.paragraph_format.keep_with_next = keep_with_next
    p.paragraph_format.widow_control = True
    if text:
        _font(p.add_run(text), font, size, bold, color)
    return p


def _fixed_widths(table, widths_cm: list[float]) -> None:
    """Fixed layout with the given column widths, written where Word and LibreOffice read them
    (tblLayout fixed, tblW, tblGrid/gridCol and each cell's tcW): without the grid LibreOffice gives
    every column the same width."""
    tbl = table._tbl
    pr = tbl.tblPr
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    pr.append(layout)
    total = OxmlElement("w:tblW")
    total.set(qn("w:w"), str(int(sum(widths_cm) * 567)))
    total.set(qn("w:type"), "dxa")
    for old in pr.findall(qn("w:tblW")):
        pr.remove(old)
    pr.append(total)
    grid = tbl.tblGrid
    for col, w in zip(grid.findall(qn("w:gridCol")), widths_cm):
        col.set(qn("w:w"), str(int(w * 567)))
    table.autofit = False
    for row in table.rows:
        for cell, w in zip(row.cells, widths_cm):
            cell.width = Cm(w)


def _table(doc, headers: list[str], rows: list[list], widths: list[float], *, size: float = 10.5,
           center: tuple[int, ...] = (0,)):
    """A bordered table; `widths` in cm are scaled to the text width. The header row repeats on
    each page and no row splits across pages."""
    if sum(widths) > TEXT_WIDTH_CM:
        widths = [w * TEXT_WIDTH_CM / sum(widths) for w in widths]
    t = doc.add_table(rows=1, cols=len(headers))
    t.style = "Table Grid"
    t.alignment = WD_TABLE_ALIGNMENT.CENTER

    def fill(cells, values, font, is_header=False):
        for i, v in enumerate(values):
            p = cells[i].paragraphs[0]
            p.paragraph_format.space_after = Pt(0)
            p.paragraph_format.line_spacing = 1.0
            _font(p.add_run("" if v is None else str(v)), font, size)
            if is_header or i in center:
                p.alignment = WD_ALIGN_PARAGRAPH.CENTER

    fill(t.rows[0].cells, headers, HEAD_FONT, True)
    head_pr = t.rows[0]._tr.get_or_add_trPr()
    head_pr.append(OxmlElement("w:tblHeader"))
    for r in rows:
        row = t.add_row()
        row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
        fill(row.cells, r, BODY_FONT)
    _fixed_widths(t, widths)
    return t


def _escalation_days() -> int:
    from plans.choices import Role

    return next((days for days, _, audience in settings.SUPERVISION_LADDER if audience == Role.SUPERVISOR), 7)


def _rate(v) -> str:
    return "—" if v is None else f"{v:.1f}%"


def _unit_name(region: str | None, unit: str) -> str:
    return f"{region}{unit}" if region else unit


# --- highlights -----------------------------------------------------------------------------------
def substance(text: str, measure_title: str = "") -> str:
    """What is left of a report once boilerplate, the measure's own title quoted back (“推进…”, whole
    or cut short) and punctuation are removed."""
    text = text or ""
    if measure_title:
        text = QUOTED.sub(lambda m: "" if m.group(1).strip() and m.group(1).strip() in measure_title else m.group(0),
                          text)
    return PUNCT.sub("", BOILERPLATE.sub("", text))


def _measure_title(report) -> str:
    task = getattr(report, "task", None)
    measure = getattr(task, "measure", None) if task is not None else None
    return getattr(measure, "title", "") or ""


def is_substantive(report) -> bool:
    """A report worth quoting: not a 本期无变化 carry-over, and saying something beyond 套话 — at
    least a dozen characters of its own, with a figure or a finished step."""
    if report.no_change or report.quality_flags:  # a report with a gentle note (tasks.quality) is never quoted
        return False
    rest = substance(report.done_text, _measure_title(report))
    return len(rest) >= 12 and (bool(re.search(r"\d", rest)) or report.status == ReportStatus.DONE
                                or re.search(r"(已|完成|上线|出台|印发|建成|办理|实现)", rest) is not None)


def choose_highlights(reports, limit: int = MAX_HIGHLIGHTS) -> list:
    """The most substantive reports, one per unit and at most two per region, no near-duplicates
    (generated from one template, or one unit's text copied by another)."""
    def score(r):
        rest = substance(r.done_text, _measure_title(r))
        return (r.status == ReportStatus.DONE, len(re.findall(r"\d+", rest)), r.percent, min(len(rest), 120))

    chosen, units, regions, seen = [], set(), {}, []
    for r in sorted((r for r in reports if is_substantive(r)), key=score, reverse=True):
        unit, region = r.task.unit_id, r.task.unit.region_id
        if unit in units or regions.get(region, 0) >= 2:
            continue
        skeleton = re.sub(r"\d+(\.\d+)?", "0", substance(r.done_text, _measure_title(r)))
        if any(difflib.SequenceMatcher(None, skeleton, s).ratio() > 0.75 for s in seen):
            continue
        chosen.append(r)
        units.add(unit)
        regions[region] = regions.get(region, 0) + 1
        seen.append(skeleton)
        if len(chosen) >= limit:
            break
    return chosen


def bulletin_data(tasks: QuerySet, *, now: dt.datetime, progress=None, against: str = "granted") -> dict:
    today = local_date(now)
    s = agg.summary(tasks, today=today, against=against)
    if progress:
        progress(20)
    units = agg.ontime_by_unit(tasks, today=today, against=against)
    if progress:
        progress(40)
    # 督办: the ladder's supervisors' rung reached for the deadline in force (supervision.Escalation)
    escalated = Escalation.objects.filter(task_id=OuterRef("pk"), deadline=OuterRef("eff_deadline"),
                                          for_monthly_report=True)
    overdue_qs = agg.with_facts(tasks).filter(agg.facts(today)["overdue"]).annotate(escalated=Exists(escalated))
    # longest overdue first: what a reader upstairs asks about
    overdue = list(overdue_qs.select_related("measure", "unit", "unit__region")
                   .order_by("eff_deadline", "unit__region__code", "unit__name", "id")[:ANNEX_OVERDUE])
    s["escalated"] = overdue_qs.filter(escalated=True).count()
    if progress:
        progress(55)
    targets = agg.target_attainment(tasks)
    unmet = agg.unmet_targets(tasks, limit=BODY_UNMET + 1)
    if progress:
        progress(65)
    month_start = dt.datetime.combine(today.replace(day=1), dt.time.min, tzinfo=SHANGHAI)
    task_ids = tasks.order_by().values("id")
    urges = (Urge.objects.filter(created_at__gte=month_start)
             .filter(Q(task_id__in=task_ids) | Q(task__isnull=True, unit_id__in=tasks.order_by().values("unit_id")))
             .aggregate(total=Count("id"), escalated=Count("id", filter=Q(level="escalate")),
                        answered=Count("id", filter=Q(responded_at__isnull=False))))
    urges["open"] = urges["total"] - urges["answered"]
    if progress:
        progress(75)
    period = period_start(today)
    pool = list(ProgressReport.objects.latest_versions()
                .filter(task__in=task_ids, period=period, status__in=[ReportStatus.DONE, ReportStatus.IN_PROGRESS],
                        no_change=False, quality_flags=[])
                .exclude(done_text="").select_related("task__unit", "task__unit__region", "task__measure")
                .order_by("-percent", "-submitted_at")[:HIGHLIGHT_POOL])
    highlights = choose_highlights(pool)
    if progress:
        progress(85)
    regions = {u["unit__region__name"] for u in units}
    return {"today": today, "summary": s, "units": units, "overdue": overdue, "targets": targets,
            "unmet": unmet, "highlights": highlights, "period": period, "urges": urges,
            "multi_region": len(regions) > 1, "regions": len(regions)}


def _summary_sentences(data: dict) -> list[str]:
    s, u, today = data["summary"], data["urges"], data["today"]
    scope = f"涉及{data['regions']}个区域{len(data['units'])}个责任单位" if data["multi_region"] else \
        f"涉及{len(data['units'])}个责任单位"
    out = [f"截至{cn_date(today)}，纳入督办的重点任务共{s['total']}项，{scope}。已办结{s['closed']}项，"
           f"办结率{_rate(s['close_rate'])}；应完成{s['due']}项，按期完成{s['ontime']}项，"
           f"按期完成率{_rate(s['ontime_rate'])}。"]
    worst = sorted((x for x in data["units"] if x["overdue"]), key=lambda x: (-x["overdue"], x["unit__region__name"],
                                                                              x["unit__name"]))
    if s["overdue"]:
        named = "、".join(f"{_unit_name(x['unit__region__name'] if data['multi_region'] else '', x['unit__name'])}"
                         f"（{x['overdue']}项）" for x in worst[:5])
        more = f"等{len(worst)}个单位" if len(worst) > 5 else ""
        esc = f"，其中{s['escalated']}项逾期已满{_escalation_days()}个工作日、已列入督办" if s["escalated"] else ""
        out.append(f"逾期未完成{s['overdue']}项{esc}；逾期较多的是{named}{more}。")
    else:
        out.append("目前没有逾期未完成的任务。")
    if s["due_soon"]:
        out.append(f"另有{s['due_soon']}项将在{status_rule.due_soon_workdays()}个工作日内到期。")
    if u["total"]:
        answer = f"已答复{u['answered']}次" + (f"，尚有{u['open']}次未答复" if u["open"] else "，均已答复")
        level = f"（其中督办{u['escalated']}次）" if u["escalated"] else ""
        out.append(f"本月共催办{u['total']}次{level}，{answer}。")
    else:
        out.append("本月未发出催办。")
    if s["required"]:
        out.append(f"本期应报送进展{s['required']}项，已报送{s['submitted']}项，报送率{_rate(s['report_rate'])}。")
    else:  # every open task was assigned after this period's due day (tasks.status.owes_report_q)
        out.append("本期没有应报送进展的任务（本期截止日后新分解的任务自下期起报送）。")
    return out


def build_bulletin(tasks: QuerySet, *, now: dt.datetime, office: str = "优化营商环境工作领导小组办公室",
                   issue_date: dt.date | None = None, number: str = "", progress=None,
                   against: str = "granted") -> bytes:
    data = bulletin_data(tasks, now=now, progress=progress, against=against)
    issue_date = issue_date or data["today"]
    s, multi = data["summary"], data["multi_region"]
    doc = Document()
    sec = doc.sections[0]
    sec.orientation = WD_ORIENT.PORTRAIT
    sec.page_width, sec.page_height = Cm(21), Cm(29.7)
    sec.top_margin, sec.bottom_margin = Cm(3.7), Cm(3.5)
    sec.left_margin, sec.right_margin = Cm(2.8), Cm(2.6)

    _para(doc, office + "通报", font=TITLE_FONT, size=26, align=WD_ALIGN_PARAGRAPH.CENTER, color=RED, line=36)
    _para(doc, number or f"{issue_date.year}年第{issue_date.month}期", size=16, align=WD_ALIGN_PARAGRAPH.CENTER)
    rule = _para(doc, "", align=WD_ALIGN_PARAGRAPH.CENTER)
    _font(rule.add_run("━" * 26), BODY_FONT, 12, color=RED)
    period = data["period"]
    _para(doc, f"关于{period.year}年{period.month}月优化营商环境重点任务推进情况的通报", font=TITLE_FONT, size=22,
          align=WD_ALIGN_PARAGRAPH.CENTER, line=32)
    _para(doc, "")
    _para(doc, "各有关单位：", indent=False)
    _para(doc, "现将本月优化营商环境重点任务推进情况通报如下：")

    n = 0

    def heading(text):
        nonlocal n
        _para(doc, f"{cn2an.an2cn(n + 1)}、{text}", font=HEAD_FONT, size=16, keep_with_next=True)
        n += 1

    def note(text):
        _para(doc, text, size=14, keep_with_next=True, line=24)

    heading("总体情况")
    for sentence in _summary_sentences(data):
        _para(doc, sentence)

    region_col = ["区域"] if multi else []

    def unit_cells(region, unit):
        return ([region] if multi else []) + [unit]

    heading("各单位按期完成情况")
    ranked = [u for u in data["units"] if u["due"] or u["overdue"]]
    body_units = ranked[:BODY_UNITS]
    if body_units:
        note(f"按期完成率由低到高列出前{len(body_units)}个单位" + (f"，其余{len(ranked) - len(body_units)}个见附件1。"
                                                             if len(ranked) > len(body_units) else "。"))
        _table(doc, ["序号", *region_col, "责任单位", "任务数", "应完成", "按期完成", "按期完成率", "逾期"],
               [[i, *unit_cells(u["unit__region__name"], u["unit__name"]), u["total"], u["due"], u["ontime"],
                 _rate(u["ontime_rate"]), u["overdue"]] for i, u in enumerate(body_units, start=1)],
               UNIT_WIDTHS(multi), center=tuple(range(len(region_col) + 2, 9)) + (0,))
    else:
        _para(doc, "本期尚无应完成的任务。")

    heading("逾期未完成任务")
    overdue = data["overdue"]
    if overdue:
        shown = overdue[:BODY_OVERDUE]
        text = f"逾期未完成任务共{s['overdue']}项，按逾期时间由长到短列出前{len(shown)}项"
        if s["escalated"]:
            text = f"逾期任务中，{s['escalated']}项逾期已满{_escalation_days()}个工作日，已列入督办。" + text
        rest = s["overdue"] - len(shown)
        note(text + (f"，其余见附件2和督办台账。" if rest > 0 else "。"))
        _table(doc, ["序号", *region_col, "责任单位", "任务", "完成时限", "逾期天数", "督办"],
               _overdue_rows(shown, data["today"], multi), OVERDUE_WIDTHS(multi),
               center=(0, len(region_col) + 3, len(region_col) + 4, len(region_col) + 5))
    else:
        _para(doc, "本期无逾期未完成任务。")

    heading("指标未达标情况")
    t = data["targets"]
    _para(doc, f"纳入监测的量化指标{t['total']}项，已填报实际值{t['read']}项，达标{t['met']}项，"
               f"达标率{_rate(t['rate'])}；未达标{t['unmet']}项，尚未填报{t['none']}项。")
    if data["unmet"]:
        unmet = data["unmet"][:BODY_UNMET]
        if t["unmet"] > len(unmet):
            note(f"列出未达标指标{len(unmet)}项，完整清单见督办台账。")
        _table(doc, ["序号", "指标", "目标", "最新实际值", "所属措施"],
               [[i, x.metric, f"{x.get_op_display()}{x.value.normalize():f}{x.unit}",
                 f"{x.latest_value.normalize():f}{x.unit}", f"{x.measure.label} {x.measure.title}"]
                for i, x in enumerate(unmet, start=1)],
               [1.1, 3.2, 2.2, 2.4, 6.7], center=(0, 2, 3))

    heading("工作亮点")
    if data["highlights"]:
        for r in data["highlights"]:
            who = _unit_name(r.task.unit.region.name if multi and r.task.unit.region_id else "", r.task.unit.name)
            _para(doc, f"{who}：{r.done_text.strip()}")
    else:
        _para(doc, "本期暂无报送的进展亮点。")

    heading("下步工作要求")
    # The last paragraph keeps the signature on its page (keep_with_next through the date line).
    _para(doc, "各责任单位要对照督办台账逐项梳理，对逾期任务说明原因、明确完成时限；"
               "对未达标指标制定整改措施，按时报送进展，确保各项任务按期完成。", keep_with_next=True)
    _para(doc, "", keep_with_next=True)
    annexes = _annexes(data, multi)
    if annexes:
        _para(doc, "附件：" + "；".join(f"{i}. {title}" for i, (title, _) in enumerate(annexes, start=1)),
              keep_with_next=True)
        _para(doc, "", keep_with_next=True)
    _para(doc, office, align=WD_ALIGN_PARAGRAPH.RIGHT, keep_with_next=True)
    _para(doc, cn_date(issue_date), align=WD_ALIGN_PARAGRAPH.RIGHT)

    for i, (title, render) in enumerate(annexes, start=1):
        brk = doc.add_paragraph()
        brk.add_run().add_break(WD_BREAK.PAGE)
        brk.paragraph_format.space_after = Pt(0)
        _para(doc, f"附件{i}", font=HEAD_FONT, size=16, indent=False, keep_with_next=True)
        _para(doc, title, font=TITLE_FONT, size=18, align=WD_ALIGN_PARAGRAPH.CENTER, keep_with_next=True)
        render(doc)
    if progress:
        progress(95)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def _overdue_rows(tasks, today, multi) -> list[list]:
    rows = []
    for i, t in enumerate(tasks, start=1):
        deadline = t.effective_deadline
        region = [t.unit.region.name if t.unit.region_id else ""] if multi else []
        rows.append([i, *region, t.unit.name, f"{t.measure.label} {t.measure.title}", f"{deadline:%Y.%-m.%-d}",
                     (today - deadline).days, "已督办" if t.escalated else ""])
    return rows


def _annexes(data: dict, multi: bool) -> list[tuple[str, object]]:
    """(title, renderer) of the annexes: the lists longer than the body shows, capped."""
    out = []
    ranked = [u for u in data["units"] if u["due"] or u["overdue"]]
    region_col = ["区域"] if multi else []
    if len(ranked) > BODY_UNITS:
        rest = ranked[BODY_UNITS:]

        def units(doc, rest=rest):
            shown = rest[:ANNEX_UNITS]
            _table(doc, ["序号", *region_col, "责任单位", "任务数", "应完成", "按期完成", "按期完成率", "逾期"],
                   [[i, *([u["unit__region__name"]] if multi else []), u["unit__name"], u["total"], u["due"],
                     u["ontime"], _rate(u["ontime_rate"]), u["overdue"]]
                    for i, u in enumerate(shown, start=BODY_UNITS + 1)],
                   UNIT_WIDTHS(multi), size=9,
                   center=tuple(range(len(region_col) + 2, 9)) + (0,))
            if len(rest) > len(shown):
                _para(doc, f"（另有{len(rest) - len(shown)}个单位按期完成率较高，未列出，详见督办台账。）", size=12,
                      line=20)

        out.append(("其他单位按期完成情况", units))
    overdue = data["overdue"]
    if data["summary"]["overdue"] > BODY_OVERDUE and len(overdue) > BODY_OVERDUE:
        def tasks(doc):
            shown = overdue[BODY_OVERDUE:]
            _table(doc, ["序号", *region_col, "责任单位", "任务", "完成时限", "逾期天数", "督办"],
                   [[BODY_OVERDUE + r[0], *r[1:]] for r in _overdue_rows(shown, data["today"], multi)],
                   OVERDUE_WIDTHS(multi), size=9,
                   center=(0, len(region_col) + 3, len(region_col) + 4, len(region_col) + 5))
            listed = BODY_OVERDUE + len(shown)
            if data["summary"]["overdue"] > listed:
                _para(doc, f"（逾期任务共{data['summary']['overdue']}项，此处列至第{listed}项，完整清单见督办台账。）",
                      size=12, line=20)

        out.append(("逾期未完成任务清单（续）", tasks))
    return out
