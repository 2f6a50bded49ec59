"""Start a real Celery worker subprocess against the test database and the configured broker.

Used by integration tests that need jobs to run for real (no eager mode, no mocks)."""
from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.db import connection

ROOT = Path(settings.BASE_DIR)


def worker_env() -> dict[str, str]:
    env = dict(os.environ)
    env["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    env["CELERY_BROKER_URL"] = settings.CELERY_BROKER_URL
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        env["SQLITE_PATH"] = str(db["NAME"])
    else:
        env["DATABASE_URL"] = (f"postgres://{db['USER'] or 'postgres'}@{db['HOST'] or '127.0.0.1'}:"
                               f"{db['PORT'] or 5432}/{db['NAME']}")
    return env


@contextlib.contextmanager
def celery_worker(*, concurrency: int = 1, queues: str | None = None, name: str = "w1", pool: str = "prefork",
                  app: str = "config", env: dict[str, str] | None = None, loglevel: str = "WARNING"):
    cmd = [str(Path(sys.executable).parent / "celery"), "-A", app, "worker", f"--loglevel={loglevel}",
           f"--concurrency={concurrency}", f"--pool={pool}", "-n", f"{name}@%h", "--without-mingle",
           "--without-gossip"]
    if queues:
        cmd += ["-Q", queues]
    log = open(Path(settings.VAR_DIR) / f"worker-{name}.log", "w")
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env or worker_env(), stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)
    try:
        yield proc
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
        log.close()


def wait_for(predicate, *, timeout: float = 60, every: float = 0.3):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(every)
    raise AssertionError("condition not met within %.0f s" % timeout)
