from django.apps import AppConfig


class ExportsConfig(AppConfig):
    """台账 / 通报 exports. Its own app (label `supervision_exports`) so that its job table and
    migrations stay apart from supervision's reminders and urging."""

    name = "supervision.exports"
    label = "supervision_exports"
    verbose_name = "督办导出"
