"""Claim, run, retry and sweep background jobs (see `BackgroundJob`).

Why a job always ends:
- it is claimed by compare-and-set while `queued`, or while `running` under a lease that ran out,
  or while `running` for a worker process on this host that no longer exists (a pool child killed
  with -9: Celery re-queues its message at once, and the redelivery takes the job over);
- a running job's worker renews the lease from a heartbeat thread; a dead worker stops renewing
  and the beat sweeper re-queues the job (a new message: nothing depends on the broker
  redelivering, which kombu's SQLite transport never does for a dead worker's messages) or, after
  JOBS_MAX_ATTEMPTS claims, fails it for good with a Chinese message and a 重试 button;
- a queued job whose message was lost (broker restarted empty, a worker died holding it) is sent
  again when its lease_until passes.
"""
from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import threading
from typing import Callable

from django.apps import apps
from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from .models import BackgroundJob

log = logging.getLogger(__name__)
Status = BackgroundJob.Status


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def lease() -> dt.timedelta:
    return dt.timedelta(seconds=settings.JOBS_LEASE_SECONDS)


def job_models() -> list[type[BackgroundJob]]:
    """Every concrete job table (found through the app registry: this app imports none of them)."""
    return [m for m in apps.get_models() if issubclass(m, BackgroundJob)]


def _clock(when: dt.datetime) -> str:
    return timezone.localtime(when).strftime("%H:%M:%S")


# --- Sending ------------------------------------------------------------------------------------

def job_enqueue(job: BackgroundJob) -> None:
    """Send the job's message once the current transaction commits."""
    model, pk = type(job), job.pk
    transaction.on_commit(lambda: job_send(model, pk))


def job_send(model: type[BackgroundJob], pk: int) -> bool:
    """Publish one message for the job. A broker that is down is logged, not raised (the page that
    created the job must not fail): the job stays queued and the sweeper sends it again once its
    lease_until has passed."""
    from celery import current_app

    try:
        with current_app.connection_for_write() as conn:
            # Fail fast: publishing to a dead broker would otherwise retry for a long time.
            conn.ensure_connection(max_retries=1, interval_start=0.2, interval_step=0.2, timeout=3)
            current_app.send_task(model.task_name, args=(pk,), connection=conn, retry=False)
    except Exception as e:  # noqa: BLE001 — any broker failure: the row is the truth, not the message
        log.warning("broker unavailable, %s %s waits for the sweeper: %s", model._meta.label, pk, e)
        return False
    return True


# --- Claiming -----------------------------------------------------------------------------------

def _pid_gone(claimed_by: str) -> bool:
    """True when `claimed_by` (host:pid) names a process of this host that no longer runs."""
    host, _, pid = claimed_by.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit() or int(pid) == os.getpid():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    try:  # killed but not yet reaped by its parent
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] == "Z"
    except (OSError, IndexError):
        return False


def job_claim(model: type[BackgroundJob], job_id: int, *, worker: str,
              now: dt.datetime | None = None) -> BackgroundJob | None:
    """The job, claimed by `worker`, or None when someone else holds it, it is finished, or it has
    used up its attempts (then it is failed for good here)."""
    now = now or timezone.now()
    take = dict(status=Status.RUNNING, attempts=F("attempts") + 1, claimed_at=now, claimed_by=worker[:100],
                lease_until=now + lease(), progress=5, finished_at=None)
    base = model.objects.filter(pk=job_id, attempts__lt=settings.JOBS_MAX_ATTEMPTS)
    won = base.filter(Q(status=Status.QUEUED) | Q(status=Status.RUNNING, lease_until__lt=now)).update(**take)
    if not won:
        job = model.objects.filter(pk=job_id).first()
        if job is None or job.status != Status.RUNNING:
            return None
        dead = (job.lease_until is not None and job.lease_until < now) or _pid_gone(job.claimed_by)
        if not dead:
            return None
        if job.attempts >= settings.JOBS_MAX_ATTEMPTS:
            _give_up(model, job, now=now)
            return None
        won = base.filter(status=Status.RUNNING, claimed_by=job.claimed_by, attempts=job.attempts).update(**take)
        if won:
            log.warning("%s %s taken over from dead worker %s", model._meta.label, job_id, job.claimed_by)
    if not won:
        return None
    return model.objects.get(pk=job_id)


def _give_up(model, job, *, now) -> bool:
    limit = settings.JOBS_MAX_ATTEMPTS
    message = (f"执行中断：处理进程（{job.claimed_by or '未知'}）在第 {job.attempts} 次执行时停止响应，"
               f"已达自动重试上限（{limit} 次），任务失败。可点击“重试”重新执行。")
    return model.objects.filter(pk=job.pk, status=Status.RUNNING, attempts=job.attempts).update(
        status=Status.FAILED, message=message, finished_at=now, lease_until=None) == 1


class JobRun:
    """One claimed run of a job. Every write is fenced on the claim, so it is a no-op (returns
    False) once the claim has been taken over."""

    def __init__(self, job: BackgroundJob):
        self.job = job
        self.mine = type(job).objects.filter(pk=job.pk, status=Status.RUNNING, attempts=job.attempts)

    def renew(self) -> bool:
        return self.mine.update(lease_until=timezone.now() + lease()) == 1

    def progress(self, percent: int) -> bool:
        return self.mine.update(progress=max(5, min(int(percent), 99)), lease_until=timezone.now() + lease()) == 1

    def finish(self, *, message: str, **fields) -> bool:
        return self.mine.update(status=Status.DONE, progress=100, message=message, finished_at=timezone.now(),
                                lease_until=None, **fields) == 1

    def fail(self, *, message: str, **fields) -> bool:
        return self.mine.update(status=Status.FAILED, progress=100, message=message, finished_at=timezone.now(),
                                lease_until=None, **fields) == 1


class _Heartbeat(threading.Thread):
    """Renews the lease while the body runs; dies with the worker process, which is the point."""

    def __init__(self, run: JobRun):
        super().__init__(daemon=True, name=f"heartbeat-{run.job.pk}")
        self.run_ = run
        self.stopped = threading.Event()

    def run(self) -> None:
        every = max(0.5, settings.JOBS_LEASE_SECONDS / 3)
        try:
            while not self.stopped.wait(every):
                try:
                    if not self.run_.renew():
                        log.warning("job %s: claim lost, its result will be discarded", self.run_.job.pk)
                        return
                except Exception as e:  # noqa: BLE001 — a database blip: try again next beat of the heart
                    log.warning("job %s: could not renew the lease: %s", self.run_.job.pk, e)
        finally:
            connection.close()  # this thread's own connection

    def stop(self) -> None:
        self.stopped.set()
        self.join(timeout=30)


def job_run(model: type[BackgroundJob], job_id: int, body: Callable[[JobRun], None], *,
            worker: str | None = None) -> bool:
    """Claim the job and run `body(run)`; False when it could not be claimed. The body records its
    outcome with run.finish()/run.fail(); an exception it lets through fails the job with the
    model's crash message (the user must see that it failed, not a spinner forever)."""
    job = job_claim(model, job_id, worker=worker or worker_name())
    if job is None:
        log.info("%s %s not claimed (taken, finished or out of attempts)", model._meta.label, job_id)
        return False
    run = JobRun(job)
    heart = _Heartbeat(run)
    heart.start()
    try:
        body(run)
    except Exception:  # noqa: BLE001
        log.exception("%s %s crashed", model._meta.label, job_id)
        run.fail(message=model.crash_message)
    finally:
        heart.stop()
    return True


# --- Retry and sweep ------------------------------------------------------------------------------

def job_retry(*, job: BackgroundJob, actor) -> bool:
    """Queue a failed job again with a fresh attempt budget (the 重试 button). False if it was not
    failed any more (a double click, another admin)."""
    now = timezone.now()
    with transaction.atomic():
        won = type(job).objects.filter(pk=job.pk, status=Status.FAILED).update(
            status=Status.QUEUED, attempts=0, progress=0, claimed_at=None, claimed_by="", finished_at=None,
            lease_until=now + lease(), message=f"已由 {actor.get_full_name() or actor.username} 于 {_clock(now)} 重新排队。")
        if won:
            job_enqueue(job)
    return bool(won)


def jobs_sweep(*, now: dt.datetime | None = None, limit: int = 500) -> dict[str, int]:
    """Re-queue or fail running jobs whose lease ran out; send queued jobs' messages again when
    nobody took them within a lease. Safe to run twice at once: each change is compare-and-set."""
    now = now or timezone.now()
    out = {"requeued": 0, "failed": 0, "resent": 0}
    limit_attempts = settings.JOBS_MAX_ATTEMPTS
    for model in job_models():
        due = (model.objects.filter(status__in=[Status.QUEUED, Status.RUNNING], lease_until__lt=now)
               .only("pk", "status", "attempts", "claimed_by", "lease_until").order_by("lease_until")[:limit])
        for job in due:
            if job.status == Status.QUEUED:
                if model.objects.filter(pk=job.pk, status=Status.QUEUED, lease_until=job.lease_until).update(
                        lease_until=now + lease()):
                    out["resent"] += job_send(model, job.pk)
            elif job.attempts >= limit_attempts:
                out["failed"] += _give_up(model, job, now=now)
            else:
                message = (f"执行中断：处理进程（{job.claimed_by or '未知'}）停止响应，已于 {_clock(now)} 自动重新排队"
                           f"（已执行 {job.attempts}/{limit_attempts} 次）。")
                if model.objects.filter(pk=job.pk, status=Status.RUNNING, attempts=job.attempts,
                                        lease_until=job.lease_until).update(
                        status=Status.QUEUED, progress=0, message=message, lease_until=now + lease()):
                    out["requeued"] += 1
                    job_send(model, job.pk)
    if any(out.values()):
        log.warning("job sweep: %s", out)
    return out
