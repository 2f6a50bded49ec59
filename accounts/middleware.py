"""Session limits for signed-in browsers: an idle timeout (SESSION_IDLE_TIMEOUT_SECONDS, 30
minutes by default) and an absolute age (SESSION_ABSOLUTE_SECONDS) after sign-in, whatever the
activity. Either ends the session with a Chinese message on the login page."""
from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import JsonResponse
from django.utils import timezone

from .signals import LAST_SEEN, LOGIN_AT
# The last-seen time is written at most this often, so a page full of polling requests does not
# save the session on every one of them.
TOUCH_EVERY = 60


class SessionLimitsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            now = timezone.now().timestamp()
            session = request.session
            last_seen = session.get(LAST_SEEN)
            login_at = session.get(LOGIN_AT)
            reason = None
            if last_seen is not None and now - last_seen > settings.SESSION_IDLE_TIMEOUT_SECONDS:
                reason, text = "idle", "您已长时间未操作，为保护账号安全已自动退出，请重新登录。"
            elif login_at is not None and now - login_at > settings.SESSION_ABSOLUTE_SECONDS:
                reason, text = "absolute", "登录已超过有效时长，为保护账号安全已自动退出，请重新登录。"
            if reason:
                request.accounts_logout_reason = reason
                logout(request)
                messages.info(request, text)
                if request.path.startswith("/api/"):
                    return JsonResponse({"detail": text}, status=401)
                return redirect_to_login(request.get_full_path())
            if last_seen is None or now - last_seen > TOUCH_EVERY:
                session[LAST_SEEN] = now
            if login_at is None:  # a session from before these limits: its absolute age starts now
                session[LOGIN_AT] = now
        return self.get_response(request)
