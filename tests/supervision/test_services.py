import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from audit.models import AuditEntry
from supervision import outbox
from supervision.choices import ReminderKind, UrgeLevel
from supervision.models import Reminder, Urge
from supervision.services import (SupervisionRefused, completion_review, extension_decide, task_reopen,
                                  urge_create, urge_respond)
from tasks.choices import Decision, TaskStatus
from tasks.models import CompletionApplication, ExtensionRequest, Task
from tests.factories import MeasureFactory, TaskFactory

from .helpers import at


@pytest.fixture
def task(cast):
    return TaskFactory(measure=MeasureFactory(plan=cast.plan, deadline=dt.date(2026, 6, 30)), unit=cast.unit)


def test_it_urges_a_task_and_the_unit_answers(cast, task):
    urge = urge_create(actor=cast.supervisor, task=task, message="请于本周内报送推进情况")
    assert urge.unit == cast.unit and urge.level == UrgeLevel.URGE
    got = set(Reminder.objects.filter(kind=ReminderKind.URGED, task=task).values_list("recipient__username", flat=True))
    assert got == {"staff", "head"}
    assert AuditEntry.objects.filter(action="urge_urge", task_id=task.pk).exists()
    with pytest.raises(PermissionDenied):
        urge_respond(urge=urge, actor=cast.other_staff, response="不是我们")
    urge_respond(urge=urge, actor=cast.staff, response="已完成系统对接，下周上线")
    urge.refresh_from_db()
    assert urge.responded_by == cast.staff and urge.response.startswith("已完成")
    assert AuditEntry.objects.filter(action="urge_respond", object_id=str(urge.pk)).exists()


def test_it_urges_a_whole_unit_and_refuses_staff(cast):
    urge_create(actor=cast.supervisor, unit=cast.other_unit, message="你单位本月有3项任务未报送")
    assert Reminder.objects.filter(recipient=cast.other_staff, kind=ReminderKind.URGED, task=None).count() == 1
    with pytest.raises(PermissionDenied):
        urge_create(actor=cast.staff, unit=cast.unit, message="x")
    with pytest.raises(SupervisionRefused):
        urge_create(actor=cast.supervisor, unit=cast.unit, message="  ")


def test_it_approves_an_extension_and_keeps_the_original_deadline(cast, task):
    req = ExtensionRequest.objects.create(task=task, requested_deadline=dt.date(2026, 9, 30), reason="需等待省级系统",
                                          requested_by=cast.staff)
    extension_decide(request=req, actor=cast.supervisor, approve=True, comment="同意")
    task.refresh_from_db()
    req.refresh_from_db()
    assert req.decision == Decision.APPROVED and req.decided_by == cast.supervisor
    assert task.deadline == dt.date(2026, 6, 30) and task.granted_deadline == dt.date(2026, 9, 30)
    assert task.get_status(at(2026, 7, 10)) == TaskStatus.EXTENDED
    assert Reminder.objects.filter(recipient=cast.staff, kind=ReminderKind.EXTENSION_DECIDED).exists()
    assert AuditEntry.objects.filter(action="task_deadline_extended", task_id=task.pk).exists()
    with pytest.raises(SupervisionRefused):
        extension_decide(request=req, actor=cast.supervisor, approve=False, comment="再审")


def test_it_rejects_an_extension_only_with_a_comment(cast, task):
    req = ExtensionRequest.objects.create(task=task, requested_deadline=dt.date(2026, 9, 30), reason="r",
                                          requested_by=cast.staff)
    with pytest.raises(SupervisionRefused):
        extension_decide(request=req, actor=cast.supervisor, approve=False, comment="")
    with pytest.raises(PermissionDenied):
        extension_decide(request=req, actor=cast.staff, approve=True)
    extension_decide(request=req, actor=cast.supervisor, approve=False, comment="理由不充分")
    task.refresh_from_db()
    assert task.granted_deadline is None
    # history: a second request after the rejection is decided separately
    req2 = ExtensionRequest.objects.create(task=task, requested_deadline=dt.date(2026, 8, 31), reason="r2",
                                           requested_by=cast.staff)
    extension_decide(request=req2, actor=cast.supervisor, approve=True)
    assert list(task.extensions.order_by("pk").values_list("decision", flat=True)) == ["rejected", "approved"]


def _apply(task, who):
    app = CompletionApplication.objects.create(task=task, note="已全部完成", applied_by=who)
    Task.objects.filter(pk=task.pk).update(completion_applied_at=at(2026, 6, 20))
    return app


def test_it_closes_a_task_on_approval_and_returns_it_with_comments(cast, task):
    app = _apply(task, cast.staff)
    with pytest.raises(SupervisionRefused):
        completion_review(application=app, actor=cast.supervisor, approve=False, comment="")
    completion_review(application=app, actor=cast.supervisor, approve=False, comment="佐证材料不全，请补充验收报告")
    task.refresh_from_db()
    assert task.completion_applied_at is None and task.closed_at is None
    assert task.get_status(at(2026, 6, 21)) != TaskStatus.PENDING_REVIEW
    app2 = _apply(task, cast.staff)
    completion_review(application=app2, actor=cast.supervisor, approve=True, comment="同意销号", now=at(2026, 6, 25))
    task.refresh_from_db()
    assert task.closed_at == at(2026, 6, 25) and task.closed_by == cast.supervisor
    assert task.get_status(at(2026, 7, 1)) == TaskStatus.CLOSED
    assert Reminder.objects.filter(recipient=cast.staff, kind=ReminderKind.COMPLETION_REVIEWED).count() == 2
    # closed tasks are no longer reminded about
    outbox.scan(now=at(2026, 7, 20))
    assert not Reminder.objects.filter(task=task, kind=ReminderKind.OVERDUE).exists()
    task_reopen(task=task, actor=cast.supervisor, reason="复查发现未落实")
    task.refresh_from_db()
    assert task.closed_at is None
    assert AuditEntry.objects.filter(action="task_reopen", task_id=task.pk).exists()
    with pytest.raises(SupervisionRefused):
        task_reopen(task=task, actor=cast.supervisor, reason="again")


def test_it_computes_the_on_time_rate_against_either_deadline_the_same_everywhere(cast, client):
    """One definition (tasks/querysets.py) behind the queryset, the dashboard figures, the drill-down
    filter and the API: due = closed or past its deadline; on time = closed by the deadline day."""
    import time_machine

    from supervision.dashboard import querysets as agg
    from tasks.filtersets import TaskFilterSet

    def task(deadline, granted=None, closed_on=None):
        t = TaskFactory(measure=MeasureFactory(plan=cast.plan, deadline=deadline), unit=cast.unit,
                        deadline=deadline, granted_deadline=granted)
        if closed_on:
            Task.objects.filter(pk=t.pk).update(closed_at=at(*closed_on, hh=23, mm=30))
        return t

    task(dt.date(2026, 6, 30), None, (2026, 6, 30))                # on time (23:30 Shanghai is still the 30th)
    task(dt.date(2026, 6, 30), dt.date(2026, 9, 30), (2026, 9, 1))  # late against original, on time granted
    task(dt.date(2026, 6, 30), None, (2026, 7, 2))                  # late
    task(dt.date(2026, 6, 30), dt.date(2026, 12, 31))               # open: overdue on the original only
    task(None, None, (2026, 8, 1))                                  # 长期坚持, closed: on time
    task(dt.date(2026, 12, 31))                                     # open, not yet due
    today = dt.date(2026, 10, 15)
    tasks = Task.objects.all()
    expected = {"original": {"due": 5, "on_time": 2, "rate": 0.4},
                "granted": {"due": 4, "on_time": 3, "rate": 0.75}}
    client.force_login(cast.supervisor)
    for against, want in expected.items():
        assert tasks.on_time_stats(today=today, against=against) == want
        s = agg.summary(tasks, today=today, against=against)
        assert (s["due"], s["ontime"], s["ontime_rate"]) == (want["due"], want["on_time"], 100 * want["rate"])
        with time_machine.travel(at(2026, 10, 15), tick=False):
            late = TaskFilterSet({"ontime": "no", "against": against}, queryset=tasks).qs.count()
            ok = TaskFilterSet({"ontime": "yes", "against": against}, queryset=tasks).qs.count()
            api = client.get(f"/api/tasks/on-time/?against={against}").json()
        assert (ok, late) == (want["on_time"], want["due"] - want["on_time"])
        assert api == {"against": against, **want}
    client.force_login(cast.supervisor)  # the session idled out while the clock was in October
    assert client.get("/api/tasks/on-time/?against=whatever").status_code == 400


def test_it_escalation_reminders_are_flagged_urges(cast, task):
    urge = urge_create(actor=cast.supervisor, task=task, message="督办", level=UrgeLevel.ESCALATE)
    assert Urge.objects.get(pk=urge.pk).get_level_display() == "督办"
    assert Reminder.objects.filter(kind=ReminderKind.ESCALATED, task=task).count() == 2
