from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0009_case_newest_first_index"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="case",
            index=models.Index(fields=["reporter_organization", "owner_organization", "id"], name="case_scope"),
        ),
    ]
