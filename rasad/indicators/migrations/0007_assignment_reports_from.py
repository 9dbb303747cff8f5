"""Assignments get an explicit first day of reporting; an existing one reports from the day in
Tehran it was made (what the owed-period rule read until now). The column becomes required in
0008, in its own transaction: PostgreSQL refuses to alter a table with pending trigger events
left by the update here."""

from typing import Any

from django.db import migrations, models


def fill_reports_from(apps: Any, schema_editor: Any) -> None:
    from rasad.lib.jalali import local_date

    Assignment = apps.get_model("indicators", "Assignment")
    changed = []
    for assignment in Assignment.objects.filter(reports_from__isnull=True).only("pk", "created").iterator():
        assignment.reports_from = local_date(assignment.created)
        changed.append(assignment)
    Assignment.objects.bulk_update(changed, ["reports_from"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("indicators", "0006_report_reminders"),
    ]

    operations = [
        migrations.AddField(
            model_name="assignment",
            name="reports_from",
            field=models.DateField(null=True, verbose_name="reports from"),
        ),
        migrations.RunPython(fill_reports_from, migrations.RunPython.noop),
    ]
