#!/usr/bin/env python
"""Month-end rush against gunicorn with the production settings, on 127.0.0.1 (a free port).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ys_perf REDIS_URL=redis://127.0.0.1:6379/7 \\
        REDIS_CACHE_URL=redis://127.0.0.1:6379/0 python benchmarks/bench_load.py
    … --duration 60 --clerks 200 --supervisors 20 --ramp 10 [--workers N]

The database must hold `manage.py generate_scale_data` (its users scale_clerk_001…, scale_supervisor,
scale_region_supervisor). Two phases, one server:

1. Ceilings: for each of /healthz, the login page, a clerk's 我的任务 and a task page, 20 clients
   request it back to back for --ceiling seconds: req/s and p50/p95/p99 with nothing else running.
2. The rush, for --duration seconds: --clerks clerks (distinct users of distinct busy units), arriving
   over the first --ramp seconds, each open 我的任务, open the first task to report, and file it — half with a small PDF as evidence,
   half with 本期无变化 where the last period's report allows it — pausing --think seconds (mean)
   between steps; --supervisors supervisors go round the dashboard, the overdue list (pages 1 and
   2), the plan list, their task list and /api/reports/. One client on /healthz runs back to back
   throughout as the ceiling of the same run.

Prints per page: requests, req/s, p50/p95/p99 (ms) and errors (an unexpected status or a failed
connection), then the goals: 0 errors, a clerk's pages ≥ 1/3 of the login page's req/s (phase 1),
report submission p95 ≤ 500 ms and supervisor pages p95 ≤ 500 ms (phase 2). Exits 1 when a goal
is missed.

Sessions are made in the database for the simulated users (as `force_login` does) rather than by
posting the login form: 220 password hashes (PBKDF2, ~0.5 s of CPU each here) would be a benchmark
of their own, and a login throttle could lock the simulated users out. The users are distinct, so a
throttle keyed on the user would not lock them out either. Standard library only (http.client and
threads): the client is bounded by its thread count and needs nothing installed.
"""
from __future__ import annotations

import argparse
import http.client
import os
import random
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from html import unescape
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from _common import pct  # noqa: E402

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
REPORT_LINK = re.compile(r'<a class="button primary small-btn" href="(/tasks/(\d+)/report/)">')
TASK_LINK = re.compile(r'class="task-title" href="(/tasks/\d+/)"')


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.times: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, list[str]] = defaultdict(list)

    def add(self, page: str, ms: float, error: str | None = None):
        with self.lock:
            self.times[page].append(ms)
            if error:
                self.errors[page].append(error)


class Session:
    """One simulated browser: a keep-alive connection, its cookies, HTTPS as the proxy says."""

    def __init__(self, port: int, stats: Stats, cookies: dict[str, str] | None = None):
        self.port, self.stats = port, stats
        self.cookies = dict(cookies or {})
        self.conn: http.client.HTTPConnection | None = None

    def _headers(self, extra: dict | None = None) -> dict:
        h = {"Host": f"127.0.0.1:{self.port}", "X-Forwarded-Proto": "https", "User-Agent": "bench_load",
             "Origin": f"https://127.0.0.1:{self.port}", "Referer": f"https://127.0.0.1:{self.port}/tasks/"}
        if self.cookies:
            h["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        h.update(extra or {})
        return h

    def request(self, page: str, method: str, url: str, body: bytes | None = None, headers: dict | None = None,
                expect: tuple[int, ...] = (200,)) -> tuple[int, str, dict]:
        t0 = time.perf_counter()
        for attempt in (1, 2):
            try:
                if self.conn is None:
                    self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
                self.conn.request(method, url, body=body, headers=self._headers(headers))
                resp = self.conn.getresponse()
                data = resp.read()
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError) as e:
                # a keep-alive connection the server closed between requests: reconnect once
                self.conn = None
                if attempt == 2:
                    self.stats.add(page, (time.perf_counter() - t0) * 1000, f"{type(e).__name__}")
                    return 0, "", {}
            except OSError as e:
                self.conn = None
                self.stats.add(page, (time.perf_counter() - t0) * 1000, f"{type(e).__name__}: {e}")
                return 0, "", {}
        ms = (time.perf_counter() - t0) * 1000
        for k, v in resp.getheaders():
            if k.lower() == "set-cookie":
                name, _, rest = v.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        if resp.getheader("Connection", "").lower() == "close":
            self.conn = None
        self.stats.add(page, ms, None if resp.status in expect else f"HTTP {resp.status} {url}")
        return resp.status, data.decode("utf-8", "replace"), dict(resp.getheaders())


def multipart(fields: list[tuple[str, str]], files: list[tuple[str, str, bytes, str]]) -> tuple[bytes, str]:
    boundary = "----bench" + secrets.token_hex(8)
    out = []
    for name, value in fields:
        out.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    for name, filename, content, ctype in files:
        out.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                   f"Content-Type: {ctype}\r\n\r\n".encode() + content + b"\r\n")
    out.append(f"--{boundary}--\r\n".encode())
    return b"".join(out), f"multipart/form-data; boundary={boundary}"


def clerk_loop(s: Session, stop: threading.Event, think: float, rnd: random.Random, ramp: float = 0):
    def pause():
        stop.wait(rnd.expovariate(1 / think) if think else 0)

    stop.wait(rnd.uniform(0, ramp))  # people arrive over the first seconds, not at one instant
    while not stop.is_set():
        status, html, _ = s.request("承办人 我的任务", "GET", "/tasks/")
        m = REPORT_LINK.search(html)
        pause()
        if stop.is_set():
            return
        if not m:  # everything reported: look at a task instead
            t = TASK_LINK.search(html)
            if t:
                s.request("承办人 任务页", "GET", t.group(1))
            pause()
            continue
        url = unescape(m.group(1))
        status, form, _ = s.request("承办人 填报页", "GET", url)
        csrf = CSRF.search(form)
        pause()
        if stop.is_set() or not csrf:
            continue
        period = re.search(r'name="period" value="([^"]+)"', form)
        version = re.search(r'name="expected_version" value="(\d+)"', form)
        fields = [("csrfmiddlewaretoken", unescape(csrf.group(1))), ("period", period.group(1) if period else ""),
                  ("expected_version", version.group(1) if version else "0")]
        if 'id="no-change-form"' in form and rnd.random() < 0.5:
            body = "&".join(f"{k}={v}" for k, v in fields + [("action", "no_change")]).encode()
            s.request("承办人 提交：本期无变化", "POST", url, body=body, expect=(302,),
                      headers={"Content-Type": "application/x-www-form-urlencoded", "Referer":
                               f"https://127.0.0.1:{s.port}{url}"})
        else:
            fields += [("status", "in_progress"), ("percent", str(rnd.randrange(10, 90))),
                       ("done_text", "本月已完成阶段性工作，按计划推进。"), ("problems_text", "")]
            fields += [(name, "95") for name in sorted(set(re.findall(r'name="(target_\d+)"', form)))]
            body, ctype = multipart(fields, [("evidence", "佐证材料.pdf", PDF, "application/pdf")])
            s.request("承办人 提交：进展+佐证", "POST", url, body=body, expect=(302,),
                      headers={"Content-Type": ctype, "Referer": f"https://127.0.0.1:{s.port}{url}"})
        pause()


SUPERVISOR_PAGES = [("督查 督办看板", "/dashboard/"), ("督查 逾期清单", "/dashboard/tasks/?status=overdue"),
                    ("督查 逾期清单第2页", "/dashboard/tasks/?status=overdue&page=2"), ("督查 方案", "/plans/"),
                    ("督查 任务清单", "/tasks/"), ("督查 API 进展", "/api/reports/")]


def supervisor_loop(s: Session, stop: threading.Event, think: float, rnd: random.Random, ramp: float = 0):
    stop.wait(rnd.uniform(0, ramp))
    while not stop.is_set():
        for page, url in SUPERVISOR_PAGES:
            if stop.is_set():
                return
            s.request(page, "GET", url)
            stop.wait(rnd.expovariate(1 / think) if think else 0)


def hammer(s: Session, stop: threading.Event, page: str, url: str):
    while not stop.is_set():
        s.request(page, "GET", url)


def run_threads(targets: list, seconds: float) -> float:
    stop = threading.Event()
    threads = [threading.Thread(target=fn, args=(*args, stop, *rest), daemon=True) for fn, args, rest in targets]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    time.sleep(seconds)
    stop.set()
    for t in threads:
        t.join(timeout=90)
    return time.perf_counter() - t0


def report(title: str, stats: Stats, elapsed: float) -> dict[str, dict]:
    print(f"\n{title}（{elapsed:.0f} 秒）")
    print(f"{'页面':<26}{'请求':>8}{'req/s':>9}{'p50':>8}{'p95':>8}{'p99':>8}{'错误':>6}")
    out = {}
    for page in stats.times:
        t = stats.times[page]
        row = {"n": len(t), "rps": len(t) / elapsed, "p50": pct(t, .5), "p95": pct(t, .95), "p99": pct(t, .99),
               "errors": len(stats.errors[page])}
        out[page] = row
        print(f"{page:<24}{row['n']:>8}{row['rps']:>9.1f}{row['p50']:>8.0f}{row['p95']:>8.0f}{row['p99']:>8.0f}"
              f"{row['errors']:>6}")
        for e in sorted(set(stats.errors[page]))[:3]:
            print(f"    {e}")
    return out


def make_sessions(usernames: list[str]) -> list[dict[str, str]]:
    """Session cookies for the users, written to the session store the server reads."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
    from django.contrib.sessions.backends.base import SessionBase
    from importlib import import_module

    store: type[SessionBase] = import_module(settings.SESSION_ENGINE).SessionStore
    users = {u.username: u for u in get_user_model().objects.filter(username__in=usernames)}
    missing = [u for u in usernames if u not in users]
    if missing:
        raise SystemExit(f"缺少用户 {missing[:3]}…：先运行 manage.py generate_scale_data")
    out = []
    for name in usernames:
        u = users[name]
        s = store()
        s[SESSION_KEY] = str(u.pk)
        s[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
        s[HASH_SESSION_KEY] = u.get_session_auth_hash()
        s.create()
        out.append({settings.SESSION_COOKIE_NAME: s.session_key})
    return out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--duration", type=float, default=60, help="seconds of the rush")
    ap.add_argument("--ceiling", type=float, default=10, help="seconds per page of phase 1")
    ap.add_argument("--clerks", type=int, default=200)
    ap.add_argument("--supervisors", type=int, default=20)
    ap.add_argument("--think", type=float, default=3.0, help="mean pause between a user's steps (s)")
    ap.add_argument("--ramp", type=float, default=10.0,
                    help="seconds over which the rush's users arrive (each starts at a random moment in it)")
    ap.add_argument("--workers", type=int, default=None,
                    help="gunicorn workers (default: gunicorn.conf.py's, 2 × cores + 1)")
    args = ap.parse_args()
    if not os.environ.get("DATABASE_URL"):
        raise SystemExit("DATABASE_URL 未设置：负载测试针对 PostgreSQL 上的规模数据")

    port = free_port()
    var = Path(tempfile.mkdtemp(prefix="bench-load-"))
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="config.settings.prod", APP_VAR_DIR=str(var),
               SECRET_KEY=os.environ.get("SECRET_KEY") or secrets.token_urlsafe(50),
               ALLOWED_HOSTS="127.0.0.1", CSRF_TRUSTED_ORIGINS=f"https://127.0.0.1:{port}")
    os.environ.update({k: env[k] for k in ("DJANGO_SETTINGS_MODULE", "APP_VAR_DIR", "SECRET_KEY", "ALLOWED_HOSTS",
                                           "CSRF_TRUSTED_ORIGINS")})
    py = str(ROOT / ".venv" / "bin" / "python")
    subprocess.run([py, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    import django

    django.setup()
    from django.conf import settings

    print(f"数据库 {settings.DATABASES['default']['NAME']}，缓存 {settings.CACHES['default']['BACKEND'].rsplit('.', 1)[-1]}，"
          f"gunicorn {args.workers or '默认（gunicorn.conf.py）'} 个进程，127.0.0.1:{port}，生产配置")
    # Each run files about a thousand reports. Where the server runs without autovacuum (this
    # workplace's machines do), run after run would read more dead rows: every run starts from a
    # vacuumed and analyzed database instead, as autovacuum keeps a production database.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW autovacuum")
        autovacuum = cursor.fetchone()[0]
        cursor.execute("VACUUM ANALYZE")
    print(f"VACUUM ANALYZE 完成（服务器 autovacuum={autovacuum}）")
    clerks = [f"scale_clerk_{i + 1:03d}" for i in range(args.clerks)]
    sups = ["scale_supervisor" if i % 2 == 0 else "scale_region_supervisor" for i in range(args.supervisors)]
    clerk_cookies = make_sessions(clerks)
    sup_cookies = make_sessions(sups)

    workers = ["-w", str(args.workers)] if args.workers else []
    server = subprocess.Popen([str(ROOT / ".venv" / "bin" / "gunicorn"), "config.wsgi", *workers,
                               "-b", f"127.0.0.1:{port}", "--timeout", "120", "--log-level", "warning"],
                              cwd=ROOT, env=env, start_new_session=True)
    try:
        for _ in range(120):
            try:
                http.client.HTTPConnection("127.0.0.1", port, timeout=2).request("GET", "/healthz")
                break
            except OSError:
                time.sleep(0.5)
        warm = Stats()
        for c in clerk_cookies[:8] + sup_cookies[:2]:  # every worker imports and connects before timing
            Session(port, warm, c).request("warm", "GET", "/tasks/")

        # Phase 1: ceilings, 20 back-to-back clients on one page at a time
        ceiling = Stats()
        first_task = TASK_LINK.search(Session(port, Stats(), clerk_cookies[0]).request("x", "GET", "/tasks/")[1])
        pages = [("/healthz", "/healthz", None), ("登录页", "/accounts/login/", None),
                 ("承办人 我的任务", "/tasks/", "clerk"),
                 ("承办人 任务页", first_task.group(1) if first_task else "/tasks/", "clerk0")]
        rates = {}
        for page, url, who in pages:
            st = Stats()
            cookies = [clerk_cookies[i % len(clerk_cookies)] if who == "clerk" else
                       clerk_cookies[0] if who == "clerk0" else {} for i in range(20)]
            elapsed = run_threads([(hammer, (Session(port, st, c),), (page, url)) for c in cookies], args.ceiling)
            rates.update(report(f"第一阶段：{page}，20 个客户端连续请求", st, elapsed))
            for p, t in st.times.items():
                ceiling.times[p] += t
                ceiling.errors[p] += st.errors[p]

        # Phase 2: the rush
        rush = Stats()
        targets = [(clerk_loop, (Session(port, rush, c),), (args.think, random.Random(i), args.ramp))
                   for i, c in enumerate(clerk_cookies)]
        targets += [(supervisor_loop, (Session(port, rush, c),), (args.think, random.Random(1000 + i), args.ramp))
                    for i, c in enumerate(sup_cookies)]
        targets.append((hammer, (Session(port, rush),), ("/healthz（同时）", "/healthz")))
        elapsed = run_threads(targets, args.duration)
        rows = report(f"第二阶段：月末报送高峰，{args.clerks} 名承办人 + {args.supervisors} 名督查，"
                      f"平均停顿 {args.think} 秒", rush, elapsed)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)

    goals = []
    errors = sum(r["errors"] for r in rows.values()) + sum(len(e) for e in ceiling.errors.values())
    goals.append(("无错误", errors == 0, f"{errors} 个错误"))
    login = rates["登录页"]["rps"]
    for page in ("承办人 我的任务", "承办人 任务页"):
        r = rates[page]["rps"]
        goals.append((f"{page} ≥ 登录页的 1/3（{login / 3:.0f} req/s）", r >= login / 3, f"{r:.0f} req/s"))
    for page in ("承办人 提交：进展+佐证", "承办人 提交：本期无变化"):
        if page in rows:
            goals.append((f"{page} p95 ≤ 500 ms", rows[page]["p95"] <= 500, f"{rows[page]['p95']:.0f} ms"))
    sup = [r["p95"] for p, r in rows.items() if p.startswith("督查")]
    goals.append(("督查页面 p95 ≤ 500 ms", bool(sup) and max(sup) <= 500, f"最大 {max(sup or [0]):.0f} ms"))
    print("\n目标：")
    for name, ok, figure in goals:
        print(f"  {'✓' if ok else '✗'} {name}：{figure}")
    return 0 if all(ok for _, ok, _ in goals) else 1


if __name__ == "__main__":
    sys.exit(main())
