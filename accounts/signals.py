"""Login events → audit rows. Django's auth and django-axes announce them only as signals, so
this is the one place the audit log is written from a signal receiver."""
from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.utils import timezone

from .services import login_event_record

LOGIN_AT = "accounts_login_at"  # session key: when this session signed in (absolute age)
LAST_SEEN = "accounts_last_seen"  # session key: the last request (idle timeout)


@receiver(user_logged_in, dispatch_uid="accounts.login_ok")
def _logged_in(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        # Both clocks start at sign-in (accounts/middleware.py), so the first page does not have
        # to write the session again.
        request.session[LOGIN_AT] = request.session[LAST_SEEN] = timezone.now().timestamp()
    login_event_record(action="login_success", username=user.get_username(), request=request, user=user)


@receiver(user_login_failed, dispatch_uid="accounts.login_failed")
def _login_failed(sender, credentials, request=None, **kwargs):
    if request is None:
        return  # authenticate() called by code (a command, a test), not a sign-in attempt
    username = credentials.get("username") or ""
    user = get_user_model().objects.filter(username=username).first()
    login_event_record(action="login_failed", username=username, request=request, user=user)


@receiver(user_locked_out, dispatch_uid="accounts.locked_out")
def _locked_out(sender, request, username, ip_address, **kwargs):
    user = get_user_model().objects.filter(username=username).first() if username else None
    login_event_record(action="login_locked_out", username=username or "", request=request, user=user)


@receiver(user_logged_out, dispatch_uid="accounts.logout")
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        login_event_record(action="logout", username=user.get_username(), request=request, user=user,
                           detail={"reason": getattr(request, "accounts_logout_reason", "user")})
