"""The models that moved between apps (issue 13: AuditEntry plans → audit, ImportJob plans →
publishing, TargetReading indicators → tasks) keep their tables and rows: migrating back to before
the move and forward again loses nothing, and the permissions granted on them stay granted."""
import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from audit.models import AuditEntry
from audit.services import audit
from publishing.models import ImportJob
from tasks.models import ProgressReport, TargetReading
from tests.factories import TargetFactory, TaskFactory

BEFORE = [("plans", "0011_measure_national_indicator"), ("indicators", "0003_target_latest_reading"),
          ("publishing", "0001_case_library_and_measure_links"), ("tasks", "0010_task_eff_deadline_index"),
          ("audit", None)]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state([t for t in targets if t[1]]).apps


@pytest.mark.django_db(transaction=True)
def test_the_moved_models_keep_their_rows_both_ways(cast):
    task = TaskFactory(measure__plan=cast.plan, unit=cast.unit)
    report = ProgressReport.objects.create(task=task, period=dt.date(2026, 3, 1), status="in_progress",
                                           done_text="已完成企业开办专区建设。", submitted_by=cast.staff)
    reading = TargetReading.objects.create(target=TargetFactory(measure=task.measure), report=report,
                                           period=report.period, value=Decimal("91.5"), recorded_by=cast.staff)
    audit(actor=cast.staff, action="report_submit", obj=report, task=task, after={"x": 1})
    job = ImportJob.objects.create(region=cast.region, original_name="方案.docx", size=10, created_by=cast.admin)
    group = Group.objects.create(name="迁移测试")
    group.permissions.set(Permission.objects.filter(codename__in=["view_auditentry", "view_importjob",
                                                                   "view_targetreading"]))
    assert group.permissions.count() == 3
    latest = [(app, name) for app, name in MigrationExecutor(connection).loader.graph.leaf_nodes()]
    try:
        old = _migrate(BEFORE)
        entry = old.get_model("plans", "AuditEntry").objects.get(action="report_submit")
        assert entry.task_id == task.pk and entry.after == {"x": 1}
        assert old.get_model("plans", "ImportJob").objects.get().original_name == "方案.docx"
        assert old.get_model("indicators", "TargetReading").objects.get().value == Decimal("91.5")
    finally:
        _migrate(latest)
    assert AuditEntry.objects.get(action="report_submit").task_id == task.pk
    assert ImportJob.objects.get().pk == job.pk
    assert TargetReading.objects.get().pk == reading.pk
    assert set(group.permissions.values_list("content_type__app_label", "codename")) == {
        ("audit", "view_auditentry"), ("publishing", "view_importjob"), ("tasks", "view_targetreading")}
