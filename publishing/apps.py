from django.apps import AppConfig


class PublishingConfig(AppConfig):
    name = "publishing"
    verbose_name = "先进经验与跨年延续"

    def ready(self):
        # Every stored plan import suggests its carry-over links (plans, a lower layer, calls us
        # through this hook and never imports publishing).
        from plans.services import register_after_import

        from .carryover import carryover_suggest

        register_after_import(carryover_suggest)
