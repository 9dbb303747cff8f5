"""Review 23: the check an action makes after its write (``require_in_scope``) is audited when it
refuses, like every refusal (docs/security.md, "Access control"), once the write is rolled back:
on the record when it is still there, else (a record the rolled-back write made) as the refusal
of the permission at the nearest of its organizations that is still there."""

from __future__ import annotations

import pytest
from django.db import transaction

from rasad.conftest import client_for
from rasad.core.access import ObjectNotFound, audit_deferred_refusal, require_in_scope
from rasad.core.actions.people import do_grant_role
from rasad.core.audit import CoreAuditEvent
from rasad.core.models import AuditEvent, Organization, Role
from rasad.programs.testing import person
from rasad.testing.api import assert_nothing_changed
from rasad.testing.cast import Cast


def test_moving_an_organization_where_one_may_not_change_it_is_refused_and_audited(cast: Cast):
    # A coordinator of Kerman (who may change organizations there) who sees Isfahan too.
    coordinator = person(cast, "kerman-coordinator", cast.kerman, "coordinator")
    do_grant_role(coordinator, Role.objects.get(slug="viewer"), acting_user=None, organization=cast.isfahan)
    denied = AuditEvent.objects.filter(event_type=CoreAuditEvent.ACCESS_DENIED, actor=coordinator)
    with assert_nothing_changed("core.organization"):
        refused = client_for(coordinator).patch(
            f"/api/v1/organizations/{cast.kerman_post.pk}/", {"parent": cast.isfahan.code}, format="json"
        )
    assert refused.status_code == 404, refused.content
    assert denied.count() == 1
    event = denied.get()
    assert event.object_type == "core.organization"
    assert event.object_id in {str(cast.isfahan.pk), str(cast.kerman_post.pk)}


def test_a_new_record_refused_after_its_write_is_audited_where_it_was_to_be(cast: Cast):
    """The new row's id means nothing once it is rolled back: the refusal names the permission
    and the organization it was to be made in (here its parent, the new row being one)."""

    @transaction.atomic
    def make_then_check() -> None:
        made = Organization.objects.create(
            code="NEW-1",
            name="تازه",
            kind=cast.isfahan_post.kind,
            parent=cast.isfahan,
            path=f"{cast.isfahan.path}999999/",
            depth=cast.isfahan.depth + 1,
        )
        require_in_scope(cast.alice, "add", made)

    with pytest.raises(ObjectNotFound) as caught:
        make_then_check()
    assert not Organization.objects.filter(code="NEW-1").exists()
    audit_deferred_refusal(caught.value)
    audit_deferred_refusal(caught.value)  # answered once
    event = AuditEvent.objects.get(event_type=CoreAuditEvent.ACCESS_DENIED, actor=cast.alice)
    assert (event.object_type, event.object_id) == ("core.organization", str(cast.isfahan.pk))
    assert "core.add_organization" in event.body
