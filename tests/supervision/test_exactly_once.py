"""Exactly once, for real: Celery worker subprocesses, two concurrent scans, a worker killed with
SIGKILL mid-run, a broker that is down. Runs against the configured database and broker (SQLite
file + sqla transport by default; PostgreSQL + Redis in CI's second pass).

Sizes: 10,000 due tasks on PostgreSQL, 1,000 on SQLite (one writer at a time makes SQLite slow
with two workers; the race being tested is the same)."""
from __future__ import annotations

import collections
import datetime as dt
import os
import signal
import subprocess
import sys
import time

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import timezone
from kombu import Exchange, Queue

from config.celery import app as celery_app
from plans.choices import PlanStatus, Role
from plans.models import Measure, Membership, Plan, Region, Unit
from supervision.choices import Channel
from supervision.models import ChannelConfig, Digest, DigestItem, Reminder
from tasks.models import Task
from tasks.workdays import local_date
from tests.celery_worker import celery_worker, wait_for, worker_env

from .helpers import RobotServer

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

IS_PG = connection.vendor == "postgresql"
TASKS = int(os.environ.get("SUPERVISION_TEST_TASKS", 0)) or (10_000 if IS_PG else 1_000)
PER_UNIT = 10
LEASE = 30  # longer than SQLite's 20 s busy timeout, so a merely slow worker keeps its claim
QUEUE = f"supervision-test-{os.getpid()}"


def _env(**extra) -> dict[str, str]:
    env = worker_env()
    env.update({"SUPERVISION_CLAIM_LEASE_SECONDS": str(LEASE), "CELERY_TASK_DEFAULT_QUEUE": QUEUE,
                "SUPERVISION_ROBOT_RATE_LIMIT": "20"})
    env.update(extra)
    return env


def run_scan(env=None, *args) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "manage.py", "run_scan", *args], cwd=settings.BASE_DIR,
                            env=env or _env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def _seed(n_tasks: int, robot_url: str) -> list[Unit]:
    """Units with one staff member each and PER_UNIT tasks due today, in bulk."""
    today = local_date(timezone.now())
    region = Region.objects.create(name="压测区", code="990001")
    plan = Plan.objects.create(title="压测方案", year=today.year, region=region, status=PlanStatus.PUBLISHED,
                               report_day=28)
    n_units = n_tasks // PER_UNIT
    units = Unit.objects.bulk_create([Unit(region=region, name=f"压测单位{i:05d}") for i in range(n_units)])
    User = get_user_model()
    users = User.objects.bulk_create([User(username=f"load{i:05d}", password="!") for i in range(n_units)])
    Membership.objects.bulk_create([Membership(user=u, unit=un, role=Role.STAFF) for u, un in zip(users, units)])
    measures = Measure.objects.bulk_create([Measure(plan=plan, label=str(i + 1), level=1, path=str(i + 1),
                                                    title=f"压测措施{i}", order=i) for i in range(n_tasks)],
                                           batch_size=2000)
    Task.objects.bulk_create([Task(measure=m, unit=units[i // PER_UNIT], role="lead", deadline=today)
                              for i, m in enumerate(measures)], batch_size=2000)
    for channel in (Channel.WECOM, Channel.DINGTALK):
        ChannelConfig.objects.bulk_create([ChannelConfig(unit=u, channel=channel, enabled=True,
                                                         webhook_url=f"{robot_url}/{channel}/{u.pk}?key=k")
                                           for u in units])
    return units


def wait_with_beat(predicate, *, timeout: float = 600, beat_every: float = 15):
    """wait_for, with a beat: a scan every `beat_every` seconds, as in production. Broker messages
    are only hints; if they are lost (a Redis shared with another test run was flushed, a worker
    died holding them), the next scan enqueues the rows again."""
    deadline = time.monotonic() + timeout
    next_beat = time.monotonic() + beat_every
    beat: subprocess.Popen | None = None
    while time.monotonic() < deadline:
        if predicate():
            if beat is not None:
                beat.wait(timeout=120)
            return
        if time.monotonic() >= next_beat and (beat is None or beat.poll() is not None):
            beat = run_scan()
            next_beat = time.monotonic() + beat_every
        time.sleep(0.2)
    raise AssertionError("condition not met within %.0f s" % timeout)


def _group_pids(pgid: int) -> set[int]:
    """Processes of a worker (its prefork children included), read from /proc."""
    pids = set()
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[2]) == pgid:
                pids.add(int(entry))
    return pids


def _received(robot: RobotServer, channel: str) -> collections.Counter:
    with robot.lock:
        return collections.Counter(r["path"].split("?")[0] for r in robot.requests
                                   if r["path"].startswith(f"/{channel}/"))


@pytest.fixture
def queue(monkeypatch):
    # worker_env() copies os.environ: the workers get the short lease and the private queue too.
    monkeypatch.setenv("SUPERVISION_CLAIM_LEASE_SECONDS", str(LEASE))
    monkeypatch.setenv("CELERY_TASK_DEFAULT_QUEUE", QUEUE)
    old = celery_app.conf.task_default_queue
    celery_app.conf.task_default_queue = QUEUE
    # Declare the queue once, here: two workers starting together on a fresh SQLite broker both
    # try to create it, and kombu's SQLAlchemy transport lets the loser die at start-up
    # ("UNIQUE constraint failed: kombu_queue.name").
    with celery_app.connection_for_write() as conn:
        Queue(QUEUE, Exchange(QUEUE, type="direct"), routing_key=QUEUE)(conn.default_channel).declare()
    yield QUEUE
    celery_app.conf.task_default_queue = old


def test_it_delivers_every_reminder_exactly_once_with_two_workers_two_scans_and_a_kill(queue, settings, monkeypatch):
    settings.SUPERVISION_CLAIM_LEASE_SECONDS = LEASE
    with RobotServer() as robot:
        robot.allow(settings, monkeypatch)
        units = _seed(TASKS, robot.url)
        # Phase 1 (WeCom): only the WeCom channel is on.
        ChannelConfig.objects.filter(channel=Channel.DINGTALK).update(enabled=False)
        with celery_worker(concurrency=2, name="wa", queues=QUEUE) as wa, \
                celery_worker(concurrency=2, name="wb", queues=QUEUE) as wb:
            scans = [run_scan(), run_scan()]  # two beats by mistake, at the same moment
            outputs = [p.communicate(timeout=300)[0] for p in scans]
            assert all(p.returncode == 0 for p in scans), outputs
            wecom = Digest.objects.filter(channel=Channel.WECOM)
            assert wecom.count() == len(units)
            wait_with_beat(lambda: not wecom.filter(sent_at__isnull=True).exists())
            got = _received(robot, Channel.WECOM)
            assert len(got) == len(units) and set(got.values()) == {1}, "a robot got 0 or 2 messages"
            reminders = Reminder.objects.count()
            assert reminders >= TASKS  # at least the deadline reminder of every task
            assert DigestItem.objects.filter(channel=Channel.WECOM).count() == reminders
            assert sum(wecom.values_list("item_count", flat=True)) == reminders

            # Phase 2 (DingTalk): a slow robot, one worker SIGKILLed a third of the way through.
            ChannelConfig.objects.filter(channel=Channel.DINGTALK).update(enabled=True)
            robot.delay = 0.2 if IS_PG else 0.5  # a SQLite run has 10x fewer digests: keep the run long enough
            scan = run_scan()
            assert scan.wait(timeout=300) == 0, scan.stdout.read()
            ding = Digest.objects.filter(channel=Channel.DINGTALK)
            assert ding.count() == len(units)
            wait_for(lambda: sum(_received(robot, Channel.DINGTALK).values()) >= len(units) // 3, timeout=300,
                     every=0.05)
            import socket

            names = {f"{socket.gethostname()}:{pid}" for pid in _group_pids(wa.pid)}
            held = ding.filter(sent_at__isnull=True, claimed_by__in=names).exclude(claimed_at=None)
            try:
                wait_for(held.exists, timeout=30, every=0.01)  # kill it while it is sending
            except AssertionError:  # a loaded machine: it finished its share first; kill it anyway
                print("\nthe worker to be killed was not caught mid-send")
            os.killpg(wa.pid, signal.SIGKILL)
            killed_at = time.monotonic()
            time.sleep(1)
            held_ids = list(held.values_list("pk", flat=True))
            in_flight = len(held_ids)
            # The surviving worker drains what it holds; the dead worker's claims wait for their lease.
            time.sleep(max(0, LEASE + 1 - (time.monotonic() - killed_at)))
            wait_for(lambda: not ding.exclude(claimed_at=None).filter(
                sent_at__isnull=True, claimed_at__gt=timezone.now() - dt.timedelta(seconds=LEASE)).exists(),
                timeout=600, every=1)
            rescan = run_scan()  # the next beat: re-enqueues what the dead worker held
            assert rescan.wait(timeout=300) == 0
            try:
                wait_with_beat(lambda: not ding.filter(sent_at__isnull=True).exists())
            except AssertionError:
                print("\nrescan:", rescan.stdout.read(), "wb alive:", wb.poll() is None, "held:", held_ids)
                for row in ding.filter(sent_at__isnull=True).values("pk", "claimed_at", "claimed_by", "attempts",
                                                                    "last_error", "next_attempt_at")[:10]:
                    print(row, timezone.now())
                raise
            assert wb.poll() is None
            # what the dead worker held was sent after its lease ran out, by the survivor
            assert not Digest.objects.filter(pk__in=held_ids, claimed_by__in=names).exists()
        got = _received(robot, Channel.DINGTALK)
        assert len(got) == len(units)
        twice = [p for p, n in got.items() if n > 1]
        # In the database every digest is sent once; on the wire only a message the killed worker had
        # posted but not yet recorded can go twice (at most its concurrency of 2).
        assert len(twice) <= 2, twice
        assert DigestItem.objects.filter(channel=Channel.DINGTALK).count() == Reminder.objects.count()
        assert not Digest.objects.filter(sent_at__isnull=True).exists()
        print(f"\n{TASKS} tasks, {len(units)} units, {Reminder.objects.count()} reminders; "
              f"killed worker held {in_flight} claims; duplicates on the wire after the kill: {len(twice)}")


def test_it_keeps_the_outbox_through_a_broker_outage(queue, settings, monkeypatch):
    with RobotServer() as robot:
        robot.allow(settings, monkeypatch)
        units = _seed(200, robot.url)
        ChannelConfig.objects.filter(channel=Channel.DINGTALK).delete()
        dead = "redis://127.0.0.1:1/15"
        env = _env(CELERY_BROKER_URL=dead, **({"REDIS_URL": dead} if settings.REDIS_URL else {}))
        t0 = time.monotonic()
        scan = run_scan(env)
        out = scan.communicate(timeout=120)[0]
        assert scan.returncode == 0, out
        assert time.monotonic() - t0 < 60
        assert "queued=0" in out
        pending = Digest.objects.filter(channel=Channel.WECOM, sent_at__isnull=True)
        assert pending.count() == len(units)  # nothing lost, nothing sent
        with celery_worker(concurrency=2, name="wc", queues=QUEUE):
            scan = run_scan()  # the broker is back: the next scan enqueues the waiting rows
            assert scan.wait(timeout=120) == 0
            wait_with_beat(lambda: not pending.exists(), timeout=300)
        got = _received(robot, Channel.WECOM)
        assert len(got) == len(units) and set(got.values()) == {1}
