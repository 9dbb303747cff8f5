"""Local centres named as their organizations are now: a centre's ``name`` follows its
organization's rename since the rename's receiver (``rasad.comms.models.follow_organization_name``)
was connected; a centre whose organization was renamed before kept the old name. This writes each
local centre's name as that receiver does (its organization's name), in one UPDATE whose value is
a subquery (PostgreSQL and SQLite alike). Reversed, it changes nothing: the old names are not kept
and nothing reads them."""

from typing import Any

from django.db import migrations
from django.db.models import F, OuterRef, Subquery


def name_local_centres(apps: Any, schema_editor: Any) -> None:
    Centre = apps.get_model("comms", "Centre")
    Organization = apps.get_model("core", "Organization")
    names = Organization.objects.filter(pk=OuterRef("organization_id")).values("name")[:1]
    stale = Centre.objects.filter(is_local=True, organization__isnull=False).exclude(
        name=F("organization__name")
    )
    stale.update(name=Subquery(names))


class Migration(migrations.Migration):
    dependencies = [("comms", "0002_search_keys_rekeyed")]

    operations = [migrations.RunPython(name_local_centres, migrations.RunPython.noop, elidable=True)]
