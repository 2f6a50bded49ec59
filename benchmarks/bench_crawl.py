#!/usr/bin/env python
"""Crawl benchmark: every page a role reaches from the top bar, and every list endpoint of the API,
at province scale. For each role it logs in, reads the links of the top bar (`<nav class="nav">`)
and the API root's list endpoints, requests each URL N times with the Django test client and prints
per URL: status, queries, p50/p95 (ms) and bytes.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ys_perf python benchmarks/bench_crawl.py
    python benchmarks/bench_crawl.py --smoke        # 3 regions on SQLite, 3 requests: CI

Budget (full scale, PostgreSQL): p95 ≤ 300 ms single-client for every URL, ≤ 2 MB a response, no
error status. The smoke size fails on an error or a response above 2 MB; its timings are printed
only (a 3-region SQLite file on a busy CI machine says nothing about the province).

Roles (users made by `manage.py generate_scale_data`): the province supervisor, a region supervisor,
the admin, and the head and a clerk of the busiest unit of the first region.
"""
from __future__ import annotations

import argparse
import re
import sys
import time
from html import unescape
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from _common import add_scale_arguments, pct, scale_data  # noqa: E402

ROLES = [("省级督查", "scale_supervisor"), ("区级督查", "scale_region_supervisor"), ("管理员", "scale_admin"),
         ("单位负责人", "scale_head"), ("承办人", "scale_clerk")]
MAX_BYTES = 2 * 1024 * 1024
MAX_P95_MS = 300
NAV = re.compile(r'<nav class="nav">(.*?)</nav>', re.S)
HREF = re.compile(r'<a [^>]*href="([^"#]+)"[^>]*>(.*?)</a>', re.S)


def top_bar_links(html: str) -> list[tuple[str, str]]:
    m = NAV.search(html)
    if not m:
        return []
    out = []
    for href, label in HREF.findall(m.group(1)):
        label = re.sub(r"<[^>]+>|\s+", "", unescape(label))
        label = re.sub(r"\d+$", "", label)  # the unread badge
        out.append((label, unescape(href)))
    return out


def main() -> int:
    ap = argparse.ArgumentParser()
    add_scale_arguments(ap, what="3 regions, 3 requests a URL; fail on errors and bytes only")
    ap.add_argument("--only", help="only URLs containing this text")
    args = ap.parse_args()
    regions = args.regions or (3 if args.smoke else 100)
    n = args.requests or (3 if args.smoke else 20)
    scale_data(regions=regions, clerks=5 if args.smoke else 200, generate=not args.no_generate,
               need_users=tuple(u for _, u in ROLES))
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from tasks.models import Task

    settings.DEBUG = False  # as served: no query log, no debug templates (queries are counted explicitly)
    print(f"每个地址请求 {n} 次")

    import logging

    logging.getLogger("django.request").setLevel(logging.ERROR)  # expected 403s, not noise
    User = get_user_model()
    failures: list[str] = []
    rows: list[tuple] = []
    for role, username in ROLES:
        user = User.objects.get(username=username)
        client = Client()
        client.force_login(user)
        home = client.get("/tasks/")
        links = top_bar_links(home.content.decode())
        api_root = client.get("/api/").json()
        urls = [(label, href) for label, href in links] + [(f"API {name}", href.replace("http://testserver", ""))
                                                           for name, href in api_root.items()]
        tasks_here = Task.objects.visible_to(user).count()
        print(f"\n== {role}（{username}，可见任务 {tasks_here:,}）")
        print(f"{'地址':<44}{'状态':>5}{'查询':>6}{'p50 ms':>9}{'p95 ms':>9}{'字节':>11}")
        for label, url in urls:
            if args.only and args.only not in url:
                continue
            with CaptureQueriesContext(connection) as ctx:
                r = client.get(url)
            queries = len(ctx.captured_queries)
            size = len(r.content) if not r.streaming else sum(len(c) for c in r.streaming_content)
            times = []
            for _ in range(n):
                t0 = time.perf_counter()
                resp = client.get(url)
                if resp.streaming:
                    for _chunk in resp.streaming_content:
                        pass
                times.append((time.perf_counter() - t0) * 1000)
            p50, p95 = pct(times, 0.5), pct(times, 0.95)
            problems = []
            if r.status_code == 403:
                pass  # a supervisors' endpoint refusing a clerk, as it should (listed in the API root for all)
            elif r.status_code >= 400:
                problems.append(f"HTTP {r.status_code}")
            if size > MAX_BYTES:
                problems.append(f"{size / 1e6:.1f} MB")
            if p95 > MAX_P95_MS and not args.smoke:
                problems.append(f"p95 {p95:.0f} ms")
            mark = "  ✗ " + "、".join(problems) if problems else ""
            if problems:
                failures.append(f"{role} {label} {url}：{'、'.join(problems)}")
            name = f"{label} {url}"
            print(f"{name[:42]:<44}{r.status_code:>5}{queries:>6}{p50:>9.1f}{p95:>9.1f}{size:>11,}{mark}")
            rows.append((role, label, url, r.status_code, queries, p50, p95, size))
    budget = "每个地址 ≤ 2 MB、无错误" + ("" if args.smoke else f"、p95 ≤ {MAX_P95_MS} ms")
    if failures:
        print(f"\n超出预算（{budget}）：\n  " + "\n  ".join(failures))
        return 1
    print(f"\n全部在预算内（{budget}）。")
    return 0


if __name__ == "__main__":
    sys.exit(main())
