"""The inbox: envelopes pushed by a peer node (South Khorasan, simulated) are stored for the
local centre they are addressed to, and every bad envelope is refused with its reason, audited,
and leaves nothing behind."""

from __future__ import annotations

import dataclasses
import json
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from rasad.comms.actions import (
    accept_envelope,
    do_block_peer,
    do_open_message,
    do_register_peer,
)
from rasad.comms.audit import CommsAuditEvent
from rasad.comms.crypto import Failure, Purpose, SigningKeyPair, revoke
from rasad.comms.crypto.encoding import canonical_json
from rasad.comms.errors import NOT_HOSTED, NOT_PINNED, PEER_BLOCKED, UNKNOWN_SENDER, Refusal
from rasad.comms.models import Envelope, Message, Peer
from rasad.comms.testing import RemoteCentre
from rasad.comms.tests.world import World, present
from rasad.core.models import AuditEvent


def post(raw: bytes) -> tuple[int, Any]:
    response = Client().post("/comms/federation/v1/inbox", data=raw, content_type="application/json")
    return response.status_code, json.loads(response.content)


def refused(world: World, raw: bytes) -> Any:
    """Post ``raw``; it must be refused, audited, and nothing stored."""
    messages, envelopes = Message.objects.count(), Envelope.objects.count()
    status, body = post(raw)
    assert 400 <= status < 500, body
    assert Message.objects.count() == messages
    assert Envelope.objects.count() == envelopes
    event = AuditEvent.objects.filter(event_type=CommsAuditEvent.ENVELOPE_REFUSED).latest("id")
    assert present(event.extra)["code"] == body["error"]["code"]
    return body["error"]


def test_envelope_from_a_pinned_peer_is_stored_and_readable(world: World) -> None:
    envelope = world.khorasan.write(world.isfahan, "حادثه در گذرگاه مرزی", "دو نفر مجروح")
    status, body = post(envelope.to_transport())
    assert status == 200
    assert body["status"] == "stored"
    assert body["accepted"] == ["ISF-CC"]
    message = Message.objects.get(centre=world.isfahan)
    opened = do_open_message(message, acting_user=world.cast.alice)
    assert opened.content.text == "دو نفر مجروح"


def test_the_same_envelope_twice_is_stored_once(world: World) -> None:
    raw = world.khorasan.write(world.isfahan, "یک بار").to_transport()
    assert post(raw)[1]["status"] == "stored"
    assert post(raw)[1]["status"] == "duplicate"
    assert Message.objects.count() == 1


def test_replayed_message_id_with_other_content_is_refused(world: World) -> None:
    first = world.khorasan.write(world.isfahan, "اصلی")
    post(first.to_transport())
    second = world.khorasan.write(world.isfahan, "جعلی")
    header = json.loads(second.header)
    header["msg_id"] = json.loads(first.header)["msg_id"]
    # A new envelope under an old id, signed properly by the peer: still refused.
    from rasad.comms.crypto import Header, RecipientKey, seal_envelope
    from rasad.comms.testing import local_encryption_key

    replay, _ = seal_envelope(
        Header.from_bytes(canonical_json(header)),
        b'{"subject":"x","text":"","author":"","author_title":"","attachments":[],"references":[]}',
        signer=world.khorasan.signing,
        recipients=[local_encryption_key(world.isfahan)],
        sender_copy=RecipientKey("SKH-CC", world.khorasan.encryption.public_key),
    )
    assert refused(world, replay.to_transport())["code"] == Failure.REPLAY


@pytest.mark.parametrize(
    ("part", "failure"),
    [
        ("header", Failure.HEADER),
        ("recipients", Failure.RECIPIENTS),
        ("body", Failure.BODY),
        ("signature", Failure.SIGNATURE),
    ],
)
def test_tampered_envelope_is_refused_naming_the_part(world: World, part: str, failure: Failure) -> None:
    envelope = world.khorasan.write(world.isfahan, "دست‌کاری")
    if part == "header":
        header = json.loads(envelope.header)
        header["priority"] = "urgent"
        envelope = dataclasses.replace(envelope, header=canonical_json(header))
    elif part == "recipients":
        recipients = json.loads(envelope.recipients)
        recipients.append({"centre": "KER-CC", "kid": recipients[0]["kid"], "copy": False})
        envelope = dataclasses.replace(
            envelope,
            recipients=canonical_json(recipients),
            wrapped_keys=(*envelope.wrapped_keys, envelope.wrapped_keys[0]),
        )
    else:
        data = bytearray(getattr(envelope, part))
        data[-1] ^= 1
        envelope = dataclasses.replace(envelope, **{part: bytes(data)})  # type: ignore[arg-type]
    error = refused(world, envelope.to_transport())
    assert error["code"] == failure
    assert error["message"]


def test_unknown_key_id_is_refused(world: World) -> None:
    world.khorasan.signing = SigningKeyPair.generate(Purpose.SIGN)  # never published
    error = refused(world, world.khorasan.write(world.isfahan, "کلید ناشناس").to_transport())
    assert error["code"] == Failure.UNKNOWN_KEY
    assert world.khorasan.signing.kid in error["detail"]


def test_envelope_signed_with_a_revoked_key_is_refused(world: World) -> None:
    khorasan = world.khorasan
    revocation = revoke(
        khorasan.identity,
        centre="SKH-CC",
        kid=khorasan.signing.kid,
        revoked_at=timezone.now(),
        reason="stolen",
    )
    Client().post(
        "/comms/federation/v1/bundles",
        data=json.dumps(khorasan.bundle(revocations=(revocation,)).to_dict()),
        content_type="application/json",
    )
    error = refused(world, khorasan.write(world.isfahan, "پس از ابطال").to_transport())
    assert error["code"] == Failure.KEY_REVOKED


def test_envelope_made_after_the_key_expired_is_refused(world: World) -> None:
    later = timezone.now() + timedelta(days=50)
    error = refused(world, world.khorasan.write(world.isfahan, "دیر", created_at=later).to_transport())
    assert error["code"] in {Failure.HEADER, Failure.KEY_EXPIRED}


def test_envelope_for_a_centre_not_hosted_here_is_refused(world: World) -> None:
    envelope = world.khorasan.write(world.isfahan, "اشتباه")
    recipients = json.loads(envelope.recipients)
    recipients[0]["centre"] = "YZD-CC"
    tampered = dataclasses.replace(envelope, recipients=canonical_json(recipients))
    assert refused(world, tampered.to_transport())["code"] == NOT_HOSTED


def test_envelope_from_an_unregistered_centre_is_refused(world: World) -> None:
    stranger = RemoteCentre("SMN-CC", "مرکز سمنان", "https://semnan.example/")
    assert refused(world, stranger.write(world.isfahan, "سلام").to_transport())["code"] == UNKNOWN_SENDER


def test_envelope_to_a_centre_that_has_not_pinned_the_sender_is_refused(world: World) -> None:
    """Kerman never registered South Khorasan; Isfahan did."""
    assert refused(world, world.khorasan.write(world.kerman, "سلام").to_transport())["code"] == UNKNOWN_SENDER


def test_envelope_from_a_peer_awaiting_confirmation_is_refused(world: World) -> None:
    do_register_peer(world.kerman, world.khorasan.bundle().to_dict(), acting_user=world.cast.root)
    assert refused(world, world.khorasan.write(world.kerman, "سلام").to_transport())["code"] == NOT_PINNED


def test_envelope_from_a_blocked_peer_is_refused(world: World) -> None:
    peer = Peer.objects.get(local_centre=world.isfahan)
    do_block_peer(peer, reason="پایان همکاری", acting_user=world.cast.root)
    assert refused(world, world.khorasan.write(world.isfahan, "سلام").to_transport())["code"] == PEER_BLOCKED


def test_partly_accepted_envelope_reports_the_refused_centre(world: World) -> None:
    envelope = world.khorasan.write(world.isfahan, "به هر دو", extra_recipients=(world.kerman,))
    status, body = post(envelope.to_transport())
    assert status == 200
    assert body["accepted"] == ["ISF-CC"]
    assert body["refused"]["KER-CC"]["code"] == UNKNOWN_SENDER
    assert list(Message.objects.values_list("centre__code", flat=True)) == ["ISF-CC"]


@pytest.mark.parametrize("raw", [b"", b"not json", b"{}", b'{"v": 9}', b"[" * 10000])
def test_garbage_is_refused_as_malformed(world: World, raw: bytes) -> None:
    assert refused(world, raw)["code"] in {Failure.MALFORMED, Failure.VERSION}


def test_oversized_envelope_is_refused_before_reading(world: World, settings) -> None:
    settings.COMMS_MAX_ATTACHMENT_MB = 1
    envelope = world.khorasan.write(world.isfahan, "بزرگ", attachments=(b"x" * (2 * 1024 * 1024),))
    status, body = post(envelope.to_transport())
    assert status == 413
    assert body["error"]["code"] == Failure.TOO_LARGE
    assert not Envelope.objects.exists()


def test_only_post_is_answered(world: World) -> None:
    assert Client().get("/comms/federation/v1/inbox").status_code == 405


def test_accept_envelope_raises_a_refusal_with_its_code(world: World) -> None:
    with pytest.raises(Refusal) as caught:
        accept_envelope(b"{}")
    assert caught.value.code == Failure.MALFORMED


def test_a_peer_over_its_allowance_is_answered_429_and_nothing_is_stored(
    world: World, settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    from types import SimpleNamespace

    from django.core.cache import cache

    from rasad.comms import throttle

    # The allowance is counted per clock minute: the test's requests all fall in the middle of one
    # (a minute turning between them had let the third through).
    monkeypatch.setattr(throttle, "time", SimpleNamespace(time=lambda: 1_800_000_030.0))
    cache.clear()
    settings.COMMS_INBOX_PER_MINUTE = 2
    refusals = AuditEvent.objects.filter(event_type=CommsAuditEvent.ENVELOPE_REFUSED).count()
    for number in range(2):
        assert post(world.khorasan.write(world.isfahan, f"پیام {number}").to_transport())[0] == 200
    response = Client().post(
        "/comms/federation/v1/inbox",
        data=world.khorasan.write(world.isfahan, "سومی").to_transport(),
        content_type="application/json",
    )
    assert response.status_code == 429
    assert response["Retry-After"] == "60"
    assert json.loads(response.content)["error"]["code"] == "rate_limited"
    assert Message.objects.count() == 2
    # A flood is not turned into a flood of audit events.
    assert AuditEvent.objects.filter(event_type=CommsAuditEvent.ENVELOPE_REFUSED).count() == refusals
    # Forged headers from another address do not use up the real peer's allowance, and the other
    # way round: the same peer from another address is counted apart.
    other = Client(REMOTE_ADDR="10.9.8.7").post(
        "/comms/federation/v1/inbox",
        data=world.khorasan.write(world.isfahan, "از نشانی دیگر").to_transport(),
        content_type="application/json",
    )
    assert other.status_code == 200


def test_the_allowance_is_per_minute() -> None:
    from django.core.cache import cache
    from django.test import override_settings

    from rasad.comms import throttle

    cache.clear()
    with override_settings(COMMS_INBOX_PER_MINUTE=1):
        assert throttle.allow("SKH-CC", "10.0.0.1", now=600.0)
        assert not throttle.allow("SKH-CC", "10.0.0.1", now=630.0)
        assert throttle.allow("YZD-CC", "10.0.0.1", now=630.0)
        assert throttle.allow("SKH-CC", "10.0.0.1", now=660.0)


def test_the_outbox_retries_a_peer_that_answers_429() -> None:
    from rasad.comms.delivery import _push
    from rasad.comms.models import Delivery

    class Busy:
        def post(self, url: str, body: bytes) -> tuple[int, bytes]:
            return 429, json.dumps({"error": {"code": "rate_limited", "detail": "busy"}}).encode()

        def get(self, url: str) -> tuple[int, bytes]:
            raise AssertionError

    delivery = Delivery(kind="bundle", node_url="http://peer.example/", bundle={})
    assert _push(delivery, Busy())[0] == "retry"
