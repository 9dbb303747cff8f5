"""A centre's keys and the statements its identity key signs about them.

Each centre has three kinds of key (docs/comms.md, "Keys"):

* an **identity key** (Ed25519), the long-term root of trust whose fingerprint people confirm
  over the phone;
* a **signing key** (Ed25519) that signs envelopes, and
* an **encryption key** (X25519) that content keys are sealed to.

The identity key certifies the other two with a :class:`Certificate` (``{centre, purpose, kid,
public key, not_before, not_after}`` signed by the identity key), revokes them with a
:class:`Revocation`, and signs the :class:`Bundle` a node publishes to its peers. A key id
(``kid``) is derived from the public key, so it cannot be chosen to collide with another key.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from typing import Any, ClassVar

import nacl.exceptions
import nacl.public
import nacl.signing

from rasad.comms.crypto.encoding import b64, canonical_json, format_time, parse_time, unb64
from rasad.comms.crypto.errors import CryptoError, Failure

CERTIFICATE_TYPE = "rasad-key-certificate-v1"
REVOCATION_TYPE = "rasad-key-revocation-v1"
BUNDLE_TYPE = "rasad-key-bundle-v1"
IDENTITY_ROTATION_TYPE = "rasad-identity-rotation-v1"
MAX_CODE_LENGTH = 40
MAX_BUNDLE_CERTIFICATES = 64


class Purpose(StrEnum):
    IDENTITY = "identity"
    SIGN = "sign"
    ENCRYPT = "encrypt"


_KID_PREFIX = {Purpose.IDENTITY: "i-", Purpose.SIGN: "s-", Purpose.ENCRYPT: "e-"}


def key_id(purpose: Purpose, public_key: bytes) -> str:
    """``i-``/``s-``/``e-`` and 20 hex digits of BLAKE2b over the purpose and the public key.

    80 bits name a key among the handful a centre ever certifies; the purpose is hashed in so an
    X25519 key and an Ed25519 key with equal bytes still get different ids.
    """
    digest = hashlib.blake2b(
        purpose.value.encode() + b"\x00" + public_key, digest_size=10, person=b"rasad-kid-v1"
    ).hexdigest()
    return _KID_PREFIX[purpose] + digest


def check_code(code: Any, failure: Failure, what: str) -> str:
    """Centre codes travel in signed statements; keep them short and plain."""
    if not isinstance(code, str) or not code or len(code) > MAX_CODE_LENGTH:
        raise CryptoError(failure, f"{what} must be a code of 1 to {MAX_CODE_LENGTH} characters")
    if not all(character.isascii() and (character.isalnum() or character in "-_.") for character in code):
        raise CryptoError(failure, f"{what} may hold only ASCII letters, digits, '-', '_' and '.'")
    return code


@dataclass(frozen=True, repr=False)
class SigningKeyPair:
    """An Ed25519 key pair (identity or message signing). ``seed`` is the 32-byte private key."""

    purpose: Purpose
    seed: bytes

    @classmethod
    def generate(cls, purpose: Purpose) -> SigningKeyPair:
        if purpose == Purpose.ENCRYPT:
            raise ValueError("an encryption key is not a signing key")
        return cls(purpose, bytes(nacl.signing.SigningKey.generate()))

    @property
    def public_key(self) -> bytes:
        return bytes(nacl.signing.SigningKey(self.seed).verify_key)

    @property
    def kid(self) -> str:
        return key_id(self.purpose, self.public_key)

    def sign(self, message: bytes) -> bytes:
        return nacl.signing.SigningKey(self.seed).sign(message).signature

    def __repr__(self) -> str:  # never print private key material
        return f"SigningKeyPair({self.purpose.value}, {self.kid})"


@dataclass(frozen=True, repr=False)
class EncryptionKeyPair:
    """An X25519 key pair that content keys are sealed to. ``secret`` is the 32-byte private key."""

    secret: bytes

    @classmethod
    def generate(cls) -> EncryptionKeyPair:
        return cls(bytes(nacl.public.PrivateKey.generate()))

    @property
    def public_key(self) -> bytes:
        return bytes(nacl.public.PrivateKey(self.secret).public_key)

    @property
    def kid(self) -> str:
        return key_id(Purpose.ENCRYPT, self.public_key)

    def __repr__(self) -> str:
        return f"EncryptionKeyPair({self.kid})"


def verify_signature(
    public_key: bytes, message: bytes, signature: bytes, failure: Failure, what: str
) -> None:
    try:
        nacl.signing.VerifyKey(public_key).verify(message, signature)
    except (nacl.exceptions.BadSignatureError, nacl.exceptions.ValueError, TypeError):
        raise CryptoError(failure, f"the signature of {what} does not verify") from None


def _require_aware(*moments: datetime) -> None:
    for moment in moments:
        if moment.tzinfo is None:
            raise ValueError("naive datetime")


class _SignedStatement:
    """What an identity key signs about a centre's keys: ``signed_fields()`` are what it says,
    the same in the signed bytes (after the ``statement_type`` tag) and in its JSON form (before
    the signature)."""

    statement_type: ClassVar[str]
    signature: bytes

    def signed_fields(self) -> dict[str, Any]:
        raise NotImplementedError

    def statement(self) -> bytes:
        return statement_bytes({"type": self.statement_type, **self.signed_fields()})

    def to_dict(self) -> dict[str, Any]:
        return {**self.signed_fields(), "signature": b64(self.signature)}


@dataclass(frozen=True)
class Certificate(_SignedStatement):
    """The identity key of ``centre`` vouches that ``public_key`` is its ``purpose`` key from
    ``not_before`` to ``not_after``."""

    centre: str
    purpose: Purpose
    kid: str
    public_key: bytes
    not_before: datetime
    not_after: datetime
    issuer_kid: str
    signature: bytes = field(repr=False)

    statement_type: ClassVar[str] = CERTIFICATE_TYPE

    def signed_fields(self) -> dict[str, Any]:
        return {
            "centre": self.centre,
            "purpose": self.purpose.value,
            "kid": self.kid,
            "public_key": b64(self.public_key),
            "not_before": format_time(self.not_before),
            "not_after": format_time(self.not_after),
            "issuer_kid": self.issuer_kid,
        }

    def is_valid_at(self, moment: datetime) -> bool:
        return self.not_before <= moment <= self.not_after

    @classmethod
    def from_dict(cls, data: Any) -> Certificate:
        failure = Failure.CERTIFICATE
        if not isinstance(data, dict):
            raise CryptoError(failure, "a certificate must be an object")
        try:
            purpose = Purpose(str(data.get("purpose")))
        except ValueError:
            raise CryptoError(failure, "unknown certificate purpose") from None
        if purpose == Purpose.IDENTITY:
            raise CryptoError(failure, "an identity key is not certified by a certificate")
        return cls(
            centre=check_code(data.get("centre"), failure, "certificate centre"),
            purpose=purpose,
            kid=str(data.get("kid", "")),
            public_key=unb64(data.get("public_key"), failure, "certificate public key", length=32),
            not_before=parse_time(data.get("not_before"), failure, "certificate not_before"),
            not_after=parse_time(data.get("not_after"), failure, "certificate not_after"),
            issuer_kid=str(data.get("issuer_kid", "")),
            signature=unb64(data.get("signature"), failure, "certificate signature", length=64),
        )


def statement_bytes(statement: dict[str, Any]) -> bytes:
    """What an identity key signs: a type tag, a NUL, then canonical JSON (the tag keeps a
    certificate from ever being read as a revocation or a bundle)."""
    return str(statement["type"]).encode() + b"\x00" + canonical_json(statement)


def certify(
    identity: SigningKeyPair,
    *,
    centre: str,
    purpose: Purpose,
    public_key: bytes,
    not_before: datetime,
    not_after: datetime,
) -> Certificate:
    if identity.purpose != Purpose.IDENTITY:
        raise ValueError("only an identity key certifies keys")
    if purpose == Purpose.IDENTITY:
        raise ValueError("identity keys are not certified")
    _require_aware(not_before, not_after)
    if not_after <= not_before:
        raise ValueError("not_after must be after not_before")
    # Times travel with millisecond precision: round now so the certificate compares equal to
    # what a peer parses back.
    unsigned = Certificate(
        centre=check_code(centre, Failure.CERTIFICATE, "centre"),
        purpose=purpose,
        kid=key_id(purpose, public_key),
        public_key=public_key,
        not_before=parse_time(format_time(not_before), Failure.CERTIFICATE, "not_before"),
        not_after=parse_time(format_time(not_after), Failure.CERTIFICATE, "not_after"),
        issuer_kid=identity.kid,
        signature=b"",
    )
    return replace(unsigned, signature=identity.sign(unsigned.statement()))


def verify_certificate(certificate: Certificate, identity_public_key: bytes, *, centre: str) -> None:
    """Fail closed unless ``certificate`` was issued by this identity key for this centre."""
    failure = Failure.CERTIFICATE
    if certificate.centre != centre:
        raise CryptoError(failure, f"certificate {certificate.kid} is for centre {certificate.centre}")
    if certificate.kid != key_id(certificate.purpose, certificate.public_key):
        raise CryptoError(failure, f"certificate {certificate.kid} names a key id that is not its key's")
    if certificate.issuer_kid != key_id(Purpose.IDENTITY, identity_public_key):
        raise CryptoError(failure, f"certificate {certificate.kid} was issued by another identity key")
    if certificate.not_after <= certificate.not_before:
        raise CryptoError(failure, f"certificate {certificate.kid} ends before it starts")
    verify_signature(
        identity_public_key,
        certificate.statement(),
        certificate.signature,
        failure,
        f"certificate {certificate.kid}",
    )


@dataclass(frozen=True)
class Revocation(_SignedStatement):
    """The identity key of ``centre`` withdraws key ``kid`` from ``revoked_at`` on."""

    centre: str
    kid: str
    revoked_at: datetime
    reason: str
    issuer_kid: str
    signature: bytes = field(repr=False)

    statement_type: ClassVar[str] = REVOCATION_TYPE

    def signed_fields(self) -> dict[str, Any]:
        return {
            "centre": self.centre,
            "kid": self.kid,
            "revoked_at": format_time(self.revoked_at),
            "reason": self.reason,
            "issuer_kid": self.issuer_kid,
        }

    @classmethod
    def from_dict(cls, data: Any) -> Revocation:
        failure = Failure.CERTIFICATE
        if not isinstance(data, dict):
            raise CryptoError(failure, "a revocation must be an object")
        reason = data.get("reason", "")
        if not isinstance(reason, str) or len(reason) > 200:
            raise CryptoError(failure, "a revocation reason is text of at most 200 characters")
        return cls(
            centre=check_code(data.get("centre"), failure, "revocation centre"),
            kid=str(data.get("kid", ""))[:64],
            revoked_at=parse_time(data.get("revoked_at"), failure, "revocation time"),
            reason=reason,
            issuer_kid=str(data.get("issuer_kid", "")),
            signature=unb64(data.get("signature"), failure, "revocation signature", length=64),
        )


def revoke(
    identity: SigningKeyPair, *, centre: str, kid: str, revoked_at: datetime, reason: str
) -> Revocation:
    if identity.purpose != Purpose.IDENTITY:
        raise ValueError("only an identity key revokes keys")
    _require_aware(revoked_at)
    unsigned = Revocation(
        centre=centre,
        kid=kid,
        revoked_at=parse_time(format_time(revoked_at), Failure.CERTIFICATE, "revoked_at"),
        reason=reason[:200],
        issuer_kid=identity.kid,
        signature=b"",
    )
    return replace(unsigned, signature=identity.sign(unsigned.statement()))


def verify_revocation(revocation: Revocation, identity_public_key: bytes, *, centre: str) -> None:
    failure = Failure.CERTIFICATE
    if revocation.centre != centre:
        raise CryptoError(failure, f"revocation of {revocation.kid} is for centre {revocation.centre}")
    if revocation.issuer_kid != key_id(Purpose.IDENTITY, identity_public_key):
        raise CryptoError(failure, f"revocation of {revocation.kid} was issued by another identity key")
    verify_signature(
        identity_public_key,
        revocation.statement(),
        revocation.signature,
        failure,
        f"revocation of {revocation.kid}",
    )


@dataclass(frozen=True)
class Bundle:
    """Everything a peer needs to write to a centre and check what it signs: its identity key,
    its certified keys, its revocations, and where its node's inbox is; signed by the identity."""

    centre: str
    name: str
    node_url: str
    identity_key: bytes
    certificates: tuple[Certificate, ...]
    revocations: tuple[Revocation, ...]
    issued_at: datetime
    signature: bytes = field(repr=False)

    @property
    def identity_kid(self) -> str:
        return key_id(Purpose.IDENTITY, self.identity_key)

    def _unsigned_dict(self) -> dict[str, Any]:
        return {
            "type": BUNDLE_TYPE,
            "centre": self.centre,
            "name": self.name,
            "node_url": self.node_url,
            "identity_key": b64(self.identity_key),
            "certificates": [certificate.to_dict() for certificate in self.certificates],
            "revocations": [revocation.to_dict() for revocation in self.revocations],
            "issued_at": format_time(self.issued_at),
        }

    def statement(self) -> bytes:
        return statement_bytes(self._unsigned_dict())

    def to_dict(self) -> dict[str, Any]:
        return {**self._unsigned_dict(), "signature": b64(self.signature)}

    @classmethod
    def from_dict(cls, data: Any) -> Bundle:
        failure = Failure.BUNDLE
        if not isinstance(data, dict) or data.get("type") != BUNDLE_TYPE:
            raise CryptoError(failure, f"a bundle must be an object of type {BUNDLE_TYPE}")
        certificates, revocations = data.get("certificates"), data.get("revocations")
        if not isinstance(certificates, list) or not isinstance(revocations, list):
            raise CryptoError(failure, "a bundle lists certificates and revocations")
        if len(certificates) > MAX_BUNDLE_CERTIFICATES or len(revocations) > MAX_BUNDLE_CERTIFICATES * 4:
            raise CryptoError(Failure.TOO_LARGE, "a bundle lists too many certificates or revocations")
        name, node_url = data.get("name"), data.get("node_url")
        if (
            not isinstance(name, str)
            or len(name) > 200
            or not isinstance(node_url, str)
            or len(node_url) > 300
        ):
            raise CryptoError(failure, "a bundle's name and node address are text")
        return cls(
            centre=check_code(data.get("centre"), failure, "bundle centre"),
            name=name,
            node_url=node_url,
            identity_key=unb64(data.get("identity_key"), failure, "bundle identity key", length=32),
            certificates=tuple(Certificate.from_dict(item) for item in certificates),
            revocations=tuple(Revocation.from_dict(item) for item in revocations),
            issued_at=parse_time(data.get("issued_at"), failure, "bundle issue time"),
            signature=unb64(data.get("signature"), failure, "bundle signature", length=64),
        )


def make_bundle(
    identity: SigningKeyPair,
    *,
    centre: str,
    name: str,
    node_url: str,
    certificates: Iterable[Certificate],
    revocations: Iterable[Revocation],
    issued_at: datetime,
) -> Bundle:
    _require_aware(issued_at)
    unsigned = Bundle(
        centre=centre,
        name=name,
        node_url=node_url,
        identity_key=identity.public_key,
        certificates=tuple(certificates),
        revocations=tuple(revocations),
        issued_at=parse_time(format_time(issued_at), Failure.BUNDLE, "issued_at"),
        signature=b"",
    )
    return replace(unsigned, signature=identity.sign(unsigned.statement()))


def verify_bundle(bundle: Bundle, *, pinned_identity_key: bytes | None = None) -> None:
    """Fail closed unless the bundle, each certificate and each revocation in it verify under
    the bundle's identity key, and (when a peer is pinned) that key is the pinned one.

    A bundle under a *different* identity key than the pinned one raises ``IDENTITY_CHANGED``
    only after its own signatures check out, so that the refusal the administrator sees is about
    a genuine new key, never about garbage.
    """
    verify_signature(bundle.identity_key, bundle.statement(), bundle.signature, Failure.BUNDLE, "the bundle")
    for certificate in bundle.certificates:
        verify_certificate(certificate, bundle.identity_key, centre=bundle.centre)
    for revocation in bundle.revocations:
        verify_revocation(revocation, bundle.identity_key, centre=bundle.centre)
    if pinned_identity_key is not None and pinned_identity_key != bundle.identity_key:
        raise CryptoError(
            Failure.IDENTITY_CHANGED,
            f"centre {bundle.centre} now presents identity key {bundle.identity_kid}, "
            f"not the pinned {key_id(Purpose.IDENTITY, pinned_identity_key)}",
        )


@dataclass(frozen=True)
class IdentityRotation(_SignedStatement):
    """The old identity key of ``centre`` vouches for its successor. Peers still confirm the new
    fingerprint out of band (SECURITY.md A.5, 6); this statement tells them the change is the
    centre's own and not an impostor's."""

    centre: str
    old_identity_key: bytes
    new_identity_key: bytes
    rotated_at: datetime
    signature: bytes = field(repr=False)

    statement_type: ClassVar[str] = IDENTITY_ROTATION_TYPE

    def signed_fields(self) -> dict[str, Any]:
        return {
            "centre": self.centre,
            "old_identity_key": b64(self.old_identity_key),
            "new_identity_key": b64(self.new_identity_key),
            "rotated_at": format_time(self.rotated_at),
        }

    @classmethod
    def from_dict(cls, data: Any) -> IdentityRotation:
        failure = Failure.CERTIFICATE
        if not isinstance(data, dict):
            raise CryptoError(failure, "an identity rotation must be an object")
        return cls(
            centre=check_code(data.get("centre"), failure, "rotation centre"),
            old_identity_key=unb64(data.get("old_identity_key"), failure, "old identity key", length=32),
            new_identity_key=unb64(data.get("new_identity_key"), failure, "new identity key", length=32),
            rotated_at=parse_time(data.get("rotated_at"), failure, "rotation time"),
            signature=unb64(data.get("signature"), failure, "rotation signature", length=64),
        )


def cross_sign_identity(
    old: SigningKeyPair, new: SigningKeyPair, *, centre: str, rotated_at: datetime
) -> IdentityRotation:
    _require_aware(rotated_at)
    unsigned = IdentityRotation(
        centre=centre,
        old_identity_key=old.public_key,
        new_identity_key=new.public_key,
        rotated_at=parse_time(format_time(rotated_at), Failure.CERTIFICATE, "rotated_at"),
        signature=b"",
    )
    return replace(unsigned, signature=old.sign(unsigned.statement()))


def verify_identity_rotation(
    rotation: IdentityRotation, *, old_identity_key: bytes, new_identity_key: bytes
) -> None:
    if rotation.old_identity_key != old_identity_key or rotation.new_identity_key != new_identity_key:
        raise CryptoError(Failure.CERTIFICATE, "the identity rotation names other keys")
    verify_signature(
        old_identity_key, rotation.statement(), rotation.signature, Failure.CERTIFICATE, "the rotation"
    )


def revoked_at(revocations: Sequence[Revocation], kid: str) -> datetime | None:
    moments = [revocation.revoked_at for revocation in revocations if revocation.kid == kid]
    return min(moments) if moments else None
