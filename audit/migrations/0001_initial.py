"""The audit log, moved here from plans with its table (`plans_auditentry`, kept): state only. Its
`task` foreign key became the plain `task_id` column it always was (plans/0012 dropped the
constraint). The content type is renamed, so permissions granted on it stay granted."""
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

    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("plans", "0012_audit_and_import_jobs_move_out"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="AuditEntry",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False,
                                                   verbose_name="ID")),
                        ("at", models.DateTimeField(auto_now_add=True, db_index=True, verbose_name="时间")),
                        ("action", models.CharField(max_length=50, verbose_name="操作")),
                        ("object_type", models.CharField(max_length=50, verbose_name="对象类型")),
                        ("object_id", models.CharField(max_length=50, verbose_name="对象ID")),
                        ("task_id", models.BigIntegerField(blank=True, db_index=True, null=True,
                                                           verbose_name="任务ID")),
                        ("before", models.JSONField(blank=True, null=True, verbose_name="修改前")),
                        ("after", models.JSONField(blank=True, null=True, verbose_name="修改后")),
                        ("actor", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT,
                                                    related_name="+", to=settings.AUTH_USER_MODEL,
                                                    verbose_name="操作人")),
                    ],
                    options={
                        "verbose_name": "操作记录",
                        "verbose_name_plural": "操作记录",
                        "db_table": "plans_auditentry",
                        "ordering": ["-at", "-id"],
                        "indexes": [models.Index(fields=["object_type", "object_id"], name="audit_object")],
                    },
                ),
            ],
        ),
        migrations.RunPython(_move_content_type("plans", "audit", "auditentry"),
                             _move_content_type("audit", "plans", "auditentry")),
    ]
