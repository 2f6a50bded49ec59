"""The unit head's (单位负责人) journey, through the UI only on a fresh demo database. A unit head in this
product answers for the unit: receives the 催办 addressed to it and answers it, asks for extensions,
applies for completion (销号) of finished work, and follows the decisions. The loop: the admin publishes
a newly imported plan → the supervisor urges the unit's overdue task → the head reads it in 消息,
answers it on the task page, asks for an extension, applies for completion of another task → the
supervisor sees the answer, grants the extension, closes the task → the head sees both outcomes."""
import pytest

from tests.tasks.conftest import PDF

from .steps import (approve_extension, dashboard_for_region, import_and_publish, nav, open_own_task,
                    request_extension, urge_from_task_page)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

URGE = "该任务已逾期，请于3个工作日内报送进展并说明原因。"
ANSWER = "已召开专题会部署，服务专员选配方案已报区政府审定，12月中旬前全部到位。"


def test_unit_head_journey(demo, people, shots, tmp_path):
    plan = demo
    admin = people("admin")
    import_and_publish(admin, plan, tmp_path, shots.only("published"))  # the admin's journey shows each step

    # The supervisor urges the unit's overdue task, found from the dashboard.
    supervisor = people("supervisor")
    dashboard_for_region(supervisor)
    supervisor.click("#kpi-overdue")
    supervisor.wait_for_selector("#task-table")
    supervisor.locator("#task-table tbody tr", has_text=plan.m3).locator("a.task-link").click()
    supervisor.wait_for_selector("#urge-actions")
    urge_from_task_page(supervisor, shots, URGE)

    # The head: 消息 → the 催办 → the task page → answer it.
    head = people("head")
    assert head.locator("#unread-count").count() == 1
    nav(head, "消息")
    line = head.locator("#notification-list tr", has_text="催办").filter(has_text=plan.m3[:6])
    assert line.count() >= 1, head.inner_text("#notification-list")
    shots(head, "notifications")
    line.first.locator("a").click()
    head.wait_for_selector("#urges")
    assert URGE in head.inner_text("#urges")
    head.locator("#urges textarea").fill(ANSWER)
    shots(head, "answer-urge")
    head.click("#urges button:has-text('提交答复')")
    head.wait_for_selector("text=答复已提交")
    assert ANSWER in head.inner_text("#urges")

    # …and asks for an extension of the same task.
    request_extension(head, plan, shots, reason="服务专员需经街道推荐、培训后上岗，申请延期至季度末。")

    # Measure 1 is finished: apply for completion (销号) from 我的任务.
    nav(head, "我的任务")
    open_own_task(head, plan.m1)
    head.click("#actions >> text=申请办结")
    head.fill("#id_note", "企业开办、准营等8个高频事项已实现一次办结，集成办理专区上线运行。")
    evidence = tmp_path / "集成办理专区上线情况.pdf"
    evidence.write_bytes(PDF)
    head.set_input_files("#id_evidence", str(evidence))
    shots(head, "completion-form")
    head.click("button:has-text('提交办结申请')")
    head.wait_for_selector("text=已提交办结申请")
    shots(head, "completion-applied")

    # The supervisor sees the answer, grants the extension and closes measure 1.
    nav(supervisor, "催办督办")
    row = supervisor.locator("#urge-list tr", has_text=plan.m3[:6])
    assert ANSWER in row.inner_text()
    shots(supervisor, "supervisor-sees-answer")
    approve_extension(supervisor, plan, shots)
    nav(supervisor, "办结审核")
    card = supervisor.locator("div.card[id^=completion-]", has_text=plan.m1)
    card.locator("textarea").fill("材料齐全，同意销号。")
    card.locator("button[value=approve]").click()
    supervisor.wait_for_selector("text=已审核通过，任务已销号")
    shots(supervisor, "completion-approved")

    # The head sees both outcomes: told in 消息, measure 1 closed, measure 3 extended.
    nav(head, "消息")
    text = head.inner_text("#notification-list")
    assert "延期" in text and ("销号" in text or "办结" in text), text
    shots(head, "told-decisions")
    nav(head, "我的任务")
    head.click("#group-tabs >> text=已办结")
    head.wait_for_load_state("networkidle")
    assert plan.m1 in head.inner_text("main")
    shots(head, "closed-tab")
    head.click(f"a.task-title:has-text('{plan.m1}')")
    head.wait_for_selector("#measure")
    assert "已办结" in head.inner_text(".facts")
