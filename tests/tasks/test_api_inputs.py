"""The task API's write inputs: stale versions and large evidence files answer in Chinese, never a 500."""
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from tasks.models import Evidence, ProgressReport

from .conftest import PDF

pytestmark = pytest.mark.django_db


def api(user) -> APIClient:
    c = APIClient()
    c.force_authenticate(user)
    return c


def report_form(work, **kw):
    data = {"period": work.period.key, "expected_version": 0, "status": "in_progress",
            "done_text": "完成了系统对接。", "percent": 30}
    data.update(kw)
    return data


def test_it_answers_409_in_chinese_for_a_stale_version_without_any_report(cast, work):
    r = api(cast.staff).post(f"/api/tasks/{work.task.pk}/report/", report_form(work, expected_version=2),
                             format="json")
    assert r.status_code == 409, r.content
    assert "页面上的版本信息已过期" in r.json()["detail"] and r.json()["current"] is None
    r = api(cast.staff).post(f"/api/tasks/{work.task.pk}/no-change/",
                             {"period": work.period.key, "expected_version": 5}, format="json")
    assert r.status_code == 409, r.content
    assert not ProgressReport.objects.exists()


def big_pdf(name: str, size: int) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF + b"%" * (size - len(PDF)), content_type="application/pdf")


def test_it_takes_evidence_over_the_upload_memory_limit_and_refuses_it_past_the_cap(cast, work, settings):
    """Files above FILE_UPLOAD_MAX_MEMORY_SIZE (5 MB) are temporary files on disk; the multipart
    body used to be deep-copied with them ("cannot pickle '_io.BufferedRandom'", a 500)."""
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024  # the same path as 5 MB, at a fifth of the bytes
    settings.EVIDENCE_MAX_BYTES = 2 * 1024 * 1024
    url = f"/api/tasks/{work.task.pk}/report/"
    r = api(cast.staff).post(url, report_form(work, evidence=[big_pdf("大.pdf", 3 * 1024 * 1024)]), format="multipart")
    assert r.status_code == 400, r.content
    assert "超过大小上限（2 MB）" in r.json()["detail"]
    assert not ProgressReport.objects.exists()
    r = api(cast.staff).post(url, report_form(work, evidence=[big_pdf("中.pdf", 1536 * 1024)]), format="multipart")
    assert r.status_code == 201, r.content
    assert Evidence.objects.get().size == 1536 * 1024
