"""Query vocabulary of the outbox."""
from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Q


class ReminderQuerySet(models.QuerySet):
    def for_user(self, user) -> ReminderQuerySet:
        return self.filter(recipient_id=user.pk)

    def unread(self) -> ReminderQuerySet:
        return self.filter(read_at__isnull=True)


class DigestQuerySet(models.QuerySet):
    def pending(self) -> DigestQuerySet:
        return self.filter(sent_at__isnull=True, failed_at__isnull=True)

    def ready(self, *, now: dt.datetime, lease: dt.timedelta) -> DigestQuerySet:
        """Digests a worker may claim now: unsent, due for an attempt, and unclaimed or claimed by a
        worker whose lease ran out (it died mid-run). Served by the partial index digest_pending."""
        return (self.pending().filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
                .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - lease)))
