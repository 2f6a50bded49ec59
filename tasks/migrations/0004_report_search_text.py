"""Progress reports become searchable like measures: jieba-segmented `search_text`, written with
the row (ProgressReport.save), filled here for existing reports; on PostgreSQL its tsvector is a
stored generated column `search_tsv` with a GIN index (plans/search.py names it in raw SQL, as for
measures in plans/0006). SQLite: the column only."""
from django.db import migrations, models

from plans.migrations._frozen_search import segment_report

INDEX = "report_search_tsv_gin"


def fill(apps, schema_editor):
    ProgressReport = apps.get_model("tasks", "ProgressReport")
    batch = []
    for r in ProgressReport.objects.filter(search_text="").only("id", "done_text", "problems_text").iterator(
            chunk_size=2000):
        r.search_text = segment_report(r.done_text, r.problems_text)
        batch.append(r)
        if len(batch) >= 2000:
            ProgressReport.objects.bulk_update(batch, ["search_text"])
            batch = []
    if batch:
        ProgressReport.objects.bulk_update(batch, ["search_text"])


def tsvector(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "ALTER TABLE tasks_progressreport ADD COLUMN IF NOT EXISTS search_tsv tsvector "
        "GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, search_text)) STORED")
    schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {INDEX} ON tasks_progressreport USING gin (search_tsv)")


def no_tsvector(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")
    schema_editor.execute("ALTER TABLE tasks_progressreport DROP COLUMN IF EXISTS search_tsv")


class Migration(migrations.Migration):

    dependencies = [
        ("tasks", "0003_task_latest_report_status"),
        ("plans", "0007_measure_plan_id_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="progressreport",
            name="search_text",
            field=models.TextField(blank=True, editable=False, verbose_name="分词文本"),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.RunPython(tsvector, no_tsvector),
    ]
