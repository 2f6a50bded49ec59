"""The staff pages: filing through the form, bad input keeping what was typed, drafts, query counts."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tasks.models import TargetReading
from plans.choices import UnitRole
from audit.models import AuditEntry
from tasks.models import ProgressReport, ReportDraft
from tasks.services import current_period, period_for, task_report_submit
from tests.factories import MeasureFactory, TargetFactory, TaskFactory

from .conftest import EXE, PNG, age, pdf, prev_month, report_data

pytestmark = pytest.mark.django_db


def form_data(work, **kw):
    data = {"status": "in_progress", "percent": "30", "done_text": "完成了系统对接。", "problems_text": "",
            "expected_version": "0", "period": work.period.key, f"target_{work.target.pk}": "86"}
    data.update(kw)
    return data


@pytest.fixture
def staff_client(client, cast):
    client.force_login(cast.staff)
    return client


def test_it_files_a_report_through_the_form(staff_client, work):
    resp = staff_client.post(reverse("tasks:report", args=[work.task.pk]), {**form_data(work), "evidence": pdf()})
    assert resp.status_code == 302 and resp["Location"] == reverse("tasks:detail", args=[work.task.pk])
    r = ProgressReport.objects.get()
    assert TargetReading.objects.get(report=r).value == 86 and r.evidence.count() == 1
    page = staff_client.get(resp["Location"]).content.decode()
    assert "第1版" in page and "完成了系统对接。" in page and "佐证.pdf" in page and "报送进展" in page


@pytest.mark.parametrize("upload,message", [
    (lambda: pdf("setup.pdf", EXE), "实际内容不是允许的类型"),
    (lambda: pdf("图.pdf", PNG), "与扩展名不符"),
])
def test_it_refuses_disguised_files_and_keeps_the_text(staff_client, work, upload, message):
    resp = staff_client.post(reverse("tasks:report", args=[work.task.pk]),
                             {**form_data(work, done_text="我写了很长的一段话"), "evidence": upload()})
    assert resp.status_code == 200 and not ProgressReport.objects.exists()
    html = resp.content.decode()
    assert message in html and "我写了很长的一段话" in html and 'value="86"' in html


def test_it_refuses_an_oversize_file_and_keeps_the_text(staff_client, work, settings):
    settings.EVIDENCE_MAX_BYTES = 1000
    resp = staff_client.post(reverse("tasks:report", args=[work.task.pk]),
                             {**form_data(work), "evidence": pdf(content=b"%PDF-1.4\n" + b"0" * 5000)})
    assert "超过大小上限" in resp.content.decode() and "完成了系统对接。" in resp.content.decode()
    assert not ProgressReport.objects.exists()


def test_it_names_missing_required_fields(staff_client, work):
    resp = staff_client.post(reverse("tasks:report", args=[work.task.pk]),
                             form_data(work, status="", done_text="", problems_text="保留这句"))
    html = resp.content.decode()
    assert "请选择进展状态。" in html and "请填写本期完成情况。" in html and "保留这句" in html
    resp = staff_client.post(reverse("tasks:report", args=[work.task.pk]),
                             form_data(work, percent="150", **{f"target_{work.target.pk}": "九十"}))
    html = resp.content.decode()
    assert "完成百分比应在 0–100 之间。" in html and "的实际值应为数字" in html
    assert not ProgressReport.objects.exists()


def test_it_renders_script_in_text_fields_inert(staff_client, work):
    evil = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    staff_client.post(reverse("tasks:report", args=[work.task.pk]), form_data(work, done_text=evil))
    assert ProgressReport.objects.get().done_text == evil
    html = staff_client.get(reverse("tasks:detail", args=[work.task.pk])).content.decode()
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html


def test_it_refuses_a_closed_period_and_keeps_the_text(staff_client, cast, work):
    old = period_for(cast.plan, prev_month(prev_month(work.period.start)))
    resp = staff_client.post(reverse("tasks:report", args=[work.task.pk]),
                             form_data(work, period=old.key, done_text="补报很早以前的"))
    html = resp.content.decode()
    assert "报送已关闭" in html and "补报很早以前的" in html and not ProgressReport.objects.exists()


def test_it_refuses_a_concurrent_edit_showing_the_other_persons_values(client, cast, work):
    task_report_submit(task=work.task, period=work.period, actor=cast.head,
                       data=report_data(done_text="负责人先提交的内容"), expected_version=0)
    client.force_login(cast.staff)
    resp = client.post(reverse("tasks:report", args=[work.task.pk]), form_data(work, done_text="我后提交的内容"))
    html = resp.content.decode()
    assert "在您填写期间" in html and "负责人先提交的内容" in html and "我后提交的内容" in html
    assert ProgressReport.objects.count() == 1
    # Having seen the other version, submitting again files the user's text as version 2.
    assert 'name="expected_version" value="1"' in html
    resp = client.post(reverse("tasks:report", args=[work.task.pk]),
                       form_data(work, done_text="我后提交的内容", expected_version="1"))
    assert resp.status_code == 302
    assert list(ProgressReport.objects.order_by("version").values_list("done_text", flat=True)) == [
        "负责人先提交的内容", "我后提交的内容"]


def test_it_restores_a_draft_on_reload(staff_client, work):
    url = reverse("tasks:report", args=[work.task.pk])
    resp = staff_client.post(reverse("tasks:draft", args=[work.task.pk]),
                             {"done_text": "还没写完的草稿", "period": work.period.key, "expected_version": "0",
                              f"target_{work.target.pk}": "12"})
    assert resp.json()["ok"]
    html = staff_client.get(url).content.decode()
    assert "还没写完的草稿" in html and "已恢复您" in html and 'value="12"' in html
    assert ReportDraft.objects.count() == 1


def test_it_prefills_from_the_last_period_and_offers_no_change(staff_client, cast, work):
    previous = period_for(cast.plan, prev_month(work.period.start))
    task_report_submit(task=work.task, period=previous, actor=cast.staff,
                       data=report_data(done_text="上月的进展", actuals={work.target.pk: 77}), expected_version=0)
    url = reverse("tasks:report", args=[work.task.pk])
    html = staff_client.get(url).content.decode()
    assert "上月的进展" in html and "本期无变化" in html and 'value="77"' in html
    resp = staff_client.post(url, {"action": "no_change", "period": work.period.key, "expected_version": "0"})
    assert resp.status_code == 302
    r = ProgressReport.objects.get(period=work.period.start)
    assert r.no_change and r.done_text == "上月的进展"


def test_it_shows_the_lead_unit_its_co_units_reports(staff_client, cast, work):
    task_report_submit(task=work.co_task, period=work.period, actor=cast.other_staff,
                       data=report_data(done_text="配合单位的进展"), expected_version=0)
    html = staff_client.get(reverse("tasks:report", args=[work.task.pk])).content.decode()
    assert "配合单位本期进展" in html and "配合单位的进展" in html


def test_it_groups_my_tasks_and_filters_them(staff_client, cast, work):
    other = TaskFactory(measure=MeasureFactory(plan=cast.plan, title="优化企业开办流程", deadline=None),
                        unit=cast.unit, role=UnitRole.CO, deadline=None)
    task_report_submit(task=other, period=work.period, actor=cast.staff, data=report_data(), expected_version=0)
    resp = staff_client.get(reverse("tasks:mine"))
    groups = {key: [t.pk for t in items] for key, _, items in resp.context["groups"]}
    assert groups["report_due"] == [work.task.pk] and groups["in_progress"] == [other.pk]
    assert "本期待报送" in resp.content.decode()
    assert [t.pk for _, _, items in staff_client.get(reverse("tasks:mine"), {"role": "co"}).context["groups"]
            for t in items] == [other.pk]
    assert [t.pk for _, _, items in staff_client.get(reverse("tasks:mine"), {"q": "企业开办"}).context["groups"]
            for t in items] == [other.pk]
    assert [t.pk for _, _, items in staff_client.get(reverse("tasks:mine"), {"status": "overdue"})
            .context["groups"] for t in items] == [work.task.pk]


def test_it_files_completion_and_extension_through_pages(staff_client, work):
    resp = staff_client.post(reverse("tasks:extend", args=[work.task.pk]),
                             {"requested_deadline": "2026-01-01", "reason": "原因"})
    assert "必须晚于当前时限" in resp.content.decode() and "原因" in resp.content.decode()
    resp = staff_client.post(reverse("tasks:extend", args=[work.task.pk]),
                             {"requested_deadline": "2026-12-31", "reason": "原因"})
    assert resp.status_code == 302
    resp = staff_client.post(reverse("tasks:complete", args=[work.task.pk]), {"note": "已完成全部工作"})
    assert "佐证材料" in resp.content.decode() and "已完成全部工作" in resp.content.decode()
    resp = staff_client.post(reverse("tasks:complete", args=[work.task.pk]), {"note": "已完成", "evidence": pdf()})
    assert resp.status_code == 302
    html = staff_client.get(reverse("tasks:detail", args=[work.task.pk])).content.decode()
    assert "申请延期" in html and "申请办结" in html and "已申请办结" in html
    assert AuditEntry.objects.filter(task_id=work.task.pk).count() == 4


# --- Query counts: constant in the number of tasks -----------------------------------------

def last_period(cast):
    return period_for(cast.plan, prev_month(current_period(cast.plan, now=timezone.now()).start))


def make_tasks(cast, n):
    for i in range(n):
        m = MeasureFactory(plan=cast.plan)
        t = TaskFactory(measure=m, unit=cast.unit)
        age(t, TaskFactory(measure=m, unit=cast.other_unit, role=UnitRole.CO))
        TargetFactory(measure=m)
        if i % 2:
            task_report_submit(task=t, period=last_period(cast),
                actor=cast.staff, data=report_data(), expected_version=0)
    return t


def count(client, url):
    """The queries of rendering the page (not of reading it from the page cache)."""
    from tests.caches import clear_caches

    client.get(url)  # the session's first request after login records its start (accounts.middleware)
    clear_caches()
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


@pytest.mark.parametrize("who", ["staff", "supervisor"])
def test_it_runs_a_constant_number_of_queries_for_my_tasks(client, cast, who):
    client.force_login(getattr(cast, who))
    make_tasks(cast, 10)
    small = count(client, reverse("tasks:mine"))
    make_tasks(cast, 190)
    big = count(client, reverse("tasks:mine"))
    assert small == big, (small, big)


def test_it_runs_a_constant_number_of_queries_for_the_task_page(staff_client, cast):
    task = make_tasks(cast, 10)
    for i in range(3):
        task_report_submit(task=task, period=last_period(cast),
            actor=cast.staff, data=report_data(actuals={}), expected_version=i + 1, files=[pdf()])
    small = count(staff_client, reverse("tasks:detail", args=[task.pk]))
    last = make_tasks(cast, 190)
    for i in range(20):
        task_report_submit(task=last, period=last_period(cast),
            actor=cast.staff, data=report_data(), expected_version=i + 1, files=[pdf()])
    big = count(staff_client, reverse("tasks:detail", args=[last.pk]))
    assert small == big, (small, big)


def test_it_refuses_a_stale_version_when_the_period_has_no_report_yet(staff_client, work):
    """A form claiming version 3 of a period nobody has reported: the Chinese stale-edit message,
    the text kept, nothing stored (was an AssertionError, a 500)."""
    resp = staff_client.post(reverse("tasks:report", args=[work.task.pk]),
                             form_data(work, done_text="保留的内容", expected_version="3"))
    assert resp.status_code == 200
    html = resp.content.decode()
    assert "页面上的版本信息已过期" in html and "保留的内容" in html
    assert 'name="expected_version" value="0"' in html
    assert not ProgressReport.objects.exists()
    resp = staff_client.post(reverse("tasks:report", args=[work.task.pk]),
                             {"action": "no_change", "period": work.period.key, "expected_version": "junk"})
    assert resp.status_code == 302


# --- 我的任务: paged, bounded, buttons only for who may report (issue 11 / 16) -------------------

def test_it_pages_my_tasks_with_the_group_counts_as_tabs(staff_client, cast):
    age(*[TaskFactory(measure=MeasureFactory(plan=cast.plan), unit=cast.unit) for _ in range(35)])
    first = staff_client.get(reverse("tasks:mine"))
    assert sum(len(items) for _, _, items in first.context["groups"]) == 30
    assert dict((key, n) for key, _, n, _ in first.context["tabs"])["report_due"] == 35
    assert 'rel="next"' in first.content.decode()
    second = staff_client.get(reverse("tasks:mine"), {"page": 2})
    assert sum(len(items) for _, _, items in second.context["groups"]) == 5
    due = staff_client.get(reverse("tasks:mine"), {"group": "done"})
    assert due.context["groups"] == []


def test_it_offers_the_report_button_only_to_who_may_report(client, cast, work):
    client.force_login(cast.staff)
    assert "填报本期" in client.get(reverse("tasks:mine")).content.decode()
    client.force_login(cast.supervisor)
    html = client.get(reverse("tasks:mine")).content.decode()
    assert "推进政务服务事项全程网办" in html and "填报本期" not in html and "督办看板" in html
    assert client.get(reverse("tasks:report", args=[work.task.pk])).status_code == 403


def test_it_caps_the_supervisors_task_count(client, cast, work, monkeypatch):
    from config.pagination import CappedPaginator

    monkeypatch.setattr(CappedPaginator, "cap", 1)
    client.force_login(cast.supervisor)
    resp = client.get(reverse("tasks:mine"))
    assert resp.context["total"] == 1 and resp.context["capped"] and "共 1+ 项" in resp.content.decode()


def test_it_names_the_responsible_unit_instead_of_my_unit(client, cast, work):
    client.force_login(cast.supervisor)
    html = client.get(reverse("tasks:detail", args=[work.task.pk])).content.decode()
    assert "我单位" not in html and "（本单位）" not in html and "责任单位：区数据局" in html


def test_it_does_not_call_the_task_unit_the_admins_own_unit(client, cast, work):
    """Found by the admin's journey (issue 11): an admin opening any unit's task read “区住建局（本单位）”,
    because the label followed the right to edit, which an admin has everywhere."""
    url = reverse("tasks:detail", args=[work.task.pk])
    client.force_login(cast.admin)
    page = client.get(url).content.decode()
    assert "id=\"report-link\"" in page and "（本单位）" not in page
    client.force_login(cast.staff)
    assert "（本单位）" in client.get(url).content.decode()


def test_it_shows_a_plan_revision_on_the_task_page_in_words(staff_client, work):
    """Found by the admin's journey (issue 11): the task's 操作记录 showed a published deadline change as
    “修改前：role：lead；时限：2026-09-30”."""
    from audit.services import audit

    audit(actor=None, action="task_update_from_plan", obj=work.task, task=work.task,
          before={"role": "lead", "deadline": "2026-09-30", "granted_deadline": None},
          after={"role": "lead", "deadline": "2027-05-31", "granted_deadline": None})
    page = staff_client.get(reverse("tasks:detail", args=[work.task.pk])).content.decode()
    assert "修改前：角色：牵头；时限：2026年9月30日" in page and "角色：牵头；时限：2027年5月31日" in page
    assert "lead" not in page.split('id="audit"')[1]
