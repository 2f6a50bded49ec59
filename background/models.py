"""The abstract background job. The row is the job's whole state; a broker message is only a hint
to look at it, so a lost, duplicated or late message is harmless."""
from __future__ import annotations

from django.db import models


class BackgroundJob(models.Model):
    """A unit of work run by a Celery worker, claimed by compare-and-set and held under a lease.

    - `attempts` counts claims; every write of a run is fenced on (status=running, attempts=its
      claim number), so a worker that lost its claim (presumed dead, then alive after all) cannot
      overwrite the run that replaced it.
    - `lease_until` is the next time to look at the job: for a queued job, when to send its message
      again if nobody took it (the broker lost it); for a running job, when its worker is presumed
      dead (the worker renews it while alive). Done and failed jobs have none.
    Subclasses set `task_name` (the Celery job that runs them) and `visible_to(user)`."""

    class Status(models.TextChoices):
        QUEUED = "queued", "排队中"
        RUNNING = "running", "进行中"
        DONE = "done", "已完成"
        FAILED = "failed", "失败"

    task_name: str = ""
    crash_message = "执行时发生内部错误，请稍后重试或联系管理员。"

    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField("进度", default=0)
    message = models.TextField("说明", blank=True)
    attempts = models.PositiveSmallIntegerField("已执行次数", default=0)
    claimed_at = models.DateTimeField("开始执行时间", null=True, blank=True)
    claimed_by = models.CharField("执行进程", max_length=100, blank=True)  # host:pid of the worker
    lease_until = models.DateTimeField("租约到期", null=True, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        abstract = True
        # Serves the sweeper: `status IN (queued, running) AND lease_until < now`.
        indexes = [models.Index(fields=["lease_until"], name="%(class)s_lease",
                                condition=models.Q(status__in=["queued", "running"]))]

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def retryable(self) -> bool:
        """Whether 重试 can run it again (an import whose refused file was deleted cannot)."""
        return self.status == self.Status.FAILED

    @classmethod
    def visible_to(cls, user) -> models.QuerySet:
        raise NotImplementedError

    def can_retry(self, user) -> bool:
        """The job's owner or an admin (subclasses say who an admin is)."""
        return self.retryable and (self.created_by_id == user.pk or user.is_superuser)
