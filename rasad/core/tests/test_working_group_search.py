"""Working groups' search key: the migration that added it keys the groups already there with
the key the actions write (``working_group_search_text``)."""

from __future__ import annotations

import importlib

from django.apps import apps

from rasad.core.actions.people import do_create_working_group, working_group_search_text
from rasad.core.models import WorkingGroup
from rasad.testing.cast import Cast


def test_the_migration_keys_existing_groups_as_the_actions_do(cast: Cast):
    migration = importlib.import_module("rasad.core.migrations.0011_workinggroup_search_text")
    group = do_create_working_group(
        "WG-۱۲",
        "كارگروه مسئله‌های شرق",
        acting_user=cast.root,
        owner=cast.isfahan,
        organizations=[cast.isfahan],
    )
    written = group.search_text
    assert written == working_group_search_text(group) == "کارگروه مسءلههای شرق wg-12"
    WorkingGroup.objects.update(search_text="")
    migration.key_groups(apps, None)
    assert WorkingGroup.objects.get(pk=group.pk).search_text == written
    assert not WorkingGroup.objects.filter(search_text="").exists()
