from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Sign-in and sessions: login throttling and lockout (django-axes), idle and absolute session
    limits, expiring API tokens, and the audit rows of every login event."""

    name = "accounts"
    verbose_name = "账号与登录"

    def ready(self):
        from . import signals  # noqa: F401  (login events → audit log)
