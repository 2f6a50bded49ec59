"""In-app notifications: a Reminder row *is* the notification (Reminder.read_at), visible in the
notification centre as soon as the scan or a service writes it; nothing to send.

The header's unread count is kept for UNREAD_COUNT_SECONDS (setting, 30): a new notification shows
in the badge within that time, one the reader opens or marks read leaves it at once."""
from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone


def _count_key(user) -> str:
    return f"inapp:unread:{user.pk}"


def unread_count(user) -> int:
    from ..models import Reminder

    n = cache.get(_count_key(user))
    if n is None:
        n = Reminder.objects.for_user(user).unread().count()
        cache.set(_count_key(user), n, settings.UNREAD_COUNT_SECONDS)
    return n


def mark_read(*, user, ids=None) -> int:
    from ..models import Reminder

    qs = Reminder.objects.for_user(user).unread()
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    n = qs.update(read_at=timezone.now())
    cache.delete(_count_key(user))
    transaction.on_commit(lambda: cache.delete(_count_key(user)))  # and once the change is visible
    return n
