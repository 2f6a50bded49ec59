from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "supervision"
    verbose_name = "督办"

    def ready(self):
        # plans sits below supervision and may not import it: it announces revisions of published
        # plans by a signal, and the units concerned are told here.
        from plans.signals import tasks_revised

        from .services import plan_revision_notify

        tasks_revised.connect(plan_revision_notify, dispatch_uid="supervision.plan_revision_notify")
