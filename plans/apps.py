from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _sync_supervisor_admin_group(sender, **kwargs):
    from .services import supervisor_admin_group_sync

    supervisor_admin_group_sync(create=False)


class PlansConfig(AppConfig):
    name = "plans"
    verbose_name = "方案与单位"

    def ready(self):
        # After the last app's migrations (the permissions of every app exist by then).
        post_migrate.connect(_sync_supervisor_admin_group, dispatch_uid="plans.supervisor_admin_group")
