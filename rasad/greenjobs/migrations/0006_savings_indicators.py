"""The three yearly savings indicators of funded green businesses (rasad/greenjobs/savings.py)."""

from typing import Any

from django.db import migrations


def load(apps: Any, schema_editor: Any) -> None:
    from rasad.greenjobs import savings

    savings.load(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("greenjobs", "0005_outcome_reminders"),
        ("indicators", "0005_unit_decimals_half_year"),
    ]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
