"""The admin's journey (issue 11), through the UI only on a fresh demo database: import a plan that is
not a seed → review it with edits (title, a deadline, a target row, an unknown unit) → publish through
the confirmation page → the units see their tasks → change a published deadline → the tasks follow on
the dashboard, the list and the task page, and the plan page lists the revision."""
import pytest

from .steps import (PHONE, change_published_deadline, dashboard_for_region, import_and_publish, kpi, nav,
                    open_own_task)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_admin_journey(demo, people, shots, tmp_path):
    plan = demo
    admin = people("admin")
    import_and_publish(admin, plan, tmp_path, shots)
    body = admin.inner_text("body")
    assert "生成任务 7 项" in body, body[:500]  # m1, m2 and m4 two units each, m3 one (区企业服务中心 → 区数据局)
    # the plan's page: every measure with its units and the corrected deadline
    assert plan.corrected_title in admin.inner_text("h1")
    assert f"{plan.UNKNOWN_UNIT} → 区数据局（牵头）" in admin.inner_text("main")  # where the mapped name's task went

    # The clerk sees the new tasks at once, on the phone (the measure mapped from 区企业服务中心 too).
    staff = people("staff", viewport=PHONE)
    open_own_task(staff, plan.m3)
    assert plan.corrected_title in staff.inner_text("#measure")
    assert "重点企业服务专员配备率" in staff.inner_text("#targets")
    shots(staff, "clerk-sees-new-task", full_page=False)

    # The dashboard before the change: measure 2 is overdue for both its units.
    dashboard_for_region(admin)
    overdue_before = kpi(admin, "overdue")
    admin.click("#kpi-overdue")
    admin.wait_for_selector("#task-table")
    rows = admin.locator("#task-table tbody tr", has_text=plan.m2)
    assert rows.count() == 2
    shots(admin, "overdue-list-before")

    # A published deadline changes: the two open tasks of measure 2 follow in the same transaction.
    history = change_published_deadline(admin, plan, shots)
    old, new = plan.m2_deadline, plan.m2_published_change
    line = f"{old.year}年{old.month}月{old.day}日 → {new.year}年{new.month}月{new.day}日"
    assert f"任务时限 一/2 区住建局：{line}" in history and f"任务时限 一/2 区数据局：{line}" in history, history
    assert f"完成时限 {line}" in history, history  # the measure's own line, in the same words

    dashboard_for_region(admin)
    assert kpi(admin, "overdue") == overdue_before - 2
    shots(admin, "dashboard-after-change")
    admin.click("#kpi-overdue")
    admin.wait_for_selector("#task-table")
    assert admin.locator("#task-table tbody tr", has_text=plan.m2).count() == 0
    # the plan's row on the dashboard → its tasks → measure 2 of 区住建局 → the task page
    nav(admin, "督办看板")
    with admin.expect_navigation():
        admin.select_option("#f-region", label="鞍山市铁西区")
    admin.locator("#plan-table tr", has_text=plan.corrected_title[:20]).locator("td.num a").first.click()
    row = admin.locator("#task-table tbody tr", has_text=plan.m2).filter(has_text="区住建局")
    row.wait_for()
    assert f"{new.year}年{new.month}月{new.day}日" in row.inner_text() and "已逾期" not in row.inner_text()
    row.locator("a.task-link").click()
    admin.wait_for_selector("#measure")
    facts = admin.inner_text(".facts")
    assert f"时限：{new.year}年{new.month}月{new.day}日" in facts and "已逾期" not in facts, facts
    assert "时限" in admin.inner_text("#audit")
    assert "（本单位）" not in admin.inner_text("#units")  # the admin is not of 区住建局
    shots(admin, "task-follows")

    # The clerk of the co-unit is told (方案调整) and sees the new deadline.
    nav(staff, "消息")
    staff.locator("#notification-list a", has_text=plan.m2[:6]).first.click()
    staff.wait_for_selector("#measure")
    assert f"{new.year}年{new.month}月{new.day}日" in staff.inner_text(".facts")
    shots(staff, "clerk-told-of-change", full_page=False)
