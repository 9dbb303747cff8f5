"""Replacing a centre's identity key: the old key vouches for the new one, peers still confirm it
out of band, nothing written meanwhile is lost, and what was exchanged before stays readable."""

from __future__ import annotations

import json

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from rasad.comms.actions import (
    Draft,
    accept_envelope,
    do_confirm_peer,
    do_open_message,
    do_rotate_identity,
    do_send_message,
    read_message,
)
from rasad.comms.audit import CommsAuditEvent
from rasad.comms.choices import KeyPurpose, KeyState, PeerStatus
from rasad.comms.crypto import (
    Bundle,
    EncryptionKeyPair,
    IdentityRotation,
    Purpose,
    SigningKeyPair,
    cross_sign_identity,
    fingerprint,
    verify_bundle,
    verify_identity_rotation,
)
from rasad.comms.crypto.encoding import b64
from rasad.comms.delivery import _push
from rasad.comms.models import Centre, CentreKey, Delivery, Message, Peer
from rasad.comms.tests.world import World, present
from rasad.core.models import AuditEvent
from rasad.testing.web import signed_in_client


def _send(world: World, sender: Centre, recipient: Centre, subject: str) -> Message:
    return do_send_message(
        Draft(sender=sender, recipients=[recipient], subject=subject, text="متن"),
        acting_user=world.cast.root,
    )


def test_the_old_identity_vouches_for_the_new_one_and_its_private_half_is_gone(world: World) -> None:
    old_key, old_kid = bytes(world.isfahan.identity_key), world.isfahan.identity_kid
    centre = do_rotate_identity(world.isfahan, acting_user=world.cast.root)
    assert centre.identity_kid != old_kid
    old_row = CentreKey.objects.get(centre=centre, kid=old_kid)
    assert old_row.state == KeyState.DESTROYED
    assert old_row.private_sealed is None
    new_row = CentreKey.objects.get(centre=centre, kid=centre.identity_kid)
    rotation = IdentityRotation.from_dict(new_row.certificate)
    verify_identity_rotation(rotation, old_identity_key=old_key, new_identity_key=bytes(centre.identity_key))
    # Fresh signing and encryption keys, certified by the new identity only.
    active = CentreKey.objects.filter(centre=centre, state=KeyState.ACTIVE).exclude(
        purpose=KeyPurpose.IDENTITY
    )
    assert {key.issuer_kid for key in active} == {centre.identity_kid}
    assert active.count() == 2


def test_peers_receive_a_verifying_bundle_with_the_rotation(world: World) -> None:
    do_rotate_identity(world.isfahan, acting_user=world.cast.root)
    delivery = Delivery.objects.get(kind="bundle")
    data = present(delivery.bundle)
    bundle = Bundle.from_dict(data)
    verify_bundle(bundle)  # only what the new identity certified
    assert bundle.identity_key == bytes(Centre.objects.get(pk=world.isfahan.pk).identity_key)
    assert data["identity_rotation"]["new_identity_key"] == data["identity_key"]
    served = json.loads(Client().get(f"/comms/federation/v1/centres/{world.isfahan.code}/bundle").content)
    assert served["identity_rotation"] == data["identity_rotation"]


def test_rotation_is_on_the_chain_with_both_fingerprints(world: World) -> None:
    old = fingerprint(bytes(world.isfahan.identity_key)).digits
    centre = do_rotate_identity(world.isfahan, acting_user=world.cast.root)
    event = AuditEvent.objects.get(event_type=CommsAuditEvent.IDENTITY_ROTATED)
    assert present(event.old)["fingerprint"] == old
    assert present(event.new)["fingerprint"] == fingerprint(bytes(centre.identity_key)).digits


def test_messages_before_and_after_stay_readable_on_this_node(world: World) -> None:
    before = _send(world, world.isfahan, world.kerman, "پیش از تعویض کلید هویت")
    do_rotate_identity(world.isfahan, acting_user=world.cast.root)
    after = _send(world, Centre.objects.get(pk=world.isfahan.pk), world.kerman, "پس از تعویض")
    assert read_message(before).content.subject == "پیش از تعویض کلید هویت"
    assert read_message(after).content.subject == "پس از تعویض"
    received = Message.objects.filter(centre=world.kerman).order_by("id")
    subjects = [do_open_message(m, acting_user=world.cast.root).content.subject for m in received]
    assert subjects == ["پیش از تعویض کلید هویت", "پس از تعویض"]


def test_a_peer_waiting_to_confirm_our_new_key_is_retried_not_given_up() -> None:
    class Waiting:
        def post(self, url: str, body: bytes) -> tuple[int, bytes]:
            return 403, json.dumps({"error": {"code": "peer_key_changed", "detail": "confirm"}}).encode()

        def get(self, url: str) -> tuple[int, bytes]:
            raise AssertionError

    delivery = Delivery(kind="bundle", node_url="https://peer.example/", bundle={})
    assert _push(delivery, Waiting())[0] == "retry"


def _push_bundle(data: dict[str, object]) -> int:
    response = Client().post(
        "/comms/federation/v1/bundles", data=json.dumps(data), content_type="application/json"
    )
    return response.status_code


def _khorasan_rotates(world: World, *, forged: bool = False) -> dict[str, object]:
    khorasan = world.khorasan
    old, new = khorasan.identity, SigningKeyPair.generate(Purpose.IDENTITY)
    rotation = cross_sign_identity(
        new if forged else old, new, centre=khorasan.code, rotated_at=timezone.now()
    )
    khorasan.identity = new
    khorasan.signing = SigningKeyPair.generate(Purpose.SIGN)
    khorasan.encryption = EncryptionKeyPair.generate()
    data: dict[str, object] = khorasan.bundle().to_dict()
    statement = rotation.to_dict()
    if forged:
        # Names the pinned key as its predecessor but is signed by the new key itself.
        statement["old_identity_key"] = b64(old.public_key)
    data["identity_rotation"] = statement
    return data


def test_a_peer_rotation_vouched_by_the_pinned_key_still_waits_for_confirmation(world: World) -> None:
    assert _push_bundle(_khorasan_rotates(world)) == 200
    peer = Peer.objects.get(local_centre=world.isfahan)
    assert peer.status == PeerStatus.KEY_CHANGED
    assert peer.identity_rotation is not None
    event = AuditEvent.objects.get(event_type=CommsAuditEvent.PEER_KEY_CHANGED)
    assert present(event.new)["vouched_by_pinned_key"] is True
    page = signed_in_client(world.cast.root).get(reverse("comms:peer", args=[peer.pk])).content.decode()
    assert 'data-testid="vouched"' in page
    # Confirmed by phone, messages flow under the new keys.
    do_confirm_peer(peer, fingerprint_digits=world.khorasan.fingerprint_digits, acting_user=world.cast.root)
    accept_envelope(world.khorasan.write(world.isfahan, "با کلید هویت تازه").to_transport())
    assert Message.objects.filter(centre=world.isfahan).count() == 1


def test_a_rotation_not_signed_by_the_pinned_key_is_shown_as_unvouched(world: World) -> None:
    assert _push_bundle(_khorasan_rotates(world, forged=True)) == 200
    peer = Peer.objects.get(local_centre=world.isfahan)
    assert peer.status == PeerStatus.KEY_CHANGED
    assert peer.identity_rotation is None
    event = AuditEvent.objects.get(event_type=CommsAuditEvent.PEER_KEY_CHANGED)
    assert present(event.new)["vouched_by_pinned_key"] is False
    page = signed_in_client(world.cast.root).get(reverse("comms:peer", args=[peer.pk])).content.decode()
    assert 'data-testid="unvouched"' in page


def test_the_keys_page_replaces_the_identity_for_key_managers_only(world: World) -> None:
    url = reverse("comms:rotate-identity", args=[world.isfahan.pk])
    old_kid = world.isfahan.identity_kid
    assert signed_in_client(world.cast.alice).post(url).status_code == 404
    assert Centre.objects.get(pk=world.isfahan.pk).identity_kid == old_kid
    client = signed_in_client(world.cast.root)
    assert 'data-testid="rotate-identity"' in client.get(reverse("comms:centres")).content.decode()
    assert client.post(url).status_code == 302
    assert Centre.objects.get(pk=world.isfahan.pk).identity_kid != old_kid


def test_the_api_replaces_the_identity(world: World) -> None:
    from rasad.conftest import client_for

    url = f"/api/v1/comms-centres/{world.isfahan.pk}/rotate-identity/"
    assert client_for(world.cast.alice).post(url).status_code in (403, 404)
    response = client_for(world.cast.root).post(url)
    assert response.status_code == 200
    centre = Centre.objects.get(pk=world.isfahan.pk)
    assert response.json()["fingerprint"] == fingerprint(bytes(centre.identity_key)).digits
