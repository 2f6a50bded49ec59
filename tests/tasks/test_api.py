"""The task API: authentication answers as the standard says, and records carry the computed status."""
import datetime as dt
import json

import pytest
import time_machine
from rest_framework.test import APIClient

from tests.factories import MeasureFactory, TaskFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("header", [None, "Token not-a-real-token", "Bearer x"])
def test_it_answers_a_missing_or_bad_token_with_401_and_www_authenticate(header):
    """Issue 11: the API answered 403 without a challenge."""
    c = APIClient()
    if header:
        c.credentials(HTTP_AUTHORIZATION=header)
    r = c.get("/api/tasks/")
    assert r.status_code == 401
    assert r["WWW-Authenticate"] == "Token"


def test_it_gives_task_records_the_status_the_pages_compute(cast, client):
    """Issue 11: task records in the API carried no computed status."""
    from tasks.models import Task

    with time_machine.travel(dt.datetime(2026, 3, 20, 2, 0, tzinfo=dt.timezone.utc), tick=False):
        overdue = TaskFactory(measure=MeasureFactory(plan=cast.plan, deadline=dt.date(2026, 3, 1)), unit=cast.unit)
        later = TaskFactory(measure=MeasureFactory(plan=cast.plan, deadline=dt.date(2026, 12, 31)), unit=cast.unit)
        c = APIClient()
        c.force_authenticate(cast.supervisor)
        rows = {t["id"]: t for t in c.get("/api/tasks/").json()["results"]}
        now = dt.datetime.now(dt.timezone.utc)
        for task in (overdue, later):
            page_status = Task.objects.get(pk=task.pk).get_status(now)
            assert rows[task.pk]["status"] == page_status
        assert (rows[overdue.pk]["status"], rows[overdue.pk]["status_display"]) == ("overdue", "已逾期")
        assert rows[later.pk]["status_display"] == "未启动"
        assert rows[overdue.pk]["region_name"] == "铁西区"
        assert c.get(f"/api/tasks/{overdue.pk}/").json()["status"] == "overdue"
    client.force_login(cast.supervisor)  # the schema is for logged-in users
    spec = json.loads(client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").content)
    props = spec["components"]["schemas"]["Task"]["properties"]
    assert "status" in props and "status_display" in props
