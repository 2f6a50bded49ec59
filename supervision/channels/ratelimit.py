"""A sliding-window rate limit kept in the database, so every worker process shares it.

Robots (WeCom, DingTalk) accept 20 messages per minute each. The check-and-record runs in one
transaction holding the bucket's row lock (SELECT … FOR UPDATE on PostgreSQL; SQLite serialises
writers anyway with IMMEDIATE transactions), so two processes cannot both take the 20th slot."""
from __future__ import annotations

import datetime as dt
import hashlib

from django.db import transaction
from django.utils import timezone


def bucket_key(endpoint: str) -> str:
    return hashlib.sha256(endpoint.encode("utf-8")).hexdigest()[:64]


def acquire(endpoint: str, *, limit: int, window: float = 60, now: dt.datetime | None = None) -> float:
    """Take a slot: 0 when taken, else the seconds to wait before the window has room."""
    from ..models import RateBucket, RateHit

    key = bucket_key(endpoint)
    now = now or timezone.now()
    start = now - dt.timedelta(seconds=window)
    RateBucket.objects.get_or_create(key=key)
    with transaction.atomic():
        RateBucket.objects.select_for_update().get(key=key)
        RateHit.objects.filter(bucket=key, at__lte=start).delete()
        hits = list(RateHit.objects.filter(bucket=key).order_by("at").values_list("at", flat=True)[:limit])
        if len(hits) >= limit:
            return max((hits[0] - start).total_seconds(), 0.05)
        RateHit.objects.create(bucket=key, at=now)
        return 0.0
