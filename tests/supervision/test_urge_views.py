"""The urge pages through the test client: scope, the task page's urge section and its answer form."""
import datetime as dt

import pytest
from django.utils import timezone

from supervision.models import Urge
from tests.factories import MeasureFactory, PlanFactory, RegionFactory, TaskFactory, UnitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def task(cast):
    return TaskFactory(measure=MeasureFactory(plan=cast.plan, title="推行企业开办一日办结", deadline=dt.date(2026, 6, 30)),
                       unit=cast.unit)


def test_the_urge_form_refuses_a_task_outside_the_supervisors_region(cast, client):
    elsewhere = RegionFactory(name="和平区", code="210102")
    foreign = TaskFactory(measure=MeasureFactory(plan=PlanFactory(region=elsewhere)),
                          unit=UnitFactory(region=elsewhere, name="和平区数据局"))
    client.force_login(cast.supervisor)
    resp = client.post("/supervision/urges/new/", {"task": foreign.pk, "message": "请报送"})
    assert resp.status_code == 200
    assert "该任务不存在、已办结或不在您的督办范围内" in resp.content.decode()
    assert not Urge.objects.exists()


def test_the_urge_form_names_the_task_and_returns_to_it(cast, client, task):
    client.force_login(cast.supervisor)
    page = client.get(f"/supervision/urges/new/?task={task.pk}").content.decode()
    assert "推行企业开办一日办结" in page and 'type="hidden" name="task"' in page
    resp = client.post("/supervision/urges/new/", {"task": task.pk, "message": "请本周报送"})
    assert resp.status_code == 302 and resp["Location"] == f"/tasks/{task.pk}/"
    assert Urge.objects.get().task == task


def test_the_task_page_shows_its_urges_and_open_unit_urges_and_takes_the_answer(cast, client, task):
    on_task = Urge.objects.create(task=task, unit=cast.unit, message="请说明进度<script>x</script>",
                                  created_by=cast.supervisor)
    on_unit = Urge.objects.create(unit=cast.unit, message="全单位：月底前报齐", created_by=cast.supervisor)
    Urge.objects.create(unit=cast.other_unit, message="别的单位的催办", created_by=cast.supervisor)

    client.force_login(cast.supervisor)
    page = client.get(f"/tasks/{task.pk}/").content.decode()
    assert f'id="urge-{on_task.pk}"' in page and f'id="urge-{on_unit.pk}"' in page
    assert "别的单位的催办" not in page and "<script>x</script>" not in page
    assert "催办此任务" in page and "提交答复" not in page  # supervisors urge, units answer

    client.force_login(cast.staff)
    page = client.get(f"/tasks/{task.pk}/").content.decode()
    assert "提交答复" in page and "催办此任务" not in page
    resp = client.post(f"/supervision/urges/{on_task.pk}/respond/", {"response": "已完成系统对接", "from_task": "1"})
    assert resp.status_code == 302 and resp["Location"] == f"/tasks/{task.pk}/"
    on_task.refresh_from_db()
    assert on_task.response == "已完成系统对接" and on_task.responded_by == cast.staff


def test_it_answers_404_when_responding_to_another_units_urge(client, cast):
    from supervision.services import urge_create
    from tests.factories import MeasureFactory, TaskFactory

    task = TaskFactory(measure=MeasureFactory(plan=cast.plan), unit=cast.unit)
    urge = urge_create(actor=cast.supervisor, task=task, message="请尽快报送")
    client.force_login(cast.other_staff)
    assert client.post(f"/supervision/urges/{urge.pk}/respond/", {"response": "冒充答复"}).status_code == 404
    urge.refresh_from_db()
    assert urge.response == ""


def test_it_marks_a_notification_read_when_its_link_is_opened(cast, client, task):
    """Found by the clerk's journey: opening a message through its link left it unread (the red 消息
    badge stayed until 全部标为已读)."""
    from supervision.models import Reminder
    from supervision.services import notify
    from supervision.choices import ReminderKind

    notify(recipients=[cast.staff], kind=ReminderKind.EXTENSION_DECIDED, task=task, text="延期申请已同意",
           ref="x1", now=timezone.now())
    r = Reminder.objects.get(recipient=cast.staff, kind=ReminderKind.EXTENSION_DECIDED)
    client.force_login(cast.staff)
    page = client.get("/supervision/notifications/").content.decode()
    assert f'href="/supervision/notifications/{r.pk}/open/"' in page
    response = client.get(f"/supervision/notifications/{r.pk}/open/")
    assert response.status_code == 302 and response["Location"] == f"/tasks/{task.pk}/"
    r.refresh_from_db()
    assert r.read_at is not None
    client.force_login(cast.other_staff)  # another user's notification: not found, left as it is
    assert client.get(f"/supervision/notifications/{r.pk}/open/").status_code == 404


def test_it_keeps_the_badge_count_for_a_while_and_drops_it_when_a_message_is_read(cast, client, task, settings):
    """UNREAD_COUNT_SECONDS: a message arriving within the window shows in the badge after it (real
    seconds: the cache keeps its own clock); one the reader opens leaves the badge at once."""
    import re
    import time

    from supervision.choices import ReminderKind
    from supervision.models import Reminder
    from supervision.services import notify

    settings.UNREAD_COUNT_SECONDS = 3

    def badge() -> int:
        m = re.search(r'id="unread-count">(\d+)<', client.get("/tasks/").content.decode())
        return int(m.group(1)) if m else 0

    def message(ref: str):
        notify(recipients=[cast.staff], kind=ReminderKind.EXTENSION_DECIDED, task=task, text="延期申请已同意",
               ref=ref, now=timezone.now())

    message("a")
    client.force_login(cast.staff)
    assert badge() == 1
    message("b")
    assert badge() == 1  # kept
    time.sleep(3.2)
    assert badge() == 2
    first = Reminder.objects.filter(recipient=cast.staff).order_by("id").first()
    client.get(f"/supervision/notifications/{first.pk}/open/")
    assert badge() == 1  # at once
