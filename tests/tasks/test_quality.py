"""Quality flags of progress text: one test per kind, with short examples, plus where they are stored
and shown."""
import pytest
from django.urls import reverse

from tasks.models import ProgressReport
from tasks.quality import flagged_counts_by_unit, report_flags, similarity
from tasks.services import period_for, task_report_no_change, task_report_submit

from .conftest import prev_month, report_data


def codes(**kw):
    return [f["code"] for f in report_flags(**kw)]


def test_it_flags_boilerplate_and_nothing_else():
    assert "boilerplate" in codes(text="正在有序推进。按计划推进中。")
    assert "boilerplate" in codes(text="我局高度重视，该项工作稳步推进，下一步将继续抓好落实。")


def test_it_leaves_specific_text_that_uses_a_set_phrase_alone():
    text = "按计划推进中：本月新增全程网办事项12项，3月15日完成与省平台对接。"
    assert codes(text=text, has_target=True) == []


def test_it_flags_a_report_nearly_the_same_as_the_previous_one_and_says_how_similar():
    prev = "本月完成政务服务事项梳理56项，组织窗口人员培训2次。"
    now = "本月完成政务服务事项梳理56项，组织窗口人员培训2次！"
    flags = report_flags(text=now, previous_text=prev)
    same = [f for f in flags if f["code"] == "same_as_previous"]
    assert same and same[0]["ratio"] >= 0.9 and "相似度" in same[0]["message"]
    assert "same_as_previous" not in codes(text="本月新增网办事项8项，完成自助终端布设3台。", previous_text=prev)
    assert similarity(prev, now) == 1.0


def test_it_flags_no_figure_date_or_document_only_where_the_measure_has_a_target():
    text = "组织召开专题会议研究部署，督促各窗口提升网办服务水平，效果明显。"
    assert "no_specifics" in codes(text=text, has_target=True)
    assert "no_specifics" not in codes(text=text, has_target=False)
    assert "no_specifics" not in codes(text="印发《网办提升工作方案》，督促各窗口落实。", has_target=True)
    assert "no_specifics" not in codes(text="已于三月底前完成培训，督促各窗口落实。", has_target=True)


def test_it_flags_text_shorter_than_the_setting():
    assert "too_short" in codes(text="已完成对接。", min_chars=15)
    assert "too_short" not in codes(text="已完成对接。", min_chars=5)


@pytest.mark.django_db
def test_it_stores_flags_on_the_submitted_report_and_never_on_no_change(cast, work):
    period = work.period
    prev = period_for(cast.plan, prev_month(period.start))
    task_report_submit(task=work.task, period=prev, actor=cast.staff, expected_version=0,
                       data=report_data(done_text="正在有序推进。"))
    r = task_report_submit(task=work.task, period=period, actor=cast.staff, expected_version=0,
                           data=report_data(done_text="正在有序推进！"))
    assert {f["code"] for f in r.quality_flags} >= {"boilerplate", "same_as_previous", "no_specifics", "too_short"}
    again = task_report_no_change(task=work.task, period=period, actor=cast.staff, expected_version=1)
    assert again.quality_flags == []
    assert flagged_counts_by_unit(ProgressReport.objects.all()) == {cast.unit.pk: 2}


@pytest.mark.django_db
def test_it_shows_a_gentle_note_after_submit_and_files_the_report(client, cast, work):
    client.force_login(cast.staff)
    resp = client.post(reverse("tasks:report", args=[work.task.pk]),
                       {"period": work.period.key, "status": "in_progress", "done_text": "按计划推进中。",
                        "problems_text": "", "percent": 30, "expected_version": 0}, follow=True)
    body = resp.content.decode()
    assert "已提交" in body and "温馨提示" in body and "套话" in body
    assert ProgressReport.objects.filter(task=work.task).count() == 1
