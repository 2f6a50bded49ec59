"""The supervisor's (督查) journey, through the UI only on a fresh demo database: the admin publishes a
newly imported plan and the unit reports and asks for an extension → the supervisor picks the region
with 状态 left at 全部, reads the figures, drills down from 逾期 to the list and into the unit's task,
urges it, grants the extension → the admin moves a published deadline → the figures follow → the
台账 and the 通报 of the region, exported from the dashboard through their background jobs, converted
to PDF by LibreOffice: page counts, no cut-off text, a rendered page that is not blank."""
import pytest

from .steps import (approve_extension, change_published_deadline, dashboard_for_region, export_file,
                    import_and_publish, ink_ratio, kpi, nav, open_own_task, page_count, pdf_text, render_first_page,
                    request_extension, to_pdf, urge_from_task_page)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

URGE = "该任务已逾期，请于3个工作日内报送进展并说明原因。"


def flat(text: str) -> str:
    return "".join(text.split())


def test_supervisor_journey(demo, people, shots, tmp_path):
    plan = demo
    admin = people("admin")
    import_and_publish(admin, plan, tmp_path, shots.only("published"))  # the admin's journey shows each step

    # The unit reports on its overdue task and asks for an extension.
    staff = people("staff")
    open_own_task(staff, plan.m3)
    staff.click("#report-link")
    staff.select_option("#id_status", "in_progress")
    staff.fill("#id_percent", "50")
    staff.fill("#id_done_text", "已为全区42家重点企业中的30家配备服务专员，建立企业诉求台账，本月受理诉求18件。")
    staff.fill("#id_problems_text", "其余12家企业的专员需街道推荐，预计下季度到位。")
    staff.click("#submit")
    staff.wait_for_selector(".msg-success")
    request_extension(staff, plan, shots, reason="服务专员需经街道推荐、培训后上岗，申请延期至季度末。")

    # 1. the region, 状态 全部: figures, not "筛选条件有误"
    supervisor = people("supervisor")
    dashboard_for_region(supervisor)
    overdue = kpi(supervisor, "overdue")
    assert overdue >= 3  # measure 2 (two units) and measure 3 of the new plan, besides the demo's own
    shots(supervisor, "dashboard-region-all-statuses")

    # 2. 逾期 → the list → the unit's task
    supervisor.click("#kpi-overdue")
    supervisor.wait_for_selector("#task-table")
    assert f"共 {overdue} 项" in supervisor.inner_text("#result-count")
    row = supervisor.locator("#task-table tbody tr", has_text=plan.m3)
    assert "鞍山市铁西区" in row.inner_text() and "区数据局" in row.inner_text()
    shots(supervisor, "overdue-list")
    row.locator("a.task-link").click()
    supervisor.wait_for_selector("#urge-actions")
    assert "42家重点企业" in supervisor.inner_text("#history")
    shots(supervisor, "task")

    # 3. urge it; 4. grant the extension the unit asked for
    urge_from_task_page(supervisor, shots, URGE)
    approve_extension(supervisor, plan, shots)
    dashboard_for_region(supervisor)
    assert kpi(supervisor, "overdue") == overdue - 1

    # 5. the admin moves measure 2's deadline: both its tasks leave 逾期 at once
    change_published_deadline(admin, plan, shots)
    dashboard_for_region(supervisor)
    assert kpi(supervisor, "overdue") == overdue - 3
    shots(supervisor, "dashboard-after-changes")

    # 6. the 台账 and the 通报 of the region, through their jobs
    ledger = export_file(supervisor, "#export-ledger", tmp_path / "督办台账.xlsx", shots, "ledger")
    assert "region=" in supervisor.url and "筛选条件有误" not in supervisor.content()
    bulletin = export_file(supervisor, "#export-bulletin", tmp_path / "月度通报.docx", shots, "bulletin")

    out = tmp_path / "pdf"
    out.mkdir()
    ledger_pdf, bulletin_pdf = to_pdf([ledger, bulletin], out)
    ledger_pages, bulletin_pages = page_count(ledger_pdf), page_count(bulletin_pdf)
    print(f"台账 {ledger_pages} pages, 通报 {bulletin_pages} pages")  # noqa: T201 — for -s runs
    assert 1 <= bulletin_pages <= 10, bulletin_pages
    assert ledger_pages >= 2, ledger_pages
    ledger_text, bulletin_text = flat(pdf_text(ledger_pdf)), flat(pdf_text(bulletin_pdf))
    # wrapped, not cut off: the longest measure title of the new plan is printed whole
    assert flat("压缩工程建设项目审批时间，全流程审批时间压缩至60个工作日以内") in ledger_text
    d = plan.m3_extension
    assert f"已延期至{d.year}年{d.month}月{d.day}日" in ledger_text
    assert "本月共催办1次" in bulletin_text and "尚有1次未答复" in bulletin_text
    assert "区数据局：已为全区42家重点企业中的30家配备服务专员" in bulletin_text  # a highlight of substance
    for pdf, name in ((bulletin_pdf, "bulletin"), (ledger_pdf, "ledger")):
        png = render_first_page(pdf, out / f"{name}-page1.png")
        shots.add(png, f"{name}-pdf-page1")
        assert ink_ratio(png) > 0.01, name
    nav(supervisor, "督办看板")
