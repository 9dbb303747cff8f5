from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0010_case_scope_index"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                fields=["owner_organization", "-opened_at", "-id"], name="case_owner_newest_first"
            ),
        ),
    ]
