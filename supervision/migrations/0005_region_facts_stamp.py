"""RegionFactsStamp and the triggers that bump it (see the model's docstring).

Row-level triggers, the same on PostgreSQL and SQLite: a region's counter goes up by one per changed
task or target row, and per updated plan; the upsert creates the counter on first use. The regions
are looked up through the plan (a task's plan_id, a target's measure's plan_id)."""
import django.db.models.deletion
from django.db import migrations, models

STAMP = "supervision_regionfactsstamp"
UPSERT = (f"INSERT INTO {STAMP} (region_id, version) SELECT DISTINCT p.region_id, 1 FROM plans_plan p {{where}} "
          f"ON CONFLICT (region_id) DO UPDATE SET version = {STAMP}.version + 1")
TASK = "WHERE p.id = {row}.plan_id"
TARGET = "JOIN plans_measure m ON m.plan_id = p.id WHERE m.id = {row}.measure_id"
PLAN = "WHERE p.id = {row}.id"
# (table, WHERE clause for a row, events)
WATCHED = [("tasks_task", TASK, ("INSERT", "UPDATE", "DELETE")),
           ("indicators_target", TARGET, ("INSERT", "UPDATE", "DELETE")),
           ("plans_plan", PLAN, ("UPDATE",))]


def _rows(event: str) -> list[str]:
    return {"INSERT": ["NEW"], "UPDATE": ["NEW", "OLD"], "DELETE": ["OLD"]}[event]


def create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for table, where, events in WATCHED:
        for event in events:
            name = f"facts_stamp_{table}_{event.lower()}"
            # UPDATE: OLD and NEW may name different plans (a task moved); both regions change.
            statements = [UPSERT.format(where=where.format(row=row)) for row in _rows(event)]
            if vendor == "postgresql":
                body = ";\n".join(statements)
                schema_editor.execute(f"""
CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
{body};
RETURN NULL;
END $$""")
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
                schema_editor.execute(f"CREATE TRIGGER {name} AFTER {event} ON {table} FOR EACH ROW "
                                      f"EXECUTE FUNCTION {name}()")
            elif vendor == "sqlite":
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}")
                schema_editor.execute(f"CREATE TRIGGER {name} AFTER {event} ON {table} FOR EACH ROW BEGIN "
                                      + "; ".join(statements) + "; END")


def drop(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for table, _, events in WATCHED:
        for event in events:
            name = f"facts_stamp_{table}_{event.lower()}"
            if vendor == "postgresql":
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
                schema_editor.execute(f"DROP FUNCTION IF EXISTS {name}()")
            elif vendor == "sqlite":
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}")


class Migration(migrations.Migration):

    dependencies = [
        ('plans', '0007_measure_plan_id_index'),
        ('tasks', '0006_task_plan'),
        ('indicators', '0003_target_latest_reading'),
        ('supervision', '0004_reminder_kind_plan_changed'),
    ]

    operations = [
        migrations.CreateModel(
            name='RegionFactsStamp',
            fields=[
                ('region', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True,
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
    ]
