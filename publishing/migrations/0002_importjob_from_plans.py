"""The plan import job, moved here from plans with its table (`plans_importjob`, kept): state only.
The content type is renamed, so permissions granted on it stay granted."""
import config.files
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
        ('plans', '0012_audit_and_import_jobs_move_out'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('publishing', '0001_case_library_and_measure_links'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='ImportJob',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('progress', models.PositiveSmallIntegerField(default=0, verbose_name='进度')),
                        ('message', models.TextField(blank=True, verbose_name='说明')),
                        ('attempts', models.PositiveSmallIntegerField(default=0, verbose_name='已执行次数')),
                        ('claimed_at', models.DateTimeField(blank=True, null=True, verbose_name='开始执行时间')),
                        ('claimed_by', models.CharField(blank=True, max_length=100, verbose_name='执行进程')),
                        ('lease_until', models.DateTimeField(blank=True, null=True, verbose_name='租约到期')),
                        ('finished_at', models.DateTimeField(blank=True, null=True, verbose_name='完成时间')),
                        ('status', models.CharField(choices=[('queued', '排队中'), ('running', '解析中'), ('done', '已完成'), ('failed', '失败')], default='queued', max_length=20, verbose_name='状态')),
                        ('file', models.FileField(blank=True, upload_to=config.files.RandomName('imports'), verbose_name='文件')),
                        ('original_name', models.CharField(max_length=255, verbose_name='原文件名')),
                        ('size', models.PositiveBigIntegerField(verbose_name='大小（字节）')),
                        ('warnings', models.JSONField(blank=True, default=list, verbose_name='警告')),
                        ('unknown_units', models.JSONField(blank=True, default=list, verbose_name='未识别单位')),
                        ('diff', models.JSONField(blank=True, default=list, verbose_name='差异')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='上传时间')),
                        ('created_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='上传人')),
                        ('plan', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='import_jobs', to='plans.plan', verbose_name='方案')),
                        ('region', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='plans.region', verbose_name='区域')),
                    ],
                    options={
                        'verbose_name': '导入任务',
                        'verbose_name_plural': '导入任务',
                        'db_table': 'plans_importjob',
                        'ordering': ['-created_at'],
                        'abstract': False,
                        'indexes': [models.Index(condition=models.Q(('status__in', ['queued', 'running'])), fields=['lease_until'], name='importjob_lease')],
                    },
                ),
            ],
        ),
        migrations.RunPython(_move_content_type("plans", "publishing", "importjob"),
                             _move_content_type("publishing", "plans", "importjob")),
    ]
