"""Use cases of sign-in: issuing, rotating and revoking API tokens; recording login events."""
from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from audit.models import AuditEntry
from audit.services import audit

from .models import ApiToken, key_hash


@dataclass
class IssuedToken:
    token: ApiToken
    key: str  # shown once; only its hash is stored


@transaction.atomic
def api_token_issue(*, user, actor=None, days: int | None = None, now: dt.datetime | None = None) -> IssuedToken:
    """A new token for `user`, valid API_TOKEN_LIFETIME_DAYS (or `days`); other tokens stay valid."""
    now = now or timezone.now()
    key = secrets.token_hex(20)
    token = ApiToken.objects.create(user=user, key_hash=key_hash(key), prefix=key[:8], created_at=now,
                                    expires_at=now + dt.timedelta(days=days or settings.API_TOKEN_LIFETIME_DAYS))
    audit(actor=actor or user, action="api_token_issue", obj=token,
          after={"user": user.get_username(), "prefix": token.prefix, "expires_at": token.expires_at.isoformat()})
    return IssuedToken(token=token, key=key)


@transaction.atomic
def api_token_revoke_all(*, user, actor=None, now: dt.datetime | None = None) -> int:
    now = now or timezone.now()
    tokens = list(ApiToken.objects.select_for_update().filter(user=user, revoked_at__isnull=True))
    for token in tokens:
        token.revoked_at = now
        token.save(update_fields=["revoked_at"])
        audit(actor=actor or user, action="api_token_revoke", obj=token,
              after={"user": user.get_username(), "prefix": token.prefix})
    return len(tokens)


@transaction.atomic
def api_token_rotate(*, user, actor=None, now: dt.datetime | None = None) -> IssuedToken:
    """Revoke every token of `user` and issue a new one (a leaked or ageing key is replaced)."""
    now = now or timezone.now()
    api_token_revoke_all(user=user, actor=actor, now=now)
    return api_token_issue(user=user, actor=actor, now=now)


def client_ip(request) -> str:
    """The client's address: REMOTE_ADDR, or with CLIENT_IP_PROXY_COUNT = N trusted proxies in
    front (nginx appending to X-Forwarded-For), the address the outermost trusted proxy saw."""
    if request is None:
        return ""
    count = settings.CLIENT_IP_PROXY_COUNT
    if count:
        hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
        if len(hops) >= count:
            return hops[-count]
    return request.META.get("REMOTE_ADDR", "")


def login_event_record(*, action: str, username: str, request=None, user=None, detail: dict | None = None) -> None:
    """One audit row per login success, failure, lockout and logout (等保: 登录行为可审计)."""
    after = {"username": (username or "")[:150], "ip": client_ip(request),
             "user_agent": (request.META.get("HTTP_USER_AGENT", "") if request else "")[:200], **(detail or {})}
    AuditEntry.objects.create(actor=user if getattr(user, "pk", None) else None, action=action,
                              object_type="auth.user",
                              object_id=str(user.pk) if getattr(user, "pk", None) else (username or "")[:50],
                              after=after)
