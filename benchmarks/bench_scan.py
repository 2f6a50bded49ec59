#!/usr/bin/env python
"""Reminder scan benchmark: one scan over N open tasks (100,000 by default) on a fresh database.

    python benchmarks/bench_scan.py                   # SQLite (a temporary file), 100,000 tasks
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/yingshang python benchmarks/bench_scan.py
                                                      # PostgreSQL, in a scratch database <name>_bench_scan
    python benchmarks/bench_scan.py --smoke           # 2,000 tasks, quick

Deadlines are spread from 90 days ago to 90 days ahead, so a realistic share of tasks is due soon,
overdue on each rung of the ladder, or missing a report. Prints the first scan (writes everything)
and a second scan (finds nothing new: the cost of a beat tick). Targets on PostgreSQL: first scan ≤ 2 s,
second ≤ 0.5 s (outbox.scan runs its two halves on two connections there).
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from _common import scratch_database  # noqa: E402


def _seed(n_tasks: int, per_unit: int = 50) -> None:
    import datetime as dt

    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from plans.choices import PlanStatus, Role
    from plans.models import Measure, Membership, Plan, Region, Unit
    from tasks.models import Task
    from tasks.workdays import local_date

    today = local_date(timezone.now())
    region = Region.objects.create(name="基准区", code="990099")
    n_units = max(n_tasks // per_unit, 1)
    units = Unit.objects.bulk_create([Unit(region=region, name=f"基准单位{i:05d}") for i in range(n_units)])
    User = get_user_model()
    users = User.objects.bulk_create(
        [User(username=f"b{i:05d}{r}", password="!", email=f"b{i}{r}@example.cn" if r == "s" else "")
         for i in range(n_units) for r in ("s", "h")] + [User(username=f"sup{i}", password="!") for i in range(5)],
        batch_size=5000)
    office = Unit.objects.create(region=region, name="基准营商局")
    ms = [Membership(user=users[2 * i], unit=u, role=Role.STAFF) for i, u in enumerate(units)]
    ms += [Membership(user=users[2 * i + 1], unit=u, role=Role.UNIT_HEAD) for i, u in enumerate(units)]
    ms += [Membership(user=u, unit=office, role=Role.SUPERVISOR) for u in users[2 * n_units:]]
    Membership.objects.bulk_create(ms, batch_size=5000)
    plan = Plan.objects.create(title="基准方案", year=today.year, region=region, status=PlanStatus.PUBLISHED)
    measures = Measure.objects.bulk_create(
        [Measure(plan=plan, label=str(i + 1), level=1, path=str(i + 1), title=f"措施{i}", order=i)
         for i in range(n_tasks)], batch_size=5000)
    tasks = []
    for i, m in enumerate(measures):
        offset = (i * 7919) % 181 - 90  # -90 … +90 days, scattered
        ongoing = i % 10 == 0
        tasks.append(Task(measure=m, unit=units[i % n_units], role="lead", ongoing=ongoing,
                          deadline=None if ongoing else today + dt.timedelta(days=offset)))
    Task.objects.bulk_create(tasks, batch_size=5000)
    Task.objects.update(created_at=timezone.now() - dt.timedelta(days=200))
    # Statistics as autovacuum would have them on a live system; without them PostgreSQL plans
    # the fresh tables as if they held a handful of rows.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--smoke", action="store_true", help="2,000 tasks")
    parser.add_argument("--tasks", type=int, default=100_000)
    parser.add_argument("--steps", action="store_true", help="print the time of each INSERT … SELECT of the first scan")
    args = parser.parse_args()
    n = 2_000 if args.smoke else args.tasks

    where = scratch_database("scan")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    t = time.monotonic()
    _seed(n)
    print(f"{where}: seeded {n:,} tasks in {time.monotonic() - t:.1f} s")

    from supervision import outbox
    from supervision.models import Digest, Escalation, Reminder

    steps = []
    if args.steps:  # time each INSERT … SELECT of the scan
        inner = outbox._insert_select

        def timed_insert(model, columns, qs):
            t0 = time.monotonic()
            n_rows = inner(model, columns, qs)
            steps.append((model.__name__, n_rows, time.monotonic() - t0))
            return n_rows

        outbox._insert_select = timed_insert
    first = outbox.scan()
    for name, n_rows, sec in steps:
        print(f"  {name:<12}{n_rows:>9,} rows  {sec:6.2f} s")
    steps.clear()
    print(f"first scan:  {first.seconds:.2f} s  ({first.reminders:,} reminders, {first.escalations:,} escalations, "
          f"{first.digests:,} digests)")
    second = outbox.scan()
    print(f"second scan: {second.seconds:.2f} s  ({second.reminders} new reminders, {second.digests} new digests)")
    assert second.reminders == 0 and second.digests == 0
    assert Reminder.objects.count() == first.reminders and Digest.objects.count() == first.digests
    assert Escalation.objects.count() == first.escalations


if __name__ == "__main__":
    main()
