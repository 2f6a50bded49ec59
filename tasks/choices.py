from django.db import models


class ReportStatus(models.TextChoices):
    NOT_STARTED = "not_started", "未启动"
    IN_PROGRESS = "in_progress", "推进中"
    DONE = "done", "已完成"
    DIFFICULT = "difficult", "存在困难"


class TaskStatus(models.TextChoices):
    """Computed, never stored: see Task.get_status(now)."""

    NOT_STARTED = "not_started", "未启动"
    IN_PROGRESS = "in_progress", "推进中"
    DUE_SOON = "due_soon", "即将到期"
    OVERDUE = "overdue", "已逾期"
    PENDING_REVIEW = "pending_review", "待审核"
    CLOSED = "closed", "已办结"
    EXTENDED = "extended", "已延期"
    WITHDRAWN = "withdrawn", "已撤销"


class Light(models.TextChoices):
    GREEN = "green", "绿"
    YELLOW = "yellow", "黄"
    RED = "red", "红"


class Decision(models.TextChoices):
    PENDING = "pending", "待审批"
    APPROVED = "approved", "已同意"
    REJECTED = "rejected", "已驳回"
