from django.conf import settings
from django.db import models

# The object type of the audit rows of sign-ins and sign-outs (accounts): they change no data.
SIGN_IN_EVENTS = "auth.user"


def changes() -> models.QuerySet:
    """The audited changes, newest first (sign-ins left out). Every write goes through a service that
    writes an AuditEntry in its transaction, so the newest id names the state of the data: caches of
    pages and figures are keyed on it (tasks.models.data_stamp), with a lifetime as the safety net for
    writes that bypass services."""
    return AuditEntry.objects.exclude(object_type=SIGN_IN_EVENTS).order_by("-id")


class AuditEntry(models.Model):
    """Append-only trace of a change: who, when, what, before and after. Written by services in the
    same transaction as the change, never by signals."""

    at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    action = models.CharField("操作", max_length=50)
    object_type = models.CharField("对象类型", max_length=50)
    object_id = models.CharField("对象ID", max_length=50)
    # The task a change concerns (its record on the task page), by id: the audit log sits below
    # the apps that write it and holds no foreign key up to them. The column kept its name and
    # index from the foreign key it was (plans.AuditEntry.task).
    task_id = models.BigIntegerField("任务ID", null=True, blank=True, db_index=True)
    before = models.JSONField("修改前", null=True, blank=True)
    after = models.JSONField("修改后", null=True, blank=True)

    class Meta:
        db_table = "plans_auditentry"  # the table of the app it came from: moved without copying rows
        verbose_name = verbose_name_plural = "操作记录"
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_type}#{self.object_id}"
