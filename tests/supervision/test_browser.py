"""Supervisor and unit pages in headless Chromium: urge → answer, extension approval, close-out."""
import datetime as dt

import pytest
from django.utils import timezone

from supervision.models import Reminder, Urge
from tasks.choices import Decision
from tasks.models import CompletionApplication, ExtensionRequest, Task
from tests.conftest import browser_login, screenshot
from tests.factories import MeasureFactory, TaskFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_runs_urge_extension_and_closeout_in_the_browser(cast, live_server, browser):
    t1 = TaskFactory(measure=MeasureFactory(plan=cast.plan, label="3", title="推行“一件事一次办”集成服务",
                                            deadline=dt.date(2026, 6, 30)), unit=cast.unit)
    t2 = TaskFactory(measure=MeasureFactory(plan=cast.plan, label="7", title="压缩企业开办时间至1个工作日内",
                                            deadline=dt.date(2026, 9, 30)), unit=cast.unit)
    ext = ExtensionRequest.objects.create(task=t1, requested_deadline=dt.date(2026, 10, 31),
                                          reason="省级平台接口尚未开放，需顺延至10月底。", requested_by=cast.staff)
    app = CompletionApplication.objects.create(task=t2, note="已实现企业开办全程网办，平均0.5个工作日办结。",
                                               applied_by=cast.staff)
    Task.objects.filter(pk=t2.pk).update(completion_applied_at=dt.datetime(2026, 9, 1, tzinfo=dt.UTC))

    sup = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN").new_page()
    browser_login(sup, live_server, "supervisor")
    # 1. 催办 a task, from its page; the urge is then shown on the task
    sup.goto(f"{live_server.url}/tasks/{t1.pk}/")
    sup.click("#urge-actions a")
    assert "推行“一件事一次办”集成服务" in sup.inner_text("#urge-task")
    sup.fill("#id_message", "请于3个工作日内报送“一件事一次办”推进情况。")
    screenshot(sup, "supervision-1-urge-form")
    sup.click("#urge-form button[type=submit]")
    sup.wait_for_selector("text=已向区数据局发出催办")
    urge = Urge.objects.get()
    assert urge.task == t1 and Reminder.objects.filter(recipient=cast.staff, kind="urged").exists()
    assert sup.url.endswith(f"/tasks/{t1.pk}/")
    assert "请于3个工作日内报送" in sup.inner_text(f"#urges #urge-{urge.pk}")
    assert "待单位答复" in sup.inner_text(f"#urge-{urge.pk}")

    # 2. The unit sees it in the header and answers
    staff = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN").new_page()
    browser_login(staff, live_server, "staff")
    staff.goto(f"{live_server.url}/supervision/notifications/")
    assert staff.inner_text("#unread-count") == "1"
    assert "【催办】请于3个工作日内报送" in staff.inner_text("#notification-list")
    screenshot(staff, "supervision-2-notifications")
    staff.click("#mark-all-read")
    staff.wait_for_selector("text=已标记 1 条为已读")
    assert staff.locator("#unread-count").count() == 0
    staff.goto(f"{live_server.url}/supervision/urges/")
    assert f"urge-{urge.pk}" in staff.inner_html("#urge-list")
    staff.goto(f"{live_server.url}/tasks/{t1.pk}/")  # answered where the task is
    staff.fill(f"#urge-{urge.pk} textarea[name=response]", "已与省平台对接，预计10月上线，已提交延期申请。")
    staff.click(f"#urge-{urge.pk} button[type=submit]")
    staff.wait_for_selector("text=答复已提交")
    assert staff.url.endswith(f"/tasks/{t1.pk}/")
    assert "已与省平台对接" in staff.inner_text(f"#urge-{urge.pk}")
    screenshot(staff, "supervision-3-urge-answered")
    urge.refresh_from_db()
    assert urge.responded_by == cast.staff

    # 3. Extension approved with a comment
    sup.goto(f"{live_server.url}/supervision/extensions/")
    assert "省级平台接口尚未开放" in sup.inner_text(f"#extension-{ext.pk}")
    screenshot(sup, "supervision-4-extension-pending")
    sup.fill(f"#c-{ext.pk}", "同意延期，请按期完成。")
    sup.click(f"#extension-{ext.pk} button[value=approve]")
    sup.wait_for_selector("text=已同意延期")
    t1.refresh_from_db()
    assert t1.granted_deadline == dt.date(2026, 10, 31) and t1.deadline == dt.date(2026, 6, 30)

    # 4. Close-out: returned without a comment is refused, with one it goes back; then approved
    sup.goto(f"{live_server.url}/supervision/completions/")
    screenshot(sup, "supervision-5-completion-pending")
    sup.click(f"#completion-{app.pk} button[value=reject]")
    sup.wait_for_selector("text=退回办结申请请填写审核意见")
    sup.fill(f"#c-{app.pk}", "请补充企业开办时长统计表。")
    sup.click(f"#completion-{app.pk} button[value=reject]")
    sup.wait_for_selector("text=已退回办结申请")
    t2.refresh_from_db()
    assert t2.completion_applied_at is None
    app2 = CompletionApplication.objects.create(task=t2, note="已补充统计表。", applied_by=cast.staff)
    sup.goto(f"{live_server.url}/supervision/completions/")
    sup.fill(f"#c-{app2.pk}", "材料齐全，同意销号。")
    sup.click(f"#completion-{app2.pk} button[value=approve]")
    sup.wait_for_selector("text=已审核通过，任务已销号")
    screenshot(sup, "supervision-6-closed")
    t2.refresh_from_db()
    assert t2.closed_by == cast.supervisor
    assert list(t2.completions.order_by("pk").values_list("decision", flat=True)) == [Decision.REJECTED,
                                                                                      Decision.APPROVED]
    # 5. Notification settings: the unit head sets the unit's WeCom robot
    head = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN").new_page()
    browser_login(head, live_server, "head")
    head.goto(f"{live_server.url}/supervision/notifications/settings/")
    head.select_option("#id_channel", "wecom")
    head.select_option("#id_scope", "unit")
    head.fill("#id_webhook_url", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6")
    head.click("#channel-form button[type=submit]")
    head.wait_for_selector("text=提醒设置已保存")
    assert "单位群机器人已配置" in head.inner_text("#row-wecom")
    screenshot(head, "supervision-7-settings")
    # staff cannot reach supervisor pages
    resp = staff.goto(f"{live_server.url}/supervision/extensions/")
    assert resp.status == 403


def test_it_shows_a_notification_at_the_phones_full_width(cast, live_server, browser):
    """Found by the clerk's journey (issue 11): on a 375 px phone the 消息 table squeezed the message
    into a column a few characters wide, one character per line."""
    from supervision.services import notify

    task = TaskFactory(measure=MeasureFactory(plan=cast.plan, label="3", title="建立涉企服务专员制度"), unit=cast.unit)
    notify(recipients=[cast.staff], kind="urged", task=task, text="该任务已逾期，请于3个工作日内报送进展并说明原因。",
           ref="phone", now=timezone.now())
    context = browser.new_context(viewport={"width": 375, "height": 667}, locale="zh-CN")
    page = context.new_page()
    try:
        browser_login(page, live_server, "staff")
        page.click("header nav >> text=消息")
        link = page.locator("#notification-list a").first
        link.wait_for()
        assert link.bounding_box()["width"] > 250
        screenshot(page, "supervision-phone-notifications")
    finally:
        context.close()
