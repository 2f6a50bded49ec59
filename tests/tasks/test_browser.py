"""A member of staff in headless Chromium, on an office screen and on a phone: finds a task, files a
report with an evidence file and a target actual, uses 本期无变化, loses nothing to a reload, and is
told clearly when someone else saved first."""
import pytest
from django.utils import timezone

from plans.choices import UnitRole
from tasks.models import ProgressReport
from tasks.services import current_period, period_for, task_report_submit
from tests.conftest import BROWSER_TIMEOUT_MS, SCREENSHOTS, Cast, browser_login, screenshot
from tests.factories import MeasureFactory, TargetFactory, TaskFactory

from .conftest import PDF, prev_month, report_data

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VIEWPORTS = {"desktop": {"width": 1366, "height": 768}, "phone": {"width": 375, "height": 667}}


@pytest.fixture(params=list(VIEWPORTS))
def staff_page(request, browser, live_server):
    context = browser.new_context(viewport=VIEWPORTS[request.param], locale="zh-CN")
    pg = context.new_page()
    pg.set_default_timeout(BROWSER_TIMEOUT_MS)
    pg.viewport_name = request.param
    yield pg
    context.close()


def submit(page):
    # Headless Chromium at 375 px scrolls the page when the focused input blurs on mousedown, so
    # the mouseup lands elsewhere and no click happens; blur first, as a phone's "done" key would.
    page.evaluate("document.activeElement && document.activeElement.blur()")
    page.click("#submit")


def setup_work():
    cast = Cast()
    measure = MeasureFactory(plan=cast.plan, label="3", title="推进政务服务事项全程网办",
                             text="推进政务服务事项全程网办，全程网办率达到90%以上。")
    task = TaskFactory(measure=measure, unit=cast.unit, role=UnitRole.LEAD)
    TaskFactory(measure=measure, unit=cast.other_unit, role=UnitRole.CO)
    TargetFactory(measure=measure)
    # Another task of the unit, reported last month: the 本期无变化 candidate.
    other = TaskFactory(measure=MeasureFactory(plan=cast.plan, label="4", title="压缩企业开办时间"), unit=cast.unit)
    now = timezone.now()
    task_report_submit(task=other, period=period_for(cast.plan, prev_month(current_period(cast.plan, now=now).start)),
                       actor=cast.staff, data=report_data(done_text="企业开办压缩至1个工作日。", percent=60),
                       expected_version=0)
    return cast, task, other


def test_it_lets_staff_file_a_report_with_evidence_and_a_target_actual(live_server, staff_page, tmp_path):
    page, tag = staff_page, staff_page.viewport_name
    cast, task, _ = setup_work()
    evidence = tmp_path / "网办率统计.pdf"
    evidence.write_bytes(PDF)
    browser_login(page, live_server, "staff")
    assert page.url.endswith("/tasks/")
    page.wait_for_selector("text=本期待报送")
    screenshot(page, f"tasks-{tag}-1-my-tasks")
    page.click("#filters-toggle")
    page.fill("#f-q", "全程网办")
    page.click("#filters button[type=submit]")
    page.click("a.task-title:has-text('推进政务服务事项全程网办')")
    page.wait_for_selector("#measure")
    assert "全程网办率达到90%以上" in page.inner_text("#measure")
    page.click("#report-link")
    page.select_option("#id_status", "in_progress")
    page.fill("#id_percent", "45")
    page.fill("#id_done_text", "已完成与省平台的系统对接，办件量稳步上升。")
    page.fill(f"#id_target_{task.measure.targets.get().pk}", "86.5")
    page.set_input_files("#id_evidence", str(evidence))
    screenshot(page, f"tasks-{tag}-2-report-form")
    submit(page)
    page.wait_for_selector(".msg-success")
    assert "已提交" in page.inner_text(".messages")
    history = page.inner_text("#history")
    assert "第1版" in history and "已完成与省平台的系统对接" in history and "网办率统计.pdf" in history
    assert "86.5" in history
    assert "报送进展" in page.inner_text("#audit")
    screenshot(page, f"tasks-{tag}-3-history")
    r = ProgressReport.objects.get(task=task)
    assert r.readings.get().value == 86.5 and r.evidence.get().original_name == "网办率统计.pdf"


def test_it_offers_no_change_in_one_click(live_server, staff_page):
    page, tag = staff_page, staff_page.viewport_name
    cast, _, other = setup_work()
    browser_login(page, live_server, "staff")
    page.goto(f"{live_server.url}/tasks/{other.pk}/report/")
    assert page.input_value("#id_done_text") == "企业开办压缩至1个工作日。"  # pre-filled from last period
    page.click("#no-change")
    page.wait_for_selector(".msg-success")
    assert "本期无变化" in page.inner_text("#history")
    screenshot(page, f"tasks-{tag}-4-no-change")
    assert ProgressReport.objects.filter(task=other, no_change=True).count() == 1


def test_it_keeps_a_draft_across_a_reload(live_server, staff_page):
    page, tag = staff_page, staff_page.viewport_name
    cast, task, _ = setup_work()
    browser_login(page, live_server, "staff")
    page.goto(f"{live_server.url}/tasks/{task.pk}/report/")
    page.fill("#id_done_text", "写到一半，手机没电了")
    page.wait_for_selector("#autosave-status:has-text('草稿已自动保存')", timeout=BROWSER_TIMEOUT_MS)
    page.reload()
    assert page.input_value("#id_done_text") == "写到一半，手机没电了"
    assert "已恢复您" in page.inner_text(".messages")
    screenshot(page, f"tasks-{tag}-5-draft-restored")


def test_it_refuses_a_concurrent_edit_with_the_other_persons_values(live_server, staff_page):
    page, tag = staff_page, staff_page.viewport_name
    cast, task, _ = setup_work()
    browser_login(page, live_server, "staff")
    page.goto(f"{live_server.url}/tasks/{task.pk}/report/")
    page.select_option("#id_status", "in_progress")
    page.fill("#id_done_text", "承办人填写的内容")
    # Meanwhile the unit head files the same period from another computer.
    task_report_submit(task=task, period=current_period(cast.plan, now=timezone.now()), actor=cast.head,
                       data=report_data(done_text="负责人已经提交的内容", percent=70), expected_version=0)
    submit(page)
    page.wait_for_selector("#stale")
    assert "在您填写期间" in page.inner_text(".form-error")
    assert "负责人已经提交的内容" in page.inner_text("#stale")
    assert page.input_value("#id_done_text") == "承办人填写的内容"
    screenshot(page, f"tasks-{tag}-6-concurrent-refused")
    assert ProgressReport.objects.filter(task=task).count() == 1
    # Having compared, the user confirms: their text becomes version 2, the head's stays as version 1.
    submit(page)
    page.wait_for_selector(".msg-success")
    history = page.inner_text("#history")
    assert "第2版" in history and "第1版" in history and "负责人已经提交的内容" in history
    assert ProgressReport.objects.filter(task=task).count() == 2


def test_it_keeps_what_was_typed_when_the_login_expires(live_server, staff_page):
    page, tag = staff_page, staff_page.viewport_name
    cast, task, _ = setup_work()
    browser_login(page, live_server, "staff")
    form_url = f"{live_server.url}/tasks/{task.pk}/report/"
    page.goto(form_url)
    page.fill("#id_done_text", "第一段")
    page.wait_for_selector("#autosave-status:has-text('草稿已自动保存')", timeout=BROWSER_TIMEOUT_MS)
    page.context.clear_cookies()  # the session expires while the user keeps typing
    page.fill("#id_done_text", "第一段，第二段也写好了")
    page.wait_for_selector("#autosave-status:has-text('内容已保存在本机')", timeout=BROWSER_TIMEOUT_MS)
    screenshot(page, f"tasks-{tag}-7-session-expired")
    browser_login(page, live_server, "staff")
    page.goto(form_url)
    assert page.input_value("#id_done_text") == "第一段，第二段也写好了"
    page.wait_for_selector("#autosave-status:has-text('草稿已自动保存')", timeout=BROWSER_TIMEOUT_MS)


def test_it_lets_the_lead_unit_consolidate_its_co_units_reports(live_server, staff_page):
    page, tag = staff_page, staff_page.viewport_name
    cast, task, _ = setup_work()
    co_task = task.measure.tasks.get(role=UnitRole.CO)
    task_report_submit(task=co_task, period=current_period(cast.plan, now=timezone.now()), actor=cast.other_staff,
                       data=report_data(done_text="市场监管局完成了数据共享。"), expected_version=0)
    browser_login(page, live_server, "staff")
    page.goto(f"{live_server.url}/tasks/{task.pk}/report/")
    assert "市场监管局完成了数据共享。" in page.inner_text("#co-reports")
    page.select_option("#id_status", "in_progress")
    page.fill("#id_percent", "50")
    page.fill("#id_done_text", "本单位完成了平台对接。")
    page.click("#co-reports button.quote")
    assert page.input_value("#id_done_text") == "本单位完成了平台对接。\n【区市场监管局】市场监管局完成了数据共享。"
    screenshot(page, f"tasks-{tag}-8-consolidate")
    submit(page)
    page.wait_for_selector(".msg-success")
    r = ProgressReport.objects.get(task=task)
    assert r.consolidated and "【区市场监管局】" in r.done_text
    assert "牵头汇总" in page.inner_text("#history")


def screenshot_path(name: str):
    SCREENSHOTS.mkdir(exist_ok=True)
    return SCREENSHOTS / f"{name}.png"


def in_viewport(page, selector: str) -> bool:
    """The element's box lies wholly inside the visible viewport (no scrolling needed to see it)."""
    return page.evaluate("""sel => { const r = document.querySelector(sel).getBoundingClientRect();
        return r.top >= 0 && r.bottom <= window.innerHeight && r.height > 0; }""", selector)


def test_it_shows_the_first_task_and_the_success_message_on_a_phone(live_server, browser):
    """Issue 11: at 375x667 the first task was below the fold and the success message off-screen."""
    cast, task, _ = setup_work()
    for i in range(40):  # a busy unit: more than a page
        TaskFactory(measure=MeasureFactory(plan=cast.plan, label=str(10 + i), title=f"第{i}项重点任务"),
                    unit=cast.unit)
    context = browser.new_context(viewport=VIEWPORTS["phone"], locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(BROWSER_TIMEOUT_MS)
    try:
        browser_login(page, live_server, "staff")
        page.wait_for_selector(".task-item")
        assert in_viewport(page, ".task-item:first-of-type .task-title")
        assert in_viewport(page, ".task-item:first-of-type a.button")  # 填报本期 within thumb reach
        page.screenshot(path=str(screenshot_path("tasks-phone-5-my-tasks-fold")))  # the viewport only
        assert page.locator(".task-item").count() == 30 and "下一页" in page.inner_text("#pager")
        page.click(".task-item:first-of-type a.button")
        page.select_option("#id_status", "in_progress")
        page.fill("#id_percent", "30")
        page.fill("#id_done_text", "已完成事项梳理。")
        page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
        submit(page)
        page.wait_for_selector(".msg-success")
        assert in_viewport(page, ".msg-success")
        page.screenshot(path=str(screenshot_path("tasks-phone-6-success-message")))
    finally:
        context.close()
