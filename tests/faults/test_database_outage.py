"""The database goes away for a few seconds in the middle of the reminder scan (run by a real beat
and worker). PostgreSQL: the workers reach the test's own database through a proxy that drops
every connection and refuses new ones for 4 s as the scan is about to write its digests (its two
halves have committed their reminders, each in its own transaction: outbox.scan). SQLite (no server
to refuse connections): another process holds the database's write lock for 4 s as the scan starts.
Either way the scan ends whole, once: the digests cut off are written by the next scan, and a later
scan finds nothing missing."""
from __future__ import annotations

import sqlite3
import time

import pytest
from django.db import connection
from django.utils import timezone

from supervision import outbox
from supervision.models import Digest, Reminder
from tests.factories import MeasureFactory, TaskFactory

from .conftest import IS_PG, beat, env, report, wait_for, worker
from .proxy import Proxy

pytestmark = [pytest.mark.slow, pytest.mark.faults, pytest.mark.django_db(transaction=True)]
OUTAGE = 4.0


def test_it_completes_the_reminder_scan_after_the_database_was_away(cast, faults):
    today = timezone.localdate()
    cast.staff.email = "staff@example.com"  # so that the scan has a digest to write (by e-mail)
    cast.staff.save(update_fields=["email"])
    for i in range(5):
        TaskFactory(measure=MeasureFactory(plan=cast.plan, path=f"九/{i}", label=f"{i}.", deadline=today),
                    unit=cast.unit)
    db = connection.settings_dict
    proxy = Proxy((db["HOST"] or "127.0.0.1", int(db["PORT"] or 5432))) if IS_PG else None
    extra = {"FAULT_SCAN_PAUSE": "inside" if IS_PG else "before", "FAULT_PAUSE_SECONDS": "2",
             "SUPERVISION_SCAN_SECONDS": "3"}  # the beat's scan, by the worker whose database goes away
    if IS_PG:
        extra["DATABASE_URL"] = f"postgres://{db['USER'] or 'postgres'}@127.0.0.1:{proxy.port}/{db['NAME']}"
    environ = env(**extra)
    try:
        # one scan at a time: a second slot would run (and commit) a scan beside the paused one
        with beat(environ), worker("db", concurrency=1, environ=environ):
            wait_for(lambda: (faults / "scan").exists(), timeout=90, every=0.05)
            cut_at = time.monotonic()
            if IS_PG:
                proxy.cut()  # mid-scan: the reminders are committed, the digests not yet written
                time.sleep(OUTAGE)
                assert Reminder.objects.count() >= 5 and not Digest.objects.exists()
                proxy.restore()
                how = "the digests cut off were written by the next beat's scan after the outage"
            else:
                lock = sqlite3.connect(db["NAME"], timeout=30)
                lock.execute("BEGIN EXCLUSIVE")
                time.sleep(OUTAGE)
                assert not Reminder.objects.exists()
                lock.rollback()
                lock.close()
                how = "the scan waited on the lock (busy timeout) and completed"
            wait_for(lambda: Reminder.objects.count() >= 5 and Digest.objects.exists(), timeout=90,
                     every=0.2)  # a deadline reminder per task, and the digest that carries them
            report(f"database away for {OUTAGE:.0f} s during the reminder scan", "the scan",
                   time.monotonic() - cut_at, how)
    finally:
        if proxy:
            proxy.close()
    reminders = Reminder.objects.count()
    again = outbox.scan()
    assert again.reminders == 0 and again.digests == 0 and Reminder.objects.count() == reminders
