"""The project: settings, URLs, the Celery app (the top floor: they name every app) and small
utilities every app may use (`env`, `files`, `inputs`, `pagination`: the basement)."""
from .celery import app as celery_app

__all__ = ["celery_app"]
