"""Every page and API endpoint of the staff workspace against the fixed cast. Another unit's task is
a 404 for staff; a supervisor sees the task but may not file for the unit (403)."""
import pytest
from django.urls import reverse

from audit.models import AuditEntry
from tasks.models import CompletionApplication, Evidence, ExtensionRequest, ProgressReport
from tasks.services import task_report_submit

from .conftest import pdf, report_data

pytestmark = pytest.mark.django_db

WHO = ["staff", "head", "other_staff", "supervisor", "admin", "anonymous"]
READ = {"staff": 200, "head": 200, "other_staff": 404, "supervisor": 200, "admin": 200, "anonymous": 302}
WRITE_PAGE = {"staff": 200, "head": 200, "other_staff": 404, "supervisor": 403, "admin": 200, "anonymous": 302}
# anonymous: 401 with WWW-Authenticate (token authentication comes first, accounts/authentication.py)
API_READ = {"staff": 200, "head": 200, "other_staff": 404, "supervisor": 200, "admin": 200, "anonymous": 401}
API_WRITE = {"staff": 201, "head": 201, "other_staff": 404, "supervisor": 403, "admin": 201, "anonymous": 401}


def login(client, cast, who):
    if who != "anonymous":
        client.force_login(getattr(cast, who))


@pytest.fixture
def evidence(cast, work):
    r = task_report_submit(task=work.task, period=work.period, actor=cast.staff, data=report_data(),
                           expected_version=0, files=[pdf()])
    return Evidence.objects.get(report=r)


@pytest.mark.parametrize("who", WHO)
def test_it_lists_only_visible_tasks_on_my_tasks(client, cast, work, who):
    login(client, cast, who)
    resp = client.get(reverse("tasks:mine"))
    if who == "anonymous":
        assert resp.status_code == 302 and "/accounts/login/" in resp["Location"]
        return
    assert resp.status_code == 200
    ids = {t.pk for _, _, items in resp.context["groups"] for t in items}
    expected = {"staff": {work.task.pk}, "head": {work.task.pk}, "other_staff": {work.co_task.pk},
                "supervisor": {work.task.pk, work.co_task.pk}, "admin": {work.task.pk, work.co_task.pk}}[who]
    assert ids == expected


@pytest.mark.parametrize("who", WHO)
@pytest.mark.parametrize("name", ["tasks:detail", "tasks:report", "tasks:complete", "tasks:extend"])
def test_it_guards_every_task_page(client, cast, work, who, name):
    login(client, cast, who)
    resp = client.get(reverse(name, args=[work.task.pk]))
    expected = READ if name == "tasks:detail" else WRITE_PAGE
    assert resp.status_code == expected[who]


@pytest.mark.parametrize("who", WHO)
def test_it_guards_posts_to_the_report_form_and_draft(client, cast, work, who):
    login(client, cast, who)
    resp = client.post(reverse("tasks:report", args=[work.task.pk]),
                       {"status": "in_progress", "percent": 10, "done_text": "推进中", "expected_version": 0,
                        "period": work.period.key})
    assert resp.status_code == {**WRITE_PAGE, "staff": 302, "head": 302, "admin": 302}[who]
    resp = client.post(reverse("tasks:draft", args=[work.task.pk]), {"done_text": "草稿", "period": work.period.key})
    assert resp.status_code == {**WRITE_PAGE, "anonymous": 302}[who]
    assert ProgressReport.objects.count() == (1 if who in ("staff", "head", "admin") else 0)


@pytest.mark.parametrize("who", WHO)
def test_it_guards_evidence_downloads(client, cast, work, evidence, who):
    login(client, cast, who)
    resp = client.get(reverse("tasks:evidence", args=[evidence.pk]))
    assert resp.status_code == READ[who]
    if resp.status_code == 200:
        assert b"".join(resp.streaming_content).startswith(b"%PDF")


@pytest.mark.parametrize("who", WHO)
def test_it_guards_the_task_api(client, cast, work, who):
    login(client, cast, who)
    assert client.get(f"/api/tasks/{work.task.pk}/").status_code == API_READ[who]
    listing = client.get("/api/tasks/")
    if who != "anonymous":
        ids = {t["id"] for t in listing.json()["results"]}
        assert (work.task.pk in ids) == (who != "other_staff")


@pytest.mark.parametrize("who", WHO)
def test_it_guards_every_api_write(client, cast, work, who):
    login(client, cast, who)
    base = f"/api/tasks/{work.task.pk}"
    r = client.post(f"{base}/report/", {"status": "in_progress", "done_text": "推进中", "percent": 20,
                                        "expected_version": 0, "evidence": [pdf()]})
    assert r.status_code == API_WRITE[who], r.content
    r = client.post(f"{base}/no-change/", {"expected_version": 1 if API_WRITE[who] == 201 else 0},
                    content_type="application/json")
    assert r.status_code == API_WRITE[who], r.content
    r = client.post(f"{base}/extend/", {"requested_deadline": "2026-12-31", "reason": "需要省级配合"},
                    content_type="application/json")
    assert r.status_code == API_WRITE[who], r.content
    r = client.post(f"{base}/complete/", {"note": "已完成"}, content_type="application/json")
    assert r.status_code == API_WRITE[who], r.content
    allowed = API_WRITE[who] == 201
    assert ProgressReport.objects.count() == (2 if allowed else 0)
    assert ExtensionRequest.objects.exists() == allowed and CompletionApplication.objects.exists() == allowed
    assert AuditEntry.objects.filter(task_id=work.task.pk).exists() == allowed


def test_it_shows_co_units_the_reports_of_their_measure_but_not_the_lead_task(client, cast, work):
    task_report_submit(task=work.task, period=work.period, actor=cast.staff, data=report_data(),
                       expected_version=0)
    client.force_login(cast.other_staff)
    assert client.get(reverse("tasks:detail", args=[work.task.pk])).status_code == 404
    page = client.get(reverse("tasks:detail", args=[work.co_task.pk]))
    assert page.status_code == 200 and "已完成系统对接。" in page.content.decode()


def test_it_refuses_api_writes_with_clear_messages(client, cast, work):
    client.force_login(cast.staff)
    base = f"/api/tasks/{work.task.pk}"
    r = client.post(f"{base}/report/", {"status": "in_progress", "done_text": "x", "percent": 20,
                                        "expected_version": 0, "evidence": [pdf("a.pdf", b"MZ\x90\x00" * 40)]})
    assert r.status_code == 400 and "实际内容不是允许的类型" in r.json()["detail"]
    client.post(f"{base}/report/", {"status": "in_progress", "done_text": "第一版", "percent": 20,
                                    "expected_version": 0})
    r = client.post(f"{base}/report/", {"status": "done", "done_text": "冲突", "percent": 100,
                                        "expected_version": 0})
    assert r.status_code == 409 and r.json()["current"]["done_text"] == "第一版"
    r = client.post(f"{base}/report/", {"status": "done", "done_text": "旧", "percent": 1, "expected_version": 0,
                                        "period": "2020-01"})
    assert r.status_code == 400 and "报送已关闭" in r.json()["detail"]
