"""The migration that names each local centre as its organization is now
(``0003_local_centre_names``): a centre whose organization was renamed before its name followed
renames (``follow_organization_name``) takes the name the receiver gives it; a centre already
named so, and a peer's centre (no organization here), are left as they are."""

from __future__ import annotations

import importlib

from django.apps import apps
from django.db import migrations

from rasad.comms.models import Centre
from rasad.comms.testing import centre_of, pinned_remote
from rasad.core.models import Organization
from rasad.testing.cast import Cast

MIGRATION = "rasad.comms.migrations.0003_local_centre_names"


def test_a_centre_renamed_before_names_followed_takes_its_organization_s_name(cast: Cast) -> None:
    stale, fresh = centre_of(cast, cast.isfahan), centre_of(cast, cast.kerman)
    remote, _peer = pinned_remote(cast, cast.isfahan)
    peer_centre = Centre.objects.get(code=remote.code)
    # As a rename before the receiver left it: the organization's name changed, the centre's not
    # (an UPDATE, which no receiver sees).
    Organization.objects.filter(pk=cast.isfahan.pk).update(name="ستاد فرماندهی استان اصفهان")
    Centre.objects.filter(pk=stale.pk).update(name="نام پیشین مرکز")
    before = {c.pk: (c.name, c.last_updated) for c in Centre.objects.all()}

    (operation,) = importlib.import_module(MIGRATION).Migration.operations
    operation.code(apps, None)

    after = {c.pk: (c.name, c.last_updated) for c in Centre.objects.all()}
    assert after[stale.pk][0] == "ستاد فرماندهی استان اصفهان"
    assert after[fresh.pk] == before[fresh.pk] and after[fresh.pk][0] == cast.kerman.name
    assert after[peer_centre.pk] == before[peer_centre.pk] and peer_centre.organization_id is None
    assert {pk: v for pk, v in after.items() if pk != stale.pk} == {
        pk: v for pk, v in before.items() if pk != stale.pk
    }
    operation.code(apps, None)  # again: nothing left to write
    assert {c.pk: (c.name, c.last_updated) for c in Centre.objects.all()} == after


def test_the_migration_reverses_as_nothing() -> None:
    (operation,) = importlib.import_module(MIGRATION).Migration.operations
    assert operation.reversible and operation.reverse_code is migrations.RunPython.noop
