"""The sign-in backend: Django's ModelBackend, reading who a signed-in user is together with their
membership and unit.

Every signed-in request loads its user (AuthenticationMiddleware); every page then asks the user's
scope (plans.querysets.scope_of) and the header shows the unit and role. With the membership and
unit joined to that one query, a page needs no query of its own for either. The query is compiled
once per process and user (config.queries.first_row) and the three objects made from its row: the
ORM's select_related spent 0.4 ms of CPU on every request building and compiling it again."""
from __future__ import annotations

import functools

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db import DEFAULT_DB_ALIAS

from config.queries import first_row

from .models import Membership, Unit


@functools.cache
def _columns() -> tuple[list[str], list[str], list[str]]:
    """The attribute names of the user's, the membership's and the unit's columns, in that order."""
    return tuple([f.attname for f in model._meta.concrete_fields] for model in (get_user_model(), Membership, Unit))


def _user_with_membership(user_id):
    User = get_user_model()
    user_cols, membership_cols, unit_cols = _columns()
    row = first_row(("plans:member", user_id), lambda: User._default_manager.filter(pk=user_id).values_list(
        *user_cols, *(f"membership__{c}" for c in membership_cols), *(f"membership__unit__{c}" for c in unit_cols)))
    if row is None:
        return None
    n, m = len(user_cols), len(membership_cols)
    user = User.from_db(DEFAULT_DB_ALIAS, user_cols, row[:n])
    # user.membership: the row, or RelatedObjectDoesNotExist without a query (as select_related leaves it)
    membership = None
    if row[n] is not None:
        membership = Membership.from_db(DEFAULT_DB_ALIAS, membership_cols, row[n:n + m])
        Membership._meta.get_field("unit").set_cached_value(membership, Unit.from_db(DEFAULT_DB_ALIAS, unit_cols,
                                                                                     row[n + m:]))
        Membership._meta.get_field("user").set_cached_value(membership, user)
    Membership._meta.get_field("user").remote_field.set_cached_value(user, membership)
    return user


class MemberBackend(ModelBackend):
    def get_user(self, user_id):
        user = _user_with_membership(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None
