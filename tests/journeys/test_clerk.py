"""The clerk's (承办人) journey on a phone (375×667), through the UI only on a fresh demo database: the
admin publishes a newly imported plan → the clerk finds the new task at the top of 我的任务, reports
this period with a figure for the target the admin added on review, sees the success message without
scrolling → asks for an extension of the overdue task → the supervisor grants it → the clerk is told,
and sees the granted deadline → the admin moves a published deadline → the clerk is told and the task
follows."""
import pytest

from .steps import (PHONE, approve_extension, change_published_deadline, import_and_publish, in_viewport, nav,
                    open_own_task, request_extension, tap)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_clerk_journey(demo, people, shots, tmp_path):
    plan = demo
    admin = people("admin")
    import_and_publish(admin, plan, tmp_path, shots.only("published"))  # the admin's journey shows each step

    # 我的任务 on the phone: the unit's tasks, 本期待报送 first, the first one within the first screen.
    staff = people("staff", viewport=PHONE)
    staff.wait_for_selector(".task-item")
    assert in_viewport(staff, ".task-item:first-of-type .task-title")
    shots(staff, "my-tasks-phone", full_page=False)

    # The new task (区企业服务中心 mapped to 区数据局 on review): report this period with a target actual.
    open_own_task(staff, plan.m3)
    assert "已逾期" in staff.inner_text(".facts")
    shots(staff, "task-phone", full_page=False)
    staff.click("#report-link")
    staff.select_option("#id_status", "in_progress")
    staff.fill("#id_percent", "60")
    staff.fill("#id_done_text", "已为全区42家重点企业配备服务专员，建立企业诉求台账，本月受理诉求18件，办结15件。")
    staff.fill("#id_problems_text", "部分街道专员尚未到位，计划下月补齐。")
    target = staff.locator("input[id^=id_target_]")
    assert target.count() == 1  # 重点企业服务专员配备率, the row the admin added on review
    target.fill("80")
    shots(staff, "report-form-phone")
    staff.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    tap(staff, "#submit")
    staff.wait_for_selector(".msg-success")
    assert "已提交" in staff.inner_text(".messages") and in_viewport(staff, ".msg-success")
    shots(staff, "report-submitted-phone", full_page=False)
    history = staff.inner_text("#history")
    assert "第1版" in history and "42家重点企业" in history and "重点企业服务专员配备率：80%" in history, history

    # The task is overdue: ask for an extension, on the phone.
    request_extension(staff, plan, shots, reason="专员选配需经街道推荐和培训，申请延期至季度末完成。")
    shots(staff, "extension-requested-phone", full_page=False)

    supervisor = people("supervisor")
    approve_extension(supervisor, plan, shots)

    # The clerk is told in 消息 and the task shows the granted deadline; it is no longer overdue.
    nav(staff, "消息")
    line = staff.locator("#notification-list a", has_text="延期")
    assert line.count() >= 1, staff.inner_text("#notification-list")
    shots(staff, "told-extension-granted-phone", full_page=False)
    line.first.click()
    staff.wait_for_selector("#measure")
    d = plan.m3_extension
    facts = staff.inner_text(".facts")
    assert f"{d.year}年{d.month}月{d.day}日" in facts and "已延期" in facts and "已逾期" not in facts, facts

    # The admin moves measure 2's deadline (the clerk's unit co-operates on it): the clerk is told.
    change_published_deadline(admin, plan, shots)
    nav(staff, "消息")
    staff.locator("#notification-list a", has_text=plan.m2[:6]).first.click()
    staff.wait_for_selector("#measure")
    new = plan.m2_published_change
    facts = staff.inner_text(".facts")
    assert f"{new.year}年{new.month}月{new.day}日" in facts and "已逾期" not in facts, facts
    shots(staff, "task-follows-phone", full_page=False)
