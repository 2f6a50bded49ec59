"""Celery jobs of the exports (discovered by autodiscover_tasks(related_name="jobs"): this package is an app)."""
from __future__ import annotations

from celery import shared_task


@shared_task(name="supervision.exports.run_export_job", acks_late=True)
def run_export_job(job_id: int) -> None:
    """Generate one export. Claimed by compare-and-set (background.services.job_claim), so a
    duplicate message does nothing and a message redelivered after its worker died takes it over."""
    from .services import export_job_run

    export_job_run(job_id=job_id)
