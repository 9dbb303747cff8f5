"""Search keys now fold hamza seats, «آ» and digit separators, and a case's key includes its
reference: key every case and dossier again. On PostgreSQL the keys get trigram indexes."""

from django.db import migrations

from rasad.lib.persian import search_key
from rasad.lib.search import create_trigram_indexes, drop_indexes

INDEXES = {
    "cases_case_search_trgm": ("cases_case", "search_text"),
    "cases_dossier_search_trgm": ("cases_dossier", "search_text"),
}


def rekey(apps, schema_editor):
    case_model = apps.get_model("cases", "Case")
    for case in case_model.objects.only("pk", "reference", "title", "description", "origin").iterator():
        key = search_key(" ".join([case.reference, case.title, case.description, case.origin]))
        case_model.objects.filter(pk=case.pk).update(search_text=key)
    dossier_model = apps.get_model("cases", "Dossier")
    for dossier in dossier_model.objects.only("pk", "title", "summary").iterator():
        key = search_key(" ".join([dossier.title, dossier.summary]))
        dossier_model.objects.filter(pk=dossier.pk).update(search_text=key)


def add_indexes(apps, schema_editor):
    create_trigram_indexes(schema_editor, INDEXES)


def remove_indexes(apps, schema_editor):
    drop_indexes(schema_editor, list(INDEXES))


class Migration(migrations.Migration):
    dependencies = [("cases", "0003_confidential")]

    operations = [
        migrations.RunPython(rekey, migrations.RunPython.noop),
        migrations.RunPython(add_indexes, remove_indexes),
    ]
