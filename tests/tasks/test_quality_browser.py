"""Quality flags in headless Chromium: a clerk on a phone files 套话 and sees the gentle note (the
report is filed all the same); the supervisor sees the count per unit on the dashboard and drills
into the flagged tasks."""
import pytest

from plans.choices import UnitRole
from tasks.models import ProgressReport
from tests.conftest import BROWSER_TIMEOUT_MS, Cast, browser_login, screenshot
from tests.factories import MeasureFactory, TargetFactory, TaskFactory

from .test_browser import submit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 667}


def test_it_shows_the_note_on_submit_on_a_phone_and_the_count_per_unit_on_the_dashboard(browser, live_server):
    cast = Cast()
    measure = MeasureFactory(plan=cast.plan, label="3", title="推进政务服务事项全程网办",
                             text="推进政务服务事项全程网办，全程网办率达到90%以上。")
    task = TaskFactory(measure=measure, unit=cast.unit, role=UnitRole.LEAD)
    TaskFactory(measure=MeasureFactory(plan=cast.plan, label="4", title="压缩企业开办时间"), unit=cast.other_unit)
    TargetFactory(measure=measure)

    context = browser.new_context(viewport=PHONE, locale="zh-CN", is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(BROWSER_TIMEOUT_MS)
    browser_login(page, live_server, "staff")
    page.goto(f"{live_server.url}/tasks/{task.pk}/report/")
    page.select_option("#id_status", "in_progress")
    page.fill("#id_percent", "30")
    page.fill("#id_done_text", "正在有序推进。")
    submit(page)
    page.wait_for_selector(".messages")
    text = page.inner_text(".messages")
    assert "已提交" in text and "温馨提示" in text and "套话" in text
    screenshot(page, "quality-phone-1-note-after-submit")
    note = page.locator(".messages").bounding_box()
    assert note["x"] >= 0 and note["x"] + note["width"] <= PHONE["width"] + 1  # readable without scrolling sideways
    assert ProgressReport.objects.get(task=task).quality_flags  # filed, with its flags
    context.close()

    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(BROWSER_TIMEOUT_MS)
    browser_login(page, live_server, "supervisor")
    page.goto(f"{live_server.url}/dashboard/")
    panel = page.locator("#quality-panel")
    panel.scroll_into_view_if_needed()
    assert cast.unit.name in panel.inner_text() and cast.other_unit.name not in panel.inner_text()
    assert page.inner_text("#quality-table a.quality-count") == "1"
    panel.screenshot(path=str(__import__("tests.conftest", fromlist=["SCREENSHOTS"]).SCREENSHOTS
                             / "quality-dashboard-2-count-per-unit.png"))
    page.click("#quality-table a.quality-count")
    page.wait_for_selector("#result-count")
    assert "进展有内容提示" in page.inner_text("#result-count") and "共 1 项" in page.inner_text("#result-count")
    assert page.locator("#f-quality").input_value() == "flagged"
    screenshot(page, "quality-dashboard-3-flagged-tasks")
    page.click("a.task-link")
    page.wait_for_selector("#history")
    assert "内容提示" in page.inner_text("#history")
    context.close()
