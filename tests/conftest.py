import os

import pytest

from plans.choices import Role

from .factories import PlanFactory, RegionFactory, UnitFactory, member


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache. The database is rolled back between tests, so ids and
    the dashboard's per-region stamps (RegionFactsStamp.version) start again from the same numbers:
    a cache entry of an earlier test would be read as this test's figures."""
    from tests.caches import clear_caches

    clear_caches()
    yield

# Playwright's sync API runs an event loop in the main thread; Django's ORM calls made by the test
# itself around it are synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


class Cast:
    """The fixed cast: a unit's staff and head, another unit's staff, a supervisor, an admin."""

    def __init__(self):
        self.region = RegionFactory(name="铁西区", code="210303")
        self.unit = UnitFactory(region=self.region, name="区数据局")
        self.other_unit = UnitFactory(region=self.region, name="区市场监管局")
        self.office = UnitFactory(region=self.region, name="区营商局")
        self.staff = member(self.unit, Role.STAFF, username="staff")
        self.head = member(self.unit, Role.UNIT_HEAD, username="head")
        self.other_staff = member(self.other_unit, Role.STAFF, username="other")
        self.supervisor = member(self.office, Role.SUPERVISOR, username="supervisor")
        self.admin = member(self.office, Role.ADMIN, username="admin")
        self.plan = PlanFactory(region=self.region)


@pytest.fixture
def cast(db) -> Cast:
    return Cast()


# --- Browser (Playwright driving Debian's chromium) --------------------------------------
SCREENSHOTS = __import__("pathlib").Path(__file__).parent / "screenshots"
CHROMIUM = "/usr/bin/chromium"
# An upper bound for one browser step, not an expectation: CI runs the two back ends' suites side by
# side on two cores, where a page that takes 1 s alone may take several.
BROWSER_TIMEOUT_MS = 30_000


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        yield b
        b.close()


@pytest.fixture
def page(browser):
    """A 1366x768 office-browser page in Chinese; use browser.new_page(viewport=...) for phones."""
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN")
    pg = context.new_page()
    pg.set_default_timeout(BROWSER_TIMEOUT_MS)
    yield pg
    context.close()


def browser_login(page, live_server, username: str, password: str = "Test@pass123"):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")


def screenshot(page, name: str):
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
