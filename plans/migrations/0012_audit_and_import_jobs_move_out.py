"""The audit log moves to the `audit` app and the import job to `publishing` (issue 13: plans is the
ground and refers to no app above it). Their tables stay where they are (`db_table`): this migration
and audit/0001, publishing/0002 only move the models between apps' states. The one change to the
database: the audit log's task column stops being a foreign key to tasks (its values and index stay)."""
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("plans", "0011_measure_national_indicator"),
        ("tasks", "0010_task_eff_deadline_index"),
    ]

    operations = [
        migrations.AlterField(
            model_name="auditentry",
            name="task",
            field=models.ForeignKey(blank=True, db_constraint=False, null=True,
                                    on_delete=django.db.models.deletion.PROTECT, related_name="audit_entries",
                                    to="tasks.task", verbose_name="任务"),
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="AuditEntry"),
                migrations.DeleteModel(name="ImportJob"),
            ],
        ),
    ]
