"""Services of the staff workspace: versions, concurrency, closed periods, evidence, audit."""
import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from tasks.models import TargetReading
from audit.models import AuditEntry
from tasks.models import (CompletionApplication, Evidence, ExtensionRequest, ProgressReport, ReportDraft,
                          ReportImmutableError)
from tasks.services import (StaleReportError, TaskActionRefused, period_for, report_draft_save,
                            task_completion_apply, task_extension_request, task_report_no_change,
                            task_report_submit)

from .conftest import EXE, PNG, pdf, prev_month, report_data

pytestmark = pytest.mark.django_db


def submit(work, cast, version=0, **kw):
    return task_report_submit(task=work.task, period=work.period, actor=cast.staff, data=report_data(**kw),
                              expected_version=version)


def test_it_files_a_report_with_target_actual_and_evidence_and_audits_each(cast, work):
    r = task_report_submit(task=work.task, period=work.period, actor=cast.staff,
                           data=report_data(actuals={work.target.pk: Decimal("85.5")}), expected_version=0,
                           files=[pdf()])
    assert (r.version, r.period, r.consolidated) == (1, work.period.start, True)
    assert TargetReading.objects.get(report=r).value == Decimal("85.5")
    ev = Evidence.objects.get(report=r)
    assert ev.content_type == "application/pdf" and len(ev.sha256) == 64
    actions = set(AuditEntry.objects.filter(task_id=work.task.pk).values_list("action", flat=True))
    assert actions == {"report_submit", "reading_record", "evidence_attach"}
    entry = AuditEntry.objects.get(action="report_submit")
    assert entry.actor == cast.staff and entry.after["done_text"] == "已完成系统对接。" and entry.before is None


def test_it_keeps_a_correction_as_a_new_version(cast, work):
    first = submit(work, cast)
    second = submit(work, cast, version=1, done_text="更正：已完成对接并上线。")
    assert second.version == 2 and ProgressReport.objects.filter(task=work.task).count() == 2
    first.refresh_from_db()
    assert first.done_text == "已完成系统对接。"
    entry = AuditEntry.objects.get(action="report_correct")
    assert entry.before["done_text"] == "已完成系统对接。" and entry.after["version"] == 2


def test_it_keeps_the_tasks_latest_report_status_in_step_with_its_newest_report(cast, work):
    """Task.latest_report_status (what list and dashboard status read) is the newest report's, by
    period then version; a late report for an earlier period does not replace it."""
    work.task.refresh_from_db()
    assert work.task.latest_report_status is None
    submit(work, cast, status="difficult")
    work.task.refresh_from_db()
    assert work.task.latest_report_status == "difficult"
    submit(work, cast, version=1, status="in_progress")
    work.task.refresh_from_db()
    assert work.task.latest_report_status == "in_progress"
    ProgressReport.objects.create(task=work.task, period=work.period.start - dt.timedelta(days=40), status="done",
                                  submitted_by=cast.staff)
    work.task.refresh_from_db()
    assert work.task.latest_report_status == "in_progress"
    assert work.task.latest_report_period == work.period.start  # what 本期已报送 reads


def test_it_stores_the_effective_deadline_and_the_shanghai_closing_day_on_the_task(cast, work):
    """Task.eff_deadline and Task.closed_on are computed by the database on every write (generated
    columns): the granted deadline once there is one, and the closing day in Shanghai — a task closed
    at 23:30 or 00:30 Shanghai time (15:30 / 16:30 UTC) belongs to that Shanghai day."""
    from tasks.models import Task
    from tasks.workdays import SHANGHAI

    task = Task.objects.get(pk=work.task.pk)
    assert task.eff_deadline == task.deadline
    Task.objects.filter(pk=task.pk).update(granted_deadline=dt.date(2027, 1, 15))
    assert Task.objects.get(pk=task.pk).eff_deadline == dt.date(2027, 1, 15)
    for local, day in [(dt.datetime(2026, 6, 30, 23, 30), dt.date(2026, 6, 30)),
                       (dt.datetime(2026, 7, 1, 0, 30), dt.date(2026, 7, 1))]:
        task.closed_at = local.replace(tzinfo=SHANGHAI).astimezone(dt.timezone.utc)
        task.save(update_fields=["closed_at"])
        assert Task.objects.get(pk=task.pk).closed_on == day
    task.closed_at = None
    task.save(update_fields=["closed_at"])
    assert Task.objects.get(pk=task.pk).closed_on is None


def test_it_refuses_a_stale_submission_and_names_the_other_report(cast, work):
    submit(work, cast)
    with pytest.raises(StaleReportError) as exc:
        task_report_submit(task=work.task, period=work.period, actor=cast.head, data=report_data(),
                           expected_version=0)
    assert "第1版" in exc.value.message and exc.value.current.done_text == "已完成系统对接。"
    assert ProgressReport.objects.count() == 1


def test_it_never_updates_a_report_in_place(cast, work):
    r = submit(work, cast)
    r.done_text = "篡改"
    with pytest.raises(ReportImmutableError):
        r.save()
    with pytest.raises(ReportImmutableError):
        ProgressReport.objects.filter(pk=r.pk).update(done_text="篡改")
    assert ProgressReport.objects.get(pk=r.pk).done_text == "已完成系统对接。"


def test_it_refuses_a_closed_period_and_a_closed_task(cast, work):
    old = period_for(cast.plan, prev_month(prev_month(work.period.start)))
    with pytest.raises(TaskActionRefused, match="报送已关闭"):
        task_report_submit(task=work.task, period=old, actor=cast.staff, data=report_data(), expected_version=0)
    future = period_for(cast.plan, (work.period.start + dt.timedelta(days=40)).replace(day=1))
    with pytest.raises(TaskActionRefused, match="尚未开始"):
        task_report_submit(task=work.task, period=future, actor=cast.staff, data=report_data(),
                           expected_version=0)
    previous = period_for(cast.plan, prev_month(work.period.start))
    assert task_report_submit(task=work.task, period=previous, actor=cast.staff, data=report_data(),
                              expected_version=0).period == previous.start
    work.task.closed_at = timezone.now()
    work.task.save()
    with pytest.raises(TaskActionRefused, match="已办结"):
        submit(work, cast)


def test_it_copies_the_last_report_for_no_change(cast, work):
    previous = period_for(cast.plan, prev_month(work.period.start))
    task_report_submit(task=work.task, period=previous, actor=cast.staff,
                       data=report_data(actuals={work.target.pk: 88}), expected_version=0)
    r = task_report_no_change(task=work.task, period=work.period, actor=cast.staff, expected_version=0)
    assert r.no_change and r.done_text == "已完成系统对接。" and r.period == work.period.start
    assert TargetReading.objects.get(report=r).value == 88
    assert AuditEntry.objects.filter(action="report_submit", object_id=str(r.pk)).get().after["no_change"]


def test_it_refuses_no_change_without_a_previous_report(cast, work):
    with pytest.raises(TaskActionRefused, match="还没有以前的进展报告"):
        task_report_no_change(task=work.task, period=work.period, actor=cast.staff, expected_version=0)


@pytest.mark.parametrize("name,content,message", [
    ("setup.pdf", EXE, "实际内容不是允许的类型"),
    ("说明.pdf", b"just text, not a pdf", "实际内容不是允许的类型"),
    ("照片.pdf", PNG, "与扩展名不符"),
])
def test_it_refuses_disguised_files_and_writes_nothing(cast, work, name, content, message):
    with pytest.raises(TaskActionRefused, match=message):
        task_report_submit(task=work.task, period=work.period, actor=cast.staff, data=report_data(),
                           expected_version=0, files=[pdf(name, content)])
    assert not ProgressReport.objects.exists() and not Evidence.objects.exists()


def test_it_refuses_an_oversize_file(cast, work, settings):
    settings.EVIDENCE_MAX_BYTES = 1024
    with pytest.raises(TaskActionRefused, match="超过大小上限"):
        submit_files = [pdf(content=b"%PDF-1.4\n" + b"0" * 2000)]
        task_report_submit(task=work.task, period=work.period, actor=cast.staff, data=report_data(),
                           expected_version=0, files=submit_files)


def test_it_saves_a_draft_and_drops_it_on_submit(cast, work):
    report_draft_save(task=work.task, period=work.period, actor=cast.staff,
                      data={"done_text": "写了一半", "actuals": {str(work.target.pk): "7"}})
    report_draft_save(task=work.task, period=work.period, actor=cast.staff, data={"done_text": "写了一大半"})
    assert ReportDraft.objects.get().data["done_text"] == "写了一大半"
    submit(work, cast)
    assert not ReportDraft.objects.exists()


def test_it_applies_for_completion_with_evidence(cast, work):
    app = task_completion_apply(task=work.task, actor=cast.staff, note="已全部完成。", files=[pdf()])
    work.task.refresh_from_db()
    assert work.task.completion_applied_at and work.task.version == 2
    assert Evidence.objects.get(task=work.task, report=None)
    assert {"completion_apply", "task_completion_applied", "evidence_attach"} <= set(
        AuditEntry.objects.filter(task_id=work.task.pk).values_list("action", flat=True))
    with pytest.raises(TaskActionRefused, match="请勿重复提交"):
        task_completion_apply(task=work.task, actor=cast.staff, note="再来一次", files=[pdf()])
    assert CompletionApplication.objects.get() == app


def test_it_requires_evidence_for_completion(cast, work):
    with pytest.raises(TaskActionRefused, match="佐证材料"):
        task_completion_apply(task=work.task, actor=cast.staff, note="已完成")


def test_it_requests_an_extension_once(cast, work):
    req = task_extension_request(task=work.task, actor=cast.staff, requested_deadline=dt.date(2026, 12, 31),
                                 reason="系统对接需省级部门配合。")
    assert req.decision == "pending"
    assert AuditEntry.objects.get(action="extension_request").after["requested_deadline"] == "2026-12-31"
    with pytest.raises(TaskActionRefused, match="正在审批中"):
        task_extension_request(task=work.task, actor=cast.staff, requested_deadline=dt.date(2027, 1, 31),
                               reason="再延")
    assert ExtensionRequest.objects.count() == 1


def test_it_refuses_an_extension_not_later_than_the_deadline(cast, work):
    with pytest.raises(TaskActionRefused, match="必须晚于当前时限"):
        task_extension_request(task=work.task, actor=cast.staff, requested_deadline=dt.date(2026, 9, 1),
                               reason="理由")


def test_it_reads_本期已报送_from_the_period_of_the_newest_report(cast, work):
    """reported_q (dashboard figure, list filter, API filter): an open task whose newest report is
    for the current period of its plan's cycle — the month, or for a quarterly plan the quarter."""
    from plans.choices import ReportCycle
    from tasks.models import Task
    from tasks.status import reported_q
    from tasks.workdays import local_date

    today = local_date(timezone.now())
    # a task owes this period's report only if it existed by the due day (tasks.status.owes_report_q)
    Task.objects.filter(pk=work.task.pk).update(created_at=timezone.now() - dt.timedelta(days=100))

    def reported():
        return Task.objects.filter(reported_q(today), pk=work.task.pk).exists()

    ProgressReport.objects.create(task=work.task, period=prev_month(work.period.start), status="in_progress",
                                  submitted_by=cast.staff)
    assert not reported()  # only last month's
    cast.plan.report_cycle = ReportCycle.QUARTERLY
    cast.plan.save(update_fields=["report_cycle"])
    quarter_start = dt.date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    assert reported() == (prev_month(work.period.start) >= quarter_start)
    cast.plan.report_cycle = ReportCycle.MONTHLY
    cast.plan.save(update_fields=["report_cycle"])
    submit(work, cast)
    assert reported()
    Task.objects.filter(pk=work.task.pk).update(closed_at=timezone.now())
    assert not reported()  # a closed task owes no report


def test_it_gives_bulk_created_tasks_their_measures_plan(cast, django_assert_num_queries):
    """Bulk loads skip Task.save: TaskQuerySet.bulk_create fills Task.plan, from a loaded measure or,
    for tasks given a measure_id only, from one query."""
    from tasks.models import Task
    from tests.factories import MeasureFactory

    loaded, by_id = MeasureFactory(plan=cast.plan), MeasureFactory(plan=cast.plan)
    with django_assert_num_queries(2):  # the plans of the measures given by id, then the INSERT
        Task.objects.bulk_create([Task(measure=loaded, unit=cast.unit, role="lead"),
                                  Task(measure_id=by_id.pk, unit=cast.unit, role="lead")])
    assert set(Task.objects.filter(measure__in=[loaded, by_id]).values_list("plan_id", flat=True)) == {cast.plan.pk}
