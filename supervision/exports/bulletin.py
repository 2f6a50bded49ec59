"""Monthly 通报 (.docx) in 公文 style: red-headed issuing office, title, date as 2026年3月25日, summary
figures, on-time rate by unit (table), overdue tasks with their units, targets not met, highlights
from this period's progress reports, and the requirements paragraph.

Fonts follow GB/T 9704 where installed (方正小标宋简体 title, 仿宋_GB2312 body, 黑体 headings) and fall
back to the viewer's substitutes; the figures come from the same aggregates as the dashboard.
"""
from __future__ import annotations

import datetime as dt
import io

from django.conf import settings
from django.db.models import Exists, OuterRef, QuerySet
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from supervision.dashboard import querysets as agg
from supervision.models import Escalation
from tasks.choices import ReportStatus
from tasks.models import ProgressReport
from tasks.periods import period_start
from tasks.workdays import local_date

from .ledger import cn_date

TITLE_FONT, BODY_FONT, HEAD_FONT = "方正小标宋简体", "仿宋_GB2312", "黑体"
RED = RGBColor(0xC0, 0x00, 0x00)
MAX_OVERDUE_ROWS = 200
MAX_HIGHLIGHTS = 8
CN_NUM = "一二三四五六七八九十"


def _font(run, name: str, size: float, bold: bool = False, color: RGBColor | None = None):
    run.font.name = name
    run.font.size = Pt(size)
    run.font.bold = bold
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)
    if color is not None:
        run.font.color.rgb = color


def _para(doc, text: str = "", *, font=BODY_FONT, size=16, bold=False, align=None, indent=True, color=None):
    p = doc.add_paragraph()
    if align is not None:
        p.alignment = align
    if indent and align is None:
        p.paragraph_format.first_line_indent = Pt(size * 2)
    p.paragraph_format.line_spacing = Pt(28)
    p.paragraph_format.space_after = Pt(0)
    if text:
        _font(p.add_run(text), font, size, bold, color)
    return p


def _table(doc, headers: list[str], rows: list[list], widths: list[float]):
    t = doc.add_table(rows=1, cols=len(headers))
    t.style = "Table Grid"
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    for i, h in enumerate(headers):
        cell = t.rows[0].cells[i]
        cell.text = ""
        _font(cell.paragraphs[0].add_run(h), HEAD_FONT, 11)
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    for r in rows:
        cells = t.add_row().cells
        for i, v in enumerate(r):
            cells[i].text = ""
            _font(cells[i].paragraphs[0].add_run("" if v is None else str(v)), BODY_FONT, 11)
    for row in t.rows:
        for i, w in enumerate(widths):
            row.cells[i].width = Cm(w)
    return t


def _escalation_days() -> int:
    from plans.choices import Role

    return next((days for days, _, audience in settings.SUPERVISION_LADDER if audience == Role.SUPERVISOR), 7)


def _rate(v) -> str:
    return "—" if v is None else f"{v:.1f}%"


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
    overdue = list(overdue_qs.select_related("measure", "unit")
                   .order_by("unit__name", "deadline", "id")[:MAX_OVERDUE_ROWS + 1])
    s["escalated"] = overdue_qs.filter(escalated=True).count()
    if progress:
        progress(55)
    targets = agg.target_attainment(tasks)
    unmet = agg.unmet_targets(tasks)
    if progress:
        progress(70)
    period = period_start(today)
    highlights = list(ProgressReport.objects.latest_versions()
                      .filter(task__in=tasks.order_by().values("id"), period=period,
                              status__in=[ReportStatus.DONE, ReportStatus.IN_PROGRESS])
                      .exclude(done_text="").select_related("task__unit", "task__measure")
                      .order_by("-percent", "-submitted_at")[:MAX_HIGHLIGHTS])
    if progress:
        progress(85)
    return {"today": today, "summary": s, "units": units, "overdue": overdue, "targets": targets,
            "unmet": unmet, "highlights": highlights, "period": period}


def build_bulletin(tasks: QuerySet, *, now: dt.datetime, office: str = "优化营商环境工作领导小组办公室",
                   issue_date: dt.date | None = None, number: str = "", progress=None,
                   against: str = "granted") -> bytes:
    data = bulletin_data(tasks, now=now, progress=progress, against=against)
    issue_date = issue_date or data["today"]
    s = data["summary"]
    doc = Document()
    sec = doc.sections[0]
    sec.orientation = WD_ORIENT.PORTRAIT
    sec.page_width, sec.page_height = Cm(21), Cm(29.7)
    sec.top_margin, sec.bottom_margin = Cm(3.7), Cm(3.5)
    sec.left_margin, sec.right_margin = Cm(2.8), Cm(2.6)

    _para(doc, office + "通报", font=TITLE_FONT, size=26, align=WD_ALIGN_PARAGRAPH.CENTER, color=RED)
    _para(doc, number or f"{issue_date.year}年第{issue_date.month}期", size=16, align=WD_ALIGN_PARAGRAPH.CENTER)
    rule = _para(doc, "", align=WD_ALIGN_PARAGRAPH.CENTER)
    _font(rule.add_run("━" * 26), BODY_FONT, 12, color=RED)
    period = data["period"]
    _para(doc, f"关于{period.year}年{period.month}月优化营商环境重点任务推进情况的通报", font=TITLE_FONT, size=22,
          align=WD_ALIGN_PARAGRAPH.CENTER)
    _para(doc, "")
    _para(doc, "各有关单位：", indent=False)
    _para(doc, (f"截至{cn_date(data['today'])}，纳入督办的重点任务共{s['total']}项，已办结{s['closed']}项，"
                f"办结率{_rate(s['close_rate'])}；应完成{s['due']}项，按期完成{s['ontime']}项，"
                f"按期完成率{_rate(s['ontime_rate'])}；逾期未完成{s['overdue']}项，"
                f"{s['due_soon']}项将在5个工作日内到期。本期应报送进展{s['required']}项，已报送{s['submitted']}项，"
                f"报送率{_rate(s['report_rate'])}。现将有关情况通报如下："))

    n = 0

    def heading(text):
        nonlocal n
        _para(doc, f"{CN_NUM[n]}、{text}", font=HEAD_FONT, size=16)
        n += 1

    heading("各单位按期完成情况")
    rows = [[i, f"{u['unit__name']}", u["total"], u["due"], u["ontime"], _rate(u["ontime_rate"]), u["overdue"]]
            for i, u in enumerate(data["units"], start=1)]
    _table(doc, ["序号", "责任单位", "任务数", "应完成", "按期完成", "按期完成率", "逾期"], rows,
           [1.2, 5.2, 1.6, 1.6, 1.8, 2.2, 1.4])

    heading("逾期未完成任务")
    overdue = data["overdue"]
    if overdue:
        shown = overdue[:MAX_OVERDUE_ROWS]
        if s["escalated"]:
            _para(doc, f"逾期任务中，{s['escalated']}项逾期已满{_escalation_days()}个工作日，已列入督办。")
        _table(doc, ["序号", "责任单位", "任务", "完成时限", "逾期天数", "督办"],
               [[i, t.unit.name, f"{t.measure.label} {t.measure.title}", cn_date(t.granted_deadline or t.deadline),
                 (data["today"] - (t.granted_deadline or t.deadline)).days, "已督办" if t.escalated else ""]
                for i, t in enumerate(shown, start=1)],
               [1.2, 3.6, 6.4, 2.6, 1.6, 1.4])
        if len(overdue) > MAX_OVERDUE_ROWS:
            _para(doc, f"（逾期任务共{s['overdue']}项，此处列出前{MAX_OVERDUE_ROWS}项，完整清单见督办台账。）")
    else:
        _para(doc, "本期无逾期未完成任务。")

    heading("指标未达标情况")
    t = data["targets"]
    _para(doc, f"纳入监测的量化指标{t['total']}项，已填报实际值{t['read']}项，达标{t['met']}项，"
               f"达标率{_rate(t['rate'])}；未达标{t['unmet']}项，尚未填报{t['none']}项。")
    if data["unmet"]:
        _table(doc, ["序号", "指标", "目标", "最新实际值", "所属措施"],
               [[i, x.metric, f"{x.get_op_display()}{x.value.normalize():f}{x.unit}",
                 f"{x.latest_value.normalize():f}{x.unit}", f"{x.measure.label} {x.measure.title}"]
                for i, x in enumerate(data["unmet"], start=1)],
               [1.2, 3.6, 2.4, 2.4, 6.4])

    heading("工作亮点")
    if data["highlights"]:
        for r in data["highlights"]:
            _para(doc, f"{r.task.unit.name}：{r.done_text.strip()}")
    else:
        _para(doc, "本期暂无报送的进展亮点。")

    heading("下步工作要求")
    _para(doc, "各责任单位要对照督办台账逐项梳理，对逾期任务说明原因、明确完成时限；"
               "对未达标指标制定整改措施，按时报送进展，确保各项任务按期完成。")
    _para(doc, "")
    _para(doc, office, align=WD_ALIGN_PARAGRAPH.RIGHT)
    _para(doc, cn_date(issue_date), align=WD_ALIGN_PARAGRAPH.RIGHT)
    if progress:
        progress(95)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()
