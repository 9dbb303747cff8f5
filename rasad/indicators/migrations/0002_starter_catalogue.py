"""Load the starter indicator catalogue (rasad.indicators.starter)."""

from django.db import migrations


def load(apps, schema_editor):
    from rasad.indicators import starter

    starter.load(apps)


class Migration(migrations.Migration):
    dependencies = [("indicators", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
