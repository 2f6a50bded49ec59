"""The sign-in backend: Django's ModelBackend, reading who a signed-in user is together with their
membership and unit.

Every signed-in request loads its user (AuthenticationMiddleware); every page then asks the user's
scope (plans.querysets.scope_of) and the header shows the unit and role. With the membership and
unit joined to that one query, a page needs no query of its own for either."""
from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class MemberBackend(ModelBackend):
    def get_user(self, user_id):
        User = get_user_model()
        try:
            user = User._default_manager.select_related("membership__unit").get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
