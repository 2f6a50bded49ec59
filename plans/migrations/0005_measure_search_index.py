"""Full-text search over the jieba-segmented Measure.search_text (see plans/search.py).

PostgreSQL gets a GIN expression index on to_tsvector('simple', search_text): the 'simple' config
keeps the pre-segmented terms as they are. SQLite needs no index (search there is a LIKE fallback).
Existing measures are segmented here so that search works on data imported before this migration.
"""
from django.db import migrations

from ._frozen_search import segment

INDEX = "measure_search_gin"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON plans_measure "
            "USING gin (to_tsvector('simple'::regconfig, search_text))")


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


def segment_existing(apps, schema_editor):
    Measure = apps.get_model("plans", "Measure")
    batch = []
    for m in Measure.objects.filter(search_text="").only("id", "title", "text").iterator(chunk_size=1000):
        m.search_text = segment(m.title, m.text)
        batch.append(m)
        if len(batch) >= 1000:
            Measure.objects.bulk_update(batch, ["search_text"])
            batch = []
    if batch:
        Measure.objects.bulk_update(batch, ["search_text"])


class Migration(migrations.Migration):

    dependencies = [
        ("plans", "0004_measure_label_may_be_blank"),
    ]

    operations = [
        migrations.RunPython(create_index, drop_index),
        migrations.RunPython(segment_existing, migrations.RunPython.noop),
    ]
