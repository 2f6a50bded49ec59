"""A supervisor whose export was cut short by a dead worker sees why on the job page, clicks 重试,
and the page follows the job to its download link (a real Celery worker)."""
from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from background.services import jobs_sweep
from supervision.exports.models import ExportJob
from supervision.exports.services import export_job_create
from tests.celery_worker import celery_worker
from tests.conftest import Cast, browser_login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_shows_a_dead_workers_job_failed_and_retries_it(live_server, page, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    settings.JOBS_MAX_ATTEMPTS = 1
    cast = Cast()
    job = export_job_create(kind="ledger", user=cast.supervisor, params={})
    ExportJob.objects.filter(pk=job.pk).update(status="running", attempts=1, claimed_by="node7:4242", progress=85,
                                               lease_until=timezone.now() - dt.timedelta(seconds=1))
    assert jobs_sweep()["failed"] == 1  # the beat's sweeper: its worker stopped renewing the lease
    browser_login(page, live_server, "supervisor")
    page.goto(f"{live_server.url}/dashboard/exports/{job.pk}/")
    assert "已达自动重试上限（1 次），任务失败" in page.inner_text("#message")
    assert page.inner_text("#status") == "失败"
    screenshot(page, "job-failed-with-retry")
    with celery_worker(pool="threads"):
        page.click("button:has-text('重试')")
        page.wait_for_selector(".msg-success")
        assert "已重新排队" in page.inner_text(".messages")
        page.wait_for_selector("text=下载文件", state="visible", timeout=60000)
    assert page.inner_text("#status") == "已完成" and page.locator("#retry-form").is_hidden()
    screenshot(page, "job-retried-done")
    job.refresh_from_db()
    assert job.status == "done" and job.attempts == 1
