"""RegionFactsStamp and the triggers that bump it (see the model's docstring).

A region's counter goes up when a statement inserts, updates or deletes tasks or targets of the
region or updates its plan; the upsert creates the counter on first use. The regions are found
through the plan (a task's plan_id, a target's measure's plan_id).

Also: no FOREIGN KEY constraints on Reminder.recipient / Reminder.task / Escalation.task (see
Reminder): their deferred checks at COMMIT dominated the reminder scan's first run.

PostgreSQL: statement-level triggers over the transition tables, one upsert per statement. A
row-level trigger there would update the one counter row once per task in a bulk insert, and each
update walks the chain of versions the earlier ones left in the same transaction: quadratic (a
5,000-row batch took minutes). SQLite updates in place, so its row-level triggers are linear."""
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

STAMP = "supervision_regionfactsstamp"
UPSERT = (f"INSERT INTO {STAMP} (region_id, version) SELECT DISTINCT p.region_id, 1 FROM plans_plan p {{where}} "
          f"ON CONFLICT (region_id) DO UPDATE SET version = {STAMP}.version + 1")
# (table, the WHERE clause given the rows' key column set, the key column, events)
WATCHED = [("tasks_task", "WHERE p.id IN ({ids})", "plan_id", ("INSERT", "UPDATE", "DELETE")),
           ("indicators_target", "JOIN plans_measure m ON m.plan_id = p.id WHERE m.id IN ({ids})", "measure_id",
            ("INSERT", "UPDATE", "DELETE")),
           ("plans_plan", "WHERE p.id IN ({ids})", "id", ("UPDATE",))]
ROWS = {"INSERT": ["new"], "UPDATE": ["new", "old"], "DELETE": ["old"]}


def _name(table: str, event: str) -> str:
    return f"facts_stamp_{table}_{event.lower()}"


def create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for table, where, key, events in WATCHED:
        for event in events:
            name = _name(table, event)
            if vendor == "postgresql":
                # UPDATE: the old and new rows may name different plans (a task moved); both count.
                ids = " UNION ".join(f"SELECT {key} FROM {row}_rows" for row in ROWS[event])
                refs = " ".join(f"{row.upper()} TABLE AS {row}_rows" for row in ROWS[event])
                schema_editor.execute(f"""
CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
{UPSERT.format(where=where.format(ids=ids))};
RETURN NULL;
END $$""")
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
                schema_editor.execute(f"CREATE TRIGGER {name} AFTER {event} ON {table} REFERENCING {refs} "
                                      f"FOR EACH STATEMENT EXECUTE FUNCTION {name}()")
            elif vendor == "sqlite":
                statements = [UPSERT.format(where=where.format(ids=f"{row}.{key}")) for row in ROWS[event]]
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}")
                schema_editor.execute(f"CREATE TRIGGER {name} AFTER {event} ON {table} FOR EACH ROW BEGIN "
                                      + "; ".join(statements) + "; END")


def drop(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for table, _, _, events in WATCHED:
        for event in events:
            name = _name(table, event)
            if vendor == "postgresql":
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
                schema_editor.execute(f"DROP FUNCTION IF EXISTS {name}()")
            elif vendor == "sqlite":
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}")


class Migration(migrations.Migration):

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        # after every migration that may rebuild these tables on SQLite (a rebuild drops triggers)
        ('plans', '0011_measure_national_indicator'),
        ('tasks', '0010_task_eff_deadline_index'),
        ('indicators', '0003_target_latest_reading'),
        ('supervision', '0004_reminder_kind_plan_changed'),
    ]

    operations = [
        migrations.CreateModel(
            name='RegionFactsStamp',
            fields=[
                ('region', models.OneToOneField(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, primary_key=True,
                                                related_name='+', serialize=False, to='plans.region',
                                                verbose_name='区域')),
                ('version', models.BigIntegerField(default=0, verbose_name='版本')),
            ],
            options={
                'verbose_name': '区域统计版本',
                'verbose_name_plural': '区域统计版本',
            },
        ),
        migrations.RunPython(create, drop),
        migrations.AlterField(
            model_name='escalation',
            name='task',
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.CASCADE,
                                    related_name='escalations', to='tasks.task', verbose_name='任务'),
        ),
        migrations.AlterField(
            model_name='reminder',
            name='recipient',
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.CASCADE,
                                    related_name='reminders', to=settings.AUTH_USER_MODEL, verbose_name='接收人'),
        ),
        migrations.AlterField(
            model_name='reminder',
            name='task',
            field=models.ForeignKey(blank=True, db_constraint=False, db_index=False, null=True,
                                    on_delete=django.db.models.deletion.CASCADE, related_name='reminders',
                                    to='tasks.task', verbose_name='任务'),
        ),
    ]
