"""The one status endpoint and the 重试 button: shown to whom, POST only, CSRF, owner or admin."""
from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from background import services
from publishing.models import ImportJob
from publishing.services import import_job_create, import_job_run
from supervision.exports.models import ExportJob
from supervision.exports.services import export_job_create

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_broker(monkeypatch):
    monkeypatch.setattr(services, "job_send", lambda model, pk: True)


def _failed_export(user) -> ExportJob:
    job = export_job_create(kind="ledger", user=user, params={})
    ExportJob.objects.filter(pk=job.pk).update(status="failed", message="执行中断：已达自动重试上限（3 次），任务失败。")
    return job


def test_it_shows_the_failure_and_a_retry_button_to_the_owner(cast, client):
    job = _failed_export(cast.supervisor)
    client.force_login(cast.supervisor)
    page = client.get(f"/dashboard/exports/{job.pk}/").content.decode()
    assert "已达自动重试上限" in page and f'action="/jobs/supervision_exports.exportjob/{job.pk}/retry/"' in page
    state = client.get(f"/dashboard/exports/{job.pk}/", HTTP_ACCEPT="application/json").json()
    assert state["status"] == "failed" and state["finished"] and state["retry_url"]
    assert state["claimed"] == ""  # never taken
    r = client.post(state["retry_url"])
    assert r.status_code == 302 and r["Location"] == f"/dashboard/exports/{job.pk}/"
    job.refresh_from_db()
    assert job.status == "queued" and job.attempts == 0
    state = client.get(f"/dashboard/exports/{job.pk}/", HTTP_ACCEPT="application/json").json()
    assert state["retry_url"] is None and not state["finished"]


def test_it_refuses_a_retry_from_anyone_else_and_without_post_or_csrf(cast):
    job = _failed_export(cast.supervisor)
    url = f"/jobs/supervision_exports.exportjob/{job.pk}/retry/"
    other = Client()
    for user in (cast.other_staff, cast.staff):
        other.force_login(user)
        assert other.post(url).status_code == 404
    owner = Client(enforce_csrf_checks=True)
    owner.force_login(cast.supervisor)
    assert owner.post(url).status_code == 403  # no CSRF token
    assert owner.get(url).status_code == 405
    assert Client().post(url).status_code == 302  # to the login page
    assert owner.post("/jobs/plans.plan/1/retry/").status_code in (403, 404)
    job.refresh_from_db()
    assert job.status == "failed"


def test_it_lets_an_admin_retry_an_import_but_not_a_refused_one(cast, client, tmp_path, settings):
    settings.MEDIA_ROOT = str(tmp_path)
    job = import_job_create(region=cast.region, upload=SimpleUploadedFile("a.txt", "铁西区方案\n".encode()),
                            actor=cast.admin)
    ImportJob.objects.filter(pk=job.pk).update(status="failed", message="解析时发生内部错误")
    client.force_login(cast.admin)
    state = client.get(f"/plans/import/{job.pk}/", HTTP_ACCEPT="application/json").json()
    assert state["retry_url"] == f"/jobs/publishing.importjob/{job.pk}/retry/"
    client.force_login(cast.supervisor)  # imports are the admins' business
    assert client.post(state["retry_url"]).status_code == 404
    # A refused file is gone from disk: nothing to retry, the admin uploads a corrected file.
    refused = import_job_create(region=cast.region, upload=SimpleUploadedFile("plan.pdf", b"%PDF-1.4\n%%EOF"),
                                actor=cast.admin)
    import_job_run(job_id=refused.pk)
    client.force_login(cast.admin)
    page = client.get(f"/plans/import/{refused.pk}/").content.decode()
    assert "PDF" in page and 'id="retry-form" action="" hidden' in page
    assert client.post(f"/jobs/publishing.importjob/{refused.pk}/retry/").status_code == 404
