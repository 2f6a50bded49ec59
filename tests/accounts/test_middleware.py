"""Session limits: 30 minutes idle (a setting) and an absolute age after sign-in (a setting)."""
import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from audit.models import AuditEntry
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def sign_in(client, username="staff"):
    resp = client.post("/accounts/login/", {"username": username, "password": PASSWORD})
    assert resp.status_code == 302


def test_it_signs_out_after_30_idle_minutes(client, cast):
    t0 = timezone.now()
    with time_machine.travel(t0, tick=False):
        sign_in(client)
        assert client.get("/tasks/").status_code == 200
    with time_machine.travel(t0 + dt.timedelta(minutes=29), tick=False):
        assert client.get("/tasks/").status_code == 200  # activity restarts the clock
    with time_machine.travel(t0 + dt.timedelta(minutes=29 + 31), tick=False):
        resp = client.get("/tasks/", follow=True)
        assert resp.redirect_chain[-1][0].startswith("/accounts/login/?next=/tasks/")
        assert "长时间未操作" in resp.content.decode()
        assert client.get("/api/tasks/").status_code in (401, 403)
    assert AuditEntry.objects.filter(action="logout", after__reason="idle").count() == 1


def test_it_ends_a_session_at_its_absolute_age_however_active(client, cast, settings):
    settings.SESSION_ABSOLUTE_SECONDS = 2 * 3600
    t0 = timezone.now()
    for minutes in range(0, 120, 20):
        with time_machine.travel(t0 + dt.timedelta(minutes=minutes), tick=False):
            if minutes == 0:
                sign_in(client)
            assert client.get("/tasks/").status_code == 200
    with time_machine.travel(t0 + dt.timedelta(minutes=121), tick=False):
        resp = client.get("/tasks/", follow=True)
        assert "登录已超过有效时长" in resp.content.decode()


def test_it_takes_the_idle_limit_from_settings(client, cast, settings):
    settings.SESSION_IDLE_TIMEOUT_SECONDS = 5 * 60
    t0 = timezone.now()
    with time_machine.travel(t0, tick=False):
        sign_in(client)
        client.get("/tasks/")
    with time_machine.travel(t0 + dt.timedelta(minutes=6), tick=False):
        assert client.get("/tasks/").status_code == 302
