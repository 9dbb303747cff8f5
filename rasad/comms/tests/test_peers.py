"""Peers: registered from a bundle, trusted only after an administrator types the fingerprint
read over the phone; a changed identity key is refused, loudly, until confirmed."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from rasad.comms.actions import (
    Draft,
    accept_envelope,
    do_confirm_peer,
    do_register_peer,
    do_send_message,
)
from rasad.comms.audit import CommsAuditEvent
from rasad.comms.choices import PeerStatus
from rasad.comms.crypto import EncryptionKeyPair, Failure, Purpose, SigningKeyPair
from rasad.comms.delivery import fetch_bundle
from rasad.comms.errors import PEER_KEY_CHANGED, Refusal
from rasad.comms.models import Centre, Message, Peer
from rasad.comms.testing import RemoteCentre
from rasad.comms.tests.world import PeerNodeTransport, World, present
from rasad.core.access import ObjectNotFound
from rasad.core.models import AuditEvent
from rasad.lib.persian import to_persian_digits


@pytest.fixture
def yazd() -> RemoteCentre:
    return RemoteCentre("YZD-CC", "مرکز فرماندهی و کنترل استان یزد", "https://yazd.example/")


def test_registered_peer_waits_for_confirmation(world: World, yazd: RemoteCentre) -> None:
    peer = do_register_peer(world.isfahan, yazd.bundle().to_dict(), acting_user=world.cast.root)
    assert peer.status == PeerStatus.PENDING
    assert peer.centre.node_url == "https://yazd.example/"
    with pytest.raises(ValidationError) as caught:
        do_send_message(
            Draft(sender=world.isfahan, recipients=[peer.centre], subject="سلام", text=""),
            acting_user=world.cast.root,
        )
    assert "recipients" in caught.value.message_dict


def test_wrong_fingerprint_is_not_confirmed(world: World, yazd: RemoteCentre) -> None:
    peer = do_register_peer(world.isfahan, yazd.bundle().to_dict(), acting_user=world.cast.root)
    other = RemoteCentre("YZD-CC", "x", "https://yazd.example/")
    with pytest.raises(ValidationError) as caught:
        do_confirm_peer(peer, fingerprint_digits=other.fingerprint_digits, acting_user=world.cast.root)
    assert "fingerprint_digits" in caught.value.message_dict
    peer.refresh_from_db()
    assert peer.status == PeerStatus.PENDING


def test_fingerprint_typed_in_persian_digits_confirms(world: World, yazd: RemoteCentre) -> None:
    peer = do_register_peer(world.isfahan, yazd.bundle().to_dict(), acting_user=world.cast.root)
    typed = to_persian_digits(yazd.fingerprint_digits.replace(" ", "-"))
    peer = do_confirm_peer(peer, fingerprint_digits=typed, acting_user=world.cast.root)
    assert peer.status == PeerStatus.PINNED
    assert peer.confirmed_by == world.cast.root


def test_only_those_with_the_confirm_right_confirm(world: World, yazd: RemoteCentre) -> None:
    peer = do_register_peer(world.isfahan, yazd.bundle().to_dict(), acting_user=world.cast.root)
    with pytest.raises(ObjectNotFound):
        do_confirm_peer(peer, fingerprint_digits=yazd.fingerprint_digits, acting_user=world.cast.alice)


def test_a_forged_bundle_is_not_registered(world: World, yazd: RemoteCentre) -> None:
    data = yazd.bundle().to_dict()
    data["node_url"] = "https://attacker.example/"
    with pytest.raises(ValidationError) as caught:
        do_register_peer(world.isfahan, data, acting_user=world.cast.root)
    assert "bundle" in caught.value.message_dict
    assert not Centre.objects.filter(code="YZD-CC").exists()


def test_a_centre_hosted_here_is_not_a_peer(world: World) -> None:
    impostor = RemoteCentre("KER-CC", "کرمان جعلی", "https://kerman.example/")
    with pytest.raises(ValidationError):
        do_register_peer(world.isfahan, impostor.bundle().to_dict(), acting_user=world.cast.root)


def test_plain_http_peers_are_refused_outside_development(world: World, yazd: RemoteCentre, settings) -> None:
    settings.COMMS_ALLOW_HTTP = False
    yazd.node_url = "http://yazd.example/"
    with pytest.raises(ValidationError) as caught:
        do_register_peer(world.isfahan, yazd.bundle().to_dict(), acting_user=world.cast.root)
    assert "node_url" in caught.value.message_dict


def test_bundle_fetched_from_the_peer_node(world: World, yazd: RemoteCentre) -> None:
    data = fetch_bundle("https://yazd.example/", "YZD-CC", transport=PeerNodeTransport(yazd))
    peer = do_register_peer(world.isfahan, data, acting_user=world.cast.root)
    assert peer.centre.name == "مرکز فرماندهی و کنترل استان یزد"
    with pytest.raises(Refusal):
        fetch_bundle("https://nowhere.example/", "YZD-CC", transport=PeerNodeTransport(yazd))


def push_bundle(remote: RemoteCentre) -> int:
    response = Client().post(
        "/comms/federation/v1/bundles",
        data=json.dumps(remote.bundle().to_dict()),
        content_type="application/json",
    )
    return response.status_code


def test_rotated_keys_of_a_pinned_peer_are_taken_in(world: World) -> None:
    khorasan = world.khorasan
    khorasan.signing = SigningKeyPair.generate(Purpose.SIGN)
    khorasan.encryption = EncryptionKeyPair.generate()
    assert push_bundle(khorasan) == 200
    accept_envelope(khorasan.write(world.isfahan, "با کلید تازه").to_transport())
    assert Message.objects.filter(centre=world.isfahan).count() == 1
    event = AuditEvent.objects.filter(event_type=CommsAuditEvent.PEER_KEYS_UPDATED).get()
    assert set(present(event.new)["added"]) == {khorasan.signing.kid, khorasan.encryption.kid}


def test_changed_identity_is_refused_loudly_until_confirmed(world: World) -> None:
    khorasan = world.khorasan
    khorasan.identity = SigningKeyPair.generate(Purpose.IDENTITY)
    khorasan.signing = SigningKeyPair.generate(Purpose.SIGN)
    khorasan.encryption = EncryptionKeyPair.generate()
    assert push_bundle(khorasan) == 200
    peer = Peer.objects.get(local_centre=world.isfahan)
    assert peer.status == PeerStatus.KEY_CHANGED
    event = AuditEvent.objects.get(event_type=CommsAuditEvent.PEER_KEY_CHANGED)
    assert present(event.new)["identity_kid"] == khorasan.identity.kid
    # Nothing from or to it until confirmed.
    with pytest.raises(Refusal) as caught:
        accept_envelope(khorasan.write(world.isfahan, "کلید تازه").to_transport())
    assert caught.value.code == PEER_KEY_CHANGED
    with pytest.raises(ValidationError):
        do_send_message(
            Draft(sender=world.isfahan, recipients=[peer.centre], subject="سلام", text=""),
            acting_user=world.cast.root,
        )
    # The administrator confirms the new fingerprint read over the phone.
    do_confirm_peer(peer, fingerprint_digits=khorasan.fingerprint_digits, acting_user=world.cast.root)
    accept_envelope(khorasan.write(world.isfahan, "پس از تأیید").to_transport())
    assert Message.objects.filter(centre=world.isfahan).count() == 1


def test_old_identity_cannot_be_reconfirmed_with_the_new_digits_mixed_up(world: World) -> None:
    old_digits = world.khorasan.fingerprint_digits
    world.khorasan.identity = SigningKeyPair.generate(Purpose.IDENTITY)
    push_bundle(world.khorasan)
    peer = Peer.objects.get(local_centre=world.isfahan)
    with pytest.raises(ValidationError):
        do_confirm_peer(peer, fingerprint_digits=old_digits, acting_user=world.cast.root)


def test_bundle_of_an_unknown_centre_is_refused(world: World) -> None:
    stranger = RemoteCentre("SMN-CC", "سمنان", "https://semnan.example/")
    assert push_bundle(stranger) == 403


def test_bundle_cannot_move_a_peer_to_another_address_without_its_identity(world: World) -> None:
    impostor = RemoteCentre("SKH-CC", "خراسان جنوبی", "https://attacker.example/")
    push_bundle(impostor)
    assert Centre.objects.get(code="SKH-CC").node_url == "https://skh.example/"
    assert Peer.objects.get(local_centre=world.isfahan).status == PeerStatus.KEY_CHANGED


def test_peer_revoking_its_identity_is_blocked(world: World) -> None:
    from django.utils import timezone

    from rasad.comms.crypto import revoke

    khorasan = world.khorasan
    revocation = revoke(
        khorasan.identity,
        centre="SKH-CC",
        kid=khorasan.identity.kid,
        revoked_at=timezone.now(),
        reason="closed",
    )
    response = Client().post(
        "/comms/federation/v1/bundles",
        data=json.dumps(khorasan.bundle(revocations=(revocation,)).to_dict()),
        content_type="application/json",
    )
    assert response.status_code == 200
    assert Peer.objects.get(local_centre=world.isfahan).status == PeerStatus.BLOCKED
    with pytest.raises(Refusal):
        accept_envelope(khorasan.write(world.isfahan, "x").to_transport())


def test_public_bundle_endpoint_serves_local_centres_only(world: World) -> None:
    response = Client().get("/comms/federation/v1/centres/ISF-CC/bundle")
    assert response.status_code == 200
    assert response.json()["centre"] == "ISF-CC"
    assert Client().get("/comms/federation/v1/centres/SKH-CC/bundle").status_code == 404
    assert Client().get("/comms/federation/v1/node").json()["centres"][0]["code"] in {"ISF-CC", "KER-CC"}


def test_failure_codes_have_translations() -> None:
    from rasad.comms.errors import MESSAGES

    assert set(Failure) <= set(MESSAGES)


def test_a_peer_renamed_by_its_bundle_is_found_by_its_new_name(world: World) -> None:
    """A pinned peer's bundle renames its centre: the search key follows the name, so the comms
    lists find the centre by the new name (``CentreFilterSet``, ``rasad.lib.search.matching``)."""
    from rasad.comms.filtersets import CentreFilterSet

    khorasan = world.khorasan
    khorasan.name = "مرکز فرماندهی شهرستان بیرجند"
    assert push_bundle(khorasan) == 200

    def found(query: str) -> list[str]:
        return [
            centre.code for centre in CentreFilterSet(data={"q": query}, queryset=Centre.objects.all()).qs
        ]

    assert found("بيرجند") == [khorasan.code]
