"""TargetReading moves to tasks, beside the progress report that owns it (tasks/0011), with its table
(`indicators_targetreading`, kept): state only."""
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("indicators", "0003_target_latest_reading"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="TargetReading")],
        ),
    ]
