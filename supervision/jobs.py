"""Celery jobs of supervision. The beat runs scan_reminders; it enqueues deliver_digest per ready
digest. A job owns no state: the outbox rows do, so a lost or duplicated message is harmless."""
from __future__ import annotations

import logging
import socket

from celery import shared_task

log = logging.getLogger(__name__)


def worker_name() -> str:
    import os

    return f"{socket.gethostname()}:{os.getpid()}"


def enqueue_ready() -> int:
    """Put one deliver message per ready digest on the broker. With the broker down, log and go
    on: the rows stay and the next scan enqueues them again."""
    from celery import current_app

    from . import outbox

    ids = outbox.ready_ids()
    if not ids:
        return 0
    try:
        # Fail fast when the broker is down: publishing would otherwise retry for a long time.
        with current_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, interval_start=0.2, interval_step=0.2, timeout=3)
    except Exception as e:
        log.warning("broker unavailable, %s digests wait for the next scan: %s", len(ids), e)
        return 0
    sent = 0
    for pk in ids:
        try:
            deliver_digest.apply_async((pk,), retry=False)
        except Exception as e:  # broker unreachable: the outbox row is the truth, not the message
            log.warning("broker unavailable, %s digests wait for the next scan: %s", len(ids) - sent, e)
            break
        sent += 1
    return sent


@shared_task(name="supervision.scan_reminders", ignore_result=True)
def scan_reminders() -> dict:
    from . import outbox

    result = outbox.scan()
    queued = enqueue_ready()
    log.info("reminder scan: %s reminders, %s escalations, %s digests, %s queued, %.2fs",
             result.reminders, result.escalations, result.digests, queued, result.seconds)
    return {"reminders": result.reminders, "digests": result.digests, "queued": queued}


@shared_task(name="supervision.deliver_digest", ignore_result=True, acks_late=True)
def deliver_digest(digest_id: int) -> str:
    from . import outbox

    return outbox.deliver(digest_id, worker=worker_name())
