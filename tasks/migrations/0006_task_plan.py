from django.db import migrations, models
import django.db.models.deletion


def fill(apps, schema_editor):
    """Every existing task takes its measure's plan (one UPDATE)."""
    Task = apps.get_model("tasks", "Task")
    Measure = apps.get_model("plans", "Measure")
    Task.objects.update(plan_id=models.Subquery(Measure.objects.filter(pk=models.OuterRef("measure_id"))
                                                .values("plan_id")[:1]))


class Migration(migrations.Migration):

    dependencies = [
        ("plans", "0007_measure_plan_id_index"),
        ("tasks", "0005_task_stored_deadline_and_closing_day"),
    ]

    operations = [
        migrations.AddField(
            model_name="task",
            name="plan",
            field=models.ForeignKey(editable=False, null=True, on_delete=django.db.models.deletion.CASCADE,
                                    related_name="+", to="plans.plan", verbose_name="方案"),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="task",
            name="plan",
            field=models.ForeignKey(editable=False, on_delete=django.db.models.deletion.CASCADE,
                                    related_name="+", to="plans.plan", verbose_name="方案"),
        ),
    ]
