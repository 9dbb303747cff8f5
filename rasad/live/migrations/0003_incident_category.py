"""The case category that outages and high-severity device events are filed under (idempotent;
administrators may rename it afterwards)."""

from django.db import migrations

CODE = "field-posts"


def load(apps, schema_editor):
    Category = apps.get_model("cases", "Category")
    Category.objects.get_or_create(
        code=CODE,
        defaults={"name": "پاسگاه‌ها و تجهیزات میدانی", "name_en": "Field posts and devices", "sort_order": 20},
    )


class Migration(migrations.Migration):
    dependencies = [("live", "0002_outage"), ("cases", "0005_case_source_key")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
