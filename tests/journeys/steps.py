"""Steps of the journeys that more than one role's test walks, done as a person does: clicking links
and buttons, choosing in lists, typing into fields. The only address typed is the login page's.

Each step takes the signed-in page of the person who does it, the JourneyPlan (titles and dates) and
the Shots of the journey, and leaves the page where a person would be after it."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from playwright.sync_api import Page

PASSWORD = "Demo@2026"  # every demo login (README)
REGION = "鞍山市铁西区"  # the demo region of head, staff and staff2
DESKTOP = {"width": 1366, "height": 768}
PHONE = {"width": 375, "height": 667}


def login(page: Page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "/accounts/login/" not in page.url, f"{username} could not sign in"


def nav(page: Page, label: str) -> None:
    with page.expect_navigation():
        page.click(f"header nav >> text={label}")


def tap(page: Page, selector: str) -> None:
    """Click a submit button. On a 375 px phone headless Chromium scrolls the page when the focused
    field blurs on mousedown, so the mouseup lands elsewhere: blur first, as a phone's 完成 key does."""
    page.evaluate("document.activeElement && document.activeElement.blur()")
    page.click(selector)


def in_viewport(page: Page, selector: str) -> bool:
    return page.evaluate("""sel => { const r = document.querySelector(sel).getBoundingClientRect();
        return r.top >= 0 && r.bottom <= window.innerHeight && r.height > 0; }""", selector)


def review_item(page: Page, title: str):
    """The review tree's <li> of the item with this title (not its ancestors, which contain it too)."""
    return page.locator(f"xpath=//li[text()[contains(., '{title}')]]")


# --- Admin: import, review, publish, change -----------------------------------------------------

def import_plan(page: Page, plan, tmp_path: Path, shots) -> None:
    """方案 → 导入新方案 → choose the region and the file → the parse job (the worker) → 进入审核页面."""
    doc = tmp_path / f"{plan.title}.docx"
    doc.write_bytes(plan.docx())
    nav(page, "方案")
    page.click("text=导入新方案")
    page.select_option("#id_region", label=REGION)
    page.set_input_files("#id_file", str(doc))
    shots(page, "upload-form")
    page.click("text=上传并解析")
    page.wait_for_selector("text=进入审核页面", timeout=90000)
    assert page.locator("#bar").get_attribute("value") == "100"
    shots(page, "parse-job-done")
    page.click("text=进入审核页面")
    page.wait_for_selector("text=识别结果")


def review_and_publish(page: Page, plan, shots) -> None:
    """On the review page: correct the title, move a deadline in the date input, add a target row,
    map the unknown unit to the registered 区数据局, then 发布 through its confirmation page."""
    body = page.inner_text("body")
    assert "未识别的单位" in body and plan.UNKNOWN_UNIT in body, body[:2000]
    shots(page, "review-parsed")

    page.click("summary:has-text('更正方案标题')")
    page.fill("#id_plan-title", plan.corrected_title)
    page.click("button:has-text('保存方案信息')")
    page.wait_for_selector("text=方案信息已保存")
    assert page.inner_text("h1") == f"审核：{plan.corrected_title}"

    review_item(page, plan.m1).locator("xpath=./a[@class='edit-link']").click()
    assert page.input_value("#id_deadline") == plan.m1_deadline.isoformat()
    page.fill("#id_deadline", plan.m1_reviewed.isoformat())
    shots(page, "edit-deadline")
    page.click("button:has-text('保存')")
    page.wait_for_selector("text=已保存")
    assert f"{plan.m1_reviewed.year}年{plan.m1_reviewed.month}月{plan.m1_reviewed.day}日" in \
        review_item(page, plan.m1).inner_text()

    review_item(page, plan.m3).locator("xpath=./a[@class='edit-link']").click()
    row = page.locator("tr.target-row").last
    row.locator("input[name$='-metric']").fill("重点企业服务专员配备率")
    row.locator("select[name$='-op']").select_option(">=")
    row.locator("input[name$='-value']").fill("95")
    row.locator("input[name$='-unit']").fill("%")
    shots(page, "edit-target-row")
    page.click("button:has-text('保存')")
    page.wait_for_selector("text=已保存")
    assert "重点企业服务专员配备率" in review_item(page, plan.m3).inner_text()

    form = page.locator(f"form.map-form:has(input[value='{plan.UNKNOWN_UNIT}'])")
    form.locator("select[name$='-unit']").select_option(label=f"区数据局（{REGION}）")
    form.locator("button").click()
    page.wait_for_selector("text=已对应到单位“区数据局”")
    assert page.locator(".badge.red").count() == 0
    shots(page, "review-edited")

    page.click("#publish")
    page.wait_for_selector("#confirm-publish")
    shots(page, "confirm-publish")
    page.click("#confirm-publish")
    page.wait_for_selector("text=方案已发布")
    shots(page, "published")


def import_and_publish(page: Page, plan, tmp_path: Path, shots) -> None:
    import_plan(page, plan, tmp_path, shots)
    review_and_publish(page, plan, shots)


def change_published_deadline(page: Page, plan, shots) -> str:
    """方案 → the plan → 审核/修改 → edit the overdue measure 2 → a new date → 修订记录. Returns the
    history's text."""
    nav(page, "方案")
    page.click(f"text={plan.corrected_title}")
    page.click("text=审核/修改")
    review_item(page, plan.m2).locator("xpath=./a[@class='edit-link']").click()
    assert page.input_value("#id_deadline") == plan.m2_deadline.isoformat()
    page.fill("#id_deadline", plan.m2_published_change.isoformat())
    shots(page, "published-deadline-edit")
    page.click("button:has-text('保存')")
    page.wait_for_selector("text=已保存")
    page.click("text=查看方案及修订记录")
    history = page.inner_text("#history")
    shots(page, "revision-history")
    return history


# --- The unit: report, ask for an extension, answer an urge -------------------------------------

def open_own_task(page: Page, title: str) -> None:
    """我的任务 → 筛选 by a word of the title → the task (phone or desktop)."""
    if not page.locator("#filters-toggle").count():  # not on 我的任务 already
        nav(page, "我的任务")
    page.click("#filters-toggle")
    page.fill("#f-q", title[:6])
    tap(page, "#filters button[type=submit]")
    page.wait_for_load_state("networkidle")
    page.click(f"a.task-title:has-text('{title}')")
    page.wait_for_selector("#measure")


def request_extension(page: Page, plan, shots, *, reason: str) -> None:
    """On the task page: 延期申请 → the date and the reason → 提交延期申请."""
    page.click("#actions >> text=延期申请")
    page.fill("#id_requested_deadline", plan.m3_extension.isoformat())
    page.fill("#id_reason", reason)
    shots(page, "extension-form")
    tap(page, "button:has-text('提交延期申请')")
    page.wait_for_selector(".msg-success")
    assert "延期申请" in page.inner_text("#applications")


# --- The supervisor: filter, drill down, urge, decide ---------------------------------------------

def dashboard_for_region(page: Page) -> None:
    """督办看板 → 区域: the form submits itself with 状态 left at 全部 (status=)."""
    nav(page, "督办看板")
    page.wait_for_selector("#kpi-overdue")
    with page.expect_navigation():
        page.select_option("#f-region", label=REGION)
    assert page.input_value("#f-status") == "" and "status=" in page.url
    assert "筛选条件有误" not in page.content()


def kpi(page: Page, name: str) -> int:
    return int(page.inner_text(f"#kpi-{name} b"))


def approve_extension(page: Page, plan, shots) -> None:
    nav(page, "延期审批")
    card = page.locator("div.card[id^=extension-]", has_text=plan.m3)
    card.wait_for()
    assert "区数据局" in card.inner_text()
    card.locator("textarea").fill("同意延期，请按新时限完成。")
    shots(page, "extension-queue")
    card.locator("button[value=approve]").click()
    page.wait_for_selector("text=已同意延期")
    shots(page, "extension-approved")


def urge_from_task_page(page: Page, shots, message: str) -> None:
    page.click("#urge-actions a")
    page.fill("#id_message", message)
    shots(page, "urge-form")
    page.click("#urge-form button[type=submit]")
    page.wait_for_selector(".msg-success")
    assert message in page.inner_text("#urges")


# --- Exports: 台账 and 通报 through their jobs, to PDF with LibreOffice ----------------------------

def export_file(page: Page, button: str, dest: Path, shots, name: str) -> Path:
    """Click an export button on the filtered dashboard → the job's progress page (the worker builds
    the file) → 下载文件. Returns to the dashboard with the browser's back button."""
    with page.expect_navigation():
        page.click(button)
    page.wait_for_selector("#download:not([hidden]) a", timeout=90000)
    assert page.locator("#bar").get_attribute("value") == "100"
    shots(page, f"{name}-job-done")
    with page.expect_download() as dl:
        page.click("#download a")
    dl.value.save_as(dest)
    with page.expect_navigation():
        page.go_back()
    return dest


def to_pdf(files: list[Path], outdir: Path) -> list[Path]:
    """One LibreOffice run converts every file (a start of soffice costs seconds)."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice, "LibreOffice (soffice) is needed to check the exports' PDFs"
    proc = subprocess.run([soffice, f"-env:UserInstallation=file://{outdir}/lo-profile", "--headless", "--norestore",
                           "--convert-to", "pdf", "--outdir", str(outdir), *map(str, files)],
                          capture_output=True, text=True, timeout=240)
    assert proc.returncode == 0, proc.stderr
    pdfs = [outdir / f"{f.stem}.pdf" for f in files]
    assert all(p.exists() for p in pdfs), (proc.stdout, proc.stderr)
    return pdfs


def page_count(pdf: Path) -> int:
    from pypdf import PdfReader

    return len(PdfReader(str(pdf)).pages)


def pdf_text(pdf: Path) -> str:
    from pypdf import PdfReader

    return "\n".join(p.extract_text() for p in PdfReader(str(pdf)).pages)


def render_first_page(pdf: Path, out: Path) -> Path:
    """The PDF's first page as a PNG: poppler's pdftoppm when installed, else pdfium (pypdfium2, which
    pdfplumber brings along). LibreOffice cannot open a PDF without its Draw component."""
    if shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile", str(pdf),
                        str(out.with_suffix(""))], check=True, timeout=60)
        return out
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(pdf))
    try:
        doc[0].render(scale=60 / 72).to_pil().save(out)
    finally:
        doc.close()
    return out


def ink_ratio(png: Path) -> float:
    """Share of pixels that are not near-white: 0 for a blank page."""
    from PIL import Image

    img = Image.open(png).convert("L")
    hist = img.histogram()
    dark = sum(hist[:200])
    return dark / (img.width * img.height)
