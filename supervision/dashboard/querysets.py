"""The supervisor dashboard's figures: one grouped scan of the filtered, visible tasks (fact_table:
status counts, rates, units, plans and the monthly trend all come from it), one for targets and,
when one plan is chosen, one for its sections.

Status is computed, never stored: every figure is derived from deadlines, granted deadlines,
closed_at, completion_applied_at, reports and `now` (Asia/Shanghai) with the same rules as
Task.get_status (see TaskQuerySet.with_status). The number of queries does not depend on the data.

按期完成率 (on-time completion rate): the one definition in tasks/querysets.py (ontime_q,
ontime_due_q), against the granted deadline by default or the original one (`against`).
"""
from __future__ import annotations

import datetime as dt
import heapq
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from operator import itemgetter

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connection, connections
from django.db.models import Case, Count, F, Q, QuerySet, When

from indicators.querysets import met_q, with_latest_met
from indicators.models import Target
from plans.models import Measure, Plan, Unit
from tasks.choices import TaskStatus
from tasks import status as status_rule
from tasks.querysets import MonthStart, ontime_due_q, ontime_q
from tasks.status import owes_current_report_q, reported_q
from tasks.periods import month_starts, period_due, period_start
from tasks.workdays import SHANGHAI, local_date

TOP_UNITS = 15
TOP_PLANS = 30
TREND_MONTHS = 12


def _pct(part: int, whole: int) -> float | None:
    return round(100.0 * part / whole, 1) if whole else None


def facts(today: dt.date) -> dict[str, Q]:
    """Plain Q objects for the dashboard's counts (cheaper than grouping by the status Case): the
    rule of tasks/status.py, with its due-soon horizon read from the setting."""
    return {
        "open": status_rule.OPEN,
        "closed": status_rule.CLOSED,
        "pending": status_rule.PENDING_REVIEW,
        "overdue": status_rule.overdue_q(today),
        "due_soon": status_rule.due_soon_q(today),
        "not_due_yet": status_rule.not_due_yet_q(today),
        "due": ontime_due_q(today),
        "ontime": ontime_q(),
    }


def with_facts(tasks: QuerySet, against: str = "granted") -> QuerySet:
    """ontime_deadline (granted or original) for 按期; status reads the stored Task.eff_deadline.
    Tasks withdrawn by a plan revision are in no figure (neither open nor closed)."""
    return tasks.live().with_ontime(against)


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
    refresh_seconds: int | None = None  # set when older figures are shown while the data changes fast


FACT_KEYS = ("total", "closed", "pending", "overdue", "due_soon", "extended", "rest", "started", "due", "ontime",
             "required", "submitted")
MONTH_KEYS = ("t_due", "t_ontime", "t_closed")
SQL_KEYS = tuple(k for k in FACT_KEYS if k != "rest")


def _complete(row: dict) -> dict:
    """The facts derived from the counted ones (one FILTER less each per task and grouping)."""
    row["rest"] = (row["total"] - row["closed"] - row["pending"] - row["overdue"] - row["due_soon"]
                   - row["extended"])
    return row


@dataclass
class Facts:
    """The dashboard's counts from one pass over the tasks: in total, per unit, per plan, and per
    (deadline month, closing month) for the trend."""
    total: dict
    units: dict[int, dict]
    plans: dict[int, dict]
    months: list[dict]


def _fact_counts(today: dt.date, first_month: dt.date) -> dict:
    """The aggregates of fact_table, each a COUNT … FILTER over the tasks annotated by with_facts.

    The buckets closed / pending / overdue / due_soon / extended / rest partition the tasks exactly
    as Task.get_status does (rest is derived: `_complete`); `started` (in progress) reads the newest
    report's status; `required` counts the tasks that owe the current period's report and
    `submitted` those of them that reported (tasks.status.owes_current_report_q, reported_q:
    the rule the reminders use). t_* are the trend's: tasks falling due (by today) since
    `first_month`, of which closed on time, and tasks closed since then. Everything compares stored
    columns of the task row (eff_deadline, closed_on, latest_report_status, latest_report_period):
    no time-zone arithmetic and no subquery per task."""
    f = facts(today)
    not_due_yet = f["not_due_yet"]  # neither overdue nor due soon
    rest = not_due_yet & Q(granted_deadline__isnull=True)
    falls_due, closed_in = _trend_window(today, first_month)
    return dict(
        total=Count("id"), closed=Count("id", filter=f["closed"]),
        pending=Count("id", filter=f["pending"]),
        overdue=Count("id", filter=f["overdue"]), due_soon=Count("id", filter=f["due_soon"]),
        extended=Count("id", filter=not_due_yet & Q(granted_deadline__isnull=False)),
        started=Count("id", filter=rest & Q(latest_report_status__in=status_rule.STARTED)),
        due=Count("id", filter=f["due"]), ontime=Count("id", filter=f["ontime"]),
        required=Count("id", filter=owes_current_report_q(today)), submitted=Count("id", filter=reported_q(today)),
        t_due=Count("id", filter=falls_due), t_ontime=Count("id", filter=falls_due & f["ontime"]),
        t_closed=Count("id", filter=closed_in))


def fact_table(tasks: QuerySet, *, now: dt.datetime, against: str = "granted", months: int = TREND_MONTHS,
               portable: bool = False, by_region: bool = False) -> Facts | dict[int, Facts]:
    """Every count the dashboard shows, from one scan of the tasks.

    On PostgreSQL one statement with GROUPING SETS ((unit), (plan), (deadline month, closing month)):
    a few thousand rows at province scale, where grouping by (unit, plan) and adding up in Python
    handled 9,000 rows and cost as much as the scan. Elsewhere (SQLite, the small embedded
    default, or with `portable`) the same aggregates grouped by (unit, plan), added up here, plus one
    query for the trend. With `by_region`, the same per region of the plan: {region id: Facts}."""
    today = local_date(now)
    first = month_starts(today, months)[0]
    counts = _fact_counts(today, first)
    base = with_facts(tasks, against).order_by()
    # the trend's month keys, only for the tasks it counts (the others share one NULL group)
    falls_due, closed_in = _trend_window(today, first)
    base = base.annotate(dm=Case(When(falls_due, then=MonthStart("eff_deadline"))),
                         cm=Case(When(closed_in, then=MonthStart("closed_on"))))
    if by_region:
        base = base.annotate(rg=F("plan__region_id"))
    if connection.vendor == "postgresql" and not portable:
        return _grouping_sets(base, counts, by_region)
    return _portable(base, counts, falls_due | closed_in, by_region)


def _trend_window(today: dt.date, first_month: dt.date) -> tuple[Q, Q]:
    """Tasks falling due from `first_month` to today; tasks closed since `first_month`."""
    return Q(eff_deadline__gte=first_month, eff_deadline__lte=today), Q(closed_on__gte=first_month)


def _portable(base: QuerySet, counts: dict, in_trend: Q, by_region: bool = False) -> Facts | dict[int, Facts]:
    keys = ("rg",) if by_region else ()
    rows = [_complete(r) for r in base.values(*keys, "unit_id", "plan_id").annotate(
        **{k: v for k, v in counts.items() if k in SQL_KEYS})]
    month_rows = list(base.filter(in_trend).values(*keys, "dm", "cm").annotate(**{k: counts[k] for k in MONTH_KEYS}))
    if not by_region:
        return _facts_of(rows, month_rows)
    out: dict[int, Facts] = {}
    for region in {r["rg"] for r in rows}:
        out[region] = _facts_of([r for r in rows if r["rg"] == region], [m for m in month_rows if m["rg"] == region])
    return out


def _facts_of(rows: list[dict], month_rows: list[dict]) -> Facts:
    plans = _sum(rows, "plan_id")
    return Facts(total=_sum(plans.values()), units=_sum(rows, "unit_id"), plans=plans, months=month_rows)


def _grouping_sets(base: QuerySet, counts: dict, by_region: bool = False) -> Facts | dict[int, Facts]:
    keys = ("rg",) if by_region else ()
    qs = base.values(*keys, "unit_id", "plan_id", "dm", "cm").annotate(**counts)
    try:
        sql, params = qs.query.sql_with_params()
    except EmptyResultSet:  # Task.objects.none(): the page shows "筛选条件有误" and zeros, not a 500
        return {} if by_region else Facts(total=_sum([]), units={}, plans={}, months=[])
    head, sep, tail = sql.rpartition(" GROUP BY ")
    # the select columns are in the order given to values(): (rg,) unit_id, plan_id, dm, cm
    sets = "((1, 2), (1, 3), (1, 4, 5))" if by_region else "((1), (2), (3, 4))"
    # Django groups by select positions on PostgreSQL (in an order of its own)
    if not sep or {p.strip() for p in tail.split(",")} != {str(i + 1) for i in range(len(keys) + 4)}:
        raise RuntimeError(f"unexpected GROUP BY in the dashboard's fact table: {tail!r}")
    with connection.cursor() as cursor:
        cursor.execute(f"{head} GROUP BY GROUPING SETS {sets}", params)
        names = [c.name for c in cursor.description]
        rows = cursor.fetchall()
    # thousands of rows at province scale: read them as tuples, one dict per unit / plan
    pos = {n: i for i, n in enumerate(names)}
    unit_at, plan_at, facts_at = pos["unit_id"], pos["plan_id"], itemgetter(*(pos[k] for k in SQL_KEYS))
    region_at = pos.get("rg")
    out: dict = {}
    for r in rows:
        f = out.get(r[region_at] if by_region else None)
        if f is None:
            f = out[r[region_at] if by_region else None] = Facts(total={}, units={}, plans={}, months=[])
        if r[unit_at] is not None:
            f.units[r[unit_at]] = _complete(dict(zip(SQL_KEYS, facts_at(r))))
        elif r[plan_at] is not None:
            f.plans[r[plan_at]] = _complete(dict(zip(SQL_KEYS, facts_at(r))))
        else:
            f.months.append(dict(zip(names, r)))
    for f in out.values():
        f.total = _sum(f.plans.values())
    if by_region:
        return out
    return out.get(None) or Facts(total=_sum([]), units={}, plans={}, months=[])


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


def summary(tasks: QuerySet, *, today: dt.date, against: str = "granted") -> dict:
    now = dt.datetime.combine(today, dt.time(12), tzinfo=SHANGHAI)
    return _summary_from(fact_table(tasks, now=now, against=against).total)


def _unit_rows(units: dict[int, dict]) -> list[dict]:
    out = []
    for unit_id, g in units.items():
        g = {**g, "unit_id": unit_id, "ontime_rate": _pct(g["ontime"], g["due"])}
        out.append(g)
    return out


def _name_units(rows: list[dict]) -> list[dict]:
    names = {u["id"]: u for u in Unit.objects.filter(id__in=[r["unit_id"] for r in rows])
             .values("id", "name", "region__name")}
    for r in rows:
        r["unit__name"] = names[r["unit_id"]]["name"]
        r["unit__region__name"] = names[r["unit_id"]]["region__name"]
    return rows


def by_unit_from(units: dict[int, dict], *, limit: int = TOP_UNITS) -> list[dict]:
    """Units ranked by overdue, then due-soon tasks (only units with any)."""
    ranked = heapq.nsmallest(limit, ((-g["overdue"], -g["due_soon"], unit_id) for unit_id, g in units.items()
                                     if g["overdue"] or g["due_soon"]))
    top = _name_units(_unit_rows({unit_id: units[unit_id] for *_, unit_id in ranked}))
    top.sort(key=lambda u: (-u["overdue"], -u["due_soon"], u["unit__name"]))
    return top


def ontime_by_unit(tasks: QuerySet, *, today: dt.date, against: str = "granted") -> list[dict]:
    """Every unit's on-time rate (the 通报 table), worst first."""
    now = dt.datetime.combine(today, dt.time(12), tzinfo=SHANGHAI)
    units = _name_units(_unit_rows(fact_table(tasks, now=now, against=against).units))
    units.sort(key=lambda r: (r["ontime_rate"] if r["ontime_rate"] is not None else 101, -r["overdue"],
                              r["unit__region__name"], r["unit__name"]))
    return units


def by_plan_from(plans_facts: dict[int, dict], *, limit: int = TOP_PLANS) -> tuple[list[dict], int]:
    plans = []
    for plan_id, g in plans_facts.items():
        g = {**g, "measure__plan_id": plan_id}
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
    per_measure = (with_facts(tasks.filter(plan_id=plan_id)).order_by().values("measure__path")
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
    """Targets by their latest reading (stored on the target): met, unmet, none."""
    targets = with_latest_met(Target.objects.filter(measure_id__in=tasks.live().order_by().values("measure_id")))
    counts = dict(targets.order_by().values_list("latest_met").annotate(n=Count("id")).values_list("latest_met", "n"))
    return _attainment_from(counts)


def _attainment_from(counts: dict) -> dict:
    """{True: met, False: unmet, None: no reading} → the figures the page shows."""
    s = {"met": counts.get(True, 0), "unmet": counts.get(False, 0)}
    s["read"] = s["met"] + s["unmet"]
    s["total"] = s["read"] + counts.get(None, 0)
    s["none"] = s["total"] - s["read"]
    s["rate"] = _pct(s["met"], s["read"])
    return s


def unmet_targets(tasks: QuerySet, *, limit: int = 50) -> list:
    targets = Target.objects.filter(measure_id__in=tasks.live().order_by().values("measure_id"))
    return list(targets.filter(latest_value__isnull=False).exclude(met_q())
                .select_related("measure", "measure__plan").order_by("measure__plan_id", "measure__order", "order")
                [:limit])


def trend_from(months_rows: list[dict], *, today: dt.date, months: int = TREND_MONTHS) -> list[dict]:
    """Per month: tasks falling due (by today), of which closed on time; tasks closed in the month.
    From fact_table's rows grouped by (deadline month, closing month)."""
    out = {m: {"month": m, "due": 0, "ontime": 0, "closed": 0} for m in month_starts(today, months)}
    for r in months_rows:
        if r["dm"] is not None and _month(r["dm"]) in out:
            out[_month(r["dm"])]["due"] += r["t_due"]
            out[_month(r["dm"])]["ontime"] += r["t_ontime"]
        if r["cm"] is not None and _month(r["cm"]) in out:
            out[_month(r["cm"])]["closed"] += r["t_closed"]
    for m in out.values():
        m["ontime_rate"] = _pct(m["ontime"], m["due"])
    return list(out.values())


def trend(tasks: QuerySet, *, today: dt.date, months: int = TREND_MONTHS, against: str = "granted") -> list[dict]:
    now = dt.datetime.combine(today, dt.time(12), tzinfo=SHANGHAI)
    return trend_from(fact_table(tasks, now=now, against=against, months=months).months, today=today, months=months)


def _month(value) -> dt.date:
    if isinstance(value, dt.datetime):
        value = value.astimezone(SHANGHAI).date() if value.tzinfo else value.date()
    return value.replace(day=1)


def reporting_period(today: dt.date) -> dict:
    start = period_start(today)
    return {"period": start, "due": period_due(start), "late": today > period_due(start)}


class _Inline:
    def __init__(self, fn, args):
        self.fn, self.args = fn, args

    def result(self):
        return self.fn(*self.args)


def _on_own_connection(fn, *args):
    try:
        return fn(*args)
    finally:
        connections.close_all()  # this thread's connections only


def aside(fn, *args):
    """Start fn(*args) on a second database connection while the caller runs its own queries;
    .result() waits for it. Only on PostgreSQL outside a transaction (another connection cannot
    see a transaction's uncommitted rows; SQLite serialises anyway) and with DASHBOARD_PARALLEL on;
    otherwise fn runs inline when .result() is called."""
    if (connection.vendor != "postgresql" or connection.in_atomic_block
            or not getattr(settings, "DASHBOARD_PARALLEL", True)):
        return _Inline(fn, args)
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="dashboard")
    try:
        return pool.submit(_on_own_connection, fn, *args)
    finally:
        pool.shutdown(wait=False)


# --- Per-region figures, cached under the region's stamp ------------------------------------------
# The province view is the sum of its regions. Each region's Facts and target counts are cached
# under (region, RegionFactsStamp.version, day, against); the stamp is bumped by database triggers in
# the same transaction as any change to the region's tasks, targets or plans (supervision 0004), so
# after a change only that region is recomputed, and nothing stale is ever served. The stamp is
# read before the figures: what is stored under version v is at least as new as v (a change
# committing in between moves the stamp on, and v's entry is never read again).

REGION_PARAMS = frozenset({"region", "against"})


def decomposable_regions(user, params: dict) -> list[int] | None:
    """The regions whose sum is the user's dashboard for these filters, or None when another filter
    (plan, unit, status, deadline …) is set and the figures must be computed from the tasks."""
    from plans.models import Region
    from plans.querysets import scope_of

    from tasks.querysets import ONTIME_AGAINST

    if set(params) - REGION_PARAMS or params.get("against", "granted") not in ONTIME_AGAINST:
        return None
    scope = scope_of(user)
    if scope.is_admin:
        allowed = set(Region.objects.values_list("id", flat=True))
    elif scope.is_supervisor:
        allowed = set(scope.region_ids)
    else:
        return None
    region = str(params.get("region") or "")
    if region:
        return [int(region)] if region.isdigit() and int(region) in allowed else None
    return sorted(allowed)


def _region_key(region_id: int, version: int, today: dt.date, against: str) -> str:
    # the due-soon horizon too: a changed SUPERVISION_DUE_SOON_WORKDAYS must not read old figures
    return f"dashboard:region:v1:{region_id}:{version}:{today:%Y%m%d}:{status_rule.horizon(today):%Y%m%d}:{against}"


def region_figures(region_ids: list[int], *, now: dt.datetime, against: str = "granted") -> dict[int, tuple]:
    """{region: (Facts, target counts)}, from the cache where the region's stamp has not moved and
    from one grouped scan of the other regions' tasks (one more for their targets)."""
    from django.core.cache import cache

    from supervision.models import RegionFactsStamp
    from tasks.models import Task

    today = local_date(now)
    versions = dict(RegionFactsStamp.objects.filter(region_id__in=region_ids).values_list("region_id", "version"))
    keys = {r: _region_key(r, versions.get(r, 0), today, against) for r in region_ids}
    cached = cache.get_many(list(keys.values()))
    out = {r: cached[k] for r, k in keys.items() if k in cached}
    missing = [r for r in region_ids if r not in out]
    if missing:
        tasks = Task.objects.filter(plan__region_id__in=missing).live()  # withdrawn tasks: in no figure
        facts_by_region = fact_table(tasks, now=now, against=against, by_region=True)
        targets = with_latest_met(Target.objects.filter(measure_id__in=tasks.order_by().values("measure_id")))
        target_counts: dict[int, dict] = {}
        for region, met, n in (targets.order_by().values_list("measure__plan__region_id", "latest_met")
                               .annotate(n=Count("id")).values_list("measure__plan__region_id", "latest_met", "n")):
            target_counts.setdefault(region, {})[met] = n
        fresh = {r: (_slim(facts_by_region.get(r) or Facts(total=_sum([]), units={}, plans={}, months=[])),
                     target_counts.get(r, {})) for r in missing}
        ttl = getattr(settings, "DASHBOARD_REGION_CACHE_SECONDS", 26 * 3600)
        cache.set_many({keys[r]: v for r, v in fresh.items()}, ttl)
        out.update(fresh)
    return out


def _slim(f: Facts) -> Facts:
    """The Facts as cached: the trend's rows with only what trend_from reads (a third of the pickle
    read back for each of a province's regions on every cold page)."""
    f.months = [{"dm": m["dm"], "cm": m["cm"], **{k: m[k] for k in MONTH_KEYS}} for m in f.months
                if any(m[k] for k in MONTH_KEYS)]
    return f


def merge_facts(parts: list[Facts]) -> Facts:
    """The sum of several regions' Facts (a unit with tasks in several regions adds up)."""
    units: dict[int, dict] = {}
    plans: dict[int, dict] = {}
    # the trend's rows summed per (deadline month, closing month): a province is 100 regions of ~190
    # such rows each, and trend_from walking 19,000 rows cost half of a cold page
    months: dict[tuple, dict] = {}
    for p in parts:
        for into, rows in ((units, p.units), (plans, p.plans)):
            for key, g in rows.items():
                have = into.get(key)
                if have is None:
                    into[key] = dict(g)
                else:
                    for k in FACT_KEYS:
                        have[k] += g[k]
        for m in p.months:
            have = months.get((m["dm"], m["cm"]))
            if have is None:
                months[m["dm"], m["cm"]] = {"dm": m["dm"], "cm": m["cm"], **{k: m[k] for k in MONTH_KEYS}}
            else:
                for k in MONTH_KEYS:
                    have[k] += m[k]
    return Facts(total=_sum([p.total for p in parts]), units=units, plans=plans, months=list(months.values()))


def merged_region_figures(region_ids: list[int], *, now: dt.datetime, against: str = "granted") -> tuple[Facts, dict]:
    """(Facts, target attainment) of the regions together."""
    parts = region_figures(region_ids, now=now, against=against)
    counts: dict = {}
    for _, c in parts.values():
        for met, n in c.items():
            counts[met] = counts.get(met, 0) + n
    return merge_facts([f for f, _ in parts.values()]), _attainment_from(counts)


def build(tasks: QuerySet, *, now: dt.datetime, plan_id: int | None = None, against: str = "granted",
          regions: list[int] | None = None) -> Dashboard:
    """All figures for the dashboard page: a fixed number of queries whatever the data size.
    With `regions` (decomposable_regions: no filter but the region) the figures are the sum of the
    regions' cached ones; otherwise target attainment, the second-largest query, runs beside the
    fact table (see `aside`)."""
    today = local_date(now)
    d = Dashboard(today=today)
    if regions is not None and not plan_id:
        f, attainment = merged_region_figures(regions, now=now, against=against)
        targets = _Inline(lambda: attainment, ())
    else:
        targets = aside(target_attainment, tasks)
        f = fact_table(tasks, now=now, against=against)
    d.by_status = _status_from(f.total)
    d.summary = _summary_from(f.total)
    d.total = d.summary["total"]
    d.units = by_unit_from(f.units)
    d.plans, d.plans_total = by_plan_from(f.plans)
    if plan_id:
        d.sections = by_section(tasks, plan_id=plan_id, today=today)
    d.targets = targets.result()
    d.reporting = reporting_period(today)
    d.trend = trend_from(f.months, today=today)
    return d
