"""Setup shared by the benchmark scripts (each runs as a file, so this sibling module is importable).

- `pct`: the q-quantile of a list of timings (nearest rank), as every script prints it.
- `scratch_database(suffix)`: a fresh database for a benchmark that seeds its own data — a temporary
  SQLite file, or `<DATABASE_URL's name>_<suffix>` dropped and created on the same server.
- `scale_data(...)`: Django set up over province-scale data for the page benchmarks — the database
  of DATABASE_URL, else SQLite var/bench.sqlite3 (never the development database; the same file for
  bench_pages and bench_crawl, so CI generates it once), migrated, and filled by
  `manage.py generate_scale_data` when it holds fewer regions than asked for.
"""
from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[max(0, min(len(values) - 1, round(q * (len(values) - 1))))]


def scratch_database(suffix: str) -> str:
    """Point the environment at an empty database of its own; returns what to print about it."""
    url = os.environ.get("DATABASE_URL")
    if not url:
        path = Path(tempfile.mkdtemp()) / f"bench-{suffix}.sqlite3"
        os.environ["SQLITE_PATH"] = str(path)
        return f"SQLite ({path})"
    from urllib.parse import urlsplit, urlunsplit

    import psycopg

    parts = urlsplit(url)
    name = f"{parts.path.lstrip('/')}_bench_{suffix}"
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = urlunsplit(parts._replace(path=f"/{name}"))
    return f"PostgreSQL ({name})"


def add_scale_arguments(ap, *, what: str) -> None:
    ap.add_argument("--smoke", action="store_true", help=what)
    ap.add_argument("--regions", type=int)
    ap.add_argument("--requests", type=int)
    ap.add_argument("--no-generate", action="store_true")


def scale_data(*, regions: int, clerks: int, generate: bool, need_users: tuple[str, ...] = ()) -> None:
    """django.setup() over a database holding `regions` regions of generate_scale_data (and the
    users `need_users`), generated when missing; prints the database and the scale."""
    if not os.environ.get("DATABASE_URL"):
        var_dir = Path(os.environ.get("APP_VAR_DIR") or ROOT / "var")
        var_dir.mkdir(parents=True, exist_ok=True)
        os.environ.setdefault("SQLITE_PATH", str(var_dir / "bench.sqlite3"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from plans.models import Region
    from tasks.models import ProgressReport, Task

    settings.ALLOWED_HOSTS = ["*"]
    db = settings.DATABASES["default"]
    print(f"数据库：{db['ENGINE'].rsplit('.', 1)[-1]} {db['NAME']}")
    call_command("migrate", verbosity=0)
    have = Region.objects.filter(parent__code="S000000").count()
    users = get_user_model().objects.filter(username__in=need_users).count()
    if (have < regions or users < len(need_users)) and generate:
        print(f"生成规模数据：{regions} 个区域（已有 {have}）…")
        t0 = time.perf_counter()
        call_command("generate_scale_data", regions=regions, clerks=clerks)  # ends with ANALYZE
        print(f"  用时 {time.perf_counter() - t0:.0f} 秒")
    print(f"规模：任务 {Task.objects.count():,}，进展报告 {ProgressReport.objects.count():,}")
