from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "indicators"
    verbose_name = "量化指标"

    def ready(self):
        # The importer (plans, a lower layer) calls this on every parsed plan; plans never imports us.
        from plans.importers import register_enricher

        from .mapping import annotate_tree

        register_enricher(annotate_tree)
