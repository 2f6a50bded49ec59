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


@lru_cache(maxsize=4096)
def add_workdays(start: dt.date, n: int) -> dt.date:
    """The n-th working day after `start` (before it when n < 0); `start` itself when n == 0."""
    if n == 0:
        return start
    try:
        # find_workday(0, d) is the first working day on or after d, find_workday(-k, d) the k-th before d
        if n > 0:
            return chinese_calendar.find_workday(n - 1, start + dt.timedelta(days=1))
        return chinese_calendar.find_workday(n, start)
    except NotImplementedError:
        # The walk reached a year chinese_calendar does not cover, where it raises instead of
        # falling back: step day by day on is_workday, which falls back to Monday–Friday.
        day, step, remaining = start, (1 if n > 0 else -1), abs(n)
        while remaining:
            day += dt.timedelta(days=step)
            remaining -= is_workday(day)
        return day

