"""Fixtures of the journey tests: a fresh demo database per test (the real demo loader, `seed_demo`,
as `bin/run` loads it: a few seconds), one Celery worker for the package (imports and exports run
as real jobs), a browser context per person, and the screenshots of each step."""
from __future__ import annotations

import io
import os
import shutil
from pathlib import Path

import pytest

from tests.celery_worker import celery_worker
from tests.conftest import BROWSER_TIMEOUT_MS

from .plan_doc import JourneyPlan
from .steps import DESKTOP, login


@pytest.fixture(scope="package")
def journey_worker(django_db_setup):
    """One worker for the four journeys (starting one costs seconds); it sees each test's fresh
    database, which the test flushes and reloads while the worker waits for messages."""
    with celery_worker() as proc:
        yield proc


@pytest.fixture
def demo(transactional_db, journey_worker, monkeypatch):
    """A fresh demo database, and the plan document of the journeys dated from today (Shanghai).

    The 台账 and 通报 of the demo's few tasks would be made in the request; the journeys lower the
    size above which they become background jobs to 0, so that the export goes through the Celery job,
    its progress page and its download button, as a province's does."""
    from django.core.management import call_command
    from django.utils import timezone

    from supervision.exports import services as export_services

    call_command("seed_demo", stdout=io.StringIO())
    for kind in list(export_services.SYNC_MAX_TASKS):
        monkeypatch.setitem(export_services.SYNC_MAX_TASKS, kind, 0)
    return JourneyPlan(timezone.localdate())


@pytest.fixture
def people(browser, live_server):
    """people("staff") → a page signed in as the demo user `staff` in a browser context of its own
    (its own session and cookies, as on that person's computer or phone)."""
    contexts = []

    def open_as(username: str, *, viewport: dict = DESKTOP):
        context = browser.new_context(viewport=viewport, locale="zh-CN")
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(BROWSER_TIMEOUT_MS)
        login(page, live_server, username)
        return page

    yield open_as
    for c in contexts:
        c.close()


class Shots:
    """Numbered full-page screenshots of one journey, under the test's tmp dir; copied to
    $JOURNEY_SHOTS_DIR when that is set (for a person to look at after a local run)."""

    def __init__(self, root: Path, journey: str):
        self.root, self.journey, self.n = root, journey, 0
        self.root.mkdir(parents=True, exist_ok=True)
        self.copy_to = Path(os.environ["JOURNEY_SHOTS_DIR"]) if os.environ.get("JOURNEY_SHOTS_DIR") else None

    def __call__(self, page, name: str, *, full_page: bool = True) -> Path:
        self.n += 1
        path = self.root / f"{self.journey}-{self.n:02d}-{name}.png"
        page.screenshot(path=str(path), full_page=full_page)
        if self.copy_to:
            self.copy_to.mkdir(parents=True, exist_ok=True)
            shutil.copy(path, self.copy_to / path.name)
        return path

    def only(self, *names: str):
        """These screenshots only: for the steps of another role, which that role's journey shows
        step by step (a full-page screenshot costs a second on a loaded machine)."""
        def take(page, name: str, **kw):
            return self(page, name, **kw) if name in names else None
        return take

    def add(self, png: Path, name: str) -> Path:
        """A picture made otherwise (a rendered PDF page), numbered with the screenshots."""
        self.n += 1
        path = self.root / f"{self.journey}-{self.n:02d}-{name}.png"
        shutil.copy(png, path)
        if self.copy_to:
            self.copy_to.mkdir(parents=True, exist_ok=True)
            shutil.copy(path, self.copy_to / path.name)
        return path


@pytest.fixture
def shots(request, tmp_path):
    journey = request.node.name.removeprefix("test_").split("_journey")[0]
    return Shots(tmp_path / "shots", journey)
