"""PostgreSQL: keep the tsvector of Measure.search_text in a stored generated column.

Ranking (ts_rank) needs the vector of every matching row; with only an expression index it was
re-parsed from the text for each match (about 0.25 ms a row: 100 ms for a query matching 400
measures at province scale). The column is maintained by PostgreSQL itself, so no code path can
forget it; Django does not model it (plans/search.py names it in its raw SQL). SQLite: nothing.
"""
from django.db import migrations

OLD_INDEX = "measure_search_gin"
NEW_INDEX = "measure_search_tsv_gin"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "ALTER TABLE plans_measure ADD COLUMN IF NOT EXISTS search_tsv tsvector "
        "GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, search_text)) STORED")
    schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {NEW_INDEX} ON plans_measure USING gin (search_tsv)")
    schema_editor.execute(f"DROP INDEX IF EXISTS {OLD_INDEX}")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {OLD_INDEX} ON plans_measure "
        "USING gin (to_tsvector('simple'::regconfig, search_text))")
    schema_editor.execute(f"DROP INDEX IF EXISTS {NEW_INDEX}")
    schema_editor.execute("ALTER TABLE plans_measure DROP COLUMN IF EXISTS search_tsv")


class Migration(migrations.Migration):

    dependencies = [
        ("plans", "0005_measure_search_index"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
