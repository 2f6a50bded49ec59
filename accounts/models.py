"""API tokens that expire and can be rotated. Only a hash of the key is stored: the key is shown
once, when it is issued, and a database dump or an admin page never reveals a usable token."""
from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def active(self, *, now) -> ApiTokenQuerySet:
        return self.filter(revoked_at__isnull=True, expires_at__gt=now)


class ApiToken(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="用户", on_delete=models.CASCADE,
                             related_name="api_tokens")
    key_hash = models.CharField("密钥摘要", max_length=64, unique=True)
    prefix = models.CharField("密钥前缀", max_length=8, help_text="用于辨认，不能用于认证。")
    created_at = models.DateTimeField("签发时间", default=timezone.now)
    expires_at = models.DateTimeField("过期时间")
    last_used_at = models.DateTimeField("最近使用", null=True, blank=True)
    revoked_at = models.DateTimeField("吊销时间", null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "接口令牌"
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user"], name="apitoken_user_active",
                                condition=Q(revoked_at__isnull=True))]

    def __str__(self) -> str:
        return f"{self.user} · {self.prefix}…"
