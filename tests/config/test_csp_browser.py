"""A Content-Security-Policy on every HTML response (django-csp), with no inline script: the pages
that carry the most script — the dashboard, the plan review page, the report form — load with the
policy on and the browser reports no violation."""
import pytest

from plans.choices import PlanStatus
from tests.conftest import BROWSER_TIMEOUT_MS, Cast, browser_login, screenshot
from tests.factories import MeasureFactory, TargetFactory, TaskFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RECORD_VIOLATIONS = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(e.violatedDirective + " " + e.blockedURI + " " + (e.sample || ""));
});
"""


def watch(page) -> list[str]:
    seen: list[str] = []
    page.add_init_script(RECORD_VIOLATIONS)
    page.on("console", lambda m: seen.append(m.text) if "Content Security Policy" in m.text else None)
    return seen


def violations(page, console: list[str]) -> list[str]:
    return console + page.evaluate("window.__csp || []")


def test_it_loads_the_busiest_pages_under_the_csp_without_a_violation(live_server, browser):
    cast = Cast()
    measure = MeasureFactory(plan=cast.plan, title="推进政务服务事项全程网办")
    TaskFactory(measure=measure, unit=cast.unit)
    TargetFactory(measure=measure)
    draft = type(cast.plan).objects.create(title="待审核的实施方案", year=2026, region=cast.region,
                                           status=PlanStatus.DRAFT)
    MeasureFactory(plan=draft, title="优化企业开办服务")

    def new_page():
        ctx = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN")
        pg = ctx.new_page()
        pg.set_default_timeout(BROWSER_TIMEOUT_MS)
        return ctx, pg

    # the supervisor's dashboard (ECharts)
    ctx, page = new_page()
    console = watch(page)
    browser_login(page, live_server, "supervisor")
    response = page.request.get(f"{live_server.url}/dashboard/")
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "object-src 'none'" in policy and "unsafe-inline" not in \
        policy.split("script-src")[1].split(";")[0]
    page.click("nav >> text=督办看板")
    page.wait_for_selector("#chart-plans svg")
    with page.expect_navigation():  # the filter bar's script (was an inline handler) submits the form
        page.select_option("#f-region", str(cast.region.pk))
    assert f"region={cast.region.pk}" in page.url
    page.wait_for_selector("#chart-plans svg")
    assert violations(page, console) == []
    ctx.close()

    # the admin's plan review page
    ctx, page = new_page()
    console = watch(page)
    browser_login(page, live_server, "admin")
    page.click("nav >> text=方案")
    page.click("a:text-is('审核')")
    page.wait_for_selector("text=优化企业开办服务")
    screenshot(page, "csp-review")
    assert violations(page, console) == []
    ctx.close()

    # the staff member's report form (autosave)
    ctx, page = new_page()
    console = watch(page)
    browser_login(page, live_server, "staff")
    page.click("a.task-title:has-text('推进政务服务事项全程网办')")
    page.click("#report-link")
    page.fill("#id_done_text", "已完成系统对接。")
    page.wait_for_timeout(300)
    assert violations(page, console) == []
    ctx.close()
