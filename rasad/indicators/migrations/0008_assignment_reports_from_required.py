from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("indicators", "0007_assignment_reports_from"),
    ]

    operations = [
        migrations.AlterField(
            model_name="assignment",
            name="reports_from",
            field=models.DateField(verbose_name="reports from"),
        ),
    ]
