"""The admin's review journey in headless Chromium, through the UI only: upload a plan not in the seeds
→ review (title, a deadline in the date input, a target row, an unknown unit mapped) → publish with
confirmation → change a published deadline → the task follows on the dashboard's list."""
import pytest
from django.utils import timezone

from plans.models import Plan
from tasks.models import Task
from tests.celery_worker import celery_worker
from tests.conftest import Cast, browser_login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PLAN = """关于印发铁西区2026年政务服务提质增效行动方案的通知

铁西区2026年政务服务提质增效行动方案

一、提升办事效率
1. 推行证明事项告知承诺制，全面梳理证明事项清单。（牵头单位：区政数局；完成时限：2026年9月底前）
2. 压缩企业开办时间，企业开办时间压缩至1个工作日以内。（牵头单位：区市场监管局；完成时限：2026年6月底前）
二、优化服务保障
3. 建立政务服务“好差评”回访机制。（牵头单位：区营商局；责任单位：区数据局；完成时限：长期坚持）
"""


def _item(page, title: str):
    """The review tree's <li> of the item with this title (not its ancestors, which contain it too)."""
    return page.locator(f"xpath=//li[text()[contains(., '{title}')]]")


def test_it_walks_the_admin_through_review_publish_and_a_published_change(live_server, page, tmp_path):
    cast = Cast()
    doc = tmp_path / "铁西区政务服务提质增效行动方案.txt"
    doc.write_text(PLAN, encoding="utf-8")
    browser_login(page, live_server, "admin")
    page.goto(f"{live_server.url}/plans/")
    page.click("text=导入新方案")
    page.select_option("#id_region", label=str(cast.region))
    page.set_input_files("#id_file", str(doc))
    with celery_worker():
        page.click("text=上传并解析")
        page.wait_for_selector("text=进入审核页面", timeout=90000)
    page.click("text=进入审核页面")
    page.wait_for_selector("text=识别结果")
    screenshot(page, "review-1-parsed")

    # 1. the title kept the 印发 notice: correct it on the review page
    page.click("summary:has-text('更正方案标题')")
    page.fill("#id_plan-title", "铁西区2026年政务服务提质增效行动方案")
    page.click("button:has-text('保存方案信息')")
    page.wait_for_selector("text=方案信息已保存")
    assert page.inner_text("h1") == "审核：铁西区2026年政务服务提质增效行动方案"

    # 2. the date input shows the parsed deadline; change it and add a target row
    _item(page, "推行证明事项告知承诺制").locator("xpath=./a[@class='edit-link']").click()
    assert page.input_value("#id_deadline") == "2026-09-30"
    page.fill("#id_deadline", "2026-10-31")
    row = page.locator("tr.target-row").last
    row.locator("input[name$='-metric']").fill("证明事项告知承诺覆盖率")
    row.locator("select[name$='-op']").select_option(">=")
    row.locator("input[name$='-value']").fill("90")
    row.locator("input[name$='-unit']").fill("%")
    screenshot(page, "review-2-edit-form")
    page.click("button:has-text('保存')")
    page.wait_for_selector("text=已保存")
    item = _item(page, "推行证明事项告知承诺制")
    assert "2026年10月31日" in item.inner_text() and "证明事项告知承诺覆盖率" in item.inner_text()

    # 3. the unknown 区政数局 → the registered 区数据局 (stored as its alias)
    form = page.locator("form.map-form:has(input[value='区政数局'])")
    form.locator("select[name$='-unit']").select_option(label="区数据局")
    form.locator("button").click()
    page.wait_for_selector("text=已对应到单位“区数据局”")
    assert page.locator(".badge.red").count() == 0
    _item(page, "推行证明事项告知承诺制").locator("xpath=./details/summary").click()
    screenshot(page, "review-3-mapped-with-source")

    # 4. publish, with a confirmation step
    page.click("#publish")
    page.wait_for_selector("#confirm-publish")
    screenshot(page, "review-4-confirm-publish")
    plan = Plan.objects.get(title="铁西区2026年政务服务提质增效行动方案")
    assert plan.status == "draft"
    page.click("#confirm-publish")
    page.wait_for_selector("text=方案已发布")
    plan.refresh_from_db()
    assert plan.status == "published" and Task.objects.filter(plan=plan).count() == 4

    # 5. the 6月底前 measure is overdue; give it a new deadline in the published plan
    page.click("text=督办看板")
    overdue = Task.objects.status_in(["overdue"], now=timezone.now()).filter(plan=plan)
    assert overdue.filter(unit__name="区市场监管局").exists()
    before = overdue.count()
    assert page.inner_text("#kpi-overdue b") == str(before)
    page.click("text=方案")
    page.click(f"text={plan.title}")
    page.click("text=审核/修改")
    _item(page, "压缩企业开办时间").locator("xpath=./a[@class='edit-link']").click()
    assert page.input_value("#id_deadline") == "2026-06-30"
    page.fill("#id_deadline", "2030-12-31")
    page.click("button:has-text('保存')")
    page.wait_for_selector("text=已保存")
    page.click("text=查看方案及修订记录")
    history = page.inner_text("#history")
    assert "任务时限 一/2 区市场监管局：2026年6月30日 → 2030年12月31日" in history, history
    screenshot(page, "review-5-history")

    # 6. the task follows at once: not overdue, listed with the new deadline
    page.click("text=督办看板")
    assert page.inner_text("#kpi-overdue b") == str(before - 1)
    page.locator("tr", has_text=plan.title[:20]).locator("td.num a").first.click()
    row = page.locator("tr", has_text="区市场监管局")
    row.wait_for()
    assert "2030年12月31日" in row.inner_text() and "已逾期" not in row.inner_text()
    screenshot(page, "review-6-task-list")
    assert str(Task.objects.get(plan=plan, unit__name="区市场监管局").deadline) == "2030-12-31"
