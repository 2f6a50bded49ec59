"""Login throttling and lockout on django-axes, per username and per client address.

A username is locked after AXES_FAILURE_LIMIT failures; an address after LOGIN_IP_FAILURE_LIMIT
failures over any usernames (higher: an office signs in from one NAT address), each for
AXES_COOLOFF_TIME. The lockout page is Chinese (templates/registration/locked_out.html)."""
from __future__ import annotations

from axes.backends import AxesStandaloneBackend
from axes.handlers.database import AxesDatabaseHandler
from django.conf import settings
from django.db.models import Sum

from .services import client_ip


class LoginThrottleBackend(AxesStandaloneBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            # authenticate() called by code (shell, commands, the test client's login()), not by
            # a sign-in form or the API: there is no client to throttle.
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


class LoginThrottleHandler(AxesDatabaseHandler):
    """axes counts failures per lockout parameter and compares the largest with one limit; here
    the address has its own, higher limit."""

    def get_failures(self, request, credentials=None) -> int:
        counts = [qs.aggregate(n=Sum("failures_since_start"))["n"] or 0
                  for qs in self.get_user_attempts(request, credentials)]
        by_user, by_ip = (counts + [0, 0])[:2]  # AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
        if by_ip >= settings.LOGIN_IP_FAILURE_LIMIT:
            return max(by_user, settings.AXES_FAILURE_LIMIT)
        return by_user


def lockout_response(request, original_response=None, credentials=None):
    from django.shortcuts import render

    username = (credentials or {}).get("username") or request.POST.get("username", "")
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    if request.path.startswith("/api/"):
        from django.http import JsonResponse

        return JsonResponse({"detail": f"登录失败次数过多，已暂时锁定，请 {minutes} 分钟后再试。"}, status=429)
    return render(request, "registration/locked_out.html", {"username": username, "cooloff_minutes": minutes},
                  status=429)


def axes_client_ip(request) -> str:
    return client_ip(request) or "0.0.0.0"
