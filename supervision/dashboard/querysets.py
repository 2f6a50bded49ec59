"""The supervisor dashboard's figures: one grouped scan of the filtered, visible tasks (fact_table:
status counts, rates, units and plans all come from it), one for targets, one for the monthly trend
and, when one plan is chosen, one for its sections.

Status is computed, never stored: every figure is derived from deadlines, granted deadlines,
closed_at, completion_applied_at, reports and `now` (Asia/Shanghai) with the same rules as
Task.get_status (see TaskQuerySet.with_status). The number of queries does not depend on the data.

按期完成率 (on-time completion rate): the one definition in tasks/querysets.py (ontime_q,
ontime_due_q), against the granted deadline by default or the original one (`against`).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Coalesce, TruncMonth

from indicators.attainment import met_q, with_latest_met, with_latest_reading
from indicators.models import Target
from plans.choices import ReportCycle
from plans.models import Measure, Plan, Unit
from tasks.choices import ReportStatus, TaskStatus
from tasks.models import ProgressReport
from tasks.querysets import ontime_due_q, ontime_q
from tasks.periods import month_starts, period_due, period_start
from tasks.workdays import SHANGHAI, add_workdays, local_date

TOP_UNITS = 15
TOP_PLANS = 30
TREND_MONTHS = 12


def _pct(part: int, whole: int) -> float | None:
    return round(100.0 * part / whole, 1) if whole else None


def facts(today: dt.date, due_soon_workdays: int = 5) -> dict[str, Q]:
    """Plain Q objects for the dashboard's counts (cheaper than grouping by the status Case)."""
    horizon = add_workdays(today, due_soon_workdays + 1)
    open_ = Q(closed_at__isnull=True, completion_applied_at__isnull=True)
    return {
        "horizon": horizon,
        "open": open_,
        "closed": Q(closed_at__isnull=False),
        "overdue": open_ & Q(eff_deadline__lt=today),
        "due_soon": open_ & Q(eff_deadline__gte=today, eff_deadline__lt=horizon),
        "due": ontime_due_q(today),
        "ontime": ontime_q(),
    }


def with_facts(tasks: QuerySet, against: str = "granted") -> QuerySet:
    """eff_deadline (granted or original) for status; ontime_deadline and closed_day for 按期."""
    return tasks.annotate(eff_deadline=Coalesce("granted_deadline", "deadline")).with_ontime(against)


@dataclass
class Dashboard:
    today: dt.date
    total: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    summary: dict = field(default_factory=dict)
    units: list[dict] = field(default_factory=list)
    plans: list[dict] = field(default_factory=list)
    plans_total: int = 0
    sections: list[dict] = field(default_factory=list)
    targets: dict = field(default_factory=dict)
    reporting: dict = field(default_factory=dict)
    trend: list[dict] = field(default_factory=list)
    computed_at: dt.datetime | None = None


FACT_KEYS = ("total", "closed", "pending", "overdue", "due_soon", "extended", "rest", "started", "due", "ontime",
             "required", "submitted")


def fact_table(tasks: QuerySet, *, now: dt.datetime, against: str = "granted") -> list[dict]:
    """One scan: counts per (unit, plan) of every fact the dashboard shows.

    The buckets closed / pending / overdue / due_soon / extended / rest partition the tasks exactly
    as Task.get_status does; `started` (in progress) needs the latest report and is evaluated, in
    the FILTER clause, only for the `rest` rows. `submitted` uses an IN (subquery) that PostgreSQL
    runs once as a hashed subplan instead of one probe per task."""
    today = local_date(now)
    f = facts(today)
    open_ = f["open"]
    rest = open_ & ~Q(eff_deadline__lt=today) & ~Q(eff_deadline__gte=today, eff_deadline__lt=f["horizon"]) \
        & Q(granted_deadline__isnull=True)
    started = [ReportStatus.IN_PROGRESS, ReportStatus.DONE, ReportStatus.DIFFICULT]
    monthly = ProgressReport.objects.filter(period=period_start(today)).values("task_id")
    quarterly = ProgressReport.objects.filter(period=period_start(today, ReportCycle.QUARTERLY)).values("task_id")
    submitted = Q(closed_at__isnull=True) & (
        (Q(measure__plan__report_cycle=ReportCycle.QUARTERLY) & Q(id__in=quarterly))
        | (~Q(measure__plan__report_cycle=ReportCycle.QUARTERLY) & Q(id__in=monthly)))
    qs = (with_facts(tasks, against).with_latest_report_status().order_by().values("unit_id", "measure__plan_id")
          .annotate(
              total=Count("id"), closed=Count("id", filter=f["closed"]),
              pending=Count("id", filter=Q(closed_at__isnull=True, completion_applied_at__isnull=False)),
              overdue=Count("id", filter=f["overdue"]), due_soon=Count("id", filter=f["due_soon"]),
              extended=Count("id", filter=open_ & ~Q(eff_deadline__lt=today)
                             & ~Q(eff_deadline__gte=today, eff_deadline__lt=f["horizon"])
                             & Q(granted_deadline__isnull=False)),
              rest=Count("id", filter=rest), started=Count("id", filter=rest & Q(latest_report_status__in=started)),
              due=Count("id", filter=f["due"]), ontime=Count("id", filter=f["ontime"]),
              required=Count("id", filter=Q(closed_at__isnull=True)), submitted=Count("id", filter=submitted)))
    return list(qs)


def _sum(rows, key_field: str | None = None) -> dict:
    if key_field is None:
        out = dict.fromkeys(FACT_KEYS, 0)
        for r in rows:
            for k in FACT_KEYS:
                out[k] += r[k]
        return out
    groups: dict = {}
    for r in rows:
        g = groups.setdefault(r[key_field], dict.fromkeys(FACT_KEYS, 0))
        for k in FACT_KEYS:
            g[k] += r[k]
    return groups


def _summary_from(t: dict) -> dict:
    s = {k: t[k] for k in ("total", "closed", "due", "ontime", "overdue", "due_soon", "required", "submitted")}
    s["ontime_rate"] = _pct(s["ontime"], s["due"])
    s["close_rate"] = _pct(s["closed"], s["total"])
    s["report_rate"] = _pct(s["submitted"], s["required"])
    return s


def _status_from(t: dict) -> dict[str, int]:
    return {TaskStatus.NOT_STARTED.value: t["rest"] - t["started"], TaskStatus.IN_PROGRESS.value: t["started"],
            TaskStatus.DUE_SOON.value: t["due_soon"], TaskStatus.OVERDUE.value: t["overdue"],
            TaskStatus.PENDING_REVIEW.value: t["pending"], TaskStatus.CLOSED.value: t["closed"],
            TaskStatus.EXTENDED.value: t["extended"]}


def status_counts(tasks: QuerySet, *, now: dt.datetime) -> dict[str, int]:
    return _status_from(_sum(fact_table(tasks, now=now)))


def summary(tasks: QuerySet, *, today: dt.date, against: str = "granted") -> dict:
    now = dt.datetime.combine(today, dt.time(12), tzinfo=SHANGHAI)
    return _summary_from(_sum(fact_table(tasks, now=now, against=against)))


def _unit_rows(rows: list[dict]) -> list[dict]:
    out = []
    for unit_id, g in _sum(rows, "unit_id").items():
        g["unit_id"] = unit_id
        g["ontime_rate"] = _pct(g["ontime"], g["due"])
        out.append(g)
    return out


def _name_units(rows: list[dict]) -> list[dict]:
    names = {u["id"]: u for u in Unit.objects.filter(id__in=[r["unit_id"] for r in rows])
             .values("id", "name", "region__name")}
    for r in rows:
        r["unit__name"] = names[r["unit_id"]]["name"]
        r["unit__region__name"] = names[r["unit_id"]]["region__name"]
    return rows


def by_unit_from(rows: list[dict], *, limit: int = TOP_UNITS) -> list[dict]:
    """Units ranked by overdue, then due-soon tasks (only units with any)."""
    units = [u for u in _unit_rows(rows) if u["overdue"] or u["due_soon"]]
    units.sort(key=lambda u: (-u["overdue"], -u["due_soon"], u["unit_id"]))
    top = _name_units(units[:limit])
    top.sort(key=lambda u: (-u["overdue"], -u["due_soon"], u["unit__name"]))
    return top


def ontime_by_unit(tasks: QuerySet, *, today: dt.date, against: str = "granted") -> list[dict]:
    """Every unit's on-time rate (the 通报 table), worst first."""
    now = dt.datetime.combine(today, dt.time(12), tzinfo=SHANGHAI)
    units = _name_units(_unit_rows(fact_table(tasks, now=now, against=against)))
    units.sort(key=lambda r: (r["ontime_rate"] if r["ontime_rate"] is not None else 101, -r["overdue"],
                              r["unit__region__name"], r["unit__name"]))
    return units


def by_plan_from(rows: list[dict], *, limit: int = TOP_PLANS) -> tuple[list[dict], int]:
    plans = []
    for plan_id, g in _sum(rows, "measure__plan_id").items():
        g["measure__plan_id"] = plan_id
        g["close_rate"] = _pct(g["closed"], g["total"])
        g["ontime_rate"] = _pct(g["ontime"], g["due"])
        plans.append(g)
    plans.sort(key=lambda p: (-p["overdue"], p["measure__plan_id"]))
    top = plans[:limit]
    names = {p["id"]: p for p in Plan.objects.filter(id__in=[p["measure__plan_id"] for p in top])
             .values("id", "title", "region__name")}
    for p in top:
        p["measure__plan__title"] = names[p["measure__plan_id"]]["title"]
        p["measure__plan__region__name"] = names[p["measure__plan_id"]]["region__name"]
    top.sort(key=lambda p: (-p["overdue"], p["measure__plan__title"]))
    return top, len(plans)


def by_section(tasks: QuerySet, *, plan_id: int, today: dt.date) -> list[dict]:
    """Progress by top-level section (一、二、…) of one plan: per-measure counts rolled up by path."""
    f = facts(today)
    per_measure = (with_facts(tasks.filter(measure__plan_id=plan_id)).order_by().values("measure__path")
                   .annotate(total=Count("id"), closed=Count("id", filter=f["closed"]),
                             overdue=Count("id", filter=f["overdue"])))
    sections = {m.path: m for m in Measure.objects.filter(plan_id=plan_id, parent__isnull=True)
                .only("id", "path", "label", "title", "order").order_by("order")}
    acc: dict[str, dict] = {p: {"path": p, "label": m.label, "title": m.title, "total": 0, "closed": 0,
                                "overdue": 0, "id": m.id} for p, m in sections.items()}
    for r in per_measure:
        root = r["measure__path"].split("/", 1)[0]
        row = acc.setdefault(root, {"path": root, "label": root, "title": "", "total": 0, "closed": 0,
                                    "overdue": 0, "id": None})
        for k in ("total", "closed", "overdue"):
            row[k] += r[k]
    out = [r for r in acc.values() if r["total"]]
    for r in out:
        r["close_rate"] = _pct(r["closed"], r["total"])
    return out


def target_attainment(tasks: QuerySet) -> dict:
    targets = with_latest_met(Target.objects.filter(measure_id__in=tasks.order_by().values("measure_id")))
    s = targets.order_by().aggregate(total=Count("id"), read=Count("id", filter=Q(latest_met__isnull=False)),
                                     met=Count("id", filter=Q(latest_met=True)))
    s["unmet"] = s["read"] - s["met"]
    s["none"] = s["total"] - s["read"]
    s["rate"] = _pct(s["met"], s["read"])
    return s


def unmet_targets(tasks: QuerySet, *, limit: int = 50) -> list:
    targets = with_latest_reading(Target.objects.filter(measure_id__in=tasks.order_by().values("measure_id")))
    return list(targets.filter(latest_value__isnull=False).exclude(met_q())
                .select_related("measure", "measure__plan").order_by("measure__plan_id", "measure__order", "order")
                [:limit])


def trend(tasks: QuerySet, *, today: dt.date, months: int = TREND_MONTHS, against: str = "granted") -> list[dict]:
    """Per month: tasks falling due (by today), of which closed on time; tasks closed in the month.
    One query grouped by (deadline month, closing month)."""
    starts = month_starts(today, months)
    first = starts[0]
    f = facts(today)
    falls_due = Q(eff_deadline__gte=first, eff_deadline__lte=today)
    closed_in = Q(closed_at__isnull=False, closed_at__date__gte=first)
    rows = (with_facts(tasks, against).filter(falls_due | closed_in).order_by()
            .annotate(dm=TruncMonth("eff_deadline"), cm=TruncMonth("closed_at", tzinfo=SHANGHAI)).values("dm", "cm")
            .annotate(due=Count("id", filter=falls_due), ontime=Count("id", filter=falls_due & f["ontime"]),
                      closed=Count("id", filter=closed_in)))
    out = {m: {"month": m, "due": 0, "ontime": 0, "closed": 0} for m in starts}
    for r in rows:
        if r["dm"] is not None and _month(r["dm"]) in out:
            out[_month(r["dm"])]["due"] += r["due"]
            out[_month(r["dm"])]["ontime"] += r["ontime"]
        if r["cm"] is not None and _month(r["cm"]) in out:
            out[_month(r["cm"])]["closed"] += r["closed"]
    for m in out.values():
        m["ontime_rate"] = _pct(m["ontime"], m["due"])
    return list(out.values())


def _month(value) -> dt.date:
    if isinstance(value, dt.datetime):
        value = value.astimezone(SHANGHAI).date() if value.tzinfo else value.date()
    return value.replace(day=1)


def reporting_period(today: dt.date) -> dict:
    start = period_start(today)
    return {"period": start, "due": period_due(start), "late": today > period_due(start)}


def build(tasks: QuerySet, *, now: dt.datetime, plan_id: int | None = None, against: str = "granted") -> Dashboard:
    """All figures for the dashboard page: a fixed number of queries whatever the data size."""
    today = local_date(now)
    d = Dashboard(today=today)
    rows = fact_table(tasks, now=now, against=against)
    totals = _sum(rows)
    d.by_status = _status_from(totals)
    d.summary = _summary_from(totals)
    d.total = d.summary["total"]
    d.units = by_unit_from(rows)
    d.plans, d.plans_total = by_plan_from(rows)
    if plan_id:
        d.sections = by_section(tasks, plan_id=plan_id, today=today)
    d.targets = target_attainment(tasks)
    d.reporting = reporting_period(today)
    d.trend = trend(tasks, today=today, against=against)
    return d
