"""Publish the five starter instruments (rasad/assessments/starter.py, data/instruments/*.csv)."""

from typing import Any

from django.db import migrations


def load(apps: Any, schema_editor: Any) -> None:
    from rasad.assessments import starter

    starter.load(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0001_initial"),
        ("indicators", "0002_starter_catalogue"),
    ]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
