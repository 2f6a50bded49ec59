"""kill -9 of a real worker while it holds an import (inside plan_import's transaction), an export
(at 40 %) and a reminder send (waiting for the robot's answer), all at once. A second worker is
up, as supervisord would have restarted it; the beat's sweeper and the reminder scan hand the dead
worker's work over. Every job ends, nothing is written twice or half."""
from __future__ import annotations

import io
import time
from pathlib import Path

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from plans.importers import parse_bytes
from audit.models import AuditEntry
from plans.models import Measure, Plan
from publishing.models import ImportJob
from publishing.services import import_job_create
from supervision import outbox
from supervision.choices import Channel
from supervision.exports.models import ExportJob
from supervision.exports.services import export_job_create
from supervision.jobs import enqueue_ready
from supervision.models import ChannelConfig, Digest, DigestItem, Reminder
from tests.factories import MeasureFactory, TaskFactory
from tests.supervision.helpers import RobotServer

from .conftest import IS_PG, LEASE, beat, kill9, report, wait_for, worker, worker_ready

pytestmark = [pytest.mark.slow, pytest.mark.faults, pytest.mark.django_db(transaction=True)]
SEED = sorted((Path(__file__).resolve().parents[2] / "fixtures" / "seeds").glob("*.txt"))[0]


def _count(items) -> int:
    return sum(1 + _count(i.get("children") or []) for i in items)


def test_it_ends_every_job_after_the_worker_is_killed_mid_import_export_and_send(cast, faults, settings, monkeypatch):
    data = SEED.read_bytes()
    expected_measures = _count(parse_bytes(data, SEED.name)["items"])
    today = timezone.localdate()
    for i in range(3):  # something to export, and a deadline today for the reminder
        TaskFactory(measure=MeasureFactory(plan=cast.plan, path=f"九/{i}", label=f"{i}.", deadline=today),
                    unit=cast.unit)
    with RobotServer() as robot:
        robot.allow(settings, monkeypatch)  # a local robot is off the webhook allow-list otherwise
        robot.delay = 300  # the send hangs on the robot until the worker is killed
        with beat():
            # Four threads: the paused export, the hanging send, the import, and a second delivery of
            # the same digest (its 2 s claim lease runs out while the robot hangs, and the sweeper or
            # a scan sends it again: at least once). With three, that second delivery could take the
            # import's thread and the import never start (seen once in a CI run).
            with worker("a", concurrency=4) as a:
                wait_for(lambda: worker_ready("a"), timeout=60)
                # The robot's answer is awaited for at most 10 s (then the send fails and backs off a
                # minute), so the send starts last on PostgreSQL. On SQLite the import, paused inside
                # its transaction, holds the write lock: it starts last there.
                jobs = {}

                def start_import():
                    jobs["import"] = import_job_create(region=cast.region, actor=cast.admin,
                                                       upload=SimpleUploadedFile(SEED.name, data))
                    wait_for(lambda: (faults / "import").exists(), timeout=120, every=0.1)

                def start_export_and_send():
                    jobs["export"] = export_job_create(kind="ledger", user=cast.supervisor, params={})
                    # the robot from now on (the beat's scans would otherwise have sent the digest already)
                    ChannelConfig.objects.create(unit=cast.unit, channel=Channel.WECOM, enabled=True,
                                                 webhook_url=f"{robot.url}/wecom/{cast.unit.pk}?key=k")
                    outbox.scan()
                    enqueue_ready()
                    wait_for(lambda: (faults / "export").exists() and robot.arrivals >= 1, timeout=120, every=0.1)

                for start in ((start_import, start_export_and_send) if IS_PG else
                              (start_export_and_send, start_import)):
                    start()
                imp, export = jobs["import"], jobs["export"]
                digest = Digest.objects.get(channel=Channel.WECOM, recipient=cast.staff)
                killed = kill9(a)
            robot.delay = 0
            ended: dict[str, float] = {}
            last_scan = [0.0]

            def finished() -> bool:
                if time.monotonic() - last_scan[0] > 2:  # the beat's reminder scan, every 2 s
                    outbox.scan()
                    enqueue_ready()
                    last_scan[0] = time.monotonic()
                for key, job in (("import", imp), ("export", export)):
                    job.refresh_from_db()
                    if key not in ended and job.is_finished:
                        ended[key] = time.monotonic() - killed
                digest.refresh_from_db()
                if "send" not in ended and digest.sent_at:
                    ended["send"] = time.monotonic() - killed
                return len(ended) == 3

            with worker("b"):  # the replacement, started as supervisord does
                wait_for(finished, timeout=180, every=0.3)

    # The import: parsed again and stored once, whole.
    assert imp.status == "done" and imp.attempts == 2, imp.message
    plan = Plan.objects.get(source_name=SEED.name)
    assert Measure.objects.filter(plan=plan).count() == expected_measures
    assert AuditEntry.objects.filter(action="plan_import").count() == 1
    report("kill -9 mid-import (inside its transaction)", "the import", ended["import"],
           f"re-queued by the sweeper, parsed again, done at attempt {imp.attempts}: {imp.message}")
    # The export: regenerated, one complete file.
    assert export.status == "done" and export.attempts == 2, export.message
    with export.file.open("rb") as fh:
        sheet = openpyxl.load_workbook(io.BytesIO(fh.read())).active
    assert sheet.max_row >= 3
    report("kill -9 mid-export (40 %)", "the export", ended["export"],
           f"re-queued by the sweeper, done at attempt {export.attempts}")
    # The send: delivered by the other worker once the dead one's claim ran out; in the database once.
    assert digest.sent_at and DigestItem.objects.filter(digest=digest).count() == Reminder.objects.filter(
        recipient=cast.staff).count() > 0
    report("kill -9 mid-send (robot not yet answered)", "the reminder digest", ended["send"],
           f"claim ran out after the {LEASE} s lease, re-enqueued by the next scan, sent by the other worker "
           f"(robot requests: {robot.arrivals}, at least once on the wire)")
