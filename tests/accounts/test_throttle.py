"""Login throttling like 等保 2.0 level 3: per username and per address, a Chinese lockout page,
every success, failure and lockout in the audit log."""
import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from audit.models import AuditEntry
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def login(client, username, password, ip="10.1.2.3"):
    return client.post("/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_it_locks_a_username_after_five_failures_even_with_the_right_password(client, cast):
    for _ in range(4):
        assert login(client, "staff", "wrong-password").status_code == 200
    assert login(client, "staff", "wrong-password").status_code == 429  # the fifth locks
    resp = login(client, "staff", PASSWORD)
    assert resp.status_code == 429
    html = resp.content.decode()
    assert "登录已暂时锁定" in html and "30 分钟后" in html
    assert "_auth_user_id" not in client.session
    # from another address the username is still locked; other users are not affected
    assert login(client, "staff", PASSWORD, ip="10.9.9.9").status_code == 429
    assert login(client, "head", PASSWORD).status_code == 302
    actions = list(AuditEntry.objects.filter(object_type="auth.user").order_by("id")
                   .values_list("action", "after__username"))
    assert actions.count(("login_failed", "staff")) >= 5  # the five, and the refused attempts after
    assert ("login_locked_out", "staff") in actions and actions[-1] == ("login_success", "head")
    assert ("login_success", "staff") not in actions
    assert AuditEntry.objects.filter(action="login_failed").order_by("id").first().after["ip"] == "10.1.2.3"
    # after the cool-off the right password works again
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=31)):
        assert login(client, "staff", PASSWORD).status_code == 302


def test_it_locks_an_address_that_tries_many_usernames(client, cast, settings):
    settings.LOGIN_IP_FAILURE_LIMIT = 8
    for i in range(8):
        login(client, f"guess{i}", "x", ip="10.7.7.7")
    assert login(client, "staff", PASSWORD, ip="10.7.7.7").status_code == 429
    assert login(client, "staff", PASSWORD, ip="10.7.7.8").status_code == 302


def test_it_reads_the_client_address_behind_a_trusted_proxy(client, cast, settings):
    settings.CLIENT_IP_PROXY_COUNT = 1
    client.post("/accounts/login/", {"username": "staff", "password": "x"}, REMOTE_ADDR="127.0.0.1",
                HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.7")
    assert AuditEntry.objects.get(action="login_failed").after["ip"] == "203.0.113.7"


def test_it_keeps_authenticate_working_for_code_without_a_request(cast):
    from django.contrib.auth import authenticate

    assert authenticate(username="staff", password=PASSWORD) == cast.staff
