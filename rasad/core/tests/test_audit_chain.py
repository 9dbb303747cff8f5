"""The audit trail is hash-chained: modifying, deleting or reordering an event is detected and named."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from rasad.core.audit import CoreAuditEvent
from rasad.core.audit_log import verify
from rasad.core.models import AuditChainHead, AuditEvent
from rasad.testing.cast import Cast


def test_every_action_of_the_cast_left_an_event(cast: Cast):
    created = AuditEvent.objects.filter(event_type=CoreAuditEvent.ORGANIZATION_CREATED)
    assert sorted(created.values_list("object_repr", flat=True)) == sorted(
        [
            "مرکز ملی پایش",
            "مرکز فرماندهی استان اصفهان",
            "پاسگاه مرزی یک",
            "مرکز فرماندهی استان کرمان",
            "پاسگاه کرمان یک",
        ]
    )
    # Nadia, Alice, Ali, Bob, Bahram, Erfan (since expired) and Wali (through a working group).
    assert AuditEvent.objects.filter(event_type=CoreAuditEvent.GRANT_ADDED).count() == 7


def test_verify_passes_on_untouched_trail(cast: Cast):
    assert list(verify()) == []
    call_command("audit", "verify")


def _victim(cast: Cast) -> AuditEvent:
    return AuditEvent.objects.filter(chain=f"org:{cast.national.pk}").order_by("sequence")[3]


def test_modified_event_is_named(cast: Cast):
    victim = _victim(cast)
    AuditEvent.objects.filter(pk=victim.pk).update(actor_name="mallory")
    problems = list(verify())
    assert [(p.kind, p.event_id) for p in problems] == [("modified", victim.pk)]
    with pytest.raises(CommandError, match="1 problem"):
        call_command("audit", "verify")


def test_deleted_event_is_named(cast: Cast):
    victim = _victim(cast)
    AuditEvent.objects.filter(pk=victim.pk).delete()
    problems = list(verify())
    assert problems[0].kind == "missing"
    assert f"events {victim.sequence}..{victim.sequence}" in problems[0].detail


def test_deleted_last_event_is_caught_by_the_chain_head(cast: Cast):
    last = AuditEvent.objects.filter(chain=f"org:{cast.national.pk}").order_by("-sequence").first()
    assert last is not None
    AuditEvent.objects.filter(pk=last.pk).delete()
    assert [p.kind for p in verify()] == ["missing"]


def test_reordered_events_are_named(cast: Cast):
    chain = AuditEvent.objects.filter(chain=f"org:{cast.national.pk}").order_by("sequence")
    first, second = chain[2], chain[3]
    AuditEvent.objects.filter(pk=first.pk).update(sequence=10_000)
    AuditEvent.objects.filter(pk=second.pk).update(sequence=first.sequence)
    AuditEvent.objects.filter(pk=first.pk).update(sequence=second.sequence)
    kinds = {(p.kind, p.event_id) for p in verify()}
    assert ("reordered", second.pk) in kinds or ("modified", second.pk) in kinds
    assert ("modified", first.pk) in kinds


def test_rewriting_hashes_without_the_head_is_still_detected(cast: Cast):
    """An attacker who deletes an event and re-links the next one still leaves the head out of step."""
    from rasad.core.audit_log import compute_hash, payload_of

    events = list(AuditEvent.objects.filter(chain=f"org:{cast.national.pk}").order_by("sequence"))
    last_sequence = events[-1].sequence
    del_index = len(events) - 2
    AuditEvent.objects.filter(pk=events[del_index].pk).delete()
    survivor = events[del_index + 1]
    survivor.prev_hash = events[del_index - 1].hash
    survivor.sequence = events[del_index].sequence
    survivor.hash = compute_hash(survivor.prev_hash, payload_of(survivor))
    survivor.save()
    assert [p.kind for p in verify()] == ["missing"]
    assert AuditChainHead.objects.get(chain=survivor.chain).sequence == last_sequence


def test_failed_action_leaves_no_audit_row(cast: Cast):
    from django.core.exceptions import ValidationError

    from rasad.core.actions.organizations import OrganizationValues, do_create_organization

    before = AuditEvent.objects.count()
    with pytest.raises(ValidationError):
        do_create_organization(
            OrganizationValues(code="NAT", name="تکراری", kind="company", parent=cast.national),
            acting_user=cast.root,
        )
    assert AuditEvent.objects.count() == before
