from django.db import models


class LinkStatus(models.TextChoices):
    SUGGESTED = "suggested", "待确认"
    CONFIRMED = "confirmed", "已确认"
    REJECTED = "rejected", "已否定"


class LinkDecision(models.TextChoices):
    """What an admin does with a suggested link (review page, API)."""

    CONFIRM = "confirm", "确认延续"
    REJECT = "reject", "否定"
