"""Celery jobs of the plans app."""
from __future__ import annotations

import logging

from celery import shared_task

log = logging.getLogger(__name__)


@shared_task(name="plans.parse_import_job", acks_late=True)
def parse_import_job(job_id: int) -> None:
    """Parse an uploaded file and store it as a draft plan. Safe to run twice: the job is claimed
    by compare-and-set (background.services.job_claim), so a duplicate message does nothing and a
    message redelivered after its worker died takes the job over."""
    from .services import import_job_run

    import_job_run(job_id=job_id)


@shared_task(name="plans.prune_audit_log")
def prune_audit_log() -> int:
    """Nightly (beat): audit rows past AUDIT_RETENTION_DAYS. Safe to run twice."""
    from .services import audit_prune

    n = audit_prune()
    log.info("pruned %s audit rows", n)
    return n
