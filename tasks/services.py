"""Use cases that write tasks, progress reports, evidence, extension requests and completion
applications. Views, serializers and jobs call only these; each writes its audit rows in the
same transaction as the change (audit.services.audit)."""
from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Iterable

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

import filetype

from audit.services import audit
from config.refusals import Refused
from indicators.models import Target
from plans.choices import ReportCycle, UnitRole

from .choices import Decision, ReportStatus
from .models import CompletionApplication, Evidence, ExtensionRequest, ProgressReport, ReportDraft, TargetReading, Task
from .periods import period_due, period_start
from .quality import flags_for_report
from .workdays import local_date


class TaskActionRefused(Refused):
    """A write on a task refused for a reason the user can act on (config.refusals)."""


class StaleReportError(TaskActionRefused):
    """Someone else submitted a report for the same task and period after the form was loaded.
    `current` is their report, so the page can show what they wrote next to what the user typed;
    None when the form claims a version the period does not have (a stale or forged form)."""

    status_code = 409

    def __init__(self, message: str, *, current: ProgressReport | None):
        super().__init__(message)
        self.current = current

    def api_body(self) -> dict:
        from .api.serializers import ProgressReportSerializer  # the API builds on the services

        return {**super().api_body(),
                "current": ProgressReportSerializer(self.current).data if self.current else None}


# --- Periods ---------------------------------------------------------------------------

def _previous_period(start: dt.date, cycle: str) -> dt.date:
    return period_start(start - dt.timedelta(days=1), cycle)


@dataclass(frozen=True)
class Period:
    start: dt.date
    cycle: str
    due: dt.date

    @property
    def label(self) -> str:
        if self.cycle == ReportCycle.QUARTERLY:
            return f"{self.start.year}年第{(self.start.month - 1) // 3 + 1}季度"
        return f"{self.start.year}年{self.start.month}月"

    @property
    def key(self) -> str:
        return self.start.strftime("%Y-%m")


def period_for(plan, start: dt.date) -> Period:
    return Period(start=start, cycle=plan.report_cycle,
                  due=period_due(start, plan.report_cycle, plan.report_day))


def current_period(plan, *, now: dt.datetime) -> Period:
    return period_for(plan, period_start(local_date(now), plan.report_cycle))


def open_periods(plan, *, now: dt.datetime) -> list[Period]:
    """The periods a unit may still report on: the current one and the one before (late reports and
    corrections of last month's report are common in the first days of a month). Older ones are closed."""
    cur = current_period(plan, now=now)
    return [cur, period_for(plan, _previous_period(cur.start, plan.report_cycle))]


def parse_period(plan, value: str | dt.date | None, *, now: dt.datetime) -> Period:
    """'2026-03' / '2026-03-01' / a date → the period containing it; empty → the current one."""
    if not value:
        return current_period(plan, now=now)
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value if len(value) > 7 else value + "-01")
        except ValueError:
            raise TaskActionRefused("报送周期格式不正确，应为“2026-03”。", field="period") from None
    return period_for(plan, period_start(value, plan.report_cycle))


WITHDRAWN_MESSAGE = "该任务已因方案调整撤销，无需再填报；已报送的进展均已保留。"


def _check_open(task: Task, period: Period, *, now: dt.datetime) -> None:
    if task.withdrawn_at:
        raise TaskActionRefused(WITHDRAWN_MESSAGE)
    if task.closed_at:
        raise TaskActionRefused("该任务已办结销号，不能再报送进展。")
    allowed = [p.start for p in open_periods(task.measure.plan, now=now)]
    if period.start > allowed[0]:
        raise TaskActionRefused(f"{period.label}尚未开始，不能提前报送。", field="period")
    if period.start not in allowed:
        raise TaskActionRefused(f"{period.label}的报送已关闭（只能报送本期和上一期），如需更正请联系督查人员。",
                                field="period")


# --- Snapshots for audit rows --------------------------------------------------------------

def report_snapshot(r: ProgressReport) -> dict[str, Any]:
    return {"period": r.period.isoformat(), "version": r.version, "status": r.status, "done_text": r.done_text,
            "problems_text": r.problems_text, "percent": r.percent, "no_change": r.no_change,
            "consolidated": r.consolidated}


def task_snapshot(t: Task) -> dict[str, Any]:
    return {"deadline": t.deadline.isoformat() if t.deadline else None,
            "granted_deadline": t.granted_deadline.isoformat() if t.granted_deadline else None,
            "completion_applied_at": t.completion_applied_at.isoformat() if t.completion_applied_at else None,
            "closed_at": t.closed_at.isoformat() if t.closed_at else None, "version": t.version}


# --- Evidence ------------------------------------------------------------------------------

# Type by content (filetype reads the magic bytes); the name's extension must agree with it.
EVIDENCE_TYPES: dict[str, tuple[str, ...]] = {
    "application/pdf": ("pdf",),
    "image/jpeg": ("jpg", "jpeg"),
    "image/png": ("png",),
    "image/gif": ("gif",),
    "image/webp": ("webp",),
    "image/bmp": ("bmp",),
    "application/msword": ("doc",),
    "application/vnd.ms-excel": ("xls",),
    "application/vnd.ms-powerpoint": ("ppt",),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ("docx",),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ("xlsx",),
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": ("pptx",),
    "application/vnd.oasis.opendocument.text": ("odt",),
    "application/vnd.oasis.opendocument.spreadsheet": ("ods",),
    "application/x-ole-storage": ("doc", "xls", "ppt", "wps", "et"),  # old Office / WPS compound files
}
EVIDENCE_EXTENSIONS = sorted({e for exts in EVIDENCE_TYPES.values() for e in exts})


def evidence_check(upload: UploadedFile) -> str:
    """Refuse oversize files and files whose content is not an allowed type (an .exe renamed
    .pdf is refused). Returns the content type detected from the bytes."""
    name = upload.name or ""
    if upload.size > settings.EVIDENCE_MAX_BYTES:
        limit = settings.EVIDENCE_MAX_BYTES / 1024 / 1024
        raise TaskActionRefused(f"文件“{name}”超过大小上限（{limit:g} MB），请压缩后再上传。", field="evidence")
    if upload.size == 0:
        raise TaskActionRefused(f"文件“{name}”是空文件。", field="evidence")
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    kind = filetype.guess(head)
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    mime = kind.mime if kind else None
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1") and mime not in EVIDENCE_TYPES:
        mime = "application/x-ole-storage"
    if mime not in EVIDENCE_TYPES or ext not in EVIDENCE_TYPES[mime]:
        raise TaskActionRefused(
            f"文件“{name}”的实际内容不是允许的类型（PDF、图片、Word/Excel/PPT 文档），或与扩展名不符，已拒绝。",
            field="evidence")
    return mime


# Foreign keys that a report's rows get from rows this transaction holds (the locked task, the report
# just inserted, the signed-in actor, the measure's targets just read): full_clean() would look each
# one up again. The database's constraints still back them, and the unique (task, period, version)
# is the IntegrityError that _create_report turns into its message.
ROWS_IN_HAND = {"report": ["task", "submitted_by"], "reading": ["target", "report", "recorded_by"],
                "evidence": ["task", "report", "uploaded_by"]}


@transaction.atomic
def evidence_attach(*, task: Task, actor, upload: UploadedFile, report: ProgressReport | None = None) -> Evidence:
    """Store one evidence file for a task (and the report it supports)."""
    content_type = evidence_check(upload)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    ev = Evidence(task=task, report=report, file=upload, original_name=upload.name[:255], size=upload.size,
                  content_type=content_type, sha256=digest.hexdigest(), uploaded_by=actor)
    ev.full_clean(exclude=["file", *ROWS_IN_HAND["evidence"]])
    ev.save()
    audit(actor=actor, action="evidence_attach", obj=ev, task=task,
          after={"name": ev.original_name, "size": ev.size, "type": content_type, "sha256": ev.sha256,
                 "report": report.pk if report else None})
    return ev


# --- Progress reports ----------------------------------------------------------------------

def _latest_in_period(task: Task, start: dt.date) -> ProgressReport | None:
    return task.reports.filter(period=start).order_by("-version").first()


def _lock(task: Task) -> Task:
    # The row lock serialises two submissions for the same task; the unique (task, period,
    # version) constraint is the backstop if a backend ignores it.
    return Task.objects.select_for_update().select_related("measure__plan").get(pk=task.pk)


def _check_version(task: Task, period: Period, expected_version: int) -> int:
    latest = _latest_in_period(task, period.start)
    current = latest.version if latest else 0
    if expected_version != current:
        if latest is None:
            # The form was based on a version that no longer exists or never did (tampered with,
            # or a report deleted by an admin): nothing to compare with, ask for a reload.
            raise StaleReportError(
                f"保存失败：页面上的版本信息已过期，{period.label}目前还没有已提交的进展。"
                "请刷新页面后再提交；您填写的内容已保留。", current=None)
        who = latest.submitted_by.get_full_name() or latest.submitted_by.username
        raise StaleReportError(
            f"保存失败：在您填写期间，{who}已于{timezone.localtime(latest.submitted_at):%Y年%m月%d日 %H:%M}"
            f"提交了{period.label}的进展（第{latest.version}版）。请对照本页“对方提交的内容”，"
            "确认后再提交；您填写的内容已保留。", current=latest)
    return current


def _is_consolidated(task: Task) -> bool:
    return task.role == UnitRole.LEAD and Task.objects.filter(measure_id=task.measure_id, role=UnitRole.CO).exists()


def _create_report(*, task: Task, period: Period, actor, version: int, values: dict, no_change: bool,
                   previous: ProgressReport | None) -> ProgressReport:
    report = ProgressReport(task=task, period=period.start, version=version, status=values["status"],
                            done_text=values.get("done_text", ""), problems_text=values.get("problems_text", ""),
                            percent=values.get("percent") or 0, no_change=no_change,
                            consolidated=_is_consolidated(task), submitted_by=actor)
    report.quality_flags = flags_for_report(report)
    report.full_clean(exclude=ROWS_IN_HAND["report"])
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError:
        raise TaskActionRefused("同一时间有其他人提交了该期进展，请刷新页面后重试。") from None
    audit(actor=actor, action="report_correct" if previous else "report_submit", obj=report, task=task,
          before=report_snapshot(previous) if previous else None, after=report_snapshot(report))
    return report


def _save_readings(*, task: Task, report: ProgressReport, actor, actuals: dict) -> list[TargetReading]:
    targets = {t.pk: t for t in Target.objects.filter(measure_id=task.measure_id)}
    out = []
    for key, value in actuals.items():
        if value is None or value == "":
            continue
        target = targets.get(int(key))
        if target is None:
            raise TaskActionRefused("指标不属于该任务的措施。", field="actuals")
        reading = TargetReading(target=target, report=report, period=report.period, value=Decimal(value),
                                recorded_by=actor)
        reading.full_clean(exclude=ROWS_IN_HAND["reading"])
        reading.save()
        audit(actor=actor, action="reading_record", obj=reading, task=task,
              after={"target": target.metric, "period": report.period.isoformat(), "value": str(reading.value)})
        out.append(reading)
    return out


@transaction.atomic
def task_report_submit(*, task: Task, period: Period, actor, data: dict, expected_version: int,
                       files: Iterable[UploadedFile] = (), now: dt.datetime | None = None) -> ProgressReport:
    """File a progress report for one period. A correction is a new version; the form's
    `expected_version` must equal the latest version for the period, else StaleReportError.

    data: status, done_text, problems_text, percent, actuals ({target_id: Decimal})."""
    now = now or timezone.now()
    files = list(files)
    for f in files:  # refuse bad files before anything is written
        evidence_check(f)
    task = _lock(task)
    _check_open(task, period, now=now)
    current = _check_version(task, period, expected_version)
    if data.get("status") not in ReportStatus.values:
        raise TaskActionRefused("请选择进展状态。", field="status")
    previous = _latest_in_period(task, period.start)
    report = _create_report(task=task, period=period, actor=actor, version=current + 1, values=data,
                            no_change=False, previous=previous)
    _save_readings(task=task, report=report, actor=actor, actuals=data.get("actuals") or {})
    for f in files:
        evidence_attach(task=task, actor=actor, upload=f, report=report)
    ReportDraft.objects.filter(task=task, period=period.start, user=actor).delete()
    return report


@transaction.atomic
def task_report_no_change(*, task: Task, period: Period, actor, expected_version: int,
                          now: dt.datetime | None = None) -> ProgressReport:
    """本期无变化: copy the last report (and its target actuals) into this period as a new row."""
    now = now or timezone.now()
    task = _lock(task)
    _check_open(task, period, now=now)
    current = _check_version(task, period, expected_version)
    source = (task.reports.filter(period__lte=period.start).order_by("-period", "-version")
              .prefetch_related("readings").first())
    if source is None:
        raise TaskActionRefused("还没有以前的进展报告，不能使用“本期无变化”，请填写本期进展。")
    previous = _latest_in_period(task, period.start)
    report = _create_report(task=task, period=period, actor=actor, version=current + 1, no_change=True,
                            previous=previous,
                            values={"status": source.status, "done_text": source.done_text,
                                    "problems_text": source.problems_text, "percent": source.percent})
    _save_readings(task=task, report=report, actor=actor,
                   actuals={r.target_id: r.value for r in source.readings.all()})
    ReportDraft.objects.filter(task=task, period=period.start, user=actor).delete()
    return report


DRAFT_FIELDS = ("status", "done_text", "problems_text", "percent")


@transaction.atomic
def report_draft_save(*, task: Task, period: Period, actor, data: dict) -> ReportDraft:
    """Keep what the user has typed so far. Not audited: autosave every few seconds would bury
    the trail (过度留痕); the submitted report is what counts."""
    clean = {k: str(data.get(k, ""))[:20000] for k in DRAFT_FIELDS}
    clean["actuals"] = {str(k): str(v)[:40] for k, v in (data.get("actuals") or {}).items()}
    clean["expected_version"] = data.get("expected_version")
    draft, _ = ReportDraft.objects.update_or_create(task=task, period=period.start, user=actor,
                                                    defaults={"data": clean})
    return draft


# --- Completion and extension ----------------------------------------------------------------

@transaction.atomic
def task_completion_apply(*, task: Task, actor, note: str, files: Iterable[UploadedFile] = (),
                          now: dt.datetime | None = None) -> CompletionApplication:
    """申请办结: staff apply with evidence; review (销号) is supervision's."""
    now = now or timezone.now()
    files = list(files)
    for f in files:
        evidence_check(f)
    task = _lock(task)
    if task.withdrawn_at:
        raise TaskActionRefused(WITHDRAWN_MESSAGE)
    if task.closed_at:
        raise TaskActionRefused("该任务已办结销号。")
    if task.completions.filter(decision=Decision.PENDING).exists():
        raise TaskActionRefused("已提交办结申请，正在等待审核，请勿重复提交。")
    if not note.strip():
        raise TaskActionRefused("请填写办结说明。", field="note")
    if not files and not task.evidence.exists():
        raise TaskActionRefused("申请办结需要上传佐证材料。", field="evidence")
    app = CompletionApplication(task=task, note=note.strip(), applied_by=actor)
    app.full_clean()
    app.save()
    audit(actor=actor, action="completion_apply", obj=app, task=task, after={"note": app.note})
    for f in files:
        evidence_attach(task=task, actor=actor, upload=f)
    before = task_snapshot(task)
    task.completion_applied_at = now
    task.version += 1
    task.save(update_fields=["completion_applied_at", "version"])
    audit(actor=actor, action="task_completion_applied", obj=task, task=task, before=before,
          after=task_snapshot(task))
    return app


@transaction.atomic
def task_extension_request(*, task: Task, actor, requested_deadline: dt.date, reason: str) -> ExtensionRequest:
    """延期申请: the decision is supervision's (extension_decide)."""
    task = _lock(task)
    if task.withdrawn_at:
        raise TaskActionRefused(WITHDRAWN_MESSAGE)
    if task.closed_at:
        raise TaskActionRefused("该任务已办结销号，不能申请延期。")
    if task.ongoing and task.effective_deadline is None:
        raise TaskActionRefused("长期坚持的任务没有完成时限，无需申请延期。")
    if task.extensions.filter(decision=Decision.PENDING).exists():
        raise TaskActionRefused("已有一条延期申请正在审批中，请等待审批结果。")
    current = task.effective_deadline
    if current is not None and requested_deadline <= current:
        raise TaskActionRefused(f"申请延至的日期必须晚于当前时限（{current:%Y年%m月%d日}）。",
                                field="requested_deadline")
    if not reason.strip():
        raise TaskActionRefused("请填写延期理由。", field="reason")
    req = ExtensionRequest(task=task, requested_deadline=requested_deadline, reason=reason.strip(),
                           requested_by=actor)
    req.full_clean()
    req.save()
    audit(actor=actor, action="extension_request", obj=req, task=task,
          before={"deadline": current.isoformat() if current else None},
          after={"requested_deadline": requested_deadline.isoformat(), "reason": req.reason})
    return req
