"""UnitTasksStamp and the triggers that bump it (see the model's docstring).

A unit's counter goes up when a statement inserts, updates or deletes its tasks, updates the unit,
or updates a measure or a plan the unit has tasks in; the upsert creates the counter on first use.
Shaped as supervision 0005 (RegionFactsStamp): statement-level triggers over the transition tables
on PostgreSQL (one upsert per statement, not one per row of a bulk load), row-level on SQLite.

On SQLite a migration that rebuilds a watched table drops its triggers: such a migration must run
these again (tests/tasks/test_my_tasks_cache.py checks that they are all there)."""
import django.db.models.deletion
from django.db import migrations, models

STAMP = "tasks_unittasksstamp"
UPSERT = (f"INSERT INTO {STAMP} (unit_id, version) SELECT DISTINCT {{unit}}, 1 FROM {{source}} WHERE {{key}} IN ({{ids}}) "
          f"ON CONFLICT (unit_id) DO UPDATE SET version = {STAMP}.version + 1")
# (table, the unit column and the table it is read from, the column of that table the rows' key
# matches, the rows' key column, events)
WATCHED = [("tasks_task", "u.id", "plans_unit u", "u.id", "unit_id", ("INSERT", "UPDATE", "DELETE")),
           ("plans_unit", "u.id", "plans_unit u", "u.id", "id", ("UPDATE",)),
           ("plans_measure", "t.unit_id", "tasks_task t", "t.measure_id", "id", ("UPDATE",)),
           ("plans_plan", "t.unit_id", "tasks_task t", "t.plan_id", "id", ("UPDATE",))]
ROWS = {"INSERT": ["new"], "UPDATE": ["new", "old"], "DELETE": ["old"]}


def _name(table: str, event: str) -> str:
    return f"unit_stamp_{table}_{event.lower()}"


def create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for table, unit, source, key, column, events in WATCHED:
        for event in events:
            name = _name(table, event)
            if vendor == "postgresql":
                ids = " UNION ".join(f"SELECT {column} FROM {row}_rows" for row in ROWS[event])
                refs = " ".join(f"{row.upper()} TABLE AS {row}_rows" for row in ROWS[event])
                schema_editor.execute(f"""
CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
{UPSERT.format(unit=unit, source=source, key=key, ids=ids)};
RETURN NULL;
END $$""")
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
                schema_editor.execute(f"CREATE TRIGGER {name} AFTER {event} ON {table} REFERENCING {refs} "
                                      f"FOR EACH STATEMENT EXECUTE FUNCTION {name}()")
            elif vendor == "sqlite":
                statements = [UPSERT.format(unit=unit, source=source, key=key, ids=f"{row}.{column}")
                              for row in ROWS[event]]
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}")
                schema_editor.execute(f"CREATE TRIGGER {name} AFTER {event} ON {table} FOR EACH ROW BEGIN "
                                      + "; ".join(statements) + "; END")


def drop(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for table, *_, events in WATCHED:
        for event in events:
            name = _name(table, event)
            if vendor == "postgresql":
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
                schema_editor.execute(f"DROP FUNCTION IF EXISTS {name}()")
            elif vendor == "sqlite":
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}")


class Migration(migrations.Migration):

    dependencies = [
        # after every migration that may rebuild the watched tables on SQLite (a rebuild drops triggers)
        ('plans', '0012_audit_and_import_jobs_move_out'),
        ('tasks', '0012_decision_fields_shared'),
    ]

    operations = [
        migrations.CreateModel(
            name='UnitTasksStamp',
            fields=[
                ('unit', models.OneToOneField(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING,
                                              primary_key=True, related_name='+', serialize=False, to='plans.unit',
                                              verbose_name='单位')),
                ('version', models.BigIntegerField(default=0, verbose_name='版本')),
            ],
            options={
                'verbose_name': '单位任务版本',
                'verbose_name_plural': '单位任务版本',
            },
        ),
        migrations.RunPython(create, drop),
    ]
