"""Reporting periods: a period is named by its first day (2026-03-01 = 2026年3月, 2026-01-01 = 2026年一季度
for quarterly plans); the report is due on the plan's report_day of the period's last month."""
from __future__ import annotations

import calendar
import datetime as dt

from plans.choices import ReportCycle


def period_start(day: dt.date, cycle: str = ReportCycle.MONTHLY) -> dt.date:
    if cycle == ReportCycle.QUARTERLY:
        return dt.date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
    return day.replace(day=1)


def period_due(start: dt.date, cycle: str = ReportCycle.MONTHLY, report_day: int = 25) -> dt.date:
    month = start.month + (2 if cycle == ReportCycle.QUARTERLY else 0)
    last = calendar.monthrange(start.year, month)[1]
    return dt.date(start.year, month, min(report_day, last))


def month_starts(until: dt.date, count: int) -> list[dt.date]:
    """The first days of the `count` months ending with until's month, oldest first."""
    y, m = until.year, until.month
    out = []
    for _ in range(count):
        out.append(dt.date(y, m, 1))
        y, m = (y, m - 1) if m > 1 else (y - 1, 12)
    return out[::-1]
