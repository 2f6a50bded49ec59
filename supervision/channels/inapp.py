"""In-app notifications: a Reminder row *is* the notification (Reminder.read_at), visible in the
notification centre as soon as the scan or a service writes it; nothing to send."""
from __future__ import annotations

from django.utils import timezone


def mark_read(*, user, ids=None) -> int:
    from ..models import Reminder

    qs = Reminder.objects.for_user(user).unread()
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return qs.update(read_at=timezone.now())
