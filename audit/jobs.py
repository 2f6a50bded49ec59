"""Celery jobs of the audit log."""
from __future__ import annotations

import logging

from celery import shared_task

from .services import audit_prune

log = logging.getLogger(__name__)


# The name is the one beat has always sent (the job lived in plans before the audit app existed).
@shared_task(name="plans.prune_audit_log")
def prune_audit_log() -> int:
    """Nightly (beat): audit rows past AUDIT_RETENTION_DAYS. Safe to run twice."""
    n = audit_prune()
    log.info("pruned %s audit rows", n)
    return n
