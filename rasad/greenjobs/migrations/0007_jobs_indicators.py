"""The two yearly jobs indicators of funded green businesses, jobs created and kept, beside the
three savings indicators of 0006 (rasad/greenjobs/savings.py)."""

from typing import Any

from django.db import migrations


def load(apps: Any, schema_editor: Any) -> None:
    from rasad.greenjobs import savings

    savings.load(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("greenjobs", "0006_savings_indicators"),
    ]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
