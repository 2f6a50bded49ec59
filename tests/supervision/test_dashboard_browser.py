"""A supervisor in headless Chromium: opens the dashboard, drills from a unit's overdue count to its
list, and downloads the 台账 and the 通报."""
import io

import pytest
import time_machine
from docx import Document
from openpyxl import load_workbook

from tests.conftest import Cast, browser_login, screenshot

from .conftest import NOW, World

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_walks_a_supervisor_from_dashboard_to_list_and_exports(live_server, page, tmp_path):
    with time_machine.travel(NOW, tick=True):
        world = World(Cast())
        browser_login(page, live_server, "supervisor")
        page.click("nav >> text=督办看板")
        page.wait_for_selector("#chart-status svg")
        page.wait_for_selector("#chart-trend svg")
        assert "25.0%" in page.inner_text("#kpi-ontime")
        assert page.evaluate("document.documentElement.scrollWidth") <= 1366  # no horizontal scrolling
        screenshot(page, "dashboard-1-overview")

        row = page.locator("#unit-ranking tr", has_text="区数据局")
        assert row.locator(".overdue-link").inner_text() == "1"
        row.locator(".overdue-link").click()
        page.wait_for_selector("#task-table")
        assert "/dashboard/tasks/" in page.url and "status=overdue" in page.url
        assert "共 1 项" in page.inner_text("#result-count")
        table = page.inner_text("#task-table")
        assert "压缩企业开办时间" in table and "已逾期" in table and "区市场监管局" not in table
        assert page.locator("#f-status").input_value() == "overdue"
        screenshot(page, "dashboard-2-drilldown")

        page.goto(f"{live_server.url}/dashboard/")
        with page.expect_download() as dl:
            page.click("#export-ledger")
        path = tmp_path / "ledger.xlsx"
        dl.value.save_as(path)
        assert dl.value.suggested_filename.endswith(".xlsx")
        ws = load_workbook(path).active
        assert ws["A3"].value == "序号" and ws.freeze_panes == "A4"
        with page.expect_download() as dl:
            page.click("#export-bulletin")
        path = tmp_path / "bulletin.docx"
        dl.value.save_as(path)
        doc = Document(io.BytesIO(path.read_bytes()))
        assert "按期完成率25.0%" in "\n".join(p.text for p in doc.paragraphs)

        page.emulate_media(media="print")
        screenshot(page, "dashboard-3-print")
        page.emulate_media(media="screen")

        page.goto(f"{live_server.url}/dashboard/search/?q=企业开办")
        page.wait_for_selector("#measure-results")
        assert page.locator("#measure-results mark").first.inner_text() == "企业开办"
        screenshot(page, "dashboard-4-search")
        assert world


def test_it_shows_a_plan_title_with_markup_as_text_in_the_chart_tooltip(live_server, page):
    """Stored DOM XSS: ECharts inserts a tooltip formatter's string as HTML; the plan title is
    typed by an admin (or comes from an imported document) and must arrive as text."""
    from tests.factories import MeasureFactory, TaskFactory

    cast = Cast()
    cast.plan.title = '<img src=x id=pwn>方案"'
    cast.plan.save()
    TaskFactory(measure=MeasureFactory(plan=cast.plan), unit=cast.unit)
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    browser_login(page, live_server, "supervisor")
    page.click("nav >> text=督办看板")
    chart = page.wait_for_selector("#chart-plans svg")
    chart.scroll_into_view_if_needed()
    box = chart.bounding_box()
    page.mouse.move(box["x"] + box["width"] * 0.6, box["y"] + box["height"] / 2)
    tooltip = page.wait_for_selector("#chart-plans div:has-text('办结率')")
    assert "<img src=x id=pwn>" in tooltip.inner_text()
    assert page.locator("#pwn").count() == 0 and dialogs == []
    screenshot(page, "dashboard-4-escaped-tooltip")
