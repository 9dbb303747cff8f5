from django.db import migrations

from rasad.greenjobs.occupations import load


class Migration(migrations.Migration):
    dependencies = [("greenjobs", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
