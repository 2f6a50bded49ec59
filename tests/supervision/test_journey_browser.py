"""The supervisor's journey in headless Chromium, clicking as a person does (issue 11): log in, pick a
region with 状态 left at 全部, read non-zero figures, drill into the list and a task, urge it, approve an
extension in the queue, and download the 台账 and the 通报 from the dashboard."""
import datetime as dt
import io

import pytest
import time_machine
from docx import Document
from openpyxl import load_workbook

from supervision.models import Urge
from tasks.models import ExtensionRequest
from tests.conftest import Cast, browser_login, screenshot

from .conftest import NOW, World

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_walks_the_supervisor_journey_from_a_region_filter_to_the_exports(live_server, page, tmp_path):
    with time_machine.travel(NOW, tick=True):
        world = World(Cast())
        ext = ExtensionRequest.objects.create(task=world.t3_unit, requested_deadline=dt.date(2026, 6, 30),
                                              reason="需与省级平台联调，申请延期至6月底。", requested_by=world.cast.staff)
        browser_login(page, live_server, "supervisor")
        # wait for the page's load: the region select submits the form from static/js/filters.js, which a
        # select_option made while the page is still parsing would miss (no navigation, a timeout)
        with page.expect_navigation():
            page.click("nav >> text=督办看板")
        page.wait_for_selector("#kpi-overdue")

        # 1. pick the region; the form submits itself with 状态 left at 全部 (status=)
        with page.expect_navigation():
            page.select_option("#f-region", label="铁西区")
        assert "status=" in page.url and f"region={world.cast.region.pk}" in page.url
        with page.expect_navigation():
            page.click("#filters button[type=submit]")
        assert "筛选条件有误" not in page.content()
        assert page.inner_text("#kpi-overdue b") == "2"
        assert "25.0%" in page.inner_text("#kpi-ontime")
        screenshot(page, "journey-supervisor-1-region-all-statuses")

        # 2. a figure into the list, a row into the task
        page.click("#kpi-overdue")
        page.wait_for_selector("#task-table")
        assert "共 2 项" in page.inner_text("#result-count")
        assert "铁西区" in page.inner_text("#task-table")
        screenshot(page, "journey-supervisor-2-drilldown")
        page.locator("#task-table a.task-link", has_text="压缩企业开办时间").click()
        page.wait_for_selector("#urge-actions")
        assert page.url.endswith(f"/tasks/{world.t2_unit.pk}/")
        screenshot(page, "journey-supervisor-3-task")

        # 3. urge it
        page.click("#urge-actions a")
        page.fill("#id_message", "该任务已逾期，请于3个工作日内报送进展并说明原因。")
        page.click("#urge-form button[type=submit]")
        page.wait_for_load_state("networkidle")
        urge = Urge.objects.get()
        assert urge.task_id == world.t2_unit.pk
        screenshot(page, "journey-supervisor-4-urged")

        # 4. the extension queue: approve one
        page.click("nav >> text=延期审批")
        page.wait_for_selector(f"#extension-{ext.pk}")
        assert "铁西区 区数据局" in page.inner_text(f"#extension-{ext.pk}")
        page.fill(f"#c-{ext.pk}", "同意延期。")
        page.click(f"#extension-{ext.pk} button[value=approve]")
        page.wait_for_selector("text=已同意延期")
        world.t3_unit.refresh_from_db()
        assert world.t3_unit.granted_deadline == dt.date(2026, 6, 30)
        screenshot(page, "journey-supervisor-5-extension-approved")

        # 5. the exports, from the dashboard filtered by region with 状态 全部
        with page.expect_navigation():
            page.click("nav >> text=督办看板")
        with page.expect_navigation():
            page.select_option("#f-region", label="铁西区")
        with page.expect_download() as dl:
            page.click("#export-ledger")
        ledger = tmp_path / "ledger.xlsx"
        dl.value.save_as(ledger)
        ws = load_workbook(ledger).active
        rows = [r for r in ws.iter_rows(min_row=4, values_only=True) if isinstance(r[0], int)]
        assert len(rows) == 7 and any("已延期至2026年6月30日" in (r[5] or "") for r in rows)
        with page.expect_download() as dl:
            page.click("#export-bulletin")
        bulletin = tmp_path / "bulletin.docx"
        dl.value.save_as(bulletin)
        text = "\n".join(p.text for p in Document(io.BytesIO(bulletin.read_bytes())).paragraphs)
        assert "本月共催办1次" in text and "尚有1次未答复" in text
        screenshot(page, "journey-supervisor-6-dashboard-after")
