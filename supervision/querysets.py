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


class UrgeQuerySet(models.QuerySet):
    def visible_to(self, user) -> UrgeQuerySet:
        """Supervisors: urges to units of their regions; unit staff and heads: urges to their unit."""
        from plans.querysets import scope_of

        scope = scope_of(user)
        if scope.is_admin:
            return self
        if scope.is_supervisor:
            return self.filter(unit__region_id__in=scope.region_ids)
        if scope.unit_id:
            return self.filter(unit_id=scope.unit_id)
        return self.none()


class DigestQuerySet(models.QuerySet):
    def pending(self) -> DigestQuerySet:
        return self.filter(sent_at__isnull=True, failed_at__isnull=True)

    def ready(self, *, now: dt.datetime, lease: dt.timedelta) -> DigestQuerySet:
        """Digests a worker may claim now: unsent, due for an attempt, and unclaimed or claimed by a
        worker whose lease ran out (it died mid-run). Served by the partial index digest_pending."""
        return (self.pending().filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
                .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - lease)))
