"""Supervision over the API: the same services, querysets and messages as the pages."""
import datetime as dt

import pytest
from rest_framework.test import APIClient

from supervision.choices import ReminderKind
from supervision.models import Reminder, Urge
from tasks.choices import Decision
from tasks.models import CompletionApplication, ExtensionRequest, Task
from tests.factories import MeasureFactory, TaskFactory

from .helpers import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def task(cast):
    return TaskFactory(measure=MeasureFactory(plan=cast.plan, deadline=dt.date(2026, 6, 30)), unit=cast.unit)


def api(user) -> APIClient:
    c = APIClient()
    c.force_authenticate(user)
    return c


def test_it_urges_over_the_api_and_the_unit_answers(cast, task):
    r = api(cast.supervisor).post("/api/urges/", {"task": task.pk, "message": "请本周内报送推进情况"}, format="json")
    assert r.status_code == 201, r.content
    urge = Urge.objects.get(pk=r.json()["id"])
    assert (urge.unit, urge.task, r.json()["unit_name"]) == (cast.unit, task, cast.unit.name)
    # the unit sees it and answers; another unit's staff does not even see it
    assert [u["id"] for u in api(cast.staff).get("/api/urges/").json()["results"]] == [urge.pk]
    assert api(cast.other_staff).get(f"/api/urges/{urge.pk}/").status_code == 404
    assert api(cast.other_staff).post(f"/api/urges/{urge.pk}/respond/", {"response": "x"}).status_code == 404
    r = api(cast.staff).post(f"/api/urges/{urge.pk}/respond/", {"response": "已完成系统对接"}, format="json")
    assert r.status_code == 200 and r.json()["response"] == "已完成系统对接"
    # the supervisor cannot answer for the unit: 403 with the service's message
    r = api(cast.supervisor).post(f"/api/urges/{urge.pk}/respond/", {"response": "代答"}, format="json")
    assert r.status_code == 403 and r.json()["detail"] == "只有被催办单位可以答复。"


def test_it_refuses_urges_from_staff_and_empty_or_unscoped_ones(cast, task):
    assert api(cast.staff).post("/api/urges/", {"unit": cast.unit.pk, "message": "x"}).status_code == 403
    r = api(cast.supervisor).post("/api/urges/", {"message": "请报送"}, format="json")
    assert r.status_code == 400 and r.json()["detail"] == "请选择催办的任务或单位。"
    r = api(cast.supervisor).post("/api/urges/", {"unit": cast.other_unit.pk, "message": "你单位有3项任务未报送",
                                                  "level": "escalate"}, format="json")
    assert r.status_code == 201 and r.json()["level"] == "escalate"
    assert Reminder.objects.filter(recipient=cast.other_staff, kind=ReminderKind.ESCALATED).count() == 1
    elsewhere = TaskFactory()  # a task in another region
    assert api(cast.supervisor).post("/api/urges/", {"task": elsewhere.pk, "message": "x"}).status_code == 404
    assert Urge.objects.count() == 1


def test_it_reviews_extension_requests_over_the_api(cast, task):
    req = ExtensionRequest.objects.create(task=task, requested_deadline=dt.date(2026, 9, 30), reason="需等待省级系统",
                                          requested_by=cast.staff)
    sup = api(cast.supervisor)
    assert [x["id"] for x in sup.get("/api/extension-requests/?decision=pending").json()["results"]] == [req.pk]
    assert api(cast.staff).get("/api/extension-requests/").status_code == 403
    r = sup.post(f"/api/extension-requests/{req.pk}/decide/", {"approve": False}, format="json")
    assert r.status_code == 400 and "意见" in r.json()["detail"]
    r = sup.post(f"/api/extension-requests/{req.pk}/decide/", {"approve": True, "comment": "同意"}, format="json")
    assert r.status_code == 200 and r.json()["decision"] == Decision.APPROVED
    assert Task.objects.get(pk=task.pk).granted_deadline == dt.date(2026, 9, 30)
    r = sup.post(f"/api/extension-requests/{req.pk}/decide/", {"approve": False, "comment": "再审"}, format="json")
    assert r.status_code == 400  # decided once


def test_it_reviews_completion_applications_over_the_api(cast, task):
    app = CompletionApplication.objects.create(task=task, note="已全部完成", applied_by=cast.staff)
    Task.objects.filter(pk=task.pk).update(completion_applied_at=at(2026, 6, 20))
    r = api(cast.supervisor).post(f"/api/completion-applications/{app.pk}/decide/",
                                  {"approve": True, "comment": "同意销号"}, format="json")
    assert r.status_code == 200 and r.json()["decision"] == Decision.APPROVED
    t = Task.objects.get(pk=task.pk)
    assert t.closed_at is not None and t.closed_by == cast.supervisor
    assert api(cast.staff).post(f"/api/completion-applications/{app.pk}/decide/",
                                {"approve": True}, format="json").status_code == 403


def test_it_serves_ones_own_notifications_and_marks_them_read(cast, task):
    api(cast.supervisor).post("/api/urges/", {"task": task.pk, "message": "请报送"}, format="json")
    staff = api(cast.staff)
    body = staff.get("/api/notifications/?unread=true").json()
    assert body["count"] == 1 and body["results"][0]["kind"] == ReminderKind.URGED
    assert body["results"][0]["line"].startswith("【催办】请报送")
    assert api(cast.other_staff).get("/api/notifications/").json()["count"] == 0
    assert staff.get("/api/notifications/unread-count/").json() == {"unread": 1}
    assert staff.post("/api/notifications/read/", {}, format="json").json() == {"marked": 1}
    assert staff.get("/api/notifications/unread-count/").json() == {"unread": 0}
    assert APIClient().get("/api/notifications/").status_code in (401, 403)
