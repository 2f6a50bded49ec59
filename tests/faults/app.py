"""The project's Celery app with pause points for the fault suite (`celery -A tests.faults.app worker`).

A pause holds a job at a known point so that the test can kill the worker or cut the database
there. Each pause happens once per marker file (created exclusively in FAULT_DIR), so the run that
replaces a killed one goes straight through. Nothing here is imported by the project itself."""
from __future__ import annotations

import os
import time
from pathlib import Path

from config.celery import app  # noqa: F401 — the app this module stands for

FAULT_DIR = Path(os.environ.get("FAULT_DIR") or "/nonexistent")
PAUSE = float(os.environ.get("FAULT_PAUSE_SECONDS", "300"))  # until the test kills the worker


def pause_once(name: str) -> None:
    if not FAULT_DIR.is_dir():
        return
    try:
        fd = os.open(FAULT_DIR / name, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
    except FileExistsError:
        return
    os.write(fd, str(os.getpid()).encode())
    os.close(fd)
    time.sleep(PAUSE)


def _install() -> None:
    import django

    django.setup()
    from background import services as background
    from publishing.services import imports as plan_imports
    from supervision import outbox
    from supervision.channels import robot

    real_audit, real_progress, real_digests = plan_imports.audit, background.JobRun.progress, outbox.create_digests

    def audit(**kw):  # the last write of plan_import, inside its transaction
        entry = real_audit(**kw)
        if kw.get("action") in ("plan_import", "plan_reimport"):
            pause_once("import")
        return entry

    def progress(self, percent):
        ok = real_progress(self, percent)
        if percent >= 30 and self.job._meta.model_name == "exportjob":
            pause_once("export")
        return ok

    def create_digests(**kw):  # step 4 of the scan, inside its transaction
        if os.environ.get("FAULT_SCAN_PAUSE") == "inside":
            pause_once("scan")
        return real_digests(**kw)

    real_scan = outbox.scan

    def scan(**kw):
        if os.environ.get("FAULT_SCAN_PAUSE") == "before":
            pause_once("scan")
        return real_scan(**kw)

    from plans.segmentation import get_tokenizer

    get_tokenizer()  # load jieba's dictionary now, so that a job reaches its pause point in seconds
    real_post = robot.post_json

    def post_json(url, payload, *, timeout: float = 10):
        # The robot holds its answer until the worker is killed; on a loaded machine that can be
        # later than the sender's 10 s timeout, after which the send would back off a minute.
        return real_post(url, payload, timeout=max(timeout, PAUSE))

    plan_imports.audit, background.JobRun.progress, outbox.create_digests, outbox.scan = audit, progress, create_digests, scan
    robot.post_json = post_json


_install()
