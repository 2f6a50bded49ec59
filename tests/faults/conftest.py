"""The fault suite: real Celery workers and beat, a fault injected mid-job, and every job must end
finished or visibly failed with nothing half-written. Leases and sweeps are set to seconds so each
fault ends in seconds; the time each job took to end is printed (run with -s)."""
from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from kombu import Exchange, Queue

from config.celery import app as celery_app
from tests.celery_worker import celery_worker, wait_for, worker_env

IS_PG = connection.vendor == "postgresql"
LEASE = 2          # JOBS_LEASE_SECONDS: a dead worker's job is re-queued this long after its last heartbeat
SWEEP = 1          # JOBS_SWEEP_SECONDS: the beat's sweeper interval
QUEUE = f"faults-{os.getpid()}"
# The pool bin/supervise runs: threads on the SQLite broker (see there), prefork on Redis.
POOL = "prefork" if settings.REDIS_URL else "threads"


@pytest.fixture
def faults(tmp_path, monkeypatch, settings):
    """Environment for the workers and beat of one fault test: short leases, the sweeper every
    second, a private queue, the pause markers' folder. The beat's reminder scan is left to the tests
    that need it: every few seconds it piles up behind a slow SQLite on a loaded machine and starves
    the jobs under test."""
    fault_dir = tmp_path / "faults"
    fault_dir.mkdir()
    values = {"JOBS_LEASE_SECONDS": str(LEASE), "JOBS_SWEEP_SECONDS": str(SWEEP), "CELERY_TASK_DEFAULT_QUEUE": QUEUE,
              "SUPERVISION_CLAIM_LEASE_SECONDS": str(LEASE), "SUPERVISION_SCAN_SECONDS": "3600",
              "FAULT_DIR": str(fault_dir), "MEDIA_ROOT": str(tmp_path / "media")}
    for k, v in values.items():
        monkeypatch.setenv(k, v)
    settings.JOBS_LEASE_SECONDS, settings.MEDIA_ROOT = LEASE, values["MEDIA_ROOT"]
    settings.SUPERVISION_CLAIM_LEASE_SECONDS = LEASE
    old = celery_app.conf.task_default_queue
    celery_app.conf.task_default_queue = QUEUE
    with celery_app.connection_for_write() as conn:  # declared once (see tests/supervision/test_exactly_once.py)
        Queue(QUEUE, Exchange(QUEUE, type="direct"), routing_key=QUEUE)(conn.default_channel).declare()
    yield fault_dir
    celery_app.conf.task_default_queue = old


def env(**extra) -> dict[str, str]:
    e = worker_env()  # copies os.environ, so the faults fixture's values are in
    e.update(extra)
    return e


@contextlib.contextmanager
def beat(environ: dict[str, str] | None = None, name: str = "beat"):
    """A real `celery beat` (the sweeper every SWEEP seconds) with its own schedule file."""
    log = open(Path(settings.VAR_DIR) / f"{name}.log", "w")
    schedule = Path(settings.VAR_DIR) / f"{name}-{os.getpid()}-schedule"
    proc = subprocess.Popen([str(Path(sys.executable).parent / "celery"), "-A", "config", "beat", "--loglevel=INFO",
                             "-s", str(schedule)], cwd=settings.BASE_DIR, env=environ or env(), stdout=log,
                            stderr=subprocess.STDOUT, start_new_session=True)
    try:
        yield proc
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=20)
        log.close()


def worker(name: str, *, concurrency: int = 3, environ: dict[str, str] | None = None):
    return celery_worker(concurrency=concurrency, queues=QUEUE, name=name, pool=POOL, app="tests.faults.app",
                         env=environ or env(), loglevel="INFO")


def worker_ready(name: str) -> bool:
    path = Path(settings.VAR_DIR) / f"worker-{name}.log"
    return path.exists() and " ready." in path.read_text(errors="replace")


def kill9(proc: subprocess.Popen) -> float:
    """SIGKILL the worker and all its processes at once; returns the moment (monotonic)."""
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)
    return time.monotonic()


def report(fault: str, what: str, seconds: float, how: str) -> None:
    print(f"\n[fault] {fault}: {what} ended {seconds:.1f} s after the fault — {how}")


__all__ = ["IS_PG", "LEASE", "beat", "env", "kill9", "report", "wait_for", "worker", "worker_ready"]
