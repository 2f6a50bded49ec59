"""Worker pool options against the pool hang: start a worker with each option set, run one export,
kill its idle pool children with -9, queue 4 exports and report how long they take (or that they
hang). The figures behind the pool choice in bin/supervise and the README.

    export APP_VAR_DIR=$(mktemp -d) DJANGO_SETTINGS_MODULE=config.settings.dev JOBS_LEASE_SECONDS=600
    .venv/bin/python manage.py migrate -v0
    .venv/bin/python benchmarks/bench_worker_pool.py prefork prefork-fair prefork-maxtasks threads solo
    (NOKILL=1 to recycle children without killing; REDIS_URL=… for the Redis broker)"""
import os
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.getcwd())
import django  # noqa: E402

django.setup()
from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402

from supervision.exports.models import ExportJob  # noqa: E402
from supervision.exports.services import export_job_create  # noqa: E402

def children(pid):
    out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()
    return [int(x) for x in out]

def run(opts, label):
    user, _ = get_user_model().objects.get_or_create(username="m", defaults={"is_superuser": True})
    env = dict(os.environ)
    log = open(os.path.join(settings.VAR_DIR, f"bench-worker-{label}.log"), "w")
    cmd = [".venv/bin/celery", "-A", "config", "worker", "--loglevel=INFO", "-n", f"{label}@%h", "--without-mingle", "--without-gossip"] + opts
    p = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        t0 = time.monotonic()
        j = export_job_create(kind="bulletin", user=user, params={})
        while ExportJob.objects.get(pk=j.pk).status != "done":
            if time.monotonic() - t0 > 60: return f"{label}: first job never done"
            time.sleep(0.2)
        first = time.monotonic() - t0
        time.sleep(3)
        kids = children(p.pid)
        if not os.environ.get("NOKILL"):
            for k in kids:
                os.kill(k, signal.SIGKILL)
        time.sleep(2)
        t1 = time.monotonic()
        jobs = [export_job_create(kind="bulletin", user=user, params={}) for _ in range(4)]
        ids = [x.pk for x in jobs]
        while ExportJob.objects.filter(pk__in=ids, status="done").count() < 4:
            if time.monotonic() - t1 > 45:
                st = list(ExportJob.objects.filter(pk__in=ids).values_list("status", flat=True))
                return f"{label}: first {first:.1f}s, killed {len(kids)} children; after 45 s: {st} (children now {children(p.pid)})"
            time.sleep(0.2)
        return f"{label}: first {first:.1f}s, killed {len(kids)} children; 4 jobs done {time.monotonic()-t1:.1f}s after"
    finally:
        os.killpg(p.pid, signal.SIGTERM)
        try: p.wait(20)
        except subprocess.TimeoutExpired: os.killpg(p.pid, signal.SIGKILL)

configs = {
    "prefork": ["--pool=prefork", "-c", "2"],
    "prefork-fair": ["--pool=prefork", "-c", "2", "-O", "fair"],
    "prefork-maxtasks": ["--pool=prefork", "-c", "2", "--max-tasks-per-child=50"],
    "prefork-mtpc1": ["--pool=prefork", "-c", "2", "--max-tasks-per-child=1"],
    "threads": ["--pool=threads", "-c", "2"],
    "solo": ["--pool=solo"],
}
for name in sys.argv[1:]:
    print(run(configs[name], name), flush=True)
