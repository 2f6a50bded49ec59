"""bin/supervise (the last step of bin/run): a worker killed with -9 comes back and runs jobs, the
web server keeps answering meanwhile, and SIGINT (Ctrl-C) stops everything."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
import urllib.request

import pytest
from django.conf import settings

from supervision.exports.models import ExportJob
from supervision.exports.services import export_job_create
from tests.celery_worker import wait_for, worker_env

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]
ROOT = settings.BASE_DIR


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat") as f:
        return f.read().rsplit(")", 1)[1].split()[0] != "Z"


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as r:
            return r.status == 200
    except OSError:
        return False


def test_it_restarts_a_killed_worker_and_keeps_the_web_server(cast, tmp_path):
    port = _free_port()
    env = worker_env()
    env.update(APP_VAR_DIR=str(tmp_path), PORT=str(port), JOBS_LEASE_SECONDS="5")
    conf = tmp_path / "supervisord.conf"
    sup = subprocess.Popen([str(ROOT / "bin" / "supervise")], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                           stderr=subprocess.STDOUT, start_new_session=True)

    def pid(name: str) -> int:
        out = subprocess.run([str(ROOT / ".venv" / "bin" / "supervisorctl"), "-c", str(conf), "pid", name],
                             capture_output=True, text=True).stdout.strip()
        return int(out) if out.isdigit() else 0

    try:
        health = f"http://127.0.0.1:{port}/healthz"
        wait_for(lambda: _answers(health) and pid("worker") and pid("beat"), timeout=60)
        web, worker = pid("web"), pid("worker")
        t0 = time.monotonic()
        os.kill(worker, signal.SIGKILL)
        wait_for(lambda: pid("worker") not in (0, worker) and _alive(pid("worker")), timeout=30, every=0.1)
        back = time.monotonic() - t0
        assert _answers(health) and pid("web") == web
        job = export_job_create(kind="ledger", user=cast.supervisor, params={})  # the new worker works
        wait_for(lambda: ExportJob.objects.get(pk=job.pk).status == "done", timeout=60)
        print(f"\nworker back {back:.1f} s after kill -9; a job ran on it {time.monotonic() - t0:.1f} s after")
        children = [pid("web"), pid("worker"), pid("beat")]
    finally:
        sup.send_signal(signal.SIGINT)  # Ctrl-C
        try:
            sup.wait(timeout=40)
        except subprocess.TimeoutExpired:
            os.killpg(sup.pid, signal.SIGKILL)
            raise
    assert sup.returncode == 0
    wait_for(lambda: not any(_alive(p) for p in children), timeout=10)
