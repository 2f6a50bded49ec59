"""Supervisor pages: the dashboard, the task list every figure drills into, and search.

Supervisors and admins only (others get 404, as for any object they may not see). Every page starts
from `Task.objects.visible_to(user)` and the one TaskFilterSet, so the figures, the lists, the API
and the exports agree.
"""
from __future__ import annotations

import hashlib
import json
import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from audit.models import changes
from config.pagination import CappedPaginator
from plans.models import Measure, Plan, Region, Unit
from plans.querysets import scope_of
from plans.rules import supervises
from plans.search import search_measures, search_reports, search_units
from tasks.choices import Light, TaskStatus
from tasks.filtersets import TaskFilterSet
from tasks.models import ProgressReport, Task, data_stamp
from tasks import status as status_rule
from tasks.querysets import ontime_against
from tasks.workdays import local_date

from . import querysets as agg
from .panels import panel_figures

# Every filter of the one TaskFilterSet: the pages, their links and the exports carry all of them.
FILTER_KEYS = tuple(TaskFilterSet.base_filters)
PAGE_SIZE = 50
MAX_PLAN_OPTIONS = 60
SORTS = {
    # the effective deadline (extensions included), on the (eff_deadline, id) index: a page of a
    # province's overdue tasks reads its rows in order instead of sorting all 19,000
    "deadline": ("eff_deadline", "id"), "-deadline": ("-eff_deadline", "-id"),
    "unit": ("unit__name", "id"), "-unit": ("-unit__name", "-id"),
    "plan": ("measure__plan__title", "measure__order", "id"), "-plan": ("-measure__plan__title", "-measure__order", "-id"),
    "measure": ("measure__plan_id", "measure__order", "id"), "-measure": ("-measure__plan_id", "-measure__order", "-id"),
    "status": ("status_db", "deadline", "id"), "-status": ("-status_db", "deadline", "id"),
}
LIGHT_LABEL = dict(Light.choices)
STATUS_LABEL = dict(TaskStatus.choices)


def supervisor_required(request):
    if not supervises(request.user):
        raise Http404
    return scope_of(request.user)


def filter_params(request, refused=frozenset()) -> dict:
    """The non-empty filter values of the request (for links and exports): `status=` from 状态 left at
    全部 is no filter (TaskFilterSet drops blanks the same way); keys in `refused` are left out."""
    params = {}
    for k in FILTER_KEYS:
        values = [v for v in request.GET.getlist(k) if v.strip()]
        if values and k not in refused:
            params[k] = values if k == "status" else values[0]
    return params


def filtered_tasks(request) -> tuple[TaskFilterSet, dict]:
    """The filterset over the user's visible tasks and the cleaned filter values (for links)."""
    fs = TaskFilterSet(request.GET or None, queryset=Task.objects.visible_to(request.user))
    # Only values the filterset accepted go on into links, option lists and plan lookups: a
    # refused one (an id past the database's integer range) is shown as a form error, not used.
    refused = set(fs.errors) if fs.is_bound else set()
    return fs, filter_params(request, refused=refused)


def link(name: str, params: dict, **overrides) -> str:
    """A URL with the current filters and the given ones (None removes a filter)."""
    p = dict(params)
    for k, v in overrides.items():
        if v is None:
            p.pop(k, None)
        else:
            p[k] = v
    return reverse(name) + ("?" + urlencode(p, doseq=True) if p else "")


def filter_choices(request, params: dict) -> dict:
    """Options for the shared filter bar; unit options only within a chosen region (a province
    has thousands of units)."""
    scope = scope_of(request.user)
    regions = Region.objects.all() if scope.is_admin else Region.objects.filter(id__in=scope.region_ids)
    plans = Plan.objects.visible_to(request.user).only("id", "title", "region_id")
    units = Unit.objects.none()
    region = params.get("region")
    if region and str(region).isdigit():
        plans = plans.filter(region_id=region)
        units = Unit.objects.visible_to(request.user).filter(region_id=region).only("id", "name")
    elif params.get("unit") and str(params["unit"]).isdigit():
        units = (Unit.objects.visible_to(request.user).filter(id=params["unit"]).select_related("region")
                 .only("id", "name", "region__name"))
    # A province has hundreds of plans: list them once a region is chosen (or when there are few).
    plan_list = list(plans.order_by("-year", "title")[:MAX_PLAN_OPTIONS + 1])
    too_many = len(plan_list) > MAX_PLAN_OPTIONS
    if too_many:
        plan_list = []
    chosen = str(params.get("plan", ""))
    if chosen.isdigit():  # always one query for the chosen plan, so the count does not depend on the data
        selected = list(Plan.objects.visible_to(request.user).filter(id=chosen).only("id", "title"))
        if not any(p.id == int(chosen) for p in plan_list):
            plan_list = selected + plan_list
    return {
        "regions": list(regions.only("id", "name").order_by("code")),
        "plans": plan_list,
        "plans_need_region": too_many,
        "units": list(units.order_by("name")),
        "statuses": TaskStatus.choices,
        "selected_status": params.get("status", []),
    }


def _invalid(fs: TaskFilterSet):
    if fs.is_bound and not fs.is_valid():
        return fs.errors
    return None


COMPUTE_WAIT_SECONDS = 10  # then compute anyway: the one computing may have died


def _figures_cache_keys(scope, params: dict, now) -> tuple[str, str]:
    """(the key of the figures of the data as it is now, the key of the newest figures of this view).

    Figures change when data changes (tasks.models.data_stamp) or the day turns."""
    view = [scope.role, sorted(scope.region_ids), scope.unit_id, params, str(timezone.localdate(now)),
            status_rule.due_soon_workdays()]
    digest = lambda parts: hashlib.sha1(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()  # noqa: E731
    return "dashboard:v2:" + digest([*view, *data_stamp()]), "dashboard:newest:" + digest(view)


def cached_figures(request, params: dict, now, compute, *, part: str = ""):
    """compute(), cached for DASHBOARD_CACHE_SECONDS (default 300) under the state of the data (see
    _figures_cache_keys) as a safety net for writes that bypass services (bulk loads). Returns
    (figures, when they were computed, whether they are older than the data).

    While reports pour in (month-end), the data changes between any two looks at the dashboard. The
    figures are then recomputed at most every DASHBOARD_MIN_REFRESH_SECONDS (default 30, 0: always):
    within that time the newest figures of the same view are shown with the time they were computed
    (the page says so), unless the reader has changed something since: their own action always shows."""
    ttl = getattr(settings, "DASHBOARD_CACHE_SECONDS", 300)
    key, newest_key = (k + part for k in _figures_cache_keys(scope_of(request.user), params, now))
    hit = cache.get(key)
    if hit is not None:
        return (*hit, False)
    refresh = getattr(settings, "DASHBOARD_MIN_REFRESH_SECONDS", 30)
    newest = cache.get(newest_key) if refresh else None
    # (the reader's own action since the newest figures: then only figures computed after it will do)
    showable = newest is not None and not changes().filter(actor=request.user, at__gte=newest[1]).exists()
    if showable and (now - newest[1]).total_seconds() < refresh:
        return (*newest, True)
    # One request computes a view's figures. The others asking meanwhile (ten supervisors opening the
    # dashboard at nine) are shown the newest figures of the view while there are any, with the time
    # they were computed; otherwise they wait for its result instead of computing them ten times.
    computing = key + ":computing"
    if not cache.add(computing, 1, COMPUTE_WAIT_SECONDS * 2):
        if showable:
            return (*newest, True)
        deadline = time.monotonic() + COMPUTE_WAIT_SECONDS
        while time.monotonic() < deadline:
            time.sleep(0.05)
            hit = cache.get(key)
            if hit is not None:
                return (*hit, False)
    try:
        value = (compute(), now)
        cache.set_many({key: value, newest_key: value}, ttl)
    finally:
        cache.delete(computing)
    return (*value, False)


def dashboard_figures(request, tasks, params: dict, *, now, plan_id):
    against = ontime_against(params.get("against"))
    if not getattr(settings, "DASHBOARD_CACHE_SECONDS", 300):
        d = agg.build(tasks, now=now, plan_id=plan_id, against=against)
        d.computed_at = now
        return d
    # Only the region filter set: the sum of per-region figures, each recomputed only after a change
    # in its region (agg.region_figures).
    regions = agg.decomposable_regions(request.user, params)
    d, computed_at, held = cached_figures(
        request, params, now, lambda: agg.build(tasks, now=now, plan_id=plan_id, against=against, regions=regions))
    d.computed_at = computed_at
    d.refresh_seconds = getattr(settings, "DASHBOARD_MIN_REFRESH_SECONDS", 30) if held else None
    return d


@login_required
def dashboard(request):
    supervisor_required(request)
    now = timezone.now()
    fs, params = filtered_tasks(request)
    errors = _invalid(fs)
    tasks = fs.qs if not errors else Task.objects.none()
    plan_id = int(params["plan"]) if str(params.get("plan", "")).isdigit() else None
    if errors:  # refused filter: zeros, never cached (the key holds only the accepted values)
        d = agg.build(tasks, now=now, plan_id=plan_id, against=ontime_against(params.get("against")))
        d.computed_at = now
    else:
        d = dashboard_figures(request, tasks, params, now=now, plan_id=plan_id)
    if plan_id:
        plan = Plan.objects.filter(pk=plan_id).only("report_day", "report_cycle").first()
        if plan:
            from tasks.periods import period_due, period_start
            start = period_start(d.today, plan.report_cycle)
            due = period_due(start, plan.report_cycle, plan.report_day)
            d.reporting = {"period": start, "due": due, "late": d.today > due}
    L = lambda **o: link("dashboard:tasks", params, **o)  # noqa: E731
    statuses = [{"key": k, "label": label, "n": d.by_status.get(k, 0), "url": L(status=[k])}
                for k, label in TaskStatus.choices if k != TaskStatus.WITHDRAWN]  # 已撤销: in no figure
    for u in d.units:
        u["overdue_url"] = L(unit=u["unit_id"], status=["overdue"])
        u["due_soon_url"] = L(unit=u["unit_id"], status=["due_soon"])
        u["url"] = L(unit=u["unit_id"], status=None)
    for p in d.plans:
        p["url"] = link("dashboard:index", params, plan=p["measure__plan_id"])
        p["tasks_url"] = L(plan=p["measure__plan_id"])
        p["overdue_url"] = L(plan=p["measure__plan_id"], status=["overdue"])
    charts = {
        "status": [{"name": s["label"], "value": s["n"], "url": s["url"], "key": s["key"]} for s in statuses],
        "units": [{"name": u["unit__name"] + (f"（{u['unit__region__name']}）" if not params.get("region") else ""),
                   "overdue": u["overdue"], "due_soon": u["due_soon"], "overdue_url": u["overdue_url"],
                   "due_soon_url": u["due_soon_url"]} for u in d.units],
        "plans": [{"name": p["measure__plan__title"][:24], "close_rate": p["close_rate"] or 0,
                   "overdue": p["overdue"], "url": p["tasks_url"]} for p in d.plans[:15]],
        "trend": [{"month": t["month"].strftime("%Y-%m"), "due": t["due"], "ontime": t["ontime"],
                   "closed": t["closed"], "rate": t["ontime_rate"]} for t in d.trend],
    }
    ctx = {
        "d": d, "fs": fs, "errors": errors, "params": params, "status_rows": statuses, "charts": charts,
        "plans_chart_height": 40 + 26 * max(1, len(charts["plans"])),
        "due_soon_workdays": status_rule.due_soon_workdays(),
        "links": {
            "all": L(), "overdue": L(status=["overdue"]), "due_soon": L(status=["due_soon"]),
            "closed": L(status=["closed"]), "ontime": L(ontime="yes"), "late": L(ontime="no"),
            "reported": L(reported="yes"), "unreported": L(reported="no"),
            "target_met": L(target="met"), "target_read": L(target="read"), "target_unmet": L(target="unmet"), "target_none": L(target="none"),
            "ledger": link("dashboard:ledger", params), "bulletin": link("dashboard:bulletin", params),
        },
        **filter_choices(request, params),
    }
    # issue 14's panels (indicators, quality flags, dropped commitments) cost more than the figures
    # above: the page loads them after it is shown, from dashboard_panels, with the same filters
    ctx["panels_url"] = reverse("dashboard:panels") + (f"?{request.GET.urlencode()}" if request.GET else "")
    return render(request, "dashboard/index.html", ctx)


@login_required
def dashboard_panels(request):
    """The dashboard's panels for the same filters: the fragment the dashboard page fetches
    (static/js/dashboard_panels.js), or a page of its own when opened without script. Cached like
    the main figures (the same key and lifetime); a refused filter is never cached."""
    supervisor_required(request)
    now = timezone.now()
    fs, params = filtered_tasks(request)
    errors = _invalid(fs)
    figures = lambda tasks: panel_figures(request.user, tasks, params, today=local_date(now),  # noqa: E731
                                          against=ontime_against(params.get("against")))
    ttl = getattr(settings, "DASHBOARD_CACHE_SECONDS", 300)
    if errors:
        ctx = figures(Task.objects.none())
    elif not ttl:
        ctx = figures(fs.qs)
    else:
        ctx, _, _ = cached_figures(request, params, now, lambda: figures(fs.qs), part=":panels")
    for u in ctx["quality_panel"]:
        u["url"] = link("dashboard:tasks", params, unit=u["unit_id"], quality="flagged", status=None)
    for d in ctx["dropped_panel"]:
        d["url"] = reverse("publishing:dropped", args=[d["plan"].pk])
    ctx.update(params=params, errors=errors, quality_all_url=link("dashboard:tasks", params, quality="flagged"))
    fragment = request.headers.get("X-Requested-With") == "XMLHttpRequest"
    return render(request, "dashboard/_panels.html" if fragment else "dashboard/panels.html", ctx)


@login_required
def task_list(request):
    supervisor_required(request)
    now = timezone.now()
    fs, params = filtered_tasks(request)
    errors = _invalid(fs)
    qs = fs.qs if not errors else Task.objects.none()
    if "status_db" not in qs.query.annotations:
        qs = qs.with_status(now=now)
    sort = request.GET.get("sort", "deadline")
    qs = qs.select_related("measure", "measure__plan", "measure__plan__region", "unit", "unit__region").order_by(
        *SORTS.get(sort, SORTS["deadline"]))
    # a capped count: a province's overdue tasks are not counted to the last one for a page of 50
    page = CappedPaginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    for t in rows:
        t.status_label = STATUS_LABEL.get(t.status_db, t.status_db)
        t.light_label = LIGHT_LABEL.get(t.light_db, "")
    if params.get("target"):
        _attach_targets(rows)
    sort_links = {}
    for key in ("deadline", "unit", "plan", "measure", "status"):
        nxt = "-" + key if sort == key else key
        sort_links[key] = link("dashboard:tasks", {**params, "sort": nxt})
    page_params = {**params, "sort": sort}
    ctx = {
        "page": page, "rows": rows, "fs": fs, "errors": errors, "params": params, "sort": sort,
        "sort_links": sort_links,
        "prev_url": link("dashboard:tasks", page_params, page=page.previous_page_number()) if page.has_previous() else "",
        "next_url": link("dashboard:tasks", page_params, page=page.next_page_number()) if page.has_next() else "",
        "dashboard_url": link("dashboard:index", params),
        "ledger_url": link("dashboard:ledger", params),
        **filter_choices(request, params),
    }
    return render(request, "dashboard/tasks.html", ctx)


def _attach_targets(rows) -> None:
    """Under a 指标 filter each row shows its measure's targets with the latest reading: the
    targets behind the 指标达标率 figure (one query for the page)."""
    from indicators.querysets import with_latest_met
    from indicators.models import Target

    by_measure: dict[int, list] = {}
    for x in with_latest_met(Target.objects.filter(measure_id__in={t.measure_id for t in rows})).order_by("order", "id"):
        x.is_met = x.latest_met
        by_measure.setdefault(x.measure_id, []).append(x)
    for t in rows:
        t.target_rows = by_measure.get(t.measure_id, [])


SEARCH_MEASURES = 30
SEARCH_REPORTS = 10


@login_required
def search(request):
    """One search box over measures, units and progress reports, scoped to what the user may see.
    Measures and reports are paged together (page N shows the N-th 30 measures and 10 reports)."""
    q = request.GET.get("q", "").strip()[:100]
    try:
        page = max(1, min(int(request.GET.get("page", 1)), 100))
    except ValueError:
        page = 1
    ctx = {"q": q, "measures": [], "units": [], "reports": [], "page": page, "next_url": "", "prev_url": ""}
    if q:
        measures = search_measures(Measure.objects.visible_to(request.user), q, limit=SEARCH_MEASURES + 1,
                                   offset=(page - 1) * SEARCH_MEASURES)
        reports = search_reports(ProgressReport.objects.visible_to(request.user), q, limit=SEARCH_REPORTS + 1,
                                 offset=(page - 1) * SEARCH_REPORTS)
        ctx["measures"], ctx["reports"] = measures[:SEARCH_MEASURES], reports[:SEARCH_REPORTS]
        ctx["units"] = search_units(Unit.objects.visible_to(request.user), q) if page == 1 else []
        if len(measures) > SEARCH_MEASURES or len(reports) > SEARCH_REPORTS:
            ctx["next_url"] = reverse("dashboard:search") + "?" + urlencode({"q": q, "page": page + 1})
        if page > 1:
            ctx["prev_url"] = reverse("dashboard:search") + "?" + urlencode({"q": q, "page": page - 1})
        ctx["first_measure"] = (page - 1) * SEARCH_MEASURES + 1
        ctx["last_measure"] = ctx["first_measure"] + len(ctx["measures"]) - 1
    return render(request, "dashboard/search.html", ctx)
