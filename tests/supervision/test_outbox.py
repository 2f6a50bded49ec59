import datetime as dt

import time_machine

from plans.choices import Role
from supervision import outbox
from supervision.choices import Channel, ReminderKind
from supervision.models import ChannelConfig, Digest, DigestItem, Escalation, Reminder
from tests.factories import MeasureFactory, TaskFactory, member

from .helpers import RobotServer, at


def _task(cast, deadline, **kw):
    return TaskFactory(measure=MeasureFactory(plan=cast.plan, deadline=deadline), unit=cast.unit, **kw)


def test_it_writes_each_reminder_once_even_when_the_scan_runs_twice(cast):
    cast.staff.email = "staff@example.cn"
    cast.staff.save()
    soon = _task(cast, dt.date(2026, 3, 27))
    now = at(2026, 3, 24)
    first = outbox.scan(now=now)
    second = outbox.scan(now=now)
    assert first.reminders >= 1 and second.reminders == 0 and second.digests == 0
    rs = Reminder.objects.filter(task=soon, kind=ReminderKind.DEADLINE_APPROACHING)
    assert list(rs.values_list("recipient__username", flat=True)) == ["staff"]
    assert Digest.objects.filter(recipient=cast.staff, channel=Channel.EMAIL).count() == 1


def test_it_climbs_the_overdue_ladder_by_working_days(cast, client):
    # Deadline Friday 2026-09-25; National Day holidays 10-01..10-08, make-up Saturday 10-10.
    task = _task(cast, dt.date(2026, 9, 25))
    outbox.scan(now=at(2026, 9, 28))  # Monday: 1 working day overdue
    kinds = set(Reminder.objects.filter(task=task).values_list("kind", "recipient__username"))
    assert (ReminderKind.OVERDUE, "staff") in kinds and not any(k == ReminderKind.URGED for k, _ in kinds)
    outbox.scan(now=at(2026, 9, 30))  # 3 working days
    assert Reminder.objects.filter(task=task, kind=ReminderKind.URGED, recipient=cast.head).count() == 1
    outbox.scan(now=at(2026, 10, 8))  # still 3: the holiday does not count
    assert not Reminder.objects.filter(task=task, kind=ReminderKind.ESCALATED).exists()
    outbox.scan(now=at(2026, 10, 14))  # 9-28,29,30,10-9,10(Sat make-up),12,13,14 → 8
    # supervisors hear of it in their daily line of units, on the day the task reaches 督办
    sup = Reminder.objects.get(kind=ReminderKind.ESCALATED, recipient=cast.supervisor)
    assert sup.task is None and sup.period == dt.date(2026, 10, 14)
    assert sup.text == f"1个单位1项任务逾期满7个工作日，新列入督办（纳入月度通报）：铁西区{cast.unit.name}1项"
    outbox.scan(now=at(2026, 10, 15))  # the next day: nothing new to tell the supervisor
    assert Reminder.objects.filter(kind=ReminderKind.ESCALATED, recipient=cast.supervisor).count() == 1
    client.force_login(cast.supervisor)
    page = client.get("/supervision/notifications/").content.decode()
    assert f'href="/supervision/notifications/{sup.pk}/open/"' in page and "新列入督办" in page
    assert client.get(f"/supervision/notifications/{sup.pk}/open/")["Location"] == "/dashboard/tasks/?status=overdue&sort=unit"
    esc = Escalation.objects.get(task=task, rung=3)
    assert esc.for_monthly_report and esc.deadline == dt.date(2026, 9, 25)
    # staff reminded once for this deadline, however many scans
    assert Reminder.objects.filter(task=task, kind=ReminderKind.OVERDUE, recipient=cast.staff).count() == 1


def test_it_reminds_about_missing_reports_and_catches_up_missed_days(cast):
    with time_machine.travel(at(2026, 2, 1), tick=False):
        task = _task(cast, dt.date(2026, 12, 31))
        other = _task(cast, dt.date(2026, 12, 31))
    outbox.scan(now=at(2026, 3, 20))  # March report due 3-25: within 5 working days
    # one reminder per staff member, kind and period, counting the unit's tasks
    soon = Reminder.objects.get(kind=ReminderKind.REPORT_DUE_SOON, period=dt.date(2026, 3, 1))
    assert (soon.recipient, soon.task) == (cast.staff, None)
    assert soon.text == "本单位有2项任务的2026年3月进展须在3月25日前报送"
    # February was never reported and the scan did not run then: caught up now.
    missing = Reminder.objects.get(kind=ReminderKind.REPORT_MISSING, period=dt.date(2026, 2, 1))
    assert missing.recipient == cast.staff and missing.text.startswith("本单位有2项任务尚未报送2026年2月进展")
    assert task and other


def test_it_sends_one_digest_per_person_and_day_and_never_an_empty_one(cast, settings):
    with RobotServer() as robot:
        robot.allow(settings)
        ChannelConfig.objects.create(unit=cast.unit, channel=Channel.WECOM, webhook_url=f"{robot.url}/wecom?key=k")
        for i in range(3):
            _task(cast, dt.date(2026, 3, 26 + i))
        now = at(2026, 3, 24)
        outbox.scan(now=now)
        counts = outbox.deliver_ready(now=now, worker="t")
        assert counts == {"sent": 1}  # only the staff member has reminders
        bodies = [r["json"] for r in robot.requests]
        staff_msg = [b for b in bodies if "staff" in json.dumps(b, ensure_ascii=False)]
        assert len(staff_msg) == 1
        assert staff_msg[0]["markdown"]["content"].count("【即将到期】") == 3
        # A second scan the same day: nothing new, nothing sent.
        outbox.scan(now=now)
        assert outbox.deliver_ready(now=now) == {}
        assert len(robot.requests) == 1
        assert DigestItem.objects.values("reminder", "channel").distinct().count() == DigestItem.objects.count()


def test_it_retries_failures_with_backoff_and_records_them(cast, settings):
    with RobotServer() as robot:
        robot.allow(settings)
        robot.errcode = 93000
        ChannelConfig.objects.create(user=cast.staff, channel=Channel.WECOM, webhook_url=f"{robot.url}/w")
        _task(cast, dt.date(2026, 3, 26))
        now = at(2026, 3, 24)
        outbox.scan(now=now)
        d = Digest.objects.get(recipient=cast.staff, channel=Channel.WECOM)
        assert outbox.deliver(d.pk, now=now) == "retry"
        d.refresh_from_db()
        assert d.attempts == 1 and "93000" in d.last_error and d.sent_at is None and d.claimed_at is None
        assert d.next_attempt_at >= now + dt.timedelta(minutes=1) - dt.timedelta(seconds=1)
        assert outbox.deliver(d.pk, now=now) == "taken"  # not before the backoff
        robot.errcode = 0
        assert outbox.deliver(d.pk, now=d.next_attempt_at) == "sent"
        d.refresh_from_db()
        assert d.sent_at and d.attempts == 2 and d.attempt_log.filter(ok=True).count() == 1


def test_it_takes_over_a_claim_whose_lease_ran_out(cast, settings):
    cast.staff.email = "s@example.cn"
    cast.staff.save()
    _task(cast, dt.date(2026, 3, 26))
    now = at(2026, 3, 24)
    outbox.scan(now=now)
    d = Digest.objects.get(recipient=cast.staff, channel=Channel.EMAIL)
    assert outbox.claim(d.pk, worker="dead", now=now)  # a worker claims it and dies
    assert outbox.deliver(d.pk, now=now + dt.timedelta(seconds=10)) == "taken"
    later = now + dt.timedelta(seconds=settings.SUPERVISION_CLAIM_LEASE_SECONDS + 1)
    assert outbox.ready_ids(now=later) == [d.pk]
    assert outbox.deliver(d.pk, now=later, worker="alive") == "sent"
    from django.core import mail

    assert len(mail.outbox) == 1 and "即将到期" in mail.outbox[0].body


import json  # noqa: E402


def test_it_holds_back_digests_beyond_a_robots_rate_and_sends_them_in_the_next_window(cast, settings):
    with RobotServer() as robot:
        robot.allow(settings)
        ChannelConfig.objects.create(unit=cast.unit, channel=Channel.WECOM, webhook_url=f"{robot.url}/w?key=shared")
        for i in range(24):
            member(cast.unit, Role.STAFF, username=f"s{i}")
        _task(cast, dt.date(2026, 3, 26))
        now = at(2026, 3, 24)
        outbox.scan(now=now)
        assert Digest.objects.filter(channel=Channel.WECOM).count() == 25
        assert outbox.deliver_ready(now=now) == {"sent": 20, "retry": 5}
        assert len(robot.requests) == 20
        held = Digest.objects.filter(channel=Channel.WECOM, sent_at__isnull=True)
        assert held.count() == 5 and not held.filter(attempts__gt=0).exists()  # a wait, not a failure
        assert outbox.deliver_ready(now=now) == {}  # not before the window has room
        later = max(held.values_list("next_attempt_at", flat=True))
        import time_machine as tm

        with tm.travel(later + dt.timedelta(seconds=1), tick=False):
            assert outbox.deliver_ready() == {"sent": 5}
        assert len(robot.requests) == 25


def test_it_scans_and_delivers_in_process_with_the_run_scan_command(cast):
    import io

    from django.core import mail
    from django.core.management import call_command

    cast.staff.email = "staff@example.cn"
    cast.staff.save()
    _task(cast, local_today() + dt.timedelta(days=1))
    out = io.StringIO()
    call_command("run_scan", "--deliver", stdout=out)
    assert "delivered={'sent': 1}" in out.getvalue()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["staff@example.cn"]
    assert mail.outbox[0].subject.startswith("【督办提醒】")
    call_command("run_scan", "--deliver", stdout=out)
    assert len(mail.outbox) == 1


def local_today():
    from django.utils import timezone

    from tasks.workdays import local_date

    return local_date(timezone.now())


def test_it_tells_a_supervisor_of_new_督办_in_one_line_a_day_not_one_per_unit(cast):
    """Issue 11: the supervisor got 54 督办 messages in the first scan, one per unit."""
    from tests.factories import UnitFactory

    units = [UnitFactory(region=cast.region, name=f"第{i}局") for i in range(6)]
    for i, unit in enumerate(units):
        for _ in range(i % 3 + 1):
            TaskFactory(measure=MeasureFactory(plan=cast.plan, deadline=dt.date(2026, 9, 1)), unit=unit)
    outbox.scan(now=at(2026, 10, 14))
    outbox.scan(now=at(2026, 10, 14, 15))  # a second scan the same day adds nothing
    lines = list(Reminder.objects.filter(kind=ReminderKind.ESCALATED, recipient=cast.supervisor))
    assert len(lines) == 1
    assert lines[0].text.startswith("6个单位12项任务逾期满7个工作日，新列入督办")
    assert "铁西区第2局3项" in lines[0].text and "铁西区第0局1项" in lines[0].text
    # a task escalated after today's line (its deadline moved into the past) comes in tomorrow's
    late = TaskFactory(measure=MeasureFactory(plan=cast.plan, deadline=dt.date(2026, 9, 1)), unit=units[0])
    outbox.scan(now=at(2026, 10, 14, 18))
    assert Reminder.objects.filter(kind=ReminderKind.ESCALATED, recipient=cast.supervisor).count() == 1
    outbox.scan(now=at(2026, 10, 15))
    tomorrow = Reminder.objects.get(kind=ReminderKind.ESCALATED, recipient=cast.supervisor, period=dt.date(2026, 10, 15))
    assert tomorrow.text.startswith("1个单位1项任务") and late
    # one digest per channel and day still carries it (the outbox's rows are unchanged)
    assert Digest.objects.filter(recipient=cast.supervisor).count() <= 1
