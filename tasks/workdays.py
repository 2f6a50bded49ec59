"""Working days on the official Chinese calendar, with 调休 make-up days.

chinese_calendar ships the State Council's holiday notices year by year. For a year it does not
cover yet (the notice for year N comes out in late N-1), we fall back to Monday–Friday and log a
warning once: deadlines then ignore holidays until the package is upgraded.
"""
from __future__ import annotations

import datetime as dt
import logging
from functools import lru_cache
from zoneinfo import ZoneInfo

import chinese_calendar

log = logging.getLogger(__name__)
SHANGHAI = ZoneInfo("Asia/Shanghai")
_warned: set[int] = set()


@lru_cache(maxsize=4096)
def is_workday(day: dt.date) -> bool:
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        if day.year not in _warned:
            _warned.add(day.year)
            log.warning("chinese_calendar has no data for %s; using Monday-Friday", day.year)
        return day.weekday() < 5


def local_date(now: dt.datetime) -> dt.date:
    """The calendar date in Asia/Shanghai of an aware datetime."""
    return now.astimezone(SHANGHAI).date()


def workdays_between(start: dt.date, end: dt.date) -> int:
    """Working days in (start, end]: 0 when end <= start."""
    if end <= start:
        return 0
    count, day = 0, start
    while day < end:
        day += dt.timedelta(days=1)
        if is_workday(day):
            count += 1
    return count


def add_workdays(start: dt.date, n: int) -> dt.date:
    day = start
    step = 1 if n >= 0 else -1
    remaining = abs(n)
    while remaining:
        day += dt.timedelta(days=step)
        if is_workday(day):
            remaining -= 1
    return day


# --- Recurring duties (每月25日前报送, 每季末报送总结) ---------------------------------------------

def duty_period(rule: str, day: int | None, today: dt.date) -> tuple[dt.date, dt.date]:
    """(first day, due date) of the period of a recurring duty that contains `today`.

    rule: daily | weekly (day 1=Monday…7) | monthly (day of month) | quarterly (day of the quarter's
    last month) | yearly (day of December). A day past the month's end means its last day
    (每月31日前 in February is the 28th)."""
    import calendar

    def clamp(y: int, m: int, d: int | None) -> dt.date:
        last = calendar.monthrange(y, m)[1]
        return dt.date(y, m, min(d or last, last))

    if rule == "daily":
        return today, today
    if rule == "weekly":
        start = today - dt.timedelta(days=today.weekday())
        return start, start + dt.timedelta(days=min(max(day or 5, 1), 7) - 1)
    if rule == "monthly":
        return today.replace(day=1), clamp(today.year, today.month, day)
    if rule == "quarterly":
        first = (today.month - 1) // 3 * 3 + 1
        return dt.date(today.year, first, 1), clamp(today.year, first + 2, day)
    if rule == "yearly":
        return dt.date(today.year, 1, 1), clamp(today.year, 12, day)
    raise ValueError(f"unknown recurrence rule {rule!r}")


def previous_period_day(rule: str, start: dt.date) -> dt.date:
    """A day inside the period before the one starting at `start`."""
    return start - dt.timedelta(days=1)
