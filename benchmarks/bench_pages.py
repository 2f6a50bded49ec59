#!/usr/bin/env python
"""Page benchmark for supervisors at province scale: p50/p95 over N requests with the Django test
client, each page compared with the single SQL aggregate behind it (ratio = page p50 / SQL p50).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/yingshang_bench \\
        python benchmarks/bench_pages.py                      # full: generate_scale_data (100 regions) if empty
    python benchmarks/bench_pages.py --smoke                  # 3 regions, 10 requests, quick
    python benchmarks/bench_pages.py --regions 20 --requests 50

Targets (full scale, PostgreSQL): dashboard p95 ≤ 300 ms, and ≤ 150 ms cold after a change in one
region (the per-region figures: only that region is recomputed); task list with filters p95 ≤ 200 ms,
search p95 ≤ 300 ms, 台账 export of 5,000 rows < 10 s. The dashboard with the cache emptied (every
region recomputed, as after a cache flush) is printed without a target.

It migrates the database named by DATABASE_URL (without it: SQLite var/bench.sqlite3, never the
development database) and fills it with `manage.py generate_scale_data` when it holds fewer regions
than asked for.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from _common import add_scale_arguments, pct, scale_data  # noqa: E402


def timed(fn, n: int) -> list[float]:
    out = []
    for _ in range(n):
        t0 = time.perf_counter()
        inner = fn()  # a float: fn timed its own part (the rest is preparation)
        out.append((inner if isinstance(inner, float) else time.perf_counter() - t0) * 1000)
    return out


def main() -> int:
    ap = argparse.ArgumentParser()
    add_scale_arguments(ap, what="small data, few requests")
    ap.add_argument("--jit-off", action="store_true",
                    help="PostgreSQL: SET jit=off for this run (JIT compiles each dashboard aggregate: ~40 ms)")
    args = ap.parse_args()
    if args.jit_off:
        os.environ["PGOPTIONS"] = (os.environ.get("PGOPTIONS", "") + " -c jit=off").strip()
    regions = args.regions or (3 if args.smoke else 100)
    n = args.requests or (10 if args.smoke else 50)
    scale_data(regions=regions, clerks=5 if args.smoke else 200, generate=not args.no_generate,
               need_users=("scale_supervisor",))
    from django.conf import settings

    # "cold after a change" measures the recompute, not the newest figures held for a few seconds
    settings.DASHBOARD_MIN_REFRESH_SECONDS = 0
    from django.db import connection
    from django.db.models import F
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from plans.models import Measure, Region, Unit
    from supervision.dashboard import querysets as agg
    from tasks.models import Task

    print(f"措施 {Measure.objects.count():,}，单位 {Unit.objects.count():,}")

    client = Client()
    from django.contrib.auth import get_user_model

    sup = get_user_model().objects.get(username="scale_supervisor")
    client.force_login(sup)
    region = Region.objects.filter(parent__code="S000000").order_by("code").first()
    unit = Unit.objects.filter(region=region).order_by("name").first()
    now = timezone.now()
    visible = Task.objects.visible_to(sup)

    def sql_total():
        return visible.count()

    def sql_dashboard():
        return agg.fact_table(visible.filter(plan__region=region.pk), now=now)

    def sql_list():
        return list(visible.filter(plan__region=region.pk, unit=unit.pk).with_status(now=now)
                    .filter(status_db__in=["overdue", "due_soon"]).order_by("deadline", "id")[:50])

    def sql_search():
        from plans.search import parse_query, filter_tsquery

        pq = parse_query("企业开办")
        if connection.vendor == "postgresql":
            with connection.cursor() as c:
                c.execute("SELECT count(*) FROM plans_measure WHERE search_tsv "
                          "@@ to_tsquery('simple'::regconfig, %s)", [filter_tsquery(pq)])
                return c.fetchone()
        return Measure.objects.filter(search_text__contains="企").count()

    from django.core.cache import cache

    def sql_fact_table():
        return agg.fact_table(visible, now=now)

    from plans.querysets import scope_of
    from supervision.dashboard.views import _figures_cache_keys

    regions_all = list(Region.objects.filter(parent__code="S000000").order_by("code").values_list("id", flat=True))
    one_task = dict(Task.objects.filter(plan__region_id__in=regions_all).order_by("plan__region_id", "id")
                    .distinct("plan__region_id").values_list("plan__region_id", "id")) \
        if connection.vendor == "postgresql" else \
        {r: Task.objects.filter(plan__region_id=r).values_list("id", flat=True).first() for r in regions_all}
    turn = iter(range(10 ** 9))

    def change_one_region():
        """What a filed report or a closed task does to the figures: one region's tasks change (its
        stamp moves, through the triggers) and the page's cached figures are stale. A no-op update
        of one task fires the same triggers without changing the data."""
        region = regions_all[next(turn) % len(regions_all)]
        Task.objects.filter(pk=one_task[region]).update(deadline=F("deadline"))
        cache.delete(_figures_cache_keys(scope_of(sup), {}, timezone.now())[0])

    pages = [
        ("督办看板（全省，缓存）", "/dashboard/", sql_fact_table, 300),
        # cold: the page's figures stale after a change in one region — the case after every write
        ("督办看板（全省，冷：一区变动）", "/dashboard/?changed=1", sql_fact_table, 150),
        # every region recomputed: after the cache is emptied (or the first request of a day)
        ("督办看板（全省，缓存全空）", "/dashboard/?cold=1", sql_fact_table, None),
        ("督办看板（按区域，冷）", f"/dashboard/?region={region.pk}&cold=1", sql_dashboard, 300),
        ("任务清单（区域+单位+状态）",
         f"/dashboard/tasks/?region={region.pk}&unit={unit.pk}&status=overdue&status=due_soon&sort=deadline",
         sql_list, 200),
        ("任务清单（全省逾期，第2页）", "/dashboard/tasks/?status=overdue&page=2", sql_list, 200),
        ("搜索：企业开办", "/dashboard/search/?q=企业开办", sql_search, 300),
        ("搜索：网办率", "/dashboard/search/?q=网办率", sql_search, 300),
    ]
    print("倍数 = 页面 p50 / 其背后单条 SQL 聚合的 p50（看板：fact_table 一次扫描；清单：当前页查询；搜索：全文匹配计数）")
    print(f"\n{'页面':<28}{'查询数':>6}{'p50 ms':>10}{'p95 ms':>10}{'SQL p50':>10}{'倍数':>8}{'目标':>10}")
    failures = []
    for name, url, sql, target in pages:
        r = client.get(url)
        assert r.status_code == 200, (url, r.status_code)
        if "cold=1" in url:
            cache.clear()
        elif "changed=1" in url:
            change_one_region()
        with CaptureQueriesContext(connection) as ctx:
            client.get(url)
        n_queries = len(ctx.captured_queries)  # read now: later requests reset the log
        if "cold=1" in url:
            def get():
                cache.clear()  # every request recomputes the figures
                client.get(url)
        elif "changed=1" in url:
            def get():
                change_one_region()  # outside the timing, as the write is another request's
                t0 = time.perf_counter()
                client.get(url)
                return time.perf_counter() - t0
        else:
            def get():
                client.get(url)
        times = timed(get, n)
        sql_times = timed(sql, max(5, n // 5))
        p50, p95, s50 = pct(times, 0.5), pct(times, 0.95), pct(sql_times, 0.5)
        ok = target is None or p95 <= target
        if not ok:
            failures.append(name)
        print(f"{name:<26}{n_queries:>6}{p50:>10.1f}{p95:>10.1f}{s50:>10.1f}{p50 / s50:>8.1f}"
              f"{('≤' + str(target)) if target else '—':>8}{'' if target is None else '  ✓' if ok else '  ✗'}")

    # 台账: a filter of about 5,000 measures (rows); the aggregate behind it is the task query
    from supervision.exports.ledger import build_ledger

    region_ids = list(Region.objects.filter(parent__code="S000000").order_by("code").values_list("id", flat=True))
    take = max(1, min(len(region_ids), 21))  # 21 regions × 240 measures ≈ 5,000 rows
    scope = visible.filter(plan__region__in=region_ids[:take])
    rows = Measure.objects.filter(plan__region__in=region_ids[:take], actionable=True).count()
    t0 = time.perf_counter()
    data = build_ledger(scope, now=now)
    ledger_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    list(scope.with_status(now=now).values("measure_id", "light_db"))
    sql_s = time.perf_counter() - t0
    ok = ledger_s < 10
    if not ok:
        failures.append("台账")
    print(f"{'台账导出（' + str(rows) + ' 行）':<26}{'':>6}{ledger_s * 1000:>10.0f}{'':>10}{sql_s * 1000:>10.1f}"
          f"{ledger_s / sql_s:>8.1f}{'<10000':>8}{'  ✓' if ok else '  ✗'}   {len(data) / 1e6:.1f} MB")
    print("\n未达标：" + "、".join(failures) if failures else "\n全部达标。")
    return 1 if failures and not args.smoke else 0


if __name__ == "__main__":
    sys.exit(main())
