from django.db import models


class ReminderKind(models.TextChoices):
    REPORT_DUE_SOON = "report_due_soon", "进展报送即将截止"
    REPORT_MISSING = "report_missing", "进展未按时报送"
    DEADLINE_APPROACHING = "deadline_approaching", "任务即将到期"
    OVERDUE = "overdue", "任务已逾期"
    URGED = "urged", "催办"
    ESCALATED = "escalated", "督办"
    EXTENSION_DECIDED = "extension_decided", "延期申请已审批"
    COMPLETION_REVIEWED = "completion_reviewed", "办结申请已审核"
    PLAN_CHANGED = "plan_changed", "方案调整"


class Channel(models.TextChoices):
    INAPP = "inapp", "站内消息"
    EMAIL = "email", "电子邮件"
    WECOM = "wecom", "企业微信群机器人"
    DINGTALK = "dingtalk", "钉钉群机器人"


# Channels that send a daily digest through the outbox; in-app messages are the reminder rows.
DIGEST_CHANNELS = (Channel.EMAIL, Channel.WECOM, Channel.DINGTALK)


class UrgeLevel(models.TextChoices):
    URGE = "urge", "催办"
    ESCALATE = "escalate", "督办"
