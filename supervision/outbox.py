"""The reminder outbox: the scan that writes reminders and digests, and the claim-and-send of a digest.

Why it is safe under two beats, several workers and a killed worker:
- the scan only inserts, with INSERT … SELECT … ON CONFLICT DO NOTHING against unique constraints
  (Reminder: recipient+kind+key, Digest: recipient+channel+day, Escalation: task+deadline+rung),
  so running it twice, concurrently, or after missed days changes nothing that exists and adds
  only what is missing. It is set-based: a handful of statements whatever the number of tasks.
- a digest is sent by whoever wins `UPDATE … WHERE claimed_at IS NULL` (or a claim older than the
  lease: its worker died); reminders are attached to it at claim time, unique per (reminder,
  channel), so no reminder is in two digests of one channel.
- a send that fails is released with next_attempt_at = now + backoff; the scan re-enqueues ready
  digests, so nothing depends on a broker message surviving (no ETA/countdown tasks).
The one unavoidable window: a worker killed after the robot answered but before the row is marked
sent resends that digest once the lease runs out (at-least-once on the wire, exactly once in the
database).
"""
from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connection, models, transaction
from django.db.models import CharField, Count, Exists, F, OuterRef, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone

from plans.choices import PlanStatus, Role
from plans.models import Membership
from tasks.models import Task
from tasks.periods import period_due, period_start
from tasks import status as status_rule
from tasks.status import owes_report_q
from tasks.workdays import SHANGHAI, add_workdays, is_workday, local_date

from .channels import SENDERS, Message, RateLimited, config_for
from .choices import DIGEST_CHANNELS, Channel, ReminderKind
from .models import ChannelConfig, DeliveryAttempt, Digest, DigestItem, Escalation, Reminder

log = logging.getLogger(__name__)


def _insert_select(model: type[models.Model], columns: list[str], qs: models.QuerySet) -> int:
    """INSERT INTO model (columns) <qs> ON CONFLICT DO NOTHING; returns rows inserted.

    `qs` is a values_list() whose columns are in the order of `columns`. The SELECT is wrapped in a
    subquery so SQLite does not read ON CONFLICT as a join constraint."""
    sql, params = qs.order_by().query.sql_with_params()
    cols = ", ".join(connection.ops.quote_name(model._meta.get_field(c).column) for c in columns)
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} ({cols}) SELECT * FROM ({sql}) AS src WHERE 1=1 "
                       f"ON CONFLICT DO NOTHING", params)
        return max(cursor.rowcount, 0)


def _text(expr) -> Cast:
    return Cast(expr, output_field=CharField())


def _key(period_expr, *, ref: str = "") -> Concat:
    """"<period>:<task id>:<ref>", the dedup key of a task reminder (see Reminder.key)."""
    return Concat(_text(period_expr), Value(":"), _text(F("id")), Value(f":{ref}"), output_field=CharField())


def nth_workday_back(today: dt.date, n: int) -> dt.date:
    """The n-th working day counting back from today (today included if a working day)."""
    day = today if is_workday(today) else add_workdays(today, -1)
    return add_workdays(day, -(n - 1)) if n > 1 else day


@dataclass
class ScanResult:
    reminders: int = 0
    escalations: int = 0
    digests: int = 0
    seconds: float = 0.0

    def __iadd__(self, other: "ScanResult") -> "ScanResult":
        self.reminders += other.reminders
        self.escalations += other.escalations
        self.digests += other.digests
        return self


def _open_tasks():
    return Task.objects.filter(status_rule.OPEN, plan__status=PlanStatus.PUBLISHED)


def _not_yet(tasks, *, kind: str, period):
    """Tasks not yet reminded of `kind` for `period`: an anti-join on an index, so that a re-run only
    looks at what is new instead of re-inserting into ON CONFLICT."""
    done = Reminder.objects.filter(task_id=OuterRef("pk"), kind=kind, period=OuterRef("r_period_probe"))
    return tasks.annotate(r_period_probe=period).filter(~Exists(done))


def _task_reminders(tasks, *, kind: str, period, role: str, now: dt.datetime, ref: str = "") -> int:
    """One reminder per (member of the task's unit with `role`, task)."""
    # The anti-join only once there are reminders of the kind (as for the escalations below): on a
    # first scan the planner sees the reminder table as just analysed, empty, and probes it by
    # sequential scan per task while this or a parallel insert fills it — quadratic.
    if Reminder.objects.filter(kind=kind).exists():
        tasks = _not_yet(tasks, kind=kind, period=period)
    qs = (tasks.filter(unit__memberships__role=role)
          .annotate(r_recipient=F("unit__memberships__user_id"), r_kind=Value(kind), r_period=period,
                    r_task=F("id"), r_key=_key(period, ref=ref), r_text=Value(""), r_created=Value(now),
                    )
          .values_list("r_recipient", "r_kind", "r_period", "r_task", "r_key", "r_text", "r_created"))
    return _insert_select(Reminder, ["recipient", "kind", "period", "task", "key", "text", "created_at"], qs)


def _unit_key(period, *, ref: str = "") -> Concat:
    """"<period>:-:u<unit id><ref>", the dedup key of a reminder about a whole unit's tasks."""
    return Concat(Value(f"{period}:-:u"), _text(F("r_unit")), Value(ref), output_field=CharField())


def _unit_report_reminders(tasks, *, kind: str, start: dt.date, due: dt.date, now: dt.datetime) -> int:
    """One reminder per (staff member, kind, period) for their unit's tasks, with the count: a
    clerk with fifty unreported tasks gets one line, not fifty (the task list shows which)."""
    month = f"{start:%Y年%-m月}"
    if kind == ReminderKind.REPORT_MISSING:
        before, after = "本单位有", f"项任务尚未报送{month}进展（{due:%-m月%-d日}截止）"
    else:
        before, after = "本单位有", f"项任务的{month}进展须在{due:%-m月%-d日}前报送"
    # Only staff not yet told: the unit's dedup key looked up on reminder_once (recipient, kind, key),
    # so a re-run counts nothing.
    key = Concat(Value(f"{start}:-:u"), _text(OuterRef("unit_id")), output_field=CharField())
    told = Reminder.objects.filter(recipient_id=OuterRef("user_id"), kind=kind, key=key)
    untold = (Membership.objects.filter(role=Role.STAFF, user__is_active=True).filter(~Exists(told))
              .order_by().values_list("user_id", "unit_id"))
    # The tasks counted per unit first (a hash aggregate on an integer), then joined to the unit's
    # staff: grouping the tasks × staff rows by (user, unit, key text) sorted 100,000 rows per period.
    per_unit = tasks.filter(unit_id__in=untold.values("unit_id")).order_by().values("unit_id").annotate(n=Count("id"))
    try:
        members_sql, members_params = untold.query.sql_with_params()
        counts_sql, counts_params = per_unit.values_list("unit_id", "n").query.sql_with_params()
    except EmptyResultSet:
        return 0
    ops = connection.ops
    cols = ", ".join(ops.quote_name(Reminder._meta.get_field(c).column)
                     for c in ("recipient", "kind", "period", "task", "key", "text", "created_at"))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {ops.quote_name(Reminder._meta.db_table)} ({cols}) "
            f"SELECT m.user_id, %s, %s, NULL, %s || CAST(m.unit_id AS TEXT), %s || CAST(c.n AS TEXT) || %s, %s "
            f"FROM ({members_sql}) AS m JOIN ({counts_sql}) AS c "
            f"ON c.unit_id = m.unit_id WHERE 1=1 ON CONFLICT DO NOTHING",
            (kind, ops.adapt_datefield_value(start), f"{start}:-:u", before, after,
             ops.adapt_datetimefield_value(now), *members_params, *counts_params))
        return max(cursor.rowcount, 0)


DIGEST_UNITS_SHOWN = 20  # units named in a supervisor's 督办 line; the rest are counted (the link lists all)


def _supervisor_reminders(*, rung: int, days: int, kind: str, now: dt.datetime) -> int:
    """One reminder a day per supervisor and rung listing the units whose tasks reached this rung,
    with the counts ("今日新列入督办：共3个单位7项任务——铁西区区数据局3项、…"): a supervisor answers
    for units, and one message per unit (54 in a first scan) is not readable.

    Built from the Escalation rows written since the supervisor's previous 督办 line (at most the
    reminder window back; today's for a first one), so a task is reported to its supervisors once,
    on the day it reaches the rung, and an escalation written after today's line (a deadline moved
    into the past, a late scan) is carried by the next day's line instead of being lost. The key is
    the day: a re-run the same day adds nothing (reminder_once). A handful of queries: the
    supervisors, their previous lines, and today's escalations grouped by unit and scan time."""
    from plans.querysets import region_descendants

    today = local_date(now)
    day_start = dt.datetime.combine(today, dt.time.min, tzinfo=SHANGHAI)
    key = f"{today}:-:r{rung}"
    sups = list(Membership.objects.filter(role=Role.SUPERVISOR, user__is_active=True).values_list(
        "user_id", "unit__region_id"))
    if not sups:
        return 0
    lines = Reminder.objects.filter(kind=kind, task__isnull=True, recipient_id__in={u for u, _ in sups},
                                    key__contains=f":-:r{rung}")
    done_today = set(lines.filter(key=key).values_list("recipient_id", flat=True))
    earliest = day_start - dt.timedelta(days=settings.SUPERVISION_REMINDER_WINDOW_DAYS)
    previous = dict(lines.filter(created_at__gte=earliest).values_list("recipient_id")
                    .annotate(last=models.Max("created_at")).values_list("recipient_id", "last"))
    todo = [(u, r) for u, r in sups if u not in done_today]
    if not todo:
        return 0
    since = {u: previous.get(u, day_start) for u, _ in todo}
    counts = list(Escalation.objects.filter(rung=rung, created_at__gt=min(since.values()) - dt.timedelta(microseconds=1),
                                            created_at__lte=now)
                  .values_list("task__plan__region_id", "task__unit_id", "task__unit__name",
                               "task__unit__region__name", "created_at")
                  .annotate(n=Count("id")).order_by())
    if not counts:
        return 0
    rows = []
    ops = connection.ops
    for user_id, region_id in todo:
        covered = set(region_descendants(region_id))
        start = since[user_id]
        fresh = previous.get(user_id) is not None  # strictly after the previous line
        per_unit: dict[int, list] = {}
        for region, unit_id, name, region_name, created, n in counts:
            if region in covered and (created > start if fresh else created >= start):
                per_unit.setdefault(unit_id, [f"{region_name}{name}", 0])[1] += n
        if per_unit:
            rows.append((user_id, kind, ops.adapt_datefield_value(today), key, _escalation_text(per_unit, days),
                         ops.adapt_datetimefield_value(now)))
    # created_at is the scan's `now` (what the next line counts from; bulk_create would stamp the
    # wall clock over it); ON CONFLICT covers a concurrent scan.
    cols = ", ".join(ops.quote_name(Reminder._meta.get_field(c).column)
                     for c in ("recipient", "kind", "period", "key", "text", "created_at"))
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {ops.quote_name(Reminder._meta.db_table)} ({cols}) "
                           f"VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT DO NOTHING", rows)
    return len(rows)


def _escalation_text(per_unit: dict[int, list], days: int) -> str:
    units = sorted(per_unit.values(), key=lambda u: (-u[1], u[0]))
    total = sum(n for _, n in units)
    shown = "、".join(f"{name}{n}项" for name, n in units[:DIGEST_UNITS_SHOWN])
    more = f"等{len(units)}个单位" if len(units) > DIGEST_UNITS_SHOWN else ""
    head = f"{len(units)}个单位{total}项任务逾期满{days}个工作日，新列入督办（纳入月度通报）："
    text = head + shown + more
    return text if len(text) <= 500 else text[:496] + "……"


def scan(*, now: dt.datetime | None = None) -> ScanResult:
    """Write every reminder due at `now` and the digests that will carry them. Idempotent.

    On PostgreSQL outside a transaction the work runs in two halves of similar cost on two
    connections (the upper rungs of the ladder beside the rest; this machine has two cores and an
    INSERT … SELECT uses one), each half its own transaction, then the digests. Every statement
    inserts only what is missing, so a half that failed is completed by the next scan exactly as a
    scan that never ran; elsewhere (SQLite, inside a test's transaction) one transaction as before."""
    import time

    from supervision.dashboard.querysets import aside

    started = time.monotonic()
    now = now or timezone.now()
    result = ScanResult()
    parallel = (connection.vendor == "postgresql" and not connection.in_atomic_block
                and getattr(settings, "SUPERVISION_SCAN_PARALLEL", True))
    if parallel:
        upper = aside(_in_transaction, _scan_upper_rungs, now)
        lower = _in_transaction(_scan_lower, now)
        result += lower
        result += upper.result()
        result.digests = _in_transaction(lambda: create_digests(now=now))
    else:
        with transaction.atomic():
            result += _scan_lower(now)
            result += _scan_upper_rungs(now)
            # 4. Digests for every recipient with reminders not yet carried on a channel they use.
            result.digests = create_digests(now=now)
    if result.reminders > 10_000 and connection.vendor == "postgresql":
        # After a bulk catch-up the planner's statistics still describe a nearly empty table until
        # autovacuum gets round to it, and the next scan's anti-joins would go nested-loop over it.
        # A small sample (3,000 rows, not 30,000) tells the planner what it needs, the sizes and the
        # kinds, in a tenth of the time (it was a tenth of a first scan).
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL default_statistics_target = 10")
            cursor.execute("ANALYZE supervision_reminder, supervision_escalation, supervision_digest")
    result.seconds = time.monotonic() - started
    return result


def _in_transaction(fn, *args):
    """fn(*args) in a transaction of its own that does not wait for its commit to reach the disk
    (PostgreSQL): a crash may lose the last scan's rows, which the next scan writes again (every
    statement inserts what is missing), and a first scan's three commits waited for 100 MB of WAL."""
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit = off")
        return fn(*args)


def _ladder():
    """(rung, days, kind, audience) of SUPERVISION_LADDER."""
    return [(rung, days, kind, audience)
            for rung, (days, kind, audience) in enumerate(settings.SUPERVISION_LADDER, start=1)]


def _scan_lower(now: dt.datetime) -> ScanResult:
    """Deadlines approaching, the first rung of the overdue ladder, and the progress reports."""
    today = local_date(now)
    result = ScanResult()
    base = _open_tasks()
    # 1. Deadline approaching: TaskStatus.DUE_SOON, the one rule of tasks/status.py.
    soon = base.filter(status_rule.due_soon_q(today))
    result.reminders += _task_reminders(soon, kind=ReminderKind.DEADLINE_APPROACHING, period=F("eff_deadline"),
                                        role=Role.STAFF, now=now)
    # 2. The overdue ladder, first rung (the others: _scan_upper_rungs).
    for rung, days, kind, audience in _ladder()[:1]:
        result += _rung(base, rung=rung, days=days, kind=kind, audience=audience, now=now)
    # 3. Progress reports: due soon / missing for the current and the previous period of each
    #    (cycle, report day) in use; a handful of combinations, never a loop over tasks.
    combos = set(base.order_by().values_list("plan__report_cycle", "plan__report_day")
                 .distinct())
    for cycle, day in combos:
        current = period_start(today, cycle)
        previous = period_start(current - dt.timedelta(days=1), cycle)
        for start in (previous, current):
            due = period_due(start, cycle, day)
            # who owes this period's report: the one rule the dashboard and the lists use
            tasks = (base.filter(plan__report_day=day).filter(owes_report_q(start, cycle))
                     .filter(~status_rule.filed_report_q(start)))
            if today > due:
                kind = ReminderKind.REPORT_MISSING
            elif today >= add_workdays(due, -status_rule.due_soon_workdays()):
                kind = ReminderKind.REPORT_DUE_SOON
            else:
                continue
            result.reminders += _unit_report_reminders(tasks, kind=kind, start=start, due=due, now=now)
    return result


def _scan_upper_rungs(now: dt.datetime) -> ScanResult:
    """The overdue ladder from the second rung up."""
    result = ScanResult()
    base = _open_tasks()
    for rung, days, kind, audience in _ladder()[1:]:
        result += _rung(base, rung=rung, days=days, kind=kind, audience=audience, now=now)
    return result


def _rung(base, *, rung: int, days: int, kind: str, audience: str, now: dt.datetime) -> ScanResult:
    """The overdue ladder: rung n when at least `days` working days past the deadline."""
    result = ScanResult()
    cutoff = nth_workday_back(local_date(now), days)  # overdue ≥ days working days ⇔ deadline < cutoff
    late = base.filter(eff_deadline__lt=cutoff)
    if audience != Role.SUPERVISOR:
        result.reminders += _task_reminders(late, kind=kind, period=F("eff_deadline"), role=audience, now=now,
                                            ref=f"r{rung}")
        return result
    # 督办: recorded per task for the monthly 通报, told to the supervisors per unit. (The
    # lower rungs are recorded by their per-task reminders.)
    # On a re-run, anti-join on escalation_once first: 40,000 conflicting inserts cost
    # seconds where 40,000 index probes cost tenths. Not on the first run: over a table
    # just analysed empty the planner probes it by sequential scan while the insert
    # fills it, which is quadratic (109 s for 40,000 rows).
    if Escalation.objects.filter(rung=rung).exists():
        recorded = Escalation.objects.filter(task_id=OuterRef("pk"), deadline=OuterRef("eff_deadline"),
                                             rung=rung)
        late = late.filter(~Exists(recorded))
    esc = late.annotate(
        e_task=F("id"), e_deadline=F("eff_deadline"), e_rung=Value(rung), e_days=Value(days),
        e_flag=Value(True), e_created=Value(now),
    ).values_list("e_task", "e_deadline", "e_rung", "e_days", "e_flag", "e_created")
    result.escalations += _insert_select(
        Escalation, ["task", "deadline", "rung", "overdue_workdays", "for_monthly_report", "created_at"],
        esc)
    result.reminders += _supervisor_reminders(rung=rung, days=days, kind=kind, now=now)
    return result


def eligible_users(channel: str):
    """Users who receive `channel` (a queryset of user ids)."""
    from django.contrib.auth import get_user_model

    users = get_user_model().objects.filter(is_active=True)
    own = ChannelConfig.objects.filter(user_id=OuterRef("pk"), channel=channel)
    if channel == Channel.EMAIL:
        return users.exclude(email="").filter(~Exists(own.filter(enabled=False))).values("pk")
    unit = ChannelConfig.objects.filter(unit_id=OuterRef("membership__unit_id"), channel=channel, enabled=True)
    return users.filter(Exists(own.filter(enabled=True).exclude(webhook_url=""))
                        | (Exists(unit.exclude(webhook_url="")) & ~Exists(own.filter(enabled=False)))).values("pk")


def create_digests(*, now: dt.datetime) -> int:
    today = local_date(now)
    since = now - dt.timedelta(days=settings.SUPERVISION_REMINDER_WINDOW_DAYS)
    total = 0
    for channel in DIGEST_CHANNELS:
        carried = DigestItem.objects.filter(reminder_id=OuterRef("pk"), channel=channel)
        # recipients with today's digest on the channel are skipped before their reminders are read
        # (the insert would conflict on digest_once_a_day anyway)
        today_digest = Digest.objects.filter(recipient_id=OuterRef("recipient_id"), channel=channel, day=today)
        qs = (Reminder.objects.filter(created_at__gte=since, recipient_id__in=eligible_users(channel))
              .filter(~Exists(today_digest)).filter(~Exists(carried))
              .annotate(d_channel=Value(channel), d_day=Value(today), d_created=Value(now), d_next=Value(now),
                        d_zero=Value(0), d_blank=Value(""), d_false=Value(False))
              .values_list("recipient_id", "d_channel", "d_day", "d_created", "d_next", "d_zero", "d_blank",
                           "d_blank", "d_zero", "d_false")
              .distinct())
        total += _insert_select(Digest, ["recipient", "channel", "day", "created_at", "next_attempt_at", "attempts",
                                         "last_error", "claimed_by", "item_count", "skipped"], qs)
    return total


# --- Delivery -------------------------------------------------------------------------------------

def lease() -> dt.timedelta:
    return dt.timedelta(seconds=settings.SUPERVISION_CLAIM_LEASE_SECONDS)


def backoff(attempts: int) -> dt.timedelta:
    """1, 2, 4 … minutes, at most 2 hours."""
    return dt.timedelta(minutes=min(2 ** max(attempts - 1, 0), 120))


def claim(digest_id: int, *, worker: str, now: dt.datetime | None = None) -> dt.datetime | None:
    """Compare-and-set: the claim time when this caller won the digest, else None."""
    now = now or timezone.now()
    won = Digest.objects.ready(now=now, lease=lease()).filter(pk=digest_id).update(claimed_at=now,
                                                                                   claimed_by=worker[:100])
    return now if won == 1 else None


def _attach(digest: Digest, *, now: dt.datetime) -> None:
    since = now - dt.timedelta(days=settings.SUPERVISION_REMINDER_WINDOW_DAYS)
    carried = DigestItem.objects.filter(reminder_id=OuterRef("pk"), channel=digest.channel)
    qs = (Reminder.objects.filter(recipient_id=digest.recipient_id, created_at__gte=since).filter(~Exists(carried))
          .annotate(i_digest=Value(digest.pk), i_channel=Value(digest.channel))
          .values_list("i_digest", "id", "i_channel"))
    _insert_select(DigestItem, ["digest", "reminder", "channel"], qs)


def render(digest: Digest, reminders: list[Reminder]) -> Message:
    from .presenters import reminder_line

    lines = [reminder_line(r) for r in reminders]
    name = digest.recipient.get_full_name() or digest.recipient.username
    title = f"{name}，您有{len(reminders)}条督办提醒（{digest.day:%Y年%-m月%-d日}）"
    phone = getattr(getattr(digest.recipient, "membership", None), "phone", "")
    return Message(title=title, lines=lines, url=f"{settings.SITE_URL}/supervision/notifications/",
                   mobiles=[phone] if phone and digest.channel != Channel.EMAIL else [])


def deliver(digest_id: int, *, worker: str = "", now: dt.datetime | None = None) -> str:
    """Claim one digest and send it. Returns what happened ("sent", "taken", "empty", "retry", "failed")."""
    claimed_at = claim(digest_id, worker=worker, now=now)
    if claimed_at is None:
        return "taken"
    mine = Digest.objects.filter(pk=digest_id, claimed_at=claimed_at, sent_at__isnull=True)
    try:
        return _send_claimed(digest_id, mine, claimed_at=claimed_at, worker=worker)
    except Exception as e:
        # Anything unexpected (a locked database, a bug): release the claim with a backoff instead of
        # leaving it to the lease, and record it.
        log.exception("digest %s: unexpected failure", digest_id)
        _record_failure(digest_id, mine, worker=worker, error=e)
        return "retry"


def _record_failure(digest_id: int, mine, *, worker: str, error: Exception) -> str:
    attempts = Digest.objects.filter(pk=digest_id).values_list("attempts", flat=True).first() + 1
    gave_up = attempts >= settings.SUPERVISION_MAX_ATTEMPTS
    with transaction.atomic():
        mine.update(claimed_at=None, attempts=attempts, last_error=str(error)[:2000],
                    next_attempt_at=timezone.now() + backoff(attempts),
                    failed_at=timezone.now() if gave_up else None)
        DeliveryAttempt.objects.create(digest_id=digest_id, ok=False, worker=worker[:100], detail=str(error)[:2000])
    log.warning("digest %s attempt %s failed: %s", digest_id, attempts, error)
    return "failed" if gave_up else "retry"


def _send_claimed(digest_id: int, mine, *, claimed_at: dt.datetime, worker: str) -> str:
    digest = Digest.objects.select_related("recipient").get(pk=digest_id)
    with transaction.atomic():
        _attach(digest, now=claimed_at)
    reminders = list(Reminder.objects.filter(digest_items__digest=digest).select_related(
        "task", "task__measure", "task__unit").order_by("kind", "period", "id"))
    if not reminders:  # everything was carried by another digest: no empty messages
        mine.update(sent_at=timezone.now(), skipped=True, item_count=0)
        return "empty"
    message = render(digest, reminders)
    config = None if digest.channel == Channel.EMAIL else config_for(digest.recipient, digest.channel)
    if not mine.exists():
        # We were slow enough for the lease to run out (a long database lock) and another worker
        # took the digest over: let it send, so the message does not go out twice.
        return "taken"
    try:
        detail = SENDERS[digest.channel](recipient=digest.recipient, message=message, config=config)
    except RateLimited as e:
        mine.update(claimed_at=None, next_attempt_at=timezone.now() + dt.timedelta(seconds=e.retry_after))
        return "retry"
    except Exception as e:  # any failure of the channel is retried with backoff, and recorded
        return _record_failure(digest_id, mine, worker=worker, error=e)
    with transaction.atomic():
        done = mine.update(sent_at=timezone.now(), attempts=F("attempts") + 1, item_count=len(reminders))
        DeliveryAttempt.objects.create(digest=digest, ok=True, worker=worker[:100], detail=str(detail)[:2000])
    if done != 1:
        log.error("digest %s was sent but its claim had been taken over (lease too short?)", digest_id)
    return "sent"


def ready_ids(*, now: dt.datetime | None = None, limit: int | None = None) -> list[int]:
    qs = Digest.objects.ready(now=now or timezone.now(), lease=lease()).order_by("id").values_list("id", flat=True)
    return list(qs[:limit] if limit else qs)


def deliver_ready(*, worker: str = "inline", now: dt.datetime | None = None) -> dict[str, int]:
    """Send every ready digest in this process (the embedded mode and `run_scan --deliver`)."""
    counts: dict[str, int] = {}
    for pk in ready_ids(now=now):
        outcome = deliver(pk, worker=worker, now=now)
        counts[outcome] = counts.get(outcome, 0) + 1
    return counts
