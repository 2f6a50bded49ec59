"""The admin's import flow in headless Chromium: upload → parse job (a real Celery worker) with a
progress bar → review with highlights → fix a measure and map a unit → publish."""
from pathlib import Path

import pytest
from django.conf import settings

from plans.models import Plan
from publishing.models import ImportJob
from tasks.models import Task
from tests.celery_worker import celery_worker
from tests.conftest import Cast, browser_login, screenshot

SEED = Path(settings.BASE_DIR) / "fixtures" / "seeds" / "000_12d9136d5bf7f657.txt"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_walks_an_admin_from_upload_to_published_plan(live_server, page, tmp_path):
    cast = Cast()
    browser_login(page, live_server, "admin")
    page.goto(f"{live_server.url}/plans/import/")
    page.select_option("#id_region", label=str(cast.region))
    page.set_input_files("#id_file", str(SEED))
    with celery_worker():
        page.click("text=上传并解析")
        page.wait_for_selector("text=进入审核页面", timeout=90000)
    screenshot(page, "import-1-progress-done")
    assert page.locator("#bar").get_attribute("value") == "100"
    page.click("text=进入审核页面")
    page.wait_for_selector("text=识别结果")
    plan = Plan.objects.get(source_name=SEED.name)
    assert plan.status == "draft" and plan.year == 2026
    body = page.inner_text("body")
    assert "未识别的单位" in body and "区政数局" in body and "指标：" in body and "时限：" in body
    screenshot(page, "import-2-review")

    # Map every unknown unit by creating it (the first one is mapped to an existing unit as alias).
    first = page.locator("form.map-form").first
    first.locator("select[name$='-unit']").select_option(label="区数据局")
    first.locator("button").click()
    page.wait_for_selector(".msg-success")
    assert "已对应到单位“区数据局”" in page.inner_text(".messages")
    while page.locator("form.map-form").count():
        page.locator("form.map-form").first.locator("button").click()
        page.wait_for_load_state("networkidle")

    # Fix one measure's title and a target.
    page.locator(".edit-link").nth(1).click()
    page.fill("#id_title", "提升“一网通办”服务能力（已审核）")
    page.click("button:has-text('保存')")
    screenshot(page, "import-2b-after-edit")
    page.wait_for_selector("text=已保存")
    assert "（已审核）" in page.inner_text("body")

    page.click("#publish")
    page.wait_for_selector("#confirm-publish")
    page.click("#confirm-publish")
    page.wait_for_selector("text=方案已发布")
    screenshot(page, "import-3-published")
    plan.refresh_from_db()
    assert plan.status == "published"
    assert Task.objects.filter(measure__plan=plan).count() > 10
    assert ImportJob.objects.get().status == "done"


def test_it_shows_a_clear_message_for_a_refused_file(live_server, page, tmp_path):
    cast = Cast()
    plans_before = Plan.objects.count()
    bad = tmp_path / "方案.pdf"
    bad.write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF")
    browser_login(page, live_server, "admin")
    page.goto(f"{live_server.url}/plans/import/")
    page.select_option("#id_region", label=str(cast.region))
    page.set_input_files("#id_file", str(bad))
    with celery_worker():
        page.click("text=上传并解析")
        page.wait_for_selector("#message.error", timeout=90000)
    text = page.inner_text("#message")
    assert "PDF" in text or "pdf" in text
    screenshot(page, "import-4-refused")
    assert Plan.objects.count() == plans_before


def test_it_imports_a_pdf_with_a_table_through_the_upload_page(live_server, page, tmp_path):
    from tests.plans.importers import renditions

    cast = Cast()
    pdf = tmp_path / "营商环境攻坚行动方案.pdf"
    pdf.write_bytes(renditions.plan_file("pdf"))  # LibreOffice's PDF of a Word plan with a ruled table
    browser_login(page, live_server, "admin")
    page.goto(f"{live_server.url}/plans/import/")
    page.select_option("#id_region", label=str(cast.region))
    page.set_input_files("#id_file", str(pdf))
    with celery_worker():
        page.click("text=上传并解析")
        page.wait_for_selector("a:has-text('进入审核页面'), #message.error", timeout=120000)
    assert ImportJob.objects.get().status == "done", ImportJob.objects.get().message
    page.click("text=进入审核页面")
    page.wait_for_selector("text=识别结果")
    screenshot(page, "import-5-pdf-review")
    body = page.inner_text("body")
    plan = Plan.objects.get(source_name=pdf.name)
    assert plan.title == renditions.PLAN_TITLE and plan.year == 2025
    for _number, measure, unit, _deadline in renditions.TABLE_ROWS:
        assert measure[:15] in body
        assert unit in body
