"""The unread count in the header (supervision.channels.inapp.unread_count: kept for a few seconds)."""
from __future__ import annotations

from django.utils.functional import SimpleLazyObject


def notifications(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def count() -> int:
        from .channels.inapp import unread_count

        return unread_count(user)

    # Lazy: pages that do not show the header (API, downloads) do not pay for the query.
    return {"unread_notifications": SimpleLazyObject(count)}
