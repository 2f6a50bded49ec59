"""API tokens: stored as hashes, expire after API_TOKEN_LIFETIME_DAYS, rotated by the owner."""
import datetime as dt

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import ApiToken
from accounts.services import api_token_issue
from audit.models import AuditEntry

pytestmark = pytest.mark.django_db


def with_token(key) -> APIClient:
    c = APIClient()
    c.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return c


def test_it_refuses_a_token_after_its_lifetime(cast, settings):
    settings.API_TOKEN_LIFETIME_DAYS = 30
    issued = api_token_issue(user=cast.staff)
    assert not ApiToken.objects.filter(key_hash=issued.key).exists()  # only the hash is stored
    assert with_token(issued.key).get("/api/tasks/").status_code == 200
    with time_machine.travel(timezone.now() + dt.timedelta(days=31)):
        resp = with_token(issued.key).get("/api/tasks/")
        assert resp.status_code == 401 and "令牌已过期" in resp.json()["detail"]


def test_it_rotates_a_token_over_the_api(cast):
    old = api_token_issue(user=cast.staff).key
    resp = with_token(old).post("/api/token/rotate/")
    assert resp.status_code == 201
    new = resp.json()["token"]
    assert with_token(old).get("/api/tasks/").status_code == 401
    assert with_token(new).get("/api/tasks/").status_code == 200
    assert APIClient().post("/api/token/rotate/").status_code in (401, 403)
    assert list(AuditEntry.objects.filter(action__startswith="api_token").values_list("action", flat=True)
                .order_by("id")) == ["api_token_issue", "api_token_revoke", "api_token_issue"]


def test_it_issues_rotates_and_revokes_with_the_command(cast, capsys):
    call_command("api_token", "staff", "--days", "7")
    key = capsys.readouterr().out.strip()
    token = ApiToken.objects.get()
    assert token.expires_at - token.created_at == dt.timedelta(days=7)
    assert with_token(key).get("/api/plans/").status_code == 200
    call_command("api_token", "staff", "--rotate")
    new = capsys.readouterr().out.strip()
    assert with_token(key).get("/api/plans/").status_code == 401
    assert with_token(new).get("/api/plans/").status_code == 200
    call_command("api_token", "staff", "--revoke")
    assert with_token(new).get("/api/plans/").status_code == 401
