"""Supervision: the reminder outbox and its channels, urging (催办) and escalation (督办).

A reminder is a row: each (recipient, kind, key) exists once, where `key` names the period and the
task (and, for events, the object), so the scan can run twice, catch up and never duplicate.
Out-of-app channels send one digest per (recipient, channel, day); a digest is claimed by a
conditional update and its reminders are attached to it at claim time (DigestItem is unique per
reminder and channel), so a reminder is in exactly one digest per channel.
"""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from .choices import Channel, ReminderKind, UrgeLevel
from .querysets import DigestQuerySet, ReminderQuerySet, UrgeQuerySet


class ChannelConfig(models.Model):
    """Where a user, or by default all users of a unit, read their reminders.

    A unit's row is the unit's group robot; a user's own row overrides the unit's for that channel
    (enabled=False switches the channel off for that user). Email goes to user.email unless switched off."""

    unit = models.ForeignKey("plans.Unit", verbose_name="单位", null=True, blank=True, on_delete=models.CASCADE,
                             related_name="channel_configs")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="用户", null=True, blank=True,
                             on_delete=models.CASCADE, related_name="channel_configs")
    channel = models.CharField("渠道", max_length=20, choices=Channel.choices)
    enabled = models.BooleanField("启用", default=True)
    webhook_url = models.URLField("机器人地址（Webhook）", max_length=500, blank=True)
    secret = models.CharField("加签密钥", max_length=200, blank=True, help_text="钉钉机器人“加签”安全设置的密钥。")
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "提醒渠道设置"
        constraints = [
            models.CheckConstraint(condition=Q(unit__isnull=True) ^ Q(user__isnull=True), name="channelconfig_one_owner"),
            models.UniqueConstraint(fields=["unit", "channel"], condition=Q(unit__isnull=False),
                                    name="channelconfig_unique_unit"),
            models.UniqueConstraint(fields=["user", "channel"], condition=Q(user__isnull=False),
                                    name="channelconfig_unique_user"),
        ]

    def __str__(self) -> str:
        return f"{self.user or self.unit} · {self.get_channel_display()}"


class Reminder(models.Model):
    """One thing one person must be told, once. Doubles as the in-app notification (read_at)."""

    # Indexes are the composite ones in Meta: the scan inserts hundreds of thousands of rows on a
    # catch-up, and every index is paid for on each insert.
    # No database FOREIGN KEY constraints on recipient and task (db_constraint=False): the scan writes
    # these rows with INSERT … SELECT from the users and tasks themselves, and PostgreSQL checked
    # each deferred constraint at COMMIT — 190,000 lookups, the largest single cost of a first scan
    # of 100,000 tasks (bench_scan). Deleting a user or task still deletes its reminders (the ORM's
    # CASCADE).
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="接收人", on_delete=models.CASCADE,
                                  related_name="reminders", db_index=False, db_constraint=False)
    kind = models.CharField("类型", max_length=30, choices=ReminderKind.choices)
    # The period the reminder is about: the deadline for deadline reminders, the reporting period's
    # first day for report reminders, the day of the event for urges and decisions.
    period = models.DateField("周期")
    task = models.ForeignKey("tasks.Task", verbose_name="任务", null=True, blank=True, on_delete=models.CASCADE,
                             related_name="reminders", db_index=False, db_constraint=False)
    # "<period>:<task id or ->:<ref>" ("<period>:-:u<unit id>…" for a reminder about a unit's tasks):
    # one non-null column makes uniqueness independent of NULL
    # semantics (NULLs are distinct in unique indexes) and identical on SQLite and PostgreSQL.
    key = models.CharField("去重键", max_length=100)
    text = models.CharField("内容", max_length=500, blank=True)
    # no index of its own: the digests read a recipient's reminders since a day through
    # reminder_recipient_created, and a scan writing 100,000 reminders paid for this one on each
    created_at = models.DateTimeField("生成时间", auto_now_add=True)
    read_at = models.DateTimeField("已读时间", null=True, blank=True)

    objects = ReminderQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "提醒"
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["recipient", "kind", "key"], name="reminder_once")]
        indexes = [
            # (The header's unread count reads a recipient's rows through reminder_recipient_created:
            # tens to hundreds a person. A partial index of the unread ones on the same columns was
            # a sixth index for every row a scan writes.)
            # serves the scan's "already reminded about this task for this period" anti-join (and
            # every lookup by task)
            models.Index(fields=["task", "kind", "period"], name="reminder_task_kind_period"),
            # the notification centre, the unread count, and attaching a recipient's reminders to a digest
            models.Index(fields=["recipient", "created_at"], name="reminder_recipient_created"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} → {self.recipient} ({self.key})"


class Digest(models.Model):
    """The outbox row: one message per (recipient, channel, day), claimed and sent once."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="接收人", on_delete=models.CASCADE,
                                  related_name="digests")
    channel = models.CharField("渠道", max_length=20, choices=Channel.choices)
    day = models.DateField("日期")
    created_at = models.DateTimeField("生成时间", auto_now_add=True)
    next_attempt_at = models.DateTimeField("下次尝试", null=True, blank=True)
    claimed_at = models.DateTimeField("领取时间", null=True, blank=True)
    claimed_by = models.CharField("领取者", max_length=100, blank=True)
    attempts = models.PositiveSmallIntegerField("尝试次数", default=0)
    last_error = models.TextField("最近错误", blank=True)
    sent_at = models.DateTimeField("发送时间", null=True, blank=True)
    failed_at = models.DateTimeField("放弃时间", null=True, blank=True)
    item_count = models.PositiveIntegerField("提醒条数", default=0)
    skipped = models.BooleanField("无内容未发送", default=False)

    objects = DigestQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "提醒汇总（发件箱）"
        ordering = ["-day", "id"]
        constraints = [models.UniqueConstraint(fields=["recipient", "channel", "day"], name="digest_once_a_day")]
        indexes = [
            # serves DigestQuerySet.ready(now): unsent, unfailed digests by next attempt
            models.Index(fields=["next_attempt_at"], name="digest_pending",
                         condition=Q(sent_at__isnull=True, failed_at__isnull=True)),
        ]

    def __str__(self) -> str:
        return f"{self.recipient} {self.get_channel_display()} {self.day}"


class DigestItem(models.Model):
    """A reminder inside a digest: each reminder is in exactly one digest per channel."""

    digest = models.ForeignKey(Digest, on_delete=models.CASCADE, related_name="items")
    reminder = models.ForeignKey(Reminder, on_delete=models.CASCADE, related_name="digest_items")
    channel = models.CharField(max_length=20, choices=Channel.choices)

    class Meta:
        verbose_name = verbose_name_plural = "汇总条目"
        constraints = [models.UniqueConstraint(fields=["reminder", "channel"], name="digestitem_once_per_channel")]


class DeliveryAttempt(models.Model):
    """Every send attempt of a digest, successful or not: the delivery record."""

    digest = models.ForeignKey(Digest, on_delete=models.CASCADE, related_name="attempt_log")
    at = models.DateTimeField("时间", auto_now_add=True)
    ok = models.BooleanField("成功")
    worker = models.CharField("执行者", max_length=100, blank=True)
    detail = models.TextField("说明", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "发送记录"
        ordering = ["-at"]


class RateHit(models.Model):
    """One message sent through a rate-limited endpoint (a robot webhook), for a sliding window
    shared by every process. RateBucket rows serialise the check-and-insert per endpoint."""

    bucket = models.CharField(max_length=64, db_index=True)
    at = models.DateTimeField(db_index=True)


class RateBucket(models.Model):
    key = models.CharField(max_length=64, primary_key=True)


class Urge(models.Model):
    """催办 (by a supervisor) or 督办 (by the escalation ladder) of a task or a whole unit.
    The unit answers in `response`."""

    level = models.CharField("级别", max_length=20, choices=UrgeLevel.choices, default=UrgeLevel.URGE)
    task = models.ForeignKey("tasks.Task", verbose_name="任务", null=True, blank=True, on_delete=models.CASCADE,
                             related_name="urges")
    unit = models.ForeignKey("plans.Unit", verbose_name="单位", on_delete=models.PROTECT, related_name="urges")
    message = models.TextField("催办内容")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="催办人", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("催办时间", auto_now_add=True)
    response = models.TextField("单位答复", blank=True)
    responded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="答复人", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    responded_at = models.DateTimeField("答复时间", null=True, blank=True)

    objects = UrgeQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "催办督办"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["unit", "responded_at"], name="urge_unit_open")]

    def __str__(self) -> str:
        return f"{self.get_level_display()} {self.task or self.unit}"


class Escalation(models.Model):
    """A task that reached the supervisors' rung of the overdue ladder (督办) for one deadline,
    flagged for the monthly report (通报). The lower rungs are recorded by their reminders."""

    # No FOREIGN KEY constraint, like Reminder.task: the scan's INSERT … SELECT reads the tasks themselves.
    # escalation_once (task, deadline, rung) serves lookups by task.
    task = models.ForeignKey("tasks.Task", verbose_name="任务", on_delete=models.CASCADE, related_name="escalations",
                             db_index=False, db_constraint=False)
    deadline = models.DateField("所逾时限")
    rung = models.PositiveSmallIntegerField("级别")
    overdue_workdays = models.PositiveSmallIntegerField("逾期工作日")
    for_monthly_report = models.BooleanField("纳入月度通报", default=False)
    created_at = models.DateTimeField("生成时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "逾期升级"
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["task", "deadline", "rung"], name="escalation_once")]


class RegionFactsStamp(models.Model):
    """A counter per region, bumped by database triggers in the same transaction as any insert,
    update or delete of the region's tasks or targets or an update of its plans (migration
    0004_region_facts_stamp). The dashboard caches each region's figures under the region's stamp
    (supervision/dashboard/querysets.py, region_facts), so a change recomputes its own region only.
    Triggers, not services: every path that changes a task (services, bulk loads, plan revisions,
    the admin) keeps the figures right without remembering to."""

    # No database constraint: the triggers insert a stamp for the region of whatever row changed, also
    # while a flush (tests, `manage.py flush`) or a cascade empties the tables in its own order, where a
    # foreign key would refuse the commit. A stamp of a region that is gone is harmless.
    region = models.OneToOneField("plans.Region", verbose_name="区域", primary_key=True, on_delete=models.DO_NOTHING,
                                  related_name="+", db_constraint=False)
    version = models.BigIntegerField("版本", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "区域统计版本"
