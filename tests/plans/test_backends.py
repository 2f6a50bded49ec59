"""plans.backends.MemberBackend: a signed-in request reads the user, their membership and unit in one
query, and the scope and the header need none of their own; a user without a membership, an inactive
user and a deleted one behave as with Django's ModelBackend."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from plans.backends import MemberBackend
from plans.choices import Role
from plans.querysets import scope_of
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_it_reads_the_membership_and_unit_with_the_user(cast):
    with CaptureQueriesContext(connection) as ctx:
        user = MemberBackend().get_user(cast.staff.pk)
        scope = scope_of(user)
        unit_name, role = user.membership.unit.name, user.membership.get_role_display()
    assert len(ctx) == 1
    assert (scope.role, scope.unit_id, unit_name) == (Role.STAFF, cast.unit.pk, cast.unit.name)
    assert role == Role(Role.STAFF).label  # as the header shows it


def test_it_treats_users_without_a_membership_inactive_or_gone_as_modelbackend_does(cast):
    loner = UserFactory()
    user = MemberBackend().get_user(loner.pk)
    with CaptureQueriesContext(connection) as ctx:
        assert scope_of(user).role is None
        assert not hasattr(user, "membership")  # RelatedObjectDoesNotExist, without a query
    assert len(ctx) == 0
    cast.staff.is_active = False
    cast.staff.save()
    assert MemberBackend().get_user(cast.staff.pk) is None
    assert MemberBackend().get_user(10**9) is None


def test_a_signed_in_page_reads_the_user_and_the_scope_in_one_query(client, cast):
    client.force_login(cast.staff)
    client.get("/tasks/")
    with CaptureQueriesContext(connection) as ctx:
        html = client.get("/tasks/").content.decode()
    assert f"{cast.unit.name}（" in html
    membership_reads = [q["sql"] for q in ctx.captured_queries if '"plans_membership"' in q["sql"]]
    assert len(membership_reads) == 1 and '"auth_user"' in membership_reads[0], membership_reads
