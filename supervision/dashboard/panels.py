"""Dashboard panels of issue 14, beside the main figures: the national indicators, the quality
flags of progress text per unit, and the dropped commitments of the plans in view.

Each panel starts from the same filtered, visible tasks as the rest of the dashboard (the one
TaskFilterSet over `Task.objects.visible_to(user)`), so its figures drill into the same lists. The
queries are a fixed number per panel whatever the data size (the dropped commitments: one per
current plan, at most MAX_DROPPED_PLANS)."""
from __future__ import annotations

import datetime as dt

from django.db.models import Count, QuerySet

from indicators.models import Target
from indicators.querysets import with_latest_met
from plans.choices import NationalIndicator, PlanStatus
from plans.models import Measure, Plan
from publishing.carryover import dropped_commitments
from tasks.models import ProgressReport
from tasks.quality import flagged_by_unit

from .querysets import _attainment_from, _pct, facts, with_facts

UNLABELLED = "未标注"
MAX_DROPPED_PLANS = 30
MAX_FLAG_UNITS = 15


def indicator_figures(tasks: QuerySet, *, today: dt.date, against: str = "granted") -> dict:
    """Per national indicator (a measure's primary one): measures, tasks, 按期完成率 (the dashboard's
    rule: with_facts + ontime) and 达标率 of the measures' targets (the 指标达标率 rule); and the
    indicators none of the measures names, neither as primary nor as secondary.

    {"rows": [{"indicator", "measures", "tasks", "due", "ontime", "ontime_rate", "targets": {met,
    unmet, read, none, total, rate}}], "uncovered": [names], "covered": n}"""
    f = facts(today)
    base = with_facts(tasks, against).order_by()
    rows = {r["measure__indicator_primary"] or UNLABELLED: r for r in
            base.values("measure__indicator_primary").annotate(
                measures=Count("measure_id", distinct=True), tasks=Count("pk"),
                due=Count("pk", filter=f["due"]), ontime=Count("pk", filter=f["ontime"]))}

    measure_ids = tasks.live().order_by().values("measure_id")
    counts: dict[str, dict] = {}
    for ind, met, n in (with_latest_met(Target.objects.filter(measure_id__in=measure_ids)).order_by()
                        .values_list("measure__indicator_primary", "latest_met").annotate(n=Count("id"))):
        counts.setdefault(ind or UNLABELLED, {})[met] = n
    named: set[str] = set()
    for primary, secondary in (Measure.objects.filter(id__in=measure_ids).order_by()
                               .values_list("indicator_primary", "indicator_secondary").distinct()):
        named.add(primary)
        named.update(secondary or [])
    order = {v: i for i, v in enumerate(NationalIndicator.values + [UNLABELLED])}
    out = []
    for ind in sorted(rows, key=lambda k: order.get(k, 99)):
        r = rows[ind]
        out.append({"indicator": ind, "measures": r["measures"], "tasks": r["tasks"], "due": r["due"],
                    "ontime": r["ontime"], "ontime_rate": _pct(r["ontime"], r["due"]),
                    "targets": _attainment_from(counts.get(ind, {}))})
    national = [v for v in NationalIndicator.values if v != NationalIndicator.OTHER]
    uncovered = [v for v in national if v not in named]
    return {"rows": out, "uncovered": uncovered, "covered": len(national) - len(uncovered)}


def quality_by_unit(tasks: QuerySet, *, limit: int = MAX_FLAG_UNITS) -> list[dict]:
    """Reports (newest version of each period) with a gentle note, per unit, over the filtered tasks."""
    reports = ProgressReport.objects.filter(task__in=tasks.live().order_by().values("pk")).latest_versions()
    return flagged_by_unit(reports)[:limit]


def dropped_by_plan(user, params: dict, *, limit: int = MAX_DROPPED_PLANS) -> list[dict]:
    """For each region in view, its newest published plan with earlier plans to continue: how many
    earlier measures with unfinished tasks none of its measures continues (publishing.carryover).
    Follows the region and plan filters; the measures counted are those the user may see. One
    query for the plans, then one count per plan."""
    plans = Plan.objects.visible_to(user).filter(status=PlanStatus.PUBLISHED)
    if str(params.get("region", "")).isdigit():
        plans = plans.filter(region_id=params["region"])
    if str(params.get("plan", "")).isdigit():
        plans = plans.filter(pk=params["plan"])
    newest: dict[int, Plan] = {}
    for p in plans.select_related("region").order_by("region_id", "-year", "-id"):
        newest.setdefault(p.region_id, p)
    if not newest:
        return []
    # earlier plans may sit in the region or its parent (publishing.carryover's scope), whoever sees them
    parents = {p.region_id: p.region.parent_id for p in newest.values()}
    scope = set(parents) | {r for r in parents.values() if r}
    first_year: dict[int, int] = {}
    for region_id, year in (Plan.objects.exclude(status=PlanStatus.ARCHIVED).filter(region_id__in=scope)
                            .values_list("region_id", "year")):
        first_year[region_id] = min(year, first_year.get(region_id, year))
    visible = Measure.objects.visible_to(user).values("pk")
    out = []
    for p in list(newest.values())[:limit]:
        if not any(first_year.get(r, p.year) < p.year for r in (p.region_id, parents[p.region_id]) if r):
            continue  # a first plan drops nothing
        out.append({"plan": p, "n": dropped_commitments(p).filter(pk__in=visible).count()})
    return out


def panel_figures(user, tasks: QuerySet, params: dict, *, today: dt.date, against: str = "granted") -> dict:
    """The figures the dashboard's panel includes read (the view adds the links and caches them)."""
    dropped = dropped_by_plan(user, params)
    return {"indicator_panel": indicator_figures(tasks, today=today, against=against),
            "quality_panel": quality_by_unit(tasks),
            "dropped_panel": dropped, "dropped_total": sum(d["n"] for d in dropped)}
