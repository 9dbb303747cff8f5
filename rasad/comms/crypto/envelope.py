"""Signed, sealed envelopes (format v1): SECURITY.md A.5 "signed, sealed envelopes with rotating
recipient keys", as Rasad implements it (docs/comms.md, "Envelope format").

An envelope is made of parts, each kept as the exact bytes the sender produced:

* ``header``: canonical JSON ``{v, msg_id, thread_id, sender, sender_kid, created_at,
  content_type, priority, requires_ack, refers_to}``. Node operators can read it; it says who
  wrote to whom and when, never what.
* ``recipients``: canonical JSON list ``[{centre, kid, copy}]``: each recipient centre and the
  key id of the X25519 key its content key is sealed to. The sender's own readable copy is the
  entry with ``copy: true``.
* ``body``: a 24-byte nonce and the body under XChaCha20-Poly1305 with a fresh 32-byte content
  key ``K``; the associated data binds the header and the recipient list.
* ``wrapped_keys``: ``K`` sealed (``crypto_box_seal``) to each recipient's key, in list order.
* ``attachments``: each attachment as a secretstream under a key derived from ``K``.
* ``manifest``: canonical JSON naming the signer and the SHA-512 of every other part.
* ``signature``: Ed25519 over ``"rasad-envelope-v1" NUL manifest`` with the sender's signing key.

The signature covers every part through the manifest, exactly as signing
``SHA-512(header ‖ ciphertext ‖ wrapped keys)`` would, and the per-part digests let the verifier
say *which* part was altered (header, body, recipient list ...) instead of only "bad signature".
Verification happens before any decryption and fails closed.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

import nacl.bindings as sodium
import nacl.exceptions

from rasad.comms.crypto.encoding import (
    b64,
    canonical_json,
    format_time,
    parse_json,
    parse_time,
    unb64,
)
from rasad.comms.crypto.errors import CryptoError, Failure
from rasad.comms.crypto.keys import (
    EncryptionKeyPair,
    Purpose,
    SigningKeyPair,
    check_code,
    key_id,
    verify_signature,
)
from rasad.comms.crypto.stream import decrypt_stream, encrypt_stream

VERSION = 1
SIGNATURE_CONTEXT = b"rasad-envelope-v1\x00"
BODY_CONTEXT = b"rasad-body-v1\x00"
CONTENT_KEY_BYTES = sodium.crypto_aead_xchacha20poly1305_ietf_KEYBYTES
_NONCE_BYTES = sodium.crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
_SEALED_KEY_BYTES = CONTENT_KEY_BYTES + sodium.crypto_box_SEALBYTES
_TOKEN = re.compile(r"^[a-z][a-z0-9_.-]{0,39}$")
_KID = re.compile(r"^[ise]-[0-9a-f]{20}$")
PRIORITIES = ("low", "normal", "high", "urgent")


@dataclass(frozen=True)
class Limits:
    """Sizes past which an envelope is refused before any cryptography runs."""

    max_envelope_bytes: int = 48 * 1024 * 1024
    max_header_bytes: int = 4096
    max_recipients: int = 64
    max_body_bytes: int = 2 * 1024 * 1024
    max_attachments: int = 10
    max_attachment_bytes: int = 10 * 1024 * 1024
    # A clock on another node may run a little fast.
    clock_skew: timedelta = timedelta(minutes=5)
    # An envelope signed while its key was valid may still arrive this long after the key's
    # certificate ended: a node that was down for a day receives its backlog.
    late_arrival: timedelta = timedelta(days=30)


DEFAULT_LIMITS = Limits()


def digest(data: bytes) -> str:
    return hashlib.sha512(data).hexdigest()


def _length_prefixed(parts: Sequence[bytes]) -> bytes:
    return b"".join(len(part).to_bytes(8, "big") + part for part in parts)


@dataclass(frozen=True)
class Header:
    msg_id: str
    thread_id: str
    sender: str
    sender_kid: str
    created_at: datetime
    content_type: str
    priority: str = "normal"
    requires_ack: bool = False
    refers_to: str = ""

    def to_bytes(self) -> bytes:
        return canonical_json(
            {
                "v": VERSION,
                "msg_id": self.msg_id,
                "thread_id": self.thread_id,
                "sender": self.sender,
                "sender_kid": self.sender_kid,
                "created_at": format_time(self.created_at),
                "content_type": self.content_type,
                "priority": self.priority,
                "requires_ack": self.requires_ack,
                "refers_to": self.refers_to,
            }
        )

    @classmethod
    def from_bytes(cls, data: bytes) -> Header:
        failure = Failure.HEADER
        value = parse_json(data, failure, "the header")
        if not isinstance(value, dict):
            raise CryptoError(failure, "the header must be an object")
        if "v" not in value:
            raise CryptoError(failure, "the header does not say its version")
        if value["v"] != VERSION:
            raise CryptoError(Failure.VERSION, f"header version {value.get('v')!r} is not {VERSION}")
        expected = {
            "v",
            "msg_id",
            "thread_id",
            "sender",
            "sender_kid",
            "created_at",
            "content_type",
            "priority",
            "requires_ack",
            "refers_to",
        }
        if set(value) != expected:
            raise CryptoError(failure, "the header has missing or unknown fields")
        msg_id = _uuid(value["msg_id"], "msg_id")
        content_type, priority = value["content_type"], value["priority"]
        if not isinstance(content_type, str) or not _TOKEN.match(content_type):
            raise CryptoError(failure, "the header's content_type is not a lower-case token")
        if priority not in PRIORITIES:
            raise CryptoError(failure, f"the header's priority is not one of {', '.join(PRIORITIES)}")
        if not isinstance(value["requires_ack"], bool):
            raise CryptoError(failure, "the header's requires_ack is not true or false")
        refers_to = value["refers_to"]
        if refers_to != "":
            refers_to = _uuid(refers_to, "refers_to")
        return cls(
            msg_id=msg_id,
            thread_id=_uuid(value["thread_id"], "thread_id"),
            sender=check_code(value["sender"], failure, "the header's sender"),
            sender_kid=_kid(value["sender_kid"], failure, "the header's sender_kid"),
            created_at=parse_time(value["created_at"], failure, "the header's created_at"),
            content_type=content_type,
            priority=priority,
            requires_ack=value["requires_ack"],
            refers_to=refers_to,
        )


def _uuid(value: Any, name: str) -> str:
    try:
        parsed = uuid.UUID(value) if isinstance(value, str) else None
    except ValueError:
        parsed = None
    if parsed is None or str(parsed) != value:
        raise CryptoError(Failure.HEADER, f"the header's {name} is not a lower-case UUID")
    return str(parsed)


def _kid(value: Any, failure: Failure, what: str) -> str:
    if not isinstance(value, str) or not _KID.match(value):
        raise CryptoError(failure, f"{what} is not a key id")
    return value


@dataclass(frozen=True)
class Recipient:
    """A centre the content key is sealed to, under its encryption key ``kid``. ``copy`` marks
    the sender's own readable copy."""

    centre: str
    kid: str
    copy: bool = False


@dataclass(frozen=True)
class RecipientKey:
    """A recipient's current encryption public key, as the sender's directory holds it."""

    centre: str
    public_key: bytes

    @property
    def kid(self) -> str:
        return key_id(Purpose.ENCRYPT, self.public_key)


def _recipients_to_bytes(recipients: Sequence[Recipient]) -> bytes:
    return canonical_json([{"centre": r.centre, "kid": r.kid, "copy": r.copy} for r in recipients])


def _recipients_from_bytes(data: bytes, limits: Limits) -> tuple[Recipient, ...]:
    failure = Failure.RECIPIENTS
    value = parse_json(data, failure, "the recipient list")
    if not isinstance(value, list) or not value:
        raise CryptoError(failure, "the recipient list must be a non-empty list")
    if len(value) > limits.max_recipients + 1:
        raise CryptoError(Failure.TOO_LARGE, f"more than {limits.max_recipients} recipients")
    recipients = []
    for item in value:
        if (
            not isinstance(item, dict)
            or set(item) != {"centre", "kid", "copy"}
            or not isinstance(item["copy"], bool)
        ):
            raise CryptoError(failure, "each recipient is {centre, kid, copy}")
        recipients.append(
            Recipient(
                centre=check_code(item["centre"], failure, "a recipient centre"),
                kid=_kid(item["kid"], failure, "a recipient key id"),
                copy=item["copy"],
            )
        )
    if len({(r.centre, r.copy) for r in recipients}) != len(recipients):
        raise CryptoError(failure, "a centre appears twice in the recipient list")
    if sum(r.copy for r in recipients) > 1:
        raise CryptoError(failure, "more than one sender copy")
    return tuple(recipients)


@dataclass(frozen=True)
class Envelope:
    """The parts of one envelope, exactly as signed. Build with :func:`seal_envelope`, read from
    the wire with :meth:`from_transport`, trust only after :func:`verify_envelope`."""

    header: bytes
    recipients: bytes
    body: bytes
    wrapped_keys: tuple[bytes, ...]
    attachments: tuple[bytes, ...]
    manifest: bytes
    signature: bytes
    version: int = VERSION

    def to_transport(self) -> bytes:
        """Compact JSON with base64 parts: what one node POSTs to another's inbox."""
        return json.dumps(
            {
                "v": self.version,
                "header": b64(self.header),
                "recipients": b64(self.recipients),
                "body": b64(self.body),
                "wrapped_keys": [b64(key) for key in self.wrapped_keys],
                "attachments": [b64(attachment) for attachment in self.attachments],
                "manifest": b64(self.manifest),
                "signature": b64(self.signature),
            },
            separators=(",", ":"),
        ).encode()

    @classmethod
    def from_transport(cls, data: bytes, limits: Limits = DEFAULT_LIMITS) -> Envelope:
        failure = Failure.MALFORMED
        if len(data) > limits.max_envelope_bytes:
            raise CryptoError(Failure.TOO_LARGE, f"the envelope is over {limits.max_envelope_bytes} bytes")
        value = parse_json(data, failure, "the envelope")
        if not isinstance(value, dict):
            raise CryptoError(failure, "the envelope must be an object")
        if "v" not in value:
            raise CryptoError(failure, "the envelope does not say its version")
        if value["v"] != VERSION:
            raise CryptoError(Failure.VERSION, f"envelope version {value.get('v')!r} is not {VERSION}")
        expected = {
            "v",
            "header",
            "recipients",
            "body",
            "wrapped_keys",
            "attachments",
            "manifest",
            "signature",
        }
        if set(value) != expected:
            raise CryptoError(failure, "the envelope has missing or unknown fields")
        keys, attachments = value["wrapped_keys"], value["attachments"]
        if not isinstance(keys, list) or not isinstance(attachments, list):
            raise CryptoError(failure, "wrapped_keys and attachments must be lists")
        if len(keys) > limits.max_recipients + 1:
            raise CryptoError(Failure.TOO_LARGE, f"more than {limits.max_recipients} recipients")
        if len(attachments) > limits.max_attachments:
            raise CryptoError(Failure.TOO_LARGE, f"more than {limits.max_attachments} attachments")
        envelope = cls(
            header=unb64(value["header"], failure, "the header"),
            recipients=unb64(value["recipients"], failure, "the recipient list"),
            body=unb64(value["body"], failure, "the body"),
            wrapped_keys=tuple(unb64(key, failure, "a wrapped key") for key in keys),
            attachments=tuple(unb64(item, failure, "an attachment") for item in attachments),
            manifest=unb64(value["manifest"], failure, "the manifest"),
            signature=unb64(value["signature"], failure, "the signature"),
        )
        if len(envelope.header) > limits.max_header_bytes:
            raise CryptoError(Failure.TOO_LARGE, f"the header is over {limits.max_header_bytes} bytes")
        if len(envelope.body) > limits.max_body_bytes + _NONCE_BYTES + 16:
            raise CryptoError(Failure.TOO_LARGE, f"the body is over {limits.max_body_bytes} bytes")
        for attachment in envelope.attachments:
            if len(attachment) > limits.max_attachment_bytes + limits.max_attachment_bytes // 1000 + 64:
                raise CryptoError(
                    Failure.TOO_LARGE, f"an attachment is over {limits.max_attachment_bytes} bytes"
                )
        return envelope

    def unverified_header(self) -> Header:
        """The header as sent, *not yet authenticated*: for routing and error messages only."""
        return Header.from_bytes(self.header)

    def unverified_recipients(self, limits: Limits = DEFAULT_LIMITS) -> tuple[Recipient, ...]:
        """The recipient list as sent, *not yet authenticated*: for routing only."""
        return _recipients_from_bytes(self.recipients, limits)

    def transport_digest(self) -> str:
        return hashlib.sha256(self.to_transport()).hexdigest()


def _manifest(envelope_parts: dict[str, Any], signer: str, signer_kid: str) -> bytes:
    return canonical_json(
        {
            "v": VERSION,
            "signer": {"centre": signer, "kid": signer_kid},
            "header": digest(envelope_parts["header"]),
            "recipients": digest(envelope_parts["recipients"]),
            "body": digest(envelope_parts["body"]),
            "wrapped_keys": digest(_length_prefixed(envelope_parts["wrapped_keys"])),
            "attachments": [digest(item) for item in envelope_parts["attachments"]],
        }
    )


def _body_associated_data(header: bytes, recipients: bytes) -> bytes:
    return BODY_CONTEXT + hashlib.sha512(header).digest() + hashlib.sha512(recipients).digest()


def attachment_key(content_key: bytes, index: int) -> bytes:
    """The key of attachment ``index``: libsodium's ``crypto_kdf_derive_from_key`` construction
    (BLAKE2b keyed with ``K``, the index as salt, a fixed context as personalization)."""
    return hashlib.blake2b(
        b"",
        digest_size=32,
        key=content_key,
        salt=index.to_bytes(8, "little") + bytes(8),
        person=b"rasad-attach-v1\x00",
    ).digest()


def seal_envelope(
    header: Header,
    body: bytes,
    *,
    signer: SigningKeyPair,
    recipients: Sequence[RecipientKey],
    sender_copy: RecipientKey | None,
    attachments: Sequence[bytes] = (),
    limits: Limits = DEFAULT_LIMITS,
) -> tuple[Envelope, bytes]:
    """Encrypt ``body`` (and ``attachments``) for ``recipients`` and sign; returns the envelope
    and the content key (which the caller may keep only under an archive key)."""
    if signer.purpose != Purpose.SIGN or header.sender_kid != signer.kid:
        raise ValueError("the header must name the signing key that signs it")
    if not recipients:
        raise ValueError("an envelope needs at least one recipient")
    if len(recipients) > limits.max_recipients:
        raise CryptoError(Failure.TOO_LARGE, f"more than {limits.max_recipients} recipients")
    if len(body) > limits.max_body_bytes:
        raise CryptoError(Failure.TOO_LARGE, f"the body is over {limits.max_body_bytes} bytes")
    if len(attachments) > limits.max_attachments:
        raise CryptoError(Failure.TOO_LARGE, f"more than {limits.max_attachments} attachments")
    for attachment in attachments:
        if len(attachment) > limits.max_attachment_bytes:
            raise CryptoError(Failure.TOO_LARGE, f"an attachment is over {limits.max_attachment_bytes} bytes")
    entries = [Recipient(key.centre, key.kid) for key in recipients]
    public_keys = [key.public_key for key in recipients]
    if sender_copy is not None:
        if sender_copy.centre != header.sender:
            raise ValueError("the sender copy must be sealed to the sender's own key")
        entries.append(Recipient(sender_copy.centre, sender_copy.kid, copy=True))
        public_keys.append(sender_copy.public_key)
    header_bytes = header.to_bytes()
    if len(header_bytes) > limits.max_header_bytes:
        raise CryptoError(Failure.TOO_LARGE, f"the header is over {limits.max_header_bytes} bytes")
    recipient_bytes = _recipients_to_bytes(entries)
    content_key = os.urandom(CONTENT_KEY_BYTES)
    nonce = os.urandom(_NONCE_BYTES)
    sealed_body = nonce + sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(
        body, _body_associated_data(header_bytes, recipient_bytes), nonce, content_key
    )
    wrapped = tuple(sodium.crypto_box_seal(content_key, public_key) for public_key in public_keys)
    msg_id = header.msg_id.encode()
    sealed_attachments = tuple(
        encrypt_stream(attachment_key(content_key, index), data, msg_id)
        for index, data in enumerate(attachments)
    )
    parts = {
        "header": header_bytes,
        "recipients": recipient_bytes,
        "body": sealed_body,
        "wrapped_keys": wrapped,
        "attachments": sealed_attachments,
    }
    manifest = _manifest(parts, header.sender, signer.kid)
    envelope = Envelope(
        header=header_bytes,
        recipients=recipient_bytes,
        body=sealed_body,
        wrapped_keys=wrapped,
        attachments=sealed_attachments,
        manifest=manifest,
        signature=signer.sign(SIGNATURE_CONTEXT + manifest),
    )
    return envelope, content_key


@dataclass(frozen=True)
class KnownSigningKey:
    """A signing key the verifier trusts for ``centre``: certified by the centre's pinned
    identity key, with its validity and any revocation."""

    centre: str
    kid: str
    public_key: bytes
    not_before: datetime
    not_after: datetime
    revoked_at: datetime | None = None


class KeyDirectory(Protocol):
    def signing_key(self, centre: str, kid: str) -> KnownSigningKey | None:
        """The trusted signing key ``kid`` of ``centre``, or None when there is none."""


@dataclass(frozen=True)
class VerifiedEnvelope:
    envelope: Envelope
    header: Header
    recipients: tuple[Recipient, ...]

    def recipient_entry(self, centre: str, *, copy: bool | None = None) -> tuple[int, Recipient] | None:
        for index, recipient in enumerate(self.recipients):
            if recipient.centre == centre and (copy is None or recipient.copy == copy):
                return index, recipient
        return None

    @property
    def addressees(self) -> tuple[str, ...]:
        """The centres the message is for (without the sender's own copy)."""
        return tuple(r.centre for r in self.recipients if not r.copy)


def verify_envelope(
    envelope: Envelope,
    *,
    directory: KeyDirectory,
    now: datetime,
    limits: Limits = DEFAULT_LIMITS,
    seen: Callable[[str], bool] | None = None,
) -> VerifiedEnvelope:
    """Check everything that can be checked without a private key, in an order where each step
    only trusts what the previous steps proved; raise :class:`CryptoError` on the first failure.

    1. the manifest parses and names a signer; the signer's key is known and trusted;
    2. the signature over the manifest verifies;
    3. each part matches its digest in the manifest (naming the part that does not);
    4. the header and recipient list are well formed and agree with the manifest;
    5. the signing key was valid when the envelope was made, is not revoked, and the envelope
       does not arrive absurdly late or from the future;
    6. the message id was not received before (``seen``).
    """
    manifest, signer_centre, signer_kid = _manifest_and_signer(envelope)
    known = _verified_signing_key(envelope, directory, signer_centre, signer_kid)
    _check_parts(envelope, manifest)
    header, recipients = _header_and_recipients(envelope, signer_centre, signer_kid, limits)
    _check_signing_time(header.created_at, known, signer_kid, now=now, limits=limits)
    if seen is not None and seen(header.msg_id):
        raise CryptoError(Failure.REPLAY, f"message {header.msg_id} was already received")
    return VerifiedEnvelope(envelope=envelope, header=header, recipients=recipients)


def _manifest_and_signer(envelope: Envelope) -> tuple[dict[str, Any], str, str]:
    """The manifest, the centre that signed it and its key id (``verify_envelope``, step 1)."""
    if envelope.version != VERSION:
        raise CryptoError(Failure.VERSION, f"envelope version {envelope.version} is not {VERSION}")
    manifest = parse_json(envelope.manifest, Failure.MALFORMED, "the manifest")
    if (
        not isinstance(manifest, dict)
        or manifest.get("v") != VERSION
        or not isinstance(manifest.get("signer"), dict)
    ):
        raise CryptoError(Failure.MALFORMED, "the manifest does not name a signer")
    signer = manifest["signer"]
    signer_centre = check_code(signer.get("centre"), Failure.MALFORMED, "the manifest's signer")
    signer_kid = _kid(signer.get("kid"), Failure.MALFORMED, "the manifest's signer key id")
    return manifest, signer_centre, signer_kid


def _verified_signing_key(
    envelope: Envelope, directory: KeyDirectory, signer_centre: str, signer_kid: str
) -> KnownSigningKey:
    """The signer's key, known and trusted, whose signature over the manifest verifies
    (``verify_envelope``, steps 1 and 2)."""
    known = directory.signing_key(signer_centre, signer_kid)
    if known is None:
        raise CryptoError(
            Failure.UNKNOWN_KEY, f"no trusted signing key {signer_kid} for centre {signer_centre}"
        )
    if len(envelope.signature) != 64:
        raise CryptoError(Failure.SIGNATURE, "the signature is not 64 bytes")
    verify_signature(
        known.public_key,
        SIGNATURE_CONTEXT + envelope.manifest,
        envelope.signature,
        Failure.SIGNATURE,
        "the envelope",
    )
    return known


def _check_parts(envelope: Envelope, manifest: dict[str, Any]) -> None:
    """Step 3 of ``verify_envelope``: each part is the one whose digest the sender signed."""
    checks: tuple[tuple[str, bytes, Failure, str], ...] = (
        ("header", envelope.header, Failure.HEADER, "the header"),
        ("recipients", envelope.recipients, Failure.RECIPIENTS, "the recipient list"),
        ("body", envelope.body, Failure.BODY, "the body"),
        ("wrapped_keys", _length_prefixed(envelope.wrapped_keys), Failure.WRAPPED_KEYS, "the wrapped keys"),
    )
    for name, data, failure, what in checks:
        if manifest.get(name) != digest(data):
            raise CryptoError(failure, f"{what} is not what the sender signed")
    signed_attachments = manifest.get("attachments")
    if not isinstance(signed_attachments, list) or len(signed_attachments) != len(envelope.attachments):
        raise CryptoError(Failure.ATTACHMENT, "the attachments are not the ones the sender signed")
    for index, (signed, data) in enumerate(zip(signed_attachments, envelope.attachments, strict=True)):
        if signed != digest(data):
            raise CryptoError(Failure.ATTACHMENT, f"attachment {index + 1} is not what the sender signed")


def _header_and_recipients(
    envelope: Envelope, signer_centre: str, signer_kid: str, limits: Limits
) -> tuple[Header, tuple[Recipient, ...]]:
    """Step 4 of ``verify_envelope``: the header names the signer as its sender; one wrapped
    encryption key per recipient, the sender's own copy addressed to the sender."""
    header = Header.from_bytes(envelope.header)
    if header.sender != signer_centre or header.sender_kid != signer_kid:
        raise CryptoError(Failure.HEADER, "the header names another sender than the signer")
    recipients = _recipients_from_bytes(envelope.recipients, limits)
    if len(recipients) != len(envelope.wrapped_keys):
        raise CryptoError(Failure.WRAPPED_KEYS, "there is not one wrapped key per recipient")
    if any(len(key) != _SEALED_KEY_BYTES for key in envelope.wrapped_keys):
        raise CryptoError(Failure.WRAPPED_KEYS, "a wrapped key has the wrong length")
    for recipient in recipients:
        if recipient.copy and recipient.centre != header.sender:
            raise CryptoError(Failure.RECIPIENTS, "the sender copy is addressed to another centre")
        if recipient.kid[0] != "e":
            raise CryptoError(Failure.RECIPIENTS, f"recipient key {recipient.kid} is not an encryption key")
    return header, recipients


def _check_signing_time(
    created: datetime, known: KnownSigningKey, signer_kid: str, *, now: datetime, limits: Limits
) -> None:
    """Step 5 of ``verify_envelope``: the signing key was valid when the envelope was made, is not
    revoked, and the envelope comes neither from the future nor absurdly late."""
    if created > now + limits.clock_skew:
        raise CryptoError(Failure.HEADER, f"the envelope was made in the future ({format_time(created)})")
    if created < known.not_before:
        raise CryptoError(
            Failure.KEY_NOT_YET_VALID,
            f"signing key {signer_kid} was not yet valid when the envelope was made",
        )
    if created > known.not_after:
        raise CryptoError(
            Failure.KEY_EXPIRED, f"signing key {signer_kid} had expired when the envelope was made"
        )
    if now > known.not_after + limits.late_arrival:
        raise CryptoError(
            Failure.KEY_EXPIRED, f"signing key {signer_kid} expired too long ago to accept its envelopes"
        )
    if known.revoked_at is not None and known.revoked_at <= max(now, created):
        # A revoked key may be in an attacker's hands, and an attacker can back-date: nothing
        # signed by it is accepted once the revocation is known.
        raise CryptoError(
            Failure.KEY_REVOKED, f"signing key {signer_kid} was revoked on {format_time(known.revoked_at)}"
        )


@dataclass(frozen=True, repr=False)
class Opened:
    """A decrypted envelope. ``content_key`` opens the attachments and may be archived."""

    verified: VerifiedEnvelope
    body: bytes
    content_key: bytes

    def attachment(self, index: int) -> bytes:
        return decrypt_attachment(self.verified, index, self.content_key)


def unwrap_content_key(
    verified: VerifiedEnvelope,
    *,
    centre: str,
    keyring: Callable[[str], EncryptionKeyPair | None],
    copy: bool | None = None,
) -> bytes:
    """Open ``centre``'s wrapped content key with its private key from ``keyring`` (by kid)."""
    entry = verified.recipient_entry(centre, copy=copy)
    if entry is None:
        raise CryptoError(Failure.NOT_A_RECIPIENT, f"the envelope is not addressed to centre {centre}")
    index, recipient = entry
    key_pair = keyring(recipient.kid)
    if key_pair is None:
        raise CryptoError(
            Failure.KEY_UNAVAILABLE, f"the private key {recipient.kid} of centre {centre} is not on this node"
        )
    if key_pair.kid != recipient.kid:
        raise CryptoError(Failure.KEY_UNAVAILABLE, f"the keyring returned another key than {recipient.kid}")
    try:
        content_key = sodium.crypto_box_seal_open(
            verified.envelope.wrapped_keys[index], key_pair.public_key, key_pair.secret
        )
    except nacl.exceptions.CryptoError:
        raise CryptoError(
            Failure.WRAPPED_KEYS, f"the content key sealed to {recipient.kid} does not open"
        ) from None
    return bytes(content_key)


def open_with_content_key(verified: VerifiedEnvelope, content_key: bytes) -> Opened:
    body = verified.envelope.body
    if len(body) < _NONCE_BYTES + 16:
        raise CryptoError(Failure.BODY, "the body is too short")
    try:
        plain = sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(
            body[_NONCE_BYTES:],
            _body_associated_data(verified.envelope.header, verified.envelope.recipients),
            body[:_NONCE_BYTES],
            content_key,
        )
    except nacl.exceptions.CryptoError:
        raise CryptoError(Failure.BODY, "the body does not decrypt with its content key") from None
    return Opened(verified=verified, body=bytes(plain), content_key=content_key)


def open_envelope(
    verified: VerifiedEnvelope,
    *,
    centre: str,
    keyring: Callable[[str], EncryptionKeyPair | None],
    copy: bool | None = None,
) -> Opened:
    content_key = unwrap_content_key(verified, centre=centre, keyring=keyring, copy=copy)
    return open_with_content_key(verified, content_key)


def decrypt_attachment(verified: VerifiedEnvelope, index: int, content_key: bytes) -> bytes:
    if not 0 <= index < len(verified.envelope.attachments):
        raise CryptoError(Failure.ATTACHMENT, f"there is no attachment {index + 1}")
    return decrypt_stream(
        attachment_key(content_key, index),
        verified.envelope.attachments[index],
        verified.header.msg_id.encode(),
        what=f"attachment {index + 1}",
    )
