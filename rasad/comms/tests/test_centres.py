"""A centre's keys on its node: created sealed under the operator key, rotated, destroyed after
the grace period (the archive re-wrapped first), revoked; every change an audit event."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.utils import timezone

from rasad.comms import keystore
from rasad.comms.actions import (
    Draft,
    bundle_for,
    do_destroy_retired_keys,
    do_open_message,
    do_revoke_key,
    do_rotate_keys,
    do_send_message,
    do_set_up_centre,
)
from rasad.comms.audit import CommsAuditEvent
from rasad.comms.choices import KeyPurpose, KeyState
from rasad.comms.crypto import CryptoError, Failure, Vault, generate_key_text, parse_key_text, verify_bundle
from rasad.comms.errors import Refusal
from rasad.comms.models import CentreKey, Message
from rasad.comms.tests.world import World, present
from rasad.core.access import ObjectNotFound
from rasad.core.actions.organizations import OrganizationValues, do_update_organization
from rasad.core.audit_log import verify
from rasad.core.models import AuditEvent
from rasad.testing.cast import Cast


def test_set_up_gives_three_keys_sealed_under_the_operator_key(world: World) -> None:
    keys = {key.purpose: key for key in CentreKey.objects.filter(centre=world.isfahan)}
    assert set(keys) == {KeyPurpose.IDENTITY, KeyPurpose.SIGN, KeyPurpose.ENCRYPT}
    for key in keys.values():
        sealed = bytes(key.private_sealed)
        assert sealed.startswith(b"RV1")
        opened = keystore.operator_vault().open(sealed, context=keystore.key_context("ISF-CC", key.kid))
        assert opened not in sealed
    assert keys[KeyPurpose.SIGN].issuer_kid == world.isfahan.identity_kid
    assert keys[KeyPurpose.ENCRYPT].not_after - keys[KeyPurpose.ENCRYPT].not_before == timedelta(days=44)


def test_private_keys_do_not_open_under_another_operator_key(world: World) -> None:
    key = CentreKey.objects.get(centre=world.isfahan, purpose=KeyPurpose.SIGN)
    other = Vault(parse_key_text(generate_key_text()))
    with pytest.raises(CryptoError) as caught:
        other.open(present(key.private_sealed), context=keystore.key_context("ISF-CC", key.kid))
    assert caught.value.failure == Failure.VAULT_KEY


def test_set_up_is_audited_with_the_fingerprint(world: World) -> None:
    event = AuditEvent.objects.get(
        event_type=CommsAuditEvent.CENTRE_SET_UP, organization_id=world.cast.isfahan.pk
    )
    assert present(event.new)["identity_kid"] == world.isfahan.identity_kid
    assert len(present(event.new)["fingerprint"]) == 35
    assert list(verify()) == []


def test_only_command_centres_are_set_up(cast: Cast) -> None:
    with pytest.raises(ValidationError) as caught:
        do_set_up_centre(cast.isfahan_post, acting_user=cast.root)
    assert "organization" in caught.value.message_dict


def test_setting_up_needs_the_key_right(cast: Cast) -> None:
    with pytest.raises(ObjectNotFound):
        do_set_up_centre(cast.isfahan, acting_user=cast.alice)


def test_bundle_verifies_and_lists_current_keys(world: World) -> None:
    bundle = bundle_for(world.isfahan)
    verify_bundle(bundle, pinned_identity_key=bytes(world.isfahan.identity_key))
    assert {certificate.purpose.value for certificate in bundle.certificates} == {"sign", "encrypt"}
    assert bundle.node_url == "http://127.0.0.1:8000/"


def _send(world: World, subject: str) -> Message:
    return do_send_message(
        Draft(sender=world.isfahan, recipients=[world.kerman], subject=subject, text="متن"),
        acting_user=world.cast.root,
    )


def test_rotation_keeps_old_messages_readable_in_grace_and_after_destruction(world: World) -> None:
    before = _send(world, "پیش از چرخش کلید")
    received = Message.objects.get(centre=world.kerman, envelope=before.envelope)
    old_kid = received.key_id
    do_rotate_keys(world.kerman, acting_user=world.cast.root)
    old = CentreKey.objects.get(kid=old_kid)
    assert old.state == KeyState.RETIRED
    assert old.private_sealed is not None
    # In the grace period: readable with the old private key.
    assert do_open_message(received, acting_user=world.cast.root).content.subject == "پیش از چرخش کلید"
    # New messages go to the new key.
    after = Message.objects.get(centre=world.kerman, envelope=_send(world, "پس از چرخش").envelope)
    assert after.key_id != old_kid
    # Not yet due: nothing destroyed.
    assert do_destroy_retired_keys(world.kerman, acting_user=None) == []
    later = timezone.now() + timedelta(days=15)
    assert do_destroy_retired_keys(world.kerman, acting_user=None, now=later) == [old_kid]
    old.refresh_from_db()
    assert old.private_sealed is None
    assert old.state == KeyState.DESTROYED
    received.refresh_from_db()
    assert received.archived_key is not None
    assert do_open_message(received, acting_user=world.cast.root).content.subject == "پیش از چرخش کلید"
    event = AuditEvent.objects.get(event_type=CommsAuditEvent.KEY_DESTROYED)
    assert present(event.new) == {"kid": old_kid, "archive_rewrapped": 1, "reason": "grace period over"}


def test_envelope_sealed_to_a_destroyed_key_without_archive_is_unreadable(world: World) -> None:
    message = _send(world, "بدون نسخهٔ بایگانی")
    received = Message.objects.get(centre=world.kerman, envelope=message.envelope)
    do_rotate_keys(world.kerman, acting_user=world.cast.root)
    # Simulate the copy the archive re-wrap would not see (for example a backup restored later).
    Message.objects.filter(pk=received.pk).update(key_id="e-00000000000000000000")
    do_destroy_retired_keys(world.kerman, acting_user=None, now=timezone.now() + timedelta(days=15))
    received.refresh_from_db()
    assert received.archived_key is None
    with pytest.raises(Refusal) as caught:
        do_open_message(received, acting_user=world.cast.root)
    assert caught.value.code == Failure.KEY_UNAVAILABLE


def test_old_signing_key_private_half_is_destroyed_at_rotation(world: World) -> None:
    signing = CentreKey.objects.get(centre=world.isfahan, purpose=KeyPurpose.SIGN)
    do_rotate_keys(world.isfahan, acting_user=world.cast.root)
    signing.refresh_from_db()
    assert signing.state == KeyState.DESTROYED
    assert signing.private_sealed is None
    assert signing.public_key  # what it signed still verifies


def test_rotation_publishes_the_bundle_to_pinned_peers(world: World) -> None:
    from rasad.comms.models import Delivery

    do_rotate_keys(world.isfahan, acting_user=world.cast.root)
    delivery = Delivery.objects.get(kind="bundle")
    assert delivery.node_url == "https://skh.example/"
    assert delivery.centres == ["SKH-CC"]
    assert len(present(delivery.bundle)["certificates"]) == 4


def test_every_key_change_is_on_the_chain(world: World) -> None:
    encryption = CentreKey.objects.get(
        centre=world.isfahan, purpose=KeyPurpose.ENCRYPT, state=KeyState.ACTIVE
    )
    do_rotate_keys(world.isfahan, acting_user=world.cast.root)
    do_revoke_key(world.isfahan, encryption.kid, reason="لپ‌تاپ اپراتور مفقود شد", acting_user=world.cast.root)
    codes = list(
        AuditEvent.objects.filter(organization_id=world.cast.isfahan.pk, event_type__gte=600)
        .order_by("sequence")
        .values_list("event_type", flat=True)
    )
    assert codes == [
        CommsAuditEvent.CENTRE_SET_UP,
        CommsAuditEvent.PEER_REGISTERED,
        CommsAuditEvent.PEER_CONFIRMED,
        CommsAuditEvent.KEYS_ROTATED,
        CommsAuditEvent.KEY_DESTROYED,
        CommsAuditEvent.KEY_REVOKED,
    ]
    assert list(verify()) == []


def test_revoking_the_active_key_issues_new_keys_and_signs_the_revocation(world: World) -> None:
    active = CentreKey.objects.get(centre=world.isfahan, purpose=KeyPurpose.ENCRYPT, state=KeyState.ACTIVE)
    do_revoke_key(world.isfahan, active.kid, reason="compromised", acting_user=world.cast.root)
    active.refresh_from_db()
    assert active.state == KeyState.REVOKED
    assert active.private_sealed is None
    assert present(active.revocation)["kid"] == active.kid
    assert (
        CentreKey.objects.filter(
            centre=world.isfahan, purpose=KeyPurpose.ENCRYPT, state=KeyState.ACTIVE
        ).count()
        == 1
    )
    bundle = bundle_for(world.isfahan)
    verify_bundle(bundle)
    assert [revocation.kid for revocation in bundle.revocations] == [active.kid]


def test_revocation_needs_a_reason(world: World) -> None:
    active = CentreKey.objects.get(centre=world.isfahan, purpose=KeyPurpose.SIGN, state=KeyState.ACTIVE)
    with pytest.raises(ValidationError) as caught:
        do_revoke_key(world.isfahan, active.kid, reason="  ", acting_user=world.cast.root)
    assert "reason" in caught.value.message_dict


@override_settings(COMMS_KEY="")
def test_without_an_operator_key_nothing_opens(world: World) -> None:
    from django.core.exceptions import ImproperlyConfigured

    keystore._opened.clear()
    with pytest.raises(ImproperlyConfigured, match="RASAD_COMMS_KEY"):
        keystore.signing_pair(world.isfahan)


def test_a_local_centre_is_named_as_its_organization_is_after_a_rename(cast: Cast) -> None:
    """The centre's name was copied at set-up and stayed the old one in the inbox and in the
    bundle its peers receive; it follows the organization's rename now (a peer's centre, with no
    organization here, keeps the name its bundle gives)."""
    centre = do_set_up_centre(cast.isfahan, acting_user=cast.root)
    o = cast.isfahan
    values = OrganizationValues(
        code=o.code,
        name="مرکز فرماندهی و کنترل مرزی استان اصفهان",
        kind=o.kind,
        parent=o.parent,
        name_en=o.name_en,
        province=o.province,
        county=o.county,
    )
    do_update_organization(o, values, acting_user=cast.root)
    centre.refresh_from_db()
    assert centre.name == "مرکز فرماندهی و کنترل مرزی استان اصفهان" == str(centre)
    assert bundle_for(centre).name == centre.name
