"""The plan import job: a refused file does not stay on disk."""
from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from background import services
from publishing.models import ImportJob
from publishing.services import import_job_create, import_job_run

pytestmark = pytest.mark.django_db
SEED0 = sorted((Path(__file__).resolve().parents[2] / "fixtures" / "seeds").glob("*.txt"))[0]


@pytest.fixture(autouse=True)
def no_broker(monkeypatch, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    monkeypatch.setattr(services, "job_send", lambda model, pk: True)


def test_it_deletes_a_refused_file_and_keeps_the_refusal(cast, tmp_path):
    job = import_job_create(region=cast.region, upload=SimpleUploadedFile("plan.pdf", b"%PDF-1.4\n%%EOF"),
                            actor=cast.admin)
    stored = Path(job.file.path)
    assert stored.exists()
    import_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED and "PDF" in job.message and not job.file
    assert not stored.exists() and not any(p.is_file() for p in tmp_path.rglob("*"))


def test_it_keeps_the_file_of_an_accepted_import(cast):
    job = import_job_create(region=cast.region, upload=SimpleUploadedFile(SEED0.name, SEED0.read_bytes()),
                            actor=cast.admin)
    assert import_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == "done" and job.plan_id and Path(job.file.path).exists()
    assert not import_job_run(job_id=job.pk)  # a duplicate message finds it finished
