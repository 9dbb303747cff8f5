"""Signed, sealed envelopes: each recipient and the sender's own copy read the body; every
altered part, a bad signature, an unknown, expired or revoked key and a replayed message id fail
closed with an error naming what failed."""

from __future__ import annotations

import dataclasses
import json
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rasad.comms.crypto import (
    DEFAULT_LIMITS,
    CryptoError,
    EncryptionKeyPair,
    Envelope,
    Failure,
    KnownSigningKey,
    Limits,
    open_envelope,
    open_with_content_key,
    seal_envelope,
    uuid7,
    verify_envelope,
)
from rasad.comms.crypto.encoding import b64, canonical_json, unb64, uuid7_time
from rasad.comms.tests.crypto_helpers import NOW, CentreKeys, Directory

BODY = "گزارش محرمانه: تردد مشکوک در محور خور–طبس".encode()


@pytest.fixture
def isfahan() -> CentreKeys:
    return CentreKeys("ISF-BCC")


@pytest.fixture
def yazd() -> CentreKeys:
    return CentreKeys("YZD-CC")


@pytest.fixture
def khorasan() -> CentreKeys:
    return CentreKeys("SKH-CC")


def seal(sender: CentreKeys, *recipients: CentreKeys, attachments: tuple[bytes, ...] = (), **header: object):
    envelope, content_key = seal_envelope(
        sender.header(**header),
        BODY,
        signer=sender.signing,
        recipients=[centre.recipient_key for centre in recipients],
        sender_copy=sender.recipient_key,
        attachments=attachments,
    )
    return envelope, content_key


def failure_of(envelope: Envelope, directory: Directory, **kwargs: object) -> Failure:
    with pytest.raises(CryptoError) as caught:
        verify_envelope(envelope, directory=directory, now=NOW, **kwargs)  # type: ignore[arg-type]
    return caught.value.failure


def test_every_recipient_reads_the_body(isfahan: CentreKeys, yazd: CentreKeys, khorasan: CentreKeys) -> None:
    envelope, _ = seal(isfahan, yazd, khorasan)
    received = Envelope.from_transport(envelope.to_transport())
    verified = verify_envelope(received, directory=Directory(isfahan), now=NOW)
    assert verified.addressees == ("YZD-CC", "SKH-CC")
    for centre in (yazd, khorasan):
        assert open_envelope(verified, centre=centre.code, keyring=centre.keyring).body == BODY


def test_the_sender_reads_its_own_copy(isfahan: CentreKeys, yazd: CentreKeys) -> None:
    envelope, content_key = seal(isfahan, yazd)
    verified = verify_envelope(envelope, directory=Directory(isfahan), now=NOW)
    opened = open_envelope(verified, centre=isfahan.code, keyring=isfahan.keyring, copy=True)
    assert opened.body == BODY
    assert opened.content_key == content_key


def test_ciphertext_holds_no_plaintext(isfahan: CentreKeys, yazd: CentreKeys) -> None:
    envelope, _ = seal(isfahan, yazd, attachments=(BODY * 3,))
    transport = envelope.to_transport()
    assert BODY not in transport
    assert BODY not in envelope.body
    assert BODY not in envelope.attachments[0]


def test_a_centre_not_addressed_cannot_open(
    isfahan: CentreKeys, yazd: CentreKeys, khorasan: CentreKeys
) -> None:
    envelope, _ = seal(isfahan, yazd)
    verified = verify_envelope(envelope, directory=Directory(isfahan), now=NOW)
    with pytest.raises(CryptoError) as caught:
        open_envelope(verified, centre=khorasan.code, keyring=khorasan.keyring)
    assert caught.value.failure == Failure.NOT_A_RECIPIENT


def test_attachments_round_trip_and_are_bound_to_the_message(isfahan: CentreKeys, yazd: CentreKeys) -> None:
    photo, report = bytes(range(256)) * 700, "پیوست".encode() * 10
    envelope, _ = seal(isfahan, yazd, attachments=(photo, report))
    verified = verify_envelope(envelope, directory=Directory(isfahan), now=NOW)
    opened = open_envelope(verified, centre=yazd.code, keyring=yazd.keyring)
    assert opened.attachment(0) == photo
    assert opened.attachment(1) == report
    # Swapping the two attachments (re-signed by the sender) still fails: each stream is bound to
    # its own index through its key.
    other, key = seal(isfahan, yazd, attachments=(report,))
    other_verified = verify_envelope(other, directory=Directory(isfahan), now=NOW)
    with pytest.raises(CryptoError) as caught:
        open_with_content_key(
            dataclasses.replace(
                other_verified, envelope=dataclasses.replace(other, attachments=(envelope.attachments[1],))
            ),
            key,
        ).attachment(0)
    assert caught.value.failure == Failure.ATTACHMENT


def _tamper_json_part(envelope: Envelope, part: str, change: object) -> Envelope:
    value = json.loads(getattr(envelope, part))
    if callable(change):
        change(value)
    return dataclasses.replace(envelope, **{part: canonical_json(value)})  # type: ignore[arg-type]


def test_altered_header_fails_naming_the_header(isfahan: CentreKeys, yazd: CentreKeys) -> None:
    envelope, _ = seal(isfahan, yazd)
    tampered = _tamper_json_part(envelope, "header", lambda header: header.update(priority="urgent"))
    assert failure_of(tampered, Directory(isfahan)) == Failure.HEADER


def test_altered_body_fails_naming_the_body(isfahan: CentreKeys, yazd: CentreKeys) -> None:
    envelope, _ = seal(isfahan, yazd)
    body = bytearray(envelope.body)
    body[30] ^= 0x01
    assert failure_of(dataclasses.replace(envelope, body=bytes(body)), Directory(isfahan)) == Failure.BODY


def test_added_recipient_fails_naming_the_recipient_list(
    isfahan: CentreKeys, yazd: CentreKeys, khorasan: CentreKeys
) -> None:
    """Surreptitious forwarding: someone adds a centre (and a key sealed to it) to a signed
    envelope; the recipient list no longer matches what the sender signed."""
    envelope, content_key = seal(isfahan, yazd)
    import nacl.bindings

    tampered = _tamper_json_part(
        envelope,
        "recipients",
        lambda recipients: recipients.insert(
            0, {"centre": khorasan.code, "kid": khorasan.encryption.kid, "copy": False}
        ),
    )
    tampered = dataclasses.replace(
        tampered,
        wrapped_keys=(
            nacl.bindings.crypto_box_seal(content_key, khorasan.encryption.public_key),
            *envelope.wrapped_keys,
        ),
    )
    assert failure_of(tampered, Directory(isfahan)) == Failure.RECIPIENTS


def test_removed_recipient_fails_naming_the_recipient_list(
    isfahan: CentreKeys, yazd: CentreKeys, khorasan: CentreKeys
) -> None:
    envelope, _ = seal(isfahan, yazd, khorasan)
    tampered = _tamper_json_part(envelope, "recipients", lambda recipients: recipients.pop(1))
    assert failure_of(tampered, Directory(isfahan)) == Failure.RECIPIENTS


def test_swapped_wrapped_key_fails_naming_the_wrapped_keys(isfahan: CentreKeys, yazd: CentreKeys) -> None:
    envelope, _ = seal(isfahan, yazd)
    tampered = dataclasses.replace(envelope, wrapped_keys=tuple(reversed(envelope.wrapped_keys)))
    assert failure_of(tampered, Directory(isfahan)) == Failure.WRAPPED_KEYS


def test_altered_attachment_fails_naming_the_attachment(isfahan: CentreKeys, yazd: CentreKeys) -> None:
    envelope, _ = seal(isfahan, yazd, attachments=(b"a" * 1000,))
    attachment = bytearray(envelope.attachments[0])
    attachment[-1] ^= 0x80
    tampered = dataclasses.replace(envelope, attachments=(bytes(attachment),))
    assert failure_of(tampered, Directory(isfahan)) == Failure.ATTACHMENT


def test_dropped_attachment_fails_naming_the_attachment(isfahan: CentreKeys, yazd: CentreKeys) -> None:
    envelope, _ = seal(isfahan, yazd, attachments=(b"a", b"b"))
    tampered = dataclasses.replace(envelope, attachments=envelope.attachments[:1])
    assert failure_of(tampered, Directory(isfahan)) == Failure.ATTACHMENT


def test_altered_signature_fails_naming_the_signature(isfahan: CentreKeys, yazd: CentreKeys) -> None:
    envelope, _ = seal(isfahan, yazd)
    signature = bytearray(envelope.signature)
    signature[0] ^= 0x01
    assert (
        failure_of(dataclasses.replace(envelope, signature=bytes(signature)), Directory(isfahan))
        == Failure.SIGNATURE
    )


def test_altered_manifest_fails_naming_the_signature(isfahan: CentreKeys, yazd: CentreKeys) -> None:
    """Whoever alters a part and its digest in the manifest breaks the signature instead."""
    envelope, _ = seal(isfahan, yazd)
    body = bytearray(envelope.body)
    body[30] ^= 0x01
    tampered = _tamper_json_part(envelope, "manifest", lambda manifest: manifest.update(body="0" * 128))
    tampered = dataclasses.replace(tampered, body=bytes(body))
    assert failure_of(tampered, Directory(isfahan)) == Failure.SIGNATURE


def test_an_impostor_key_fails_as_an_unknown_key(isfahan: CentreKeys, yazd: CentreKeys) -> None:
    """An envelope signed by a key the directory does not hold for the sender centre (an
    impostor claiming to be Isfahan) names the unknown key id."""
    impostor = CentreKeys("ISF-BCC")
    envelope, _ = seal(impostor, yazd)
    with pytest.raises(CryptoError) as caught:
        verify_envelope(envelope, directory=Directory(isfahan), now=NOW)
    assert caught.value.failure == Failure.UNKNOWN_KEY
    assert impostor.signing.kid in caught.value.detail


def test_a_key_known_for_another_centre_does_not_sign_for_this_one(
    isfahan: CentreKeys, yazd: CentreKeys
) -> None:
    envelope, _ = seal(isfahan, yazd)
    directory = Directory()
    key = KnownSigningKey(
        "YZD-CC",
        isfahan.signing.kid,
        isfahan.signing.public_key,
        NOW - timedelta(days=1),
        NOW + timedelta(days=1),
    )
    directory.keys[("YZD-CC", isfahan.signing.kid)] = key
    assert failure_of(envelope, directory) == Failure.UNKNOWN_KEY


def test_envelope_made_after_the_key_expired_fails(isfahan: CentreKeys, yazd: CentreKeys) -> None:
    envelope, _ = seal(isfahan, yazd)
    directory = Directory(isfahan, not_before=NOW - timedelta(days=40), days=30)
    assert failure_of(envelope, directory) == Failure.KEY_EXPIRED


def test_envelope_made_before_the_key_was_valid_fails(isfahan: CentreKeys, yazd: CentreKeys) -> None:
    envelope, _ = seal(isfahan, yazd)
    directory = Directory(isfahan, not_before=NOW + timedelta(hours=1))
    assert failure_of(envelope, directory) == Failure.KEY_NOT_YET_VALID


def test_backlog_made_while_the_key_was_valid_is_accepted_late(isfahan: CentreKeys, yazd: CentreKeys) -> None:
    """A node down for a day receives envelopes signed before the sender's key expired."""
    envelope, _ = seal(isfahan, yazd)
    directory = Directory(isfahan, not_before=NOW - timedelta(days=29), days=30)
    later = NOW + timedelta(days=2)
    assert verify_envelope(envelope, directory=directory, now=later).header.sender == "ISF-BCC"
    with pytest.raises(CryptoError) as caught:
        verify_envelope(
            envelope, directory=directory, now=NOW + DEFAULT_LIMITS.late_arrival + timedelta(days=2)
        )
    assert caught.value.failure == Failure.KEY_EXPIRED


def test_revoked_signing_key_fails_even_for_backdated_envelopes(
    isfahan: CentreKeys, yazd: CentreKeys
) -> None:
    envelope, _ = seal(isfahan, yazd, created_at=NOW - timedelta(hours=5))
    directory = Directory(isfahan)
    known = directory.keys[(isfahan.code, isfahan.signing.kid)]
    directory.keys[(isfahan.code, isfahan.signing.kid)] = dataclasses.replace(
        known, revoked_at=NOW - timedelta(hours=1)
    )
    assert failure_of(envelope, directory) == Failure.KEY_REVOKED


def test_envelope_from_the_future_fails_naming_the_header(isfahan: CentreKeys, yazd: CentreKeys) -> None:
    envelope, _ = seal(isfahan, yazd, created_at=NOW + timedelta(hours=1))
    assert failure_of(envelope, Directory(isfahan)) == Failure.HEADER


def test_replayed_message_id_fails(isfahan: CentreKeys, yazd: CentreKeys) -> None:
    envelope, _ = seal(isfahan, yazd)
    received: set[str] = set()
    verified = verify_envelope(envelope, directory=Directory(isfahan), now=NOW, seen=received.__contains__)
    received.add(verified.header.msg_id)
    assert failure_of(envelope, Directory(isfahan), seen=received.__contains__) == Failure.REPLAY


def test_destroyed_private_key_makes_the_envelope_unreadable(isfahan: CentreKeys, yazd: CentreKeys) -> None:
    """Rotation at the core: readable while the old key is kept (grace), unreadable once it is
    gone, and readable again only through a content key archived beforehand."""
    envelope, _ = seal(isfahan, yazd)
    verified = verify_envelope(envelope, directory=Directory(isfahan), now=NOW)
    old = yazd.encryption
    yazd.old_encryption.append(old)
    yazd.encryption = EncryptionKeyPair.generate()
    in_grace = open_envelope(verified, centre=yazd.code, keyring=yazd.keyring)
    assert in_grace.body == BODY
    archived_key = in_grace.content_key
    yazd.old_encryption.clear()
    with pytest.raises(CryptoError) as caught:
        open_envelope(verified, centre=yazd.code, keyring=yazd.keyring)
    assert caught.value.failure == Failure.KEY_UNAVAILABLE
    assert old.kid in caught.value.detail
    assert open_with_content_key(verified, archived_key).body == BODY


def test_wrong_content_key_fails_naming_the_body(isfahan: CentreKeys, yazd: CentreKeys) -> None:
    envelope, _ = seal(isfahan, yazd)
    verified = verify_envelope(envelope, directory=Directory(isfahan), now=NOW)
    with pytest.raises(CryptoError) as caught:
        open_with_content_key(verified, bytes(32))
    assert caught.value.failure == Failure.BODY


def test_oversized_attachment_is_refused_before_encryption(isfahan: CentreKeys, yazd: CentreKeys) -> None:
    limits = Limits(max_attachment_bytes=1000)
    with pytest.raises(CryptoError) as caught:
        seal_envelope(
            isfahan.header(),
            BODY,
            signer=isfahan.signing,
            recipients=[yazd.recipient_key],
            sender_copy=None,
            attachments=(b"x" * 1001,),
            limits=limits,
        )
    assert caught.value.failure == Failure.TOO_LARGE


def test_oversized_attachment_on_the_wire_is_refused_before_parsing(
    isfahan: CentreKeys, yazd: CentreKeys
) -> None:
    envelope, _ = seal(isfahan, yazd, attachments=(b"x" * 5000,))
    with pytest.raises(CryptoError) as caught:
        Envelope.from_transport(envelope.to_transport(), Limits(max_attachment_bytes=1000))
    assert caught.value.failure == Failure.TOO_LARGE


def test_unknown_version_is_refused(isfahan: CentreKeys, yazd: CentreKeys) -> None:
    envelope, _ = seal(isfahan, yazd)
    value = json.loads(envelope.to_transport())
    value["v"] = 2
    with pytest.raises(CryptoError) as caught:
        Envelope.from_transport(json.dumps(value).encode())
    assert caught.value.failure == Failure.VERSION


@pytest.mark.parametrize(
    "data",
    [b"", b"[]", b"{}", b"not json", b'{"v":1}', '{"v": 1, "header": "\u06f1"}'.encode()],
)
def test_malformed_transport_is_refused(data: bytes) -> None:
    with pytest.raises(CryptoError) as caught:
        Envelope.from_transport(data)
    assert caught.value.failure == Failure.MALFORMED


def test_uuid7_sorts_by_time_and_carries_it() -> None:
    first, second = uuid7(NOW), uuid7(NOW + timedelta(milliseconds=2))
    assert first.version == 7
    assert str(first) < str(second)
    assert uuid7_time(first) == NOW


def test_base64_round_trip_and_refusals() -> None:
    assert unb64(b64(b"\x00\xff"), Failure.MALFORMED, "x") == b"\x00\xff"
    with pytest.raises(CryptoError):
        unb64("***", Failure.MALFORMED, "x")
    with pytest.raises(CryptoError):
        unb64(b64(b"abc"), Failure.MALFORMED, "x", length=4)


_SHARED: dict[str, object] = {}


def _fixed_world() -> tuple[CentreKeys, CentreKeys, bytes]:
    if not _SHARED:
        sender, recipient = CentreKeys("ISF-BCC"), CentreKeys("YZD-CC")
        envelope, _ = seal(sender, recipient, attachments=(b"attachment",))
        _SHARED.update(sender=sender, recipient=recipient, transport=envelope.to_transport())
    return _SHARED["sender"], _SHARED["recipient"], _SHARED["transport"]  # type: ignore[return-value]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(position=st.integers(min_value=0), flip=st.integers(min_value=1, max_value=255))
def test_any_flipped_byte_fails_closed(position: int, flip: int) -> None:
    """Whatever byte of the transport is altered, the result is a CryptoError (never another
    exception, never an envelope that verifies and opens to a different body)."""
    sender, recipient, transport = _fixed_world()
    data = bytearray(transport)
    data[position % len(data)] ^= flip
    try:
        envelope = Envelope.from_transport(bytes(data))
        verified = verify_envelope(envelope, directory=Directory(sender), now=NOW)
        opened = open_envelope(verified, centre=recipient.code, keyring=recipient.keyring)
    except CryptoError:
        return
    # Base64 has a few bits of slack (padding bits, case of nothing); if the bytes decode to the
    # same parts, the body must be the original one.
    assert opened.body == BODY
