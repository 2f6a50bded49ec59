"""How a reminder reads, in the notification centre and in digests."""
from __future__ import annotations

import re
from urllib.parse import urlencode

from django.urls import reverse

from .choices import ReminderKind

_UNIT_KEY = re.compile(r":-:u(\d+)")


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
        # per unit (the scan's, with the count in text) or, in older rows, per task
        return f"【报送提醒】{r.text}" if r.text else f"【报送提醒】{name}，{period:%Y年%-m月}进展即将截止报送"
    if kind == ReminderKind.REPORT_MISSING:
        return f"【未报送】{r.text}" if r.text else f"【未报送】{name}，{period:%Y年%-m月}进展尚未报送"
    if kind in (ReminderKind.EXTENSION_DECIDED, ReminderKind.COMPLETION_REVIEWED, ReminderKind.PLAN_CHANGED):
        return f"【{r.get_kind_display()}】{r.text or name}"
    return f"【{r.get_kind_display()}】{name}"


def reminder_url(r) -> str:
    """Where a reminder leads: its task, or for a reminder about a unit's tasks the list of them
    (overdue tasks of the unit on the supervisors' list; the clerk's own task list)."""
    if r.task_id:
        return reverse("tasks:detail", args=[r.task_id])
    unit = _UNIT_KEY.search(r.key or "")
    if r.kind == ReminderKind.ESCALATED and unit:
        return reverse("dashboard:tasks") + "?" + urlencode({"unit": unit.group(1), "status": "overdue"})
    if r.kind == ReminderKind.ESCALATED:  # the supervisor's daily line listing units: their overdue tasks
        return reverse("dashboard:tasks") + "?" + urlencode({"status": "overdue", "sort": "unit"})
    if r.kind in (ReminderKind.REPORT_DUE_SOON, ReminderKind.REPORT_MISSING) and unit:
        return reverse("tasks:mine")
    return ""
