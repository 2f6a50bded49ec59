"""A published plan is a living document (issue 11 item 2): its edits reach the tasks in the same
transaction, audited and announced; removed units' and measures' tasks are withdrawn (已撤销) with
their reports kept, and counted in no figure; the plan page shows the revision history."""
import copy
import datetime as dt

import pytest
from django.utils import timezone

from audit.models import AuditEntry
from plans.models import Measure
from publishing.services import measure_remove, measure_update, plan_import, plan_publish
from supervision.choices import ReminderKind
from supervision.dashboard import querysets as agg
from supervision.models import Reminder
from supervision.outbox import scan
from tasks.choices import ReportStatus, TaskStatus
from tasks.models import ProgressReport, Task
from tasks.services import TaskActionRefused, current_period, task_report_submit
from tests.factories import member
from tests.publishing.test_review import _browser_form

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
PAST = TODAY - dt.timedelta(days=20)
LATER = TODAY + dt.timedelta(days=90)


def _tree(deadline=PAST):
    return {"title": "铁西区营商环境动态调整测试方案", "issuer": None, "issued_on": None, "year": TODAY.year, "items": [
        {"label": "一、", "level": 1, "title": "优化政务服务", "actionable": False, "lead_units": [], "co_units": [],
         "deadline": None, "recurring": [], "targets": [], "children": [
            {"label": "1.", "level": 2, "title": "推行告知承诺制", "actionable": True, "lead_units": ["区数据局"],
             "co_units": ["区市场监管局"], "deadline": {"text": "限期", "date": deadline.isoformat()},
             "recurring": [], "children": [],
             "targets": [{"text": "办理时限压缩50%", "metric": "办理时限压缩", "op": ">=", "value": 50, "unit": "%"}]},
            {"label": "2.", "level": 2, "title": "推进证照分离", "actionable": True, "lead_units": ["区数据局"],
             "co_units": [], "deadline": {"text": "年底前", "date": LATER.isoformat()}, "recurring": [],
             "targets": [], "children": []},
        ]}]}


@pytest.fixture
def published(cast):
    plan = plan_import(tree=_tree(), region=cast.region, source_name="plan.txt", source_bytes=b"v1",
                       actor=cast.admin).plan
    plan_publish(plan=plan, actor=cast.admin)
    plan.refresh_from_db()
    return plan


def _figures(client, user):
    client.force_login(user)
    resp = client.get("/dashboard/")
    assert resp.status_code == 200
    return resp.context["d"]


def test_it_moves_the_open_tasks_when_a_published_measures_deadline_is_edited(cast, client, published):
    """Was: measure_update never copied the deadline to the tasks (they stayed 已逾期 on the old date)."""
    m = published.measures.get(label="1.")
    before = _figures(client, cast.supervisor)
    assert before.summary["overdue"] == 2 and before.by_status[TaskStatus.OVERDUE] == 2

    client.force_login(cast.admin)
    url = f"/plans/measures/{m.pk}/edit/"
    data = _browser_form(client, url)
    data["deadline"] = LATER.isoformat()
    assert client.post(url, data).status_code == 302

    tasks = list(Task.objects.filter(measure=m))
    assert {t.deadline for t in tasks} == {LATER} and all(t.eff_deadline == LATER for t in Task.objects.filter(measure=m))
    assert m.targets.get().deadline == LATER  # measure → target → task, in one place
    after = _figures(client, cast.supervisor)
    assert after.summary["overdue"] == 0 and after.by_status[TaskStatus.OVERDUE] == 0
    moved = AuditEntry.objects.filter(action="task_update_from_plan", task_id__in=[t.pk for t in tasks])
    assert moved.count() == 2 and all(e.before["deadline"] == PAST.isoformat() for e in moved)
    assert all(e.after["deadline"] == LATER.isoformat() and e.actor == cast.admin for e in moved)
    # the units concerned are told (in-app; their other channels carry it in the digest)
    told = Reminder.objects.filter(kind=ReminderKind.PLAN_CHANGED)
    assert set(told.values_list("recipient__username", flat=True)) == {"staff", "head", "other"}
    assert "完成时限由" in told.first().text


def test_it_withdraws_a_removed_units_task_and_keeps_its_reports(cast, client, published):
    m = published.measures.get(label="1.")
    other = Task.objects.get(measure=m, unit=cast.other_unit)
    period = current_period(published, now=timezone.now())
    task_report_submit(task=other, period=period, actor=cast.other_staff, expected_version=0,
                       data={"status": ReportStatus.IN_PROGRESS, "done_text": "已梳理证明事项清单", "percent": 30})
    assert _figures(client, cast.supervisor).summary["total"] == 3

    measure_update(measure=m, actor=cast.admin, expected_version=m.version, data={"co_units": []})

    other.refresh_from_db()
    assert other.withdrawn_at is not None and other.closed_at is None
    assert other.get_status(timezone.now()) == TaskStatus.WITHDRAWN
    assert ProgressReport.objects.filter(task=other).count() == 1  # reports kept
    assert AuditEntry.objects.filter(action="task_withdraw", task_id=other.pk).exists()
    # neither open nor closed: in no figure, no overdue list, no reminder
    d = _figures(client, cast.supervisor)
    assert d.summary["total"] == 2 and d.summary["overdue"] == 1 and d.summary["due"] == 1
    assert not Task.objects.status_in(["overdue"], now=timezone.now()).filter(pk=other.pk).exists()
    assert not Task.objects.open().filter(pk=other.pk).exists()
    listed = client.get("/dashboard/tasks/", {"status": "overdue"}).context["page"].object_list
    assert other.pk not in {t.pk for t in listed}
    assert other.pk not in {t.pk for t in client.get("/dashboard/tasks/").context["page"].object_list}
    scan(now=timezone.now())
    assert not Reminder.objects.filter(task=other).exclude(kind=ReminderKind.PLAN_CHANGED).exists()
    assert Reminder.objects.filter(task=other, kind=ReminderKind.PLAN_CHANGED, recipient=cast.other_staff).exists()
    with pytest.raises(TaskActionRefused, match="已因方案调整撤销"):
        task_report_submit(task=other, period=period, actor=cast.other_staff, expected_version=1,
                           data={"status": ReportStatus.IN_PROGRESS, "done_text": "继续", "percent": 40})

    client.force_login(cast.other_staff)
    page = client.get(f"/tasks/{other.pk}/").content.decode()
    assert "因方案调整撤销" in page and "填报本期进展" not in page and "已梳理证明事项清单" in page

    # giving the unit back its share reinstates the same task, reports and all
    m.refresh_from_db()
    measure_update(measure=m, actor=cast.admin, expected_version=m.version, data={"co_units": ["区市场监管局"]})
    other.refresh_from_db()
    assert other.withdrawn_at is None and other.reports.count() == 1
    assert Task.objects.filter(measure=m).count() == 2


def test_it_creates_a_task_for_a_unit_added_to_a_published_measure(cast, published):
    m = published.measures.get(label="2.")
    measure_update(measure=m, actor=cast.admin, expected_version=m.version, data={"co_units": ["区市场监管局"]})
    task = Task.objects.get(measure=m, unit=cast.other_unit)
    assert (task.role, task.deadline, task.plan_id) == ("co", LATER, published.pk)
    told = Reminder.objects.get(kind=ReminderKind.PLAN_CHANGED, recipient=cast.other_staff)
    assert told.task == task and "新增本单位任务" in told.text


def test_it_withdraws_the_tasks_of_a_removed_measure_and_keeps_the_measure(cast, published):
    m = published.measures.get(label="1.")
    ids = set(m.tasks.values_list("pk", flat=True))
    measure_remove(measure=m, actor=cast.admin, expected_version=m.version)
    m = Measure.objects.get(pk=m.pk)
    assert m.withdrawn_at is not None
    assert set(Task.objects.filter(withdrawn_at__isnull=False).values_list("pk", flat=True)) == ids


def test_it_revises_a_published_plan_from_a_revised_file(cast, published):
    """Re-import: a removed measure with tasks is withdrawn (was: deleted with its tasks, or refused
    once it had reports), a new one gets its tasks, a moved deadline moves the open tasks."""
    m1 = published.measures.get(label="1.")
    task_report_submit(task=Task.objects.get(measure=m1, unit=cast.unit),
                       period=current_period(published, now=timezone.now()), actor=cast.staff, expected_version=0,
                       data={"status": ReportStatus.IN_PROGRESS, "done_text": "推进中", "percent": 10})
    revised = copy.deepcopy(_tree())
    group = revised["items"][0]["children"]
    group[1]["deadline"] = {"text": "9月底前", "date": LATER.replace(day=1).isoformat()}
    del group[0]
    group.append({"label": "3.", "level": 2, "title": "推行容缺受理", "actionable": True, "lead_units": ["区营商局"],
                  "co_units": [], "deadline": None, "recurring": [], "targets": [], "children": []})
    result = plan_import(tree=revised, region=cast.region, source_name="plan-v2.txt", source_bytes=b"v2",
                         actor=cast.admin)
    assert result.plan.pk == published.pk and result.diff.removed == ["一、/1."]
    assert ProgressReport.objects.count() == 1
    withdrawn = Task.objects.filter(measure=m1)
    assert withdrawn.count() == 2 and all(t.withdrawn_at for t in withdrawn)
    assert Task.objects.get(measure__label="3.", unit=cast.office).ongoing
    assert Task.objects.get(measure__label="2.").deadline == LATER.replace(day=1)
    entry = AuditEntry.objects.get(action="plan_reimport")
    assert any("撤销任务" in line for line in entry.after["tasks"])


def test_it_shows_the_revision_history_on_the_plan_page(cast, client, published):
    m = published.measures.get(label="2.")
    measure_update(measure=m, actor=cast.admin, expected_version=m.version, data={"deadline": LATER.replace(day=1)})
    client.force_login(cast.supervisor)
    html = client.get(f"/plans/{published.pk}/").content.decode()
    assert "修订记录" in html
    history = html[html.index("修订记录"):]
    assert "admin" in history and "修改第 一、/2. 项" in history and "完成时限" in history
    assert "任务时限 一、/2. 区数据局" in history and "发布" in history and "导入" in history


def test_it_moves_tasks_with_approved_extensions_only_past_the_granted_date(cast, published):
    task = Task.objects.get(measure__label="1.", unit=cast.unit)
    task.granted_deadline = TODAY + dt.timedelta(days=10)
    task.save(update_fields=["granted_deadline"])
    m = published.measures.get(label="1.")
    measure_update(measure=m, actor=cast.admin, expected_version=m.version, data={"deadline": LATER})
    task.refresh_from_db()
    assert (task.deadline, task.granted_deadline, task.eff_deadline) == (LATER, None, LATER)


def test_it_tells_no_one_when_a_plan_is_first_published(cast):
    member(cast.unit, "staff", username="staff-b")
    plan = plan_import(tree=_tree(), region=cast.region, source_name="p.txt", source_bytes=b"x",
                       actor=cast.admin).plan
    plan_publish(plan=plan, actor=cast.admin)
    assert not Reminder.objects.filter(kind=ReminderKind.PLAN_CHANGED).exists()
    assert agg.build(Task.objects.all(), now=timezone.now()).summary["total"] == 3


def test_it_writes_the_revision_of_a_deadline_as_a_chinese_date(cast, client, published):
    """Found by the admin's journey (issue 11): the plan page's 修订记录 read “完成时限 2027-01-31 →
    2027-02-28” beside “任务时限 …：2027年1月31日 → …”."""
    m = published.measures.get(label="2.")
    new = LATER.replace(day=1)
    measure_update(measure=m, actor=cast.admin, expected_version=m.version, data={"deadline": new})
    client.force_login(cast.supervisor)
    history = client.get(f"/plans/{published.pk}/").content.decode().split("修订记录")[1]
    assert f"完成时限 {LATER:%Y年%-m月%-d日} → {new:%Y年%-m月%-d日}" in history
    assert LATER.isoformat() not in history


def test_it_takes_a_withdrawn_tasks_pending_extension_out_of_the_queue_and_refuses_to_decide_it(cast, client, published):
    """A 延期申请 pending when the plan withdrew its task (已撤销) waits for no one: not in the
    supervisor's queue, and deciding it anyway (a page opened earlier, the API) is refused."""
    from supervision.services import SupervisionRefused, extension_decide
    from tasks.services import task_extension_request

    m = published.measures.get(label="1.")
    other = Task.objects.get(measure=m, unit=cast.other_unit)
    req = task_extension_request(task=other, actor=cast.other_staff, requested_deadline=dt.date(2027, 6, 30),
                                 reason="需要协调上级部门")
    client.force_login(cast.supervisor)
    assert req in client.get("/supervision/extensions/").context["pending"]

    measure_update(measure=m, actor=cast.admin, expected_version=m.version, data={"co_units": []})

    assert req not in client.get("/supervision/extensions/").context["pending"]
    with pytest.raises(SupervisionRefused, match="已随方案调整撤销"):
        extension_decide(request=req, actor=cast.supervisor, approve=True)
    other.refresh_from_db()
    assert other.granted_deadline is None
