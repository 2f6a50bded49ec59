"""Redis stopped and started again (empty: no persistence) while jobs are queued, and a job created
while it is down. Our own redis-server on a free port, so the shared one is never touched. The
queued jobs' messages are gone with it; the sweeper sends them again and every job ends."""
from __future__ import annotations

import shutil
import socket
import subprocess
import time

import pytest
from celery import Celery
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from config.celery import app as celery_app
from publishing.services import import_job_create
from supervision.exports.services import export_job_create

from .conftest import beat, env, report, wait_for, worker, worker_ready
from .test_worker_killed import SEED

pytestmark = [pytest.mark.slow, pytest.mark.faults, pytest.mark.django_db(transaction=True),
              pytest.mark.skipif(not settings.REDIS_URL, reason="Redis 才有可停止的消息服务（SQLite 传输随库即在）"),
              pytest.mark.skipif(not shutil.which("redis-server"), reason="redis-server 未安装")]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _redis(port: int, tmp_path) -> subprocess.Popen:
    proc = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                             "--appendonly", "no", "--dir", str(tmp_path)], stdout=subprocess.DEVNULL)
    wait_for(lambda: subprocess.run(["redis-cli", "-p", str(port), "ping"], capture_output=True).returncode == 0,
             timeout=20, every=0.1)
    return proc


def test_it_ends_every_queued_job_after_the_broker_restarts_empty(cast, faults, tmp_path):
    port = _free_port()
    url = f"redis://127.0.0.1:{port}/0"
    # The workers, the beat and this process all publish to our own Redis.
    environ = env(REDIS_URL=url, CELERY_BROKER_URL=url, REDIS_CACHE_URL=settings.CACHES["default"]["LOCATION"],
                  FAULT_DIR="")  # no pauses: the fault here is the broker

    ours = Celery("yingshang", set_as_current=False)  # this process publishes through its own app
    ours.config_from_object("django.conf:settings", namespace="CELERY")
    ours.conf.broker_url, ours.conf.task_default_queue = url, celery_app.conf.task_default_queue
    ours.set_current()
    redis = _redis(port, tmp_path)
    try:
        with beat(environ, name="beat-redis"):
            jobs = [export_job_create(kind="ledger", user=cast.supervisor, params={}),
                    import_job_create(region=cast.region, upload=SimpleUploadedFile(SEED.name, SEED.read_bytes()),
                                      actor=cast.admin)]
            redis.terminate()  # messages of the queued jobs are lost with it
            redis.wait(timeout=10)
            down_at = time.monotonic()
            jobs.append(export_job_create(kind="bulletin", user=cast.supervisor, params={}))  # sent nowhere
            time.sleep(2)
            redis = _redis(port, tmp_path)
            # No worker has run yet: every job is still queued, its message lost with the old Redis. (Checked
            # before the worker starts: once it is ready, the sweeper may already have resent and it taken one.)
            for job in jobs:
                job.refresh_from_db()
                assert job.status == "queued"
            with worker("r", environ=environ):
                wait_for(lambda: worker_ready("r"), timeout=60)
                wait_for(lambda: all(j.refresh_from_db() or j.is_finished for j in jobs), timeout=120, every=0.3)
            report("Redis stopped 2 s (restarted empty) with 3 jobs queued", "the last of the 3 jobs",
                   time.monotonic() - down_at, "the sweeper sent their messages again once their lease ran out; "
                   + ", ".join(f"{j._meta.model_name} {j.status} after {j.attempts} attempt(s)" for j in jobs))
    finally:
        redis.terminate()
        redis.wait(timeout=10)
        celery_app.set_current()
        ours.close()
    assert all(j.status == "done" and j.attempts == 1 for j in jobs), [(j.status, j.message) for j in jobs]
