"""Search keys written again from their declarations (rasad.lib.search.stored_key): keys that
hold another row's words and went stale when it was renamed before renames were followed."""

from django.db import migrations

from rasad.lib import search


class Migration(migrations.Migration):
    dependencies = [("assessments", "0003_risk_register"), ("core", "0011_workinggroup_search_text")]

    operations = [search.rekeyed("assessments.Cycle", "assessments.Assessment")]
