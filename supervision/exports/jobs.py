"""Celery jobs of the exports (discovered by autodiscover_tasks(related_name="jobs"): this package is an app)."""
from __future__ import annotations

import logging

from celery import shared_task

from .models import ExportJob

log = logging.getLogger(__name__)


@shared_task(name="supervision.exports.run_export_job", acks_late=True)
def run_export_job(job_id: int) -> None:
    """Generate one export. Claimed by a conditional update, so a redelivered message does nothing."""
    from .services import export_job_run

    claimed = ExportJob.objects.filter(pk=job_id, status=ExportJob.Status.QUEUED).update(
        status=ExportJob.Status.RUNNING, progress=5)
    if claimed != 1:
        log.info("export job %s already claimed", job_id)
        return
    export_job_run(job_id=job_id)
