"""Supervision use cases: urging, extension decisions, close-out review, reopening, settings.

Each writes its audit entries in the same transaction and tells the people concerned by writing
Reminder rows (the in-app notification, carried by the next digest on their other channels)."""
from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from audit.services import audit
from config.refusals import Refused
from plans.choices import Role
from plans.models import Membership, Unit
from plans.querysets import scope_of
from plans.rules import supervises
from tasks.choices import Decision
from tasks.models import CompletionApplication, DecidedRequest, ExtensionRequest, Task
from tasks.workdays import local_date

from .channels import webhooks
from .choices import Channel, ReminderKind, UrgeLevel
from .models import ChannelConfig, Reminder, Urge


class SupervisionRefused(Refused):
    """A supervision use case refused, with a Chinese message for the page (config.refusals)."""


def _require_supervisor(actor) -> None:
    if not supervises(actor):
        raise PermissionDenied("只有督查人员可以进行此操作。")


def _check_task_scope(actor, task: Task) -> None:
    if not Task.objects.visible_to(actor).filter(pk=task.pk).exists():
        raise PermissionDenied("该任务不在您的督办范围内。")


def notify(*, recipients, kind: str, task: Task | None, text: str, ref: str, now: dt.datetime) -> int:
    """Write one reminder per recipient; a repeat of the same (kind, ref) is ignored."""
    day = local_date(now)
    rows = [Reminder(recipient=u, kind=kind, period=day, task=task, text=text[:500],
                     key=f"{day.isoformat()}:{task.pk if task else '-'}:{ref}") for u in recipients]
    return len(Reminder.objects.bulk_create(rows, ignore_conflicts=True))


def _unit_users(unit_id: int, roles=(Role.STAFF, Role.UNIT_HEAD)):
    return [m.user for m in Membership.objects.filter(unit_id=unit_id, role__in=roles).select_related("user")]


def _snapshot(task: Task) -> dict:
    return {"deadline": task.deadline.isoformat() if task.deadline else None,
            "granted_deadline": task.granted_deadline.isoformat() if task.granted_deadline else None,
            "completion_applied_at": task.completion_applied_at.isoformat() if task.completion_applied_at else None,
            "closed_at": task.closed_at.isoformat() if task.closed_at else None,
            "closed_by": task.closed_by_id}


def _lock(task: Task) -> Task:
    return Task.objects.select_for_update().get(pk=task.pk)


# --- Urging -------------------------------------------------------------------------------------

@transaction.atomic
def urge_create(*, actor, message: str, task: Task | None = None, unit: Unit | None = None,
                level: str = UrgeLevel.URGE, now: dt.datetime | None = None) -> Urge:
    """催办 a task (its unit) or a whole unit; the unit's staff and head are told and must answer."""
    _require_supervisor(actor)
    now = now or timezone.now()
    if task is None and unit is None:
        raise SupervisionRefused("请选择催办的任务或单位。")
    if not message.strip():
        raise SupervisionRefused("请填写催办内容。")
    if task is not None:
        _check_task_scope(actor, task)
        if task.closed_at:
            raise SupervisionRefused("该任务已办结销号，无需催办。")
        if task.withdrawn_at:
            raise SupervisionRefused("该任务已因方案调整撤销，无需催办。")
        unit = task.unit
    elif not Unit.objects.visible_to(actor).filter(pk=unit.pk).exists():
        raise PermissionDenied("该单位不在您的督办范围内。")
    urge = Urge(level=level, task=task, unit=unit, message=message.strip(), created_by=actor)
    urge.full_clean()
    urge.save()
    audit(actor=actor, action=f"urge_{level}", obj=urge, task=task,
          after={"unit": unit.name, "message": urge.message})
    kind = ReminderKind.ESCALATED if level == UrgeLevel.ESCALATE else ReminderKind.URGED
    notify(recipients=_unit_users(unit.pk), kind=kind, task=task, text=urge.message, ref=f"u{urge.pk}", now=now)
    return urge


@transaction.atomic
def urge_respond(*, urge: Urge, actor, response: str, now: dt.datetime | None = None) -> Urge:
    """The urged unit answers (情况说明)."""
    now = now or timezone.now()
    scope = scope_of(actor)
    if not (scope.is_admin or (scope.unit_id == urge.unit_id and scope.role in (Role.STAFF, Role.UNIT_HEAD))):
        raise PermissionDenied("只有被催办单位可以答复。")
    if not response.strip():
        raise SupervisionRefused("请填写答复内容。")
    urge = Urge.objects.select_for_update().get(pk=urge.pk)
    before = {"response": urge.response}
    urge.response, urge.responded_by, urge.responded_at = response.strip(), actor, now
    urge.save(update_fields=["response", "responded_by", "responded_at"])
    audit(actor=actor, action="urge_respond", obj=urge, task=urge.task, before=before,
          after={"response": urge.response})
    return urge


# --- Extension and close-out review: one decision ---------------------------------------------

def _decide(request: DecidedRequest, *, actor, approve: bool, comment: str, now: dt.datetime,
            action: str) -> DecidedRequest:
    """Record a supervisor's decision on a pending request (延期申请, 办结申请) with its audit row;
    a rejection needs a comment. The caller applies it to the task, in the same transaction."""
    _require_supervisor(actor)
    model = type(request)
    req = model.objects.select_for_update().get(pk=request.pk)
    _check_task_scope(actor, req.task)
    if req.decision != Decision.PENDING:
        raise SupervisionRefused(f"该{model.noun}已{model.verb}，不能重复{model.verb}。")
    if req.task.withdrawn_at:
        raise SupervisionRefused(f"该任务已随方案调整撤销，{model.noun}无需再{model.verb}。")
    if not approve and not comment.strip():
        raise SupervisionRefused(f"{model.reject_verb}{model.noun}请填写{model.verb}意见。")
    req.decision = Decision.APPROVED if approve else Decision.REJECTED
    req.decided_by, req.decided_at, req.comment = actor, now, comment.strip()
    req.save(update_fields=["decision", "decided_by", "decided_at", "comment"])
    audit(actor=actor, action=action, obj=req, task=req.task, before={"decision": Decision.PENDING},
          after={"decision": req.decision, "comment": req.comment})
    return req


@transaction.atomic
def extension_decide(*, request: ExtensionRequest, actor, approve: bool, comment: str = "",
                     now: dt.datetime | None = None) -> ExtensionRequest:
    """Approve (the task's granted_deadline becomes the requested date) or reject a 延期申请.
    The request row keeps the history; the task's original deadline is never touched."""
    now = now or timezone.now()
    req = _decide(request, actor=actor, approve=approve, comment=comment, now=now, action="extension_decide")
    task = _lock(req.task)
    if approve:
        before = _snapshot(task)
        task.granted_deadline = req.requested_deadline
        task.version += 1
        task.save(update_fields=["granted_deadline", "version"])
        audit(actor=actor, action="task_deadline_extended", obj=task, task=task, before=before,
              after=_snapshot(task))
    verdict = "同意" if approve else "驳回"
    text = f"延期申请（延至{req.requested_deadline:%Y年%-m月%-d日}）已{verdict}" + (f"：{req.comment}" if req.comment else "")
    notify(recipients=[req.requested_by], kind=ReminderKind.EXTENSION_DECIDED, task=task, text=text,
           ref=f"x{req.pk}", now=now)
    return req


@transaction.atomic
def completion_review(*, application: CompletionApplication, actor, approve: bool, comment: str = "",
                      now: dt.datetime | None = None) -> CompletionApplication:
    """Approve: the task is closed (销号). Return: the task goes back to in progress with the comment."""
    now = now or timezone.now()
    app = _decide(application, actor=actor, approve=approve, comment=comment, now=now, action="completion_review")
    task = _lock(app.task)
    before = _snapshot(task)
    if approve:
        task.closed_at, task.closed_by = now, actor
        fields = ["closed_at", "closed_by"]
    else:
        task.completion_applied_at = None
        fields = ["completion_applied_at"]
    task.version += 1
    task.save(update_fields=fields + ["version"])
    audit(actor=actor, action="task_closed" if approve else "task_completion_returned", obj=task, task=task,
          before=before, after=_snapshot(task))
    text = "办结申请已通过，任务已销号" if approve else f"办结申请被退回：{app.comment}"
    notify(recipients=[app.applied_by], kind=ReminderKind.COMPLETION_REVIEWED, task=task, text=text,
           ref=f"c{app.pk}", now=now)
    return app


@transaction.atomic
def task_reopen(*, task: Task, actor, reason: str, now: dt.datetime | None = None) -> Task:
    """Undo a close-out (销号 in error, work found unfinished); logged with the reason."""
    _require_supervisor(actor)
    now = now or timezone.now()
    _check_task_scope(actor, task)
    if not reason.strip():
        raise SupervisionRefused("请填写重新打开的理由。")
    task = _lock(task)
    if not task.closed_at:
        raise SupervisionRefused("该任务尚未办结，无需重新打开。")
    before = _snapshot(task)
    task.closed_at, task.closed_by, task.completion_applied_at = None, None, None
    task.version += 1
    task.save(update_fields=["closed_at", "closed_by", "completion_applied_at", "version"])
    audit(actor=actor, action="task_reopen", obj=task, task=task, before=before,
          after={**_snapshot(task), "reason": reason.strip()})
    notify(recipients=_unit_users(task.unit_id), kind=ReminderKind.URGED, task=task,
           text=f"任务已重新打开：{reason.strip()}", ref=f"reopen{task.version}", now=now)
    return task


# --- Notification settings -------------------------------------------------------------------------

@transaction.atomic
def channel_config_save(*, actor, channel: str, enabled: bool, webhook_url: str = "", secret: str = "",
                        unit: Unit | None = None) -> ChannelConfig:
    """A user's own channel preference, or (unit head, admin) the unit's group robot.

    Robot addresses (personal or the unit's) are set by unit heads and admins only, and only to
    the allowed robot hosts (supervision/channels/webhooks.py): the worker POSTs to them from
    inside the network. Audit rows keep the address without its key."""
    if channel == Channel.INAPP:
        raise SupervisionRefused("站内消息始终开启。")
    scope = scope_of(actor)
    if unit is not None:
        if not (scope.is_admin or (scope.role == Role.UNIT_HEAD and scope.unit_id == unit.pk)):
            raise PermissionDenied("只有本单位负责人或管理员可以设置单位机器人。")
        owner = {"unit": unit}
    else:
        owner = {"user": actor}
    webhook_url = webhook_url.strip()
    if webhook_url:
        if not (scope.is_admin or scope.role == Role.UNIT_HEAD):
            raise PermissionDenied("只有单位负责人或管理员可以设置机器人地址。")
        try:
            webhooks.check_url(webhook_url)
        except webhooks.WebhookRefused as e:
            raise SupervisionRefused(str(e)) from e
    if enabled and channel in (Channel.WECOM, Channel.DINGTALK) and not webhook_url and unit is not None:
        raise SupervisionRefused("请填写机器人 Webhook 地址。")
    cfg = ChannelConfig.objects.filter(channel=channel, **owner).first() or ChannelConfig(channel=channel, **owner)
    before = {"enabled": cfg.enabled, "webhook_url": webhooks.masked(cfg.webhook_url)} if cfg.pk else None
    cfg.enabled, cfg.webhook_url = enabled, webhook_url
    if secret:
        cfg.secret = secret.strip()
    try:
        cfg.full_clean()
    except ValidationError as e:
        raise SupervisionRefused("；".join(m for ms in e.message_dict.values() for m in ms)) from e
    try:
        cfg.save()
    except IntegrityError as e:  # pragma: no cover - concurrent first save
        raise SupervisionRefused("设置已被修改，请刷新后重试。") from e
    audit(actor=actor, action="channel_config_save", obj=cfg, before=before,
          after={"enabled": cfg.enabled, "webhook_url": webhooks.masked(cfg.webhook_url), "channel": channel,
                 "secret_set": bool(cfg.secret)})
    return cfg


# --- Plan revisions ------------------------------------------------------------------------------

def plan_revision_notify(*, plan, notices, now: dt.datetime, **_) -> int:
    """Receiver of plans.signals.tasks_revised: each changed task's staff and head get an in-app
    reminder (方案调整) saying what changed; their other channels carry it in the next digest."""
    unit_ids = {task.unit_id for task, _text in notices}
    users: dict[int, list] = {}
    for m in Membership.objects.filter(unit_id__in=unit_ids, role__in=(Role.STAFF, Role.UNIT_HEAD),
                                       user__is_active=True).select_related("user"):
        users.setdefault(m.unit_id, []).append(m.user)
    day = local_date(now)
    rows = [Reminder(recipient=u, kind=ReminderKind.PLAN_CHANGED, period=day, task=task, text=text[:500],
                     key=f"{day.isoformat()}:{task.pk}:p{task.version}")
            for task, text in notices for u in users.get(task.unit_id, [])]
    return len(Reminder.objects.bulk_create(rows, ignore_conflicts=True))
