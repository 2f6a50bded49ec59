"""The unread count in the header: one indexed COUNT per page for a signed-in user."""
from __future__ import annotations

from django.utils.functional import SimpleLazyObject


def notifications(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def count() -> int:
        from .models import Reminder

        return Reminder.objects.for_user(user).unread().count()

    # Lazy: pages that do not show the header (API, downloads) do not pay for the query.
    return {"unread_notifications": SimpleLazyObject(count)}
