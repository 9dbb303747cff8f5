"""Working groups get a search key (name and code), so that the working groups' and the joint
groups' lists search them through ``rasad.lib.search.matching`` like every other list
(docs/reference/persian-text.md, "Where search is used"). Existing groups are keyed here."""

from django.db import migrations, models

from rasad.lib.persian import search_key
from rasad.lib.search import trigram_indexes

INDEXES = {"core_workinggroup_search_trgm": ("core_workinggroup", "search_text")}


def key_groups(apps, schema_editor):
    """The key ``rasad.core.actions.people.working_group_search_text`` writes."""
    group_model = apps.get_model("core", "WorkingGroup")
    for group in group_model.objects.only("pk", "name", "code").iterator():
        group_model.objects.filter(pk=group.pk).update(search_text=search_key(f"{group.name} {group.code}"))


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0010_auditevent_fewer_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="workinggroup",
            name="search_text",
            field=models.TextField(default="", editable=False),
        ),
        migrations.RunPython(key_groups, migrations.RunPython.noop),
        trigram_indexes(INDEXES),
    ]
