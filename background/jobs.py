"""Celery jobs of the background app: the sweeper, run by beat every JOBS_SWEEP_SECONDS."""
from __future__ import annotations

from celery import shared_task


@shared_task(name="background.sweep_jobs", ignore_result=True)
def sweep_jobs() -> dict:
    from .services import jobs_sweep

    return jobs_sweep()
