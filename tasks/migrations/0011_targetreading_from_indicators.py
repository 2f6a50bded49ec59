"""TargetReading, moved here from indicators with its table (`indicators_targetreading`, kept):
state only. The content type is renamed, so permissions granted on it stay granted."""
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def _move_content_type(old_app: str, new_app: str, model: str):
    def move(apps, schema_editor):
        ContentType = apps.get_model("contenttypes", "ContentType")
        if not ContentType.objects.filter(app_label=new_app, model=model).exists():
            ContentType.objects.filter(app_label=old_app, model=model).update(app_label=new_app)
    return move


class Migration(migrations.Migration):

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("indicators", "0004_targetreading_moves_to_tasks"),
        ("tasks", "0010_task_eff_deadline_index"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="TargetReading",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False,
                                                   verbose_name="ID")),
                        ("period", models.DateField(verbose_name="周期")),
                        ("value", models.DecimalField(decimal_places=4, max_digits=20, verbose_name="实际值")),
                        ("recorded_at", models.DateTimeField(auto_now_add=True, verbose_name="填报时间")),
                        ("recorded_by", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT,
                                                          related_name="+", to=settings.AUTH_USER_MODEL,
                                                          verbose_name="填报人")),
                        ("report", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE,
                                                     related_name="readings", to="tasks.progressreport",
                                                     verbose_name="进展报告")),
                        ("target", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE,
                                                     related_name="readings", to="indicators.target",
                                                     verbose_name="指标")),
                    ],
                    options={
                        "verbose_name": "指标实际值",
                        "verbose_name_plural": "指标实际值",
                        "db_table": "indicators_targetreading",
                        "ordering": ["target", "-period", "-recorded_at"],
                        "indexes": [models.Index(fields=["target", "period"], name="reading_target_period")],
                        "constraints": [models.UniqueConstraint(fields=("target", "report"),
                                                                name="reading_unique_per_report")],
                    },
                ),
            ],
        ),
        migrations.RunPython(_move_content_type("indicators", "tasks", "targetreading"),
                             _move_content_type("tasks", "indicators", "targetreading")),
    ]
