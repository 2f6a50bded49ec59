"""Claim, lease, sweep and retry of background jobs, on the export job (any concrete job would do)."""
from __future__ import annotations

import datetime as dt
import os
import socket
import subprocess
import time

import pytest
from django.utils import timezone

from background import services
from background.services import JobRun, job_claim, job_retry, jobs_sweep
from supervision.exports.jobs import run_export_job
from supervision.exports.models import ExportJob
from supervision.exports.services import export_job_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(monkeypatch) -> list:
    """The messages the sweeper and retry send (the broker itself is not under test here)."""
    out: list = []
    monkeypatch.setattr(services, "job_send", lambda model, pk: out.append((model, pk)) or True)
    return out


def _dead_pid() -> int:
    proc = subprocess.Popen(["true"])
    proc.wait()
    return proc.pid


def _running(job, *, by: str, lease_left: float = 60, attempts: int = 1) -> ExportJob:
    now = timezone.now()
    ExportJob.objects.filter(pk=job.pk).update(status="running", claimed_by=by, claimed_at=now, attempts=attempts,
                                               lease_until=now + dt.timedelta(seconds=lease_left), progress=85)
    job.refresh_from_db()
    return job


@pytest.fixture
def job(cast, sent):
    return export_job_create(kind="ledger", user=cast.supervisor, params={})


def test_it_lets_a_message_redelivered_after_its_worker_died_take_the_job_over(job, tmp_path, settings):
    # Before: a job was claimed only while queued, so the redelivery logged "already claimed" and
    # the export stayed 生成中 85 % for ever.
    settings.MEDIA_ROOT = str(tmp_path)
    _running(job, by=f"{socket.gethostname()}:{_dead_pid()}")
    run_export_job(job.pk)
    job.refresh_from_db()
    assert job.status == "done" and job.file and job.attempts == 2
    assert job.claimed_by == f"{socket.gethostname()}:{os.getpid()}" and job.claimed_at


def test_it_ignores_a_duplicate_message_while_the_claimant_lives(job):
    _running(job, by=f"{socket.gethostname()}:{os.getppid()}")
    run_export_job(job.pk)
    job.refresh_from_db()
    assert job.status == "running" and job.attempts == 1 and job.progress == 85


def test_it_lets_any_worker_take_a_job_whose_lease_ran_out(job):
    _running(job, by="elsewhere:123", lease_left=-1)
    taken = job_claim(ExportJob, job.pk, worker="here:1")
    assert taken is not None and taken.claimed_by == "here:1" and taken.attempts == 2


def test_it_requeues_a_job_whose_lease_ran_out_with_a_chinese_message(job, sent):
    _running(job, by="node7:4242", lease_left=-1)
    sent.clear()
    assert jobs_sweep() == {"requeued": 1, "failed": 0, "resent": 0}
    job.refresh_from_db()
    assert job.status == "queued" and "node7:4242" in job.message and "自动重新排队" in job.message
    assert "1/3" in job.message and job.lease_until > timezone.now()
    assert sent == [(ExportJob, job.pk)]  # a new message: nothing waits for the broker to redeliver
    assert jobs_sweep() == {"requeued": 0, "failed": 0, "resent": 0}  # once


def test_it_fails_a_job_for_good_after_the_attempt_cap(job, sent, settings):
    settings.JOBS_MAX_ATTEMPTS = 2
    _running(job, by="node7:4242", lease_left=-1, attempts=2)
    sent.clear()
    assert jobs_sweep()["failed"] == 1
    job.refresh_from_db()
    assert job.status == "failed" and "重试上限（2 次）" in job.message and job.finished_at and not sent
    # a late redelivery of the old message changes nothing
    run_export_job(job.pk)
    job.refresh_from_db()
    assert job.status == "failed"


def test_it_fails_a_dead_job_at_its_last_attempt_when_a_message_arrives(job, settings):
    settings.JOBS_MAX_ATTEMPTS = 1
    _running(job, by=f"{socket.gethostname()}:{_dead_pid()}")
    run_export_job(job.pk)
    job.refresh_from_db()
    assert job.status == "failed" and "重试上限" in job.message


def test_it_resends_a_queued_job_nobody_took_within_a_lease(job, sent):
    sent.clear()
    assert jobs_sweep()["resent"] == 0  # still inside its lease: the first message may be on its way
    ExportJob.objects.filter(pk=job.pk).update(lease_until=timezone.now() - dt.timedelta(seconds=1))
    assert jobs_sweep()["resent"] == 1 and sent == [(ExportJob, job.pk)]
    job.refresh_from_db()
    assert job.status == "queued" and job.lease_until > timezone.now()


def test_it_discards_the_writes_of_a_run_that_lost_its_claim(job):
    run = JobRun(job_claim(ExportJob, job.pk, worker="slow:1"))
    ExportJob.objects.filter(pk=job.pk).update(lease_until=timezone.now() - dt.timedelta(seconds=1))
    assert job_claim(ExportJob, job.pk, worker="fast:2") is not None  # presumed dead, taken over
    assert not run.progress(50) and not run.finish(message="已生成。")
    job.refresh_from_db()
    assert job.claimed_by == "fast:2" and job.status == "running" and job.attempts == 2


def test_it_records_a_crash_then_retries_with_a_fresh_budget(job, cast, sent, monkeypatch):
    from supervision.exports import services as export_services

    def boom(**kw):
        raise RuntimeError("disk full")

    monkeypatch.setattr(export_services, "export_build", boom)
    run_export_job(job.pk)
    job.refresh_from_db()
    assert job.status == "failed" and "内部错误" in job.message and job.lease_until is None
    assert job_retry(job=job, actor=cast.supervisor)
    job.refresh_from_db()
    assert job.status == "queued" and job.attempts == 0 and "重新排队" in job.message
    assert not job_retry(job=job, actor=cast.supervisor)  # a double click


@pytest.mark.django_db(transaction=True)
def test_it_renews_the_lease_while_the_body_runs(cast, sent, settings):
    settings.JOBS_LEASE_SECONDS = 2  # a heartbeat every 0.67 s
    job = export_job_create(kind="ledger", user=cast.supervisor, params={})
    leases = []

    def body(run):
        first = ExportJob.objects.get(pk=job.pk).lease_until
        deadline = time.monotonic() + 20  # a heartbeat is due every 0.67 s; a loaded machine is slower
        while time.monotonic() < deadline and ExportJob.objects.get(pk=job.pk).lease_until == first:
            time.sleep(0.1)
        leases.append((first, ExportJob.objects.get(pk=job.pk).lease_until))
        run.finish(message="ok")

    assert services.job_run(ExportJob, job.pk, body)
    (first, later), = leases
    assert later > first
    assert ExportJob.objects.get(pk=job.pk).status == "done"


def test_it_is_in_the_beat_schedule(settings):
    entries = {v["task"]: v["schedule"] for v in settings.CELERY_BEAT_SCHEDULE.values()}
    assert entries["background.sweep_jobs"] == settings.JOBS_SWEEP_SECONDS
