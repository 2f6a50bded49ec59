"""How a reminder reads, in the notification centre and in digests."""
from __future__ import annotations

from .choices import ReminderKind


def _task_name(task) -> str:
    if task is None:
        return ""
    return f"{task.measure.label} {task.measure.title}".strip()


def reminder_line(r) -> str:
    name = _task_name(r.task)
    period = r.period
    kind = r.kind
    if kind == ReminderKind.DEADLINE_APPROACHING:
        return f"【即将到期】{name}，完成时限 {period:%Y年%-m月%-d日}"
    if kind == ReminderKind.OVERDUE:
        return f"【已逾期】{name}，完成时限 {period:%Y年%-m月%-d日}，请尽快办理或申请延期"
    if kind == ReminderKind.URGED:
        return f"【催办】{r.text or name}" + (f"（{name}）" if r.text and name else "")
    if kind == ReminderKind.ESCALATED:
        return f"【督办】{r.text or name}" + (f"（{name}）" if r.text and name else "")
    if kind == ReminderKind.REPORT_DUE_SOON:
        return f"【报送提醒】{name}，{period:%Y年%-m月}进展即将截止报送"
    if kind == ReminderKind.REPORT_MISSING:
        return f"【未报送】{name}，{period:%Y年%-m月}进展尚未报送"
    if kind in (ReminderKind.EXTENSION_DECIDED, ReminderKind.COMPLETION_REVIEWED):
        return f"【{r.get_kind_display()}】{r.text or name}"
    return f"【{r.get_kind_display()}】{name}"
