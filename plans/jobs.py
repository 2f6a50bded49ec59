"""Celery jobs of the plans app."""
from __future__ import annotations

import logging

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from .models import ImportJob

log = logging.getLogger(__name__)


@shared_task(name="plans.parse_import_job", acks_late=True, max_retries=3, default_retry_delay=10)
def parse_import_job(job_id: int) -> None:
    """Parse an uploaded file and store it as a draft plan. Safe to run twice: the job is claimed
    by a conditional update, so a redelivered message finds it taken and does nothing."""
    from .services import import_job_run

    claimed = ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.QUEUED).update(
        status=ImportJob.Status.PARSING, progress=5)
    if claimed != 1:
        log.info("import job %s already claimed", job_id)
        return
    import_job_run(job_id=job_id)


@shared_task(name="plans.prune_audit_log")
def prune_audit_log() -> int:
    """Nightly (beat): audit rows past AUDIT_RETENTION_DAYS. Safe to run twice."""
    from .services import audit_prune

    n = audit_prune()
    log.info("pruned %s audit rows", n)
    return n
