"""The audit trail is hash-chained: tampering with the stored rows is detected and named."""

from __future__ import annotations

import json

import pytest
from django.core.management import CommandError, call_command

from rasad.core.audit import CoreAuditEvent
from rasad.core.audit_log import GENESIS, SHARDS, canonical, chain_names, hash_body, record
from rasad.core.audit_verify import verify
from rasad.core.models import AuditChainHead, AuditEvent, Organization
from rasad.testing.audit import tampering
from rasad.testing.cast import Cast


def kinds() -> list[tuple[str, int | None]]:
    return [(p.kind, p.event_id) for p in verify()]


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


def test_each_organization_has_its_own_chains_from_the_start(cast: Cast):
    for organization in Organization.objects.all():
        assert set(
            AuditChainHead.objects.filter(chain__startswith=f"org:{organization.pk}/").values_list(
                "chain", flat=True
            )
        ) == set(chain_names(organization.pk))
    event = AuditEvent.objects.get(
        event_type=CoreAuditEvent.ORGANIZATION_CREATED, object_id=str(cast.isfahan_post.pk)
    )
    assert (event.chain, event.sequence) == (f"org:{cast.isfahan_post.pk}/0", 1)
    assert SHARDS == 4


def test_the_stored_text_is_what_was_hashed(cast: Cast):
    event = AuditEvent.objects.get(
        event_type=CoreAuditEvent.ORGANIZATION_CREATED, object_id=str(cast.isfahan.pk)
    )
    assert event.hash == hash_body(event.prev_hash, event.body)
    assert event.new["code"] == cast.isfahan.code
    assert event.body == canonical(json.loads(event.body)).decode()
    assert event.body.endswith('"sequence":1}')


def test_verify_passes_on_untouched_trail(cast: Cast):
    assert list(verify()) == []
    call_command("audit", "verify")


def _chain(cast: Cast) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(chain=f"org:{cast.national.pk}/0").order_by("sequence"))


def test_modified_column_is_named(cast: Cast):
    victim = _chain(cast)[1]
    with tampering():
        AuditEvent.objects.filter(pk=victim.pk).update(actor_name="mallory")
    assert kinds() == [("modified", victim.pk)]
    with pytest.raises(CommandError, match="1 problem"):
        call_command("audit", "verify")


def test_a_number_written_with_more_precision_is_named(cast: Cast):
    record(
        CoreAuditEvent.ORGANIZATION_CHANGED, actor=cast.root, organization=cast.national, new={"ratio": 0.5}
    )
    victim = _chain(cast)[-1]
    assert '"ratio":0.5' in victim.body
    with tampering():
        AuditEvent.objects.filter(pk=victim.pk).update(
            body=victim.body.replace('"ratio":0.5', '"ratio":0.50')
        )
    assert kinds() == [("modified", victim.pk)]


def test_deleted_event_is_named(cast: Cast):
    victim = _chain(cast)[1]
    with tampering():
        AuditEvent.objects.filter(pk=victim.pk).delete()
    problems = list(verify())
    assert [p.kind for p in problems] == ["missing"]
    assert f"events {victim.sequence}..{victim.sequence}" in problems[0].detail


def test_deleted_last_event_is_caught_by_the_chain_head(cast: Cast):
    last = _chain(cast)[-1]
    with tampering():
        AuditEvent.objects.filter(pk=last.pk).delete()
    assert [p.kind for p in verify()] == ["truncated"]


def test_reordered_events_are_named(cast: Cast):
    first, second = _chain(cast)[0:2]
    with tampering():
        AuditEvent.objects.filter(pk=first.pk).update(sequence=10_000)
        AuditEvent.objects.filter(pk=second.pk).update(sequence=first.sequence)
        AuditEvent.objects.filter(pk=first.pk).update(sequence=second.sequence)
    assert sorted(kinds()) == sorted([("reordered", first.pk), ("reordered", second.pk)])


def test_an_added_event_is_named_added(cast: Cast):
    last = _chain(cast)[-1]
    body = last.body.replace(f'"sequence":{last.sequence}', f'"sequence":{last.sequence + 1}')
    with tampering():
        forged = AuditEvent.objects.create(
            **{
                f.attname: getattr(last, f.attname)
                for f in AuditEvent._meta.concrete_fields
                if f.attname != "id"
            }
            | {
                "sequence": last.sequence + 1,
                "prev_hash": last.hash,
                "body": body,
                "hash": hash_body(last.hash, body),
            }
        )
    assert kinds() == [("added", forged.pk)]


def test_rewriting_hashes_without_the_head_is_still_detected(cast: Cast):
    """An attacker who deletes an event and re-links the next one still leaves the head out of step."""
    events = _chain(cast)
    victim, survivor = events[-2], events[-1]
    body = survivor.body.replace(f'"sequence":{survivor.sequence}', f'"sequence":{victim.sequence}')
    with tampering():
        AuditEvent.objects.filter(pk=victim.pk).delete()
        AuditEvent.objects.filter(pk=survivor.pk).update(
            sequence=victim.sequence,
            prev_hash=victim.prev_hash,
            body=body,
            hash=hash_body(victim.prev_hash, body),
        )
    assert [p.kind for p in verify()] == ["truncated"]


def test_a_forged_chain_without_head_is_named(cast: Cast):
    body = '{"chain":"org:999999/0","organization_id":999999,"sequence":1}'
    with tampering():
        AuditEvent.objects.create(
            chain="org:999999/0",
            sequence=1,
            created=cast.national.created,
            event_type=101,
            body=body,
            prev_hash=GENESIS,
            hash=hash_body(GENESIS, body),
        )
    assert [p.kind for p in verify()] == ["forged_chain"]


def test_a_chain_deleted_with_its_head_is_named(cast: Cast):
    chain = f"org:{cast.kerman_post.pk}/0"
    with tampering():
        AuditEvent.objects.filter(chain=chain).delete()
        AuditChainHead.objects.filter(chain=chain).delete()
    problems = list(verify())
    assert [(p.kind, p.chain) for p in problems] == [("chain_missing", chain)]


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


def test_a_head_deleted_alone_is_named(cast: Cast):
    chain = f"org:{cast.kerman_post.pk}/0"
    assert AuditEvent.objects.filter(chain=chain).exists()
    with tampering():
        AuditChainHead.objects.filter(chain=chain).delete()
    problems = list(verify())
    assert ("head_missing", chain) in [(p.kind, p.chain) for p in problems]


def test_an_event_moved_into_another_organization_s_chain_is_named(cast: Cast):
    """The event's authentic text names its organization: sitting in another one's chain (with its
    position and links rewritten to fit there) it is named misplaced."""
    source = AuditEvent.objects.filter(chain=f"org:{cast.kerman_post.pk}/0").order_by("sequence").last()
    target = f"org:{cast.isfahan_post.pk}/0"
    last = AuditEvent.objects.filter(chain=target).order_by("sequence").last()
    assert source is not None and last is not None
    payload = json.loads(source.body)
    payload["chain"], payload["sequence"] = target, last.sequence + 1
    body = canonical(payload).decode()
    with tampering():
        AuditEvent.objects.filter(pk=source.pk).update(
            chain=target,
            sequence=last.sequence + 1,
            prev_hash=last.hash,
            body=body,
            hash=hash_body(last.hash, body),
        )
    problems = [(p.kind, p.event_id) for p in verify()]
    assert ("misplaced", source.pk) in problems
