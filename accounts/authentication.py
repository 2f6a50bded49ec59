"""`Authorization: Token <key>` with expiring, revocable, hashed tokens (accounts.models.ApiToken)."""
from __future__ import annotations

import datetime as dt

from django.utils import timezone
from rest_framework import authentication, exceptions

from .models import ApiToken, key_hash


class ExpiringTokenAuthentication(authentication.TokenAuthentication):
    keyword = "Token"

    def authenticate_credentials(self, key):
        now = timezone.now()
        token = (ApiToken.objects.select_related("user").filter(key_hash=key_hash(key), revoked_at__isnull=True)
                 .first())
        if token is None:
            raise exceptions.AuthenticationFailed("令牌无效或已被吊销。")
        if token.expires_at <= now:
            raise exceptions.AuthenticationFailed("令牌已过期，请更换新令牌。")
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed("账号已停用。")
        # One write a minute at most per token, not one per request.
        if token.last_used_at is None or now - token.last_used_at > dt.timedelta(minutes=1):
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token
