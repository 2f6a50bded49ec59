"""The review page in headless Chromium: an admin confirms one 延续自 link and rejects another with
the page's plain forms (no script: the site runs a CSP)."""
import pytest

from plans.choices import PlanStatus
from publishing.choices import LinkStatus
from publishing.models import MeasureLink
from tests.conftest import Cast, browser_login, screenshot
from tests.factories import MeasureFactory, PlanFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_confirms_and_rejects_carryover_links_on_the_review_page(page, live_server):
    cast = Cast()
    old_plan = PlanFactory(region=cast.region, year=2025, title="铁西区2025年优化营商环境55条")
    old1 = MeasureFactory(plan=old_plan, label="12.", path="12.", title="推行水电气暖网联合报装")
    old2 = MeasureFactory(plan=old_plan, label="30.", path="30.", title="开展政务服务满意度评价")
    plan = PlanFactory(region=cast.region, year=2026, status=PlanStatus.DRAFT, title="铁西区2026年实施方案")
    new = MeasureFactory(plan=plan, label="3.", path="3.", title="深化水电气暖网联合报装")
    keep = MeasureLink.objects.create(measure=new, predecessor=old1, score=0.62,
                                      reason="标题共同词：水电气暖、联合报装；内容相似度 0.71")
    wrong = MeasureLink.objects.create(measure=new, predecessor=old2, score=0.27, reason="内容相似度 0.18")
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    browser_login(page, live_server, "admin")
    page.goto(f"{live_server.url}/plans/{plan.pk}/review/")
    box = page.locator(f"#carry-{new.pk}")
    assert "延续自 2025年方案 第12条" in box.inner_text() and "0.62" in box.inner_text()
    screenshot(page, "carryover-1-review-suggested")
    page.click(f"#link-{keep.pk} button[value=confirm]")
    page.wait_for_selector(".msg-success")
    assert "已确认" in page.inner_text(".messages")
    page.click(f"#link-{wrong.pk} button[value=reject]")
    page.wait_for_selector(".msg-success")
    keep.refresh_from_db()
    wrong.refresh_from_db()
    assert (keep.status, wrong.status) == (LinkStatus.CONFIRMED, LinkStatus.REJECTED)
    assert "已确认" in page.inner_text(f"#link-{keep.pk}") and "已否定" in page.inner_text(f"#link-{wrong.pk}")
    page.locator(f"#m{new.pk}").scroll_into_view_if_needed()
    screenshot(page, "carryover-2-review-decided")
    page.click(f"#link-{keep.pk} a")  # the predecessor on its plan's page
    page.wait_for_load_state()
    assert f"/plans/{old_plan.pk}/" in page.url and "推行水电气暖网联合报装" in page.inner_text("body")
    assert not [e for e in errors if "Content Security Policy" in e]
