"""Writing and pruning the audit log."""
from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone

from .models import SIGN_IN_EVENTS, AuditEntry


def audit(*, actor, action: str, obj, before: dict | None = None, after: dict | None = None, task=None,
          object_id=None) -> None:
    """`object_id` names an object that no longer has a pk (a deletion); `task` is the task the change
    concerns (a Task or its id)."""
    AuditEntry.objects.create(actor=actor if getattr(actor, "pk", None) else None, action=action,
                              object_type=obj._meta.label_lower, object_id=str(object_id or obj.pk),
                              task_id=getattr(task, "pk", task), before=before, after=after)


def audit_prune(*, now: dt.datetime | None = None, batch: int = 5000) -> int:
    """Delete sign-in audit rows (login, failure, lockout, logout) older than AUDIT_RETENTION_DAYS (at
    least 180, checked in settings); never a younger row. Rows about plans and tasks are the plan's
    revision history and the task's record, which plans carried over across years still need, so
    they are never pruned. In batches, so a first run over years of rows holds no long lock."""
    cutoff = (now or timezone.now()) - dt.timedelta(days=max(settings.AUDIT_RETENTION_DAYS, 180))
    total = 0
    while True:
        ids = list(AuditEntry.objects.filter(at__lt=cutoff, object_type=SIGN_IN_EVENTS).order_by("id")
                   .values_list("id", flat=True)[:batch])
        if not ids:
            return total
        total += AuditEntry.objects.filter(id__in=ids, at__lt=cutoff).delete()[0]
