"""Audit rows are kept at least AUDIT_RETENTION_DAYS (≥ 180); the nightly job deletes only older ones."""
import datetime as dt

import pytest
from django.utils import timezone

from audit.jobs import prune_audit_log
from audit.models import AuditEntry

pytestmark = pytest.mark.django_db


def row(age_days: float, now) -> AuditEntry:
    e = AuditEntry.objects.create(action="login_success", object_type="auth.user", object_id=str(age_days))
    AuditEntry.objects.filter(pk=e.pk).update(at=now - dt.timedelta(days=age_days))
    return e


def test_it_prunes_only_rows_past_the_retention(settings):
    now = timezone.now()
    settings.AUDIT_RETENTION_DAYS = 180
    keep = [row(d, now) for d in (0, 30, 179, 179.99)]
    drop = [row(d, now) for d in (180.01, 400)]
    assert prune_audit_log() == 2
    assert set(AuditEntry.objects.values_list("pk", flat=True)) == {e.pk for e in keep}
    assert not AuditEntry.objects.filter(pk__in=[e.pk for e in drop]).exists()
    assert prune_audit_log() == 0  # running again changes nothing


def test_it_keeps_the_plan_and_task_history_whatever_its_age(settings):
    now = timezone.now()
    e = AuditEntry.objects.create(action="plan_publish", object_type="plans.plan", object_id="1")
    AuditEntry.objects.filter(pk=e.pk).update(at=now - dt.timedelta(days=800))
    assert prune_audit_log() == 0 and AuditEntry.objects.filter(pk=e.pk).exists()


def test_it_never_keeps_less_than_180_days_whatever_the_setting(settings):
    now = timezone.now()
    settings.AUDIT_RETENTION_DAYS = 7  # refused at start-up; and the job would not obey it either
    young = row(100, now)
    prune_audit_log()
    assert AuditEntry.objects.filter(pk=young.pk).exists()


def test_it_schedules_the_pruning_job(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["plans-prune-audit-log"]
    assert entry["task"] == prune_audit_log.name
