from typing import Any

from django.db import migrations, models


def flag_national_bodies(apps: Any, schema_editor: Any) -> None:
    """On upgrade, the organizations whose kind is "national body" keep the catalogue, as the
    nearest explicit statement there was; from now on only a platform administrator changes it
    (do_set_national_body, audited)."""
    Organization = apps.get_model("core", "Organization")
    Organization.objects.filter(kind="national_body").update(is_national_body=True)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0004_audit_canonical_text_and_checkpoints"),
    ]

    operations = [
        migrations.AddField(
            model_name="organization",
            name="is_national_body",
            field=models.BooleanField(
                default=False,
                editable=False,
                help_text="Keeps the national indicator catalogue. Set by a platform administrator.",
                verbose_name="national body",
            ),
        ),
        migrations.RunPython(flag_national_bodies, migrations.RunPython.noop),
    ]
