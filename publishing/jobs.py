"""Celery jobs of the publishing app."""
from __future__ import annotations

from celery import shared_task

from .services import import_job_run


# The name it had when the job lived in plans: messages queued before an upgrade still run.
@shared_task(name="plans.parse_import_job", acks_late=True)
def parse_import_job(job_id: int) -> None:
    """Parse an uploaded file and store it as a draft plan. Safe to run twice: the job is claimed
    by compare-and-set (background.services.job_claim), so a duplicate message does nothing and a
    message redelivered after its worker died takes the job over."""
    import_job_run(job_id=job_id)
