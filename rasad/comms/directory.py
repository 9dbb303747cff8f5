"""Which keys a local centre trusts: the bridge between the database and the cryptographic core.

A local centre trusts another local centre's keys outright (both live on this node, generated
here). It trusts a peer's keys only while its :class:`~rasad.comms.models.Peer` row is pinned,
and only keys certified by the identity key it pinned: keys a peer certified under a new,
unconfirmed identity are in the database but not trusted.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from rasad.comms import errors
from rasad.comms.choices import KeyPurpose, KeyState, PeerStatus
from rasad.comms.crypto import (
    KnownSigningKey,
    Purpose,
    RecipientKey,
    VerifiedEnvelope,
    key_id,
    verify_envelope,
)
from rasad.comms.crypto.envelope import Envelope as WireEnvelope
from rasad.comms.models import Centre, CentreKey, Envelope, Peer


def trust_error(local: Centre, other: Centre) -> errors.Refusal | None:
    """Why ``local`` may not exchange messages with ``other`` now, or None if it may."""
    if other.is_local:
        return None
    peer = Peer.objects.filter(local_centre=local, centre=other).first()
    if peer is None:
        return errors.Refusal(errors.UNKNOWN_SENDER, f"{other.code} is not a peer of {local.code}")
    if peer.status == PeerStatus.PENDING:
        return errors.Refusal(errors.NOT_PINNED, f"{local.code} has not confirmed {other.code}'s fingerprint")
    if peer.status == PeerStatus.KEY_CHANGED:
        return errors.Refusal(errors.PEER_KEY_CHANGED, f"{other.code} presented a new identity key")
    if peer.status == PeerStatus.BLOCKED:
        return errors.Refusal(errors.PEER_BLOCKED, f"{local.code} blocked {other.code}")
    return None


def trusted_issuer(local: Centre, other: Centre) -> str | None:
    """The identity key id whose certificates ``local`` accepts for ``other``."""
    if other.is_local:
        return other.identity_kid
    peer = Peer.objects.filter(local_centre=local, centre=other, status=PeerStatus.PINNED).first()
    if peer is None:
        return None
    return key_id(Purpose.IDENTITY, bytes(peer.pinned_identity_key))


class TrustedDirectory:
    """The signing keys ``local`` trusts, in the shape ``verify_envelope`` asks for."""

    def __init__(self, local: Centre) -> None:
        self.local = local

    def signing_key(self, centre: str, kid: str) -> KnownSigningKey | None:
        other = Centre.objects.filter(code=centre).first()
        if other is None:
            return None
        issuer = trusted_issuer(self.local, other)
        if issuer is None:
            return None
        key = CentreKey.objects.filter(
            centre=other, kid=kid, purpose=KeyPurpose.SIGN, issuer_kid=issuer
        ).first()
        if key is None or key.not_before is None or key.not_after is None:
            return None
        return KnownSigningKey(
            centre=centre,
            kid=kid,
            public_key=bytes(key.public_key),
            not_before=key.not_before,
            not_after=key.not_after,
            revoked_at=key.revoked_at,
        )


def recipient_keys(local: Centre, others: list[Centre], *, now: datetime) -> list[RecipientKey]:
    """:func:`recipient_key` for several centres with two queries in all (the send path)."""
    peers = {peer.centre_id: peer for peer in Peer.objects.filter(local_centre=local, centre__in=others)}
    issuers: dict[int, str] = {}
    for other in others:
        if other.is_local:
            issuers[other.pk] = other.identity_kid
            continue
        peer = peers.get(other.pk)
        if peer is None or peer.status != PeerStatus.PINNED:
            refusal = trust_error(local, other) or errors.Refusal(errors.NOT_PINNED, other.code)
            refusal.centre = other.code
            raise refusal
        issuers[other.pk] = key_id(Purpose.IDENTITY, bytes(peer.pinned_identity_key))
    newest: dict[int, CentreKey] = {}
    candidates = (
        CentreKey.objects.filter(
            centre__in=others,
            purpose=KeyPurpose.ENCRYPT,
            not_before__lte=now,
            not_after__gt=now,
            revoked_at__isnull=True,
        )
        .exclude(state__in=[KeyState.DESTROYED, KeyState.REVOKED])
        .order_by("centre_id", "-not_before", "-id")
    )
    for key in candidates:
        if key.issuer_kid == issuers.get(key.centre_id) and key.centre_id not in newest:
            newest[key.centre_id] = key
    keys = []
    for other in others:
        key = newest.get(other.pk)
        if key is None:
            raise errors.Refusal(
                errors.NO_VALID_KEY, f"{other.code} has no valid encryption key", centre=other.code
            )
        keys.append(RecipientKey(other.code, bytes(key.public_key)))
    return keys


def recipient_key(local: Centre, other: Centre, *, now: datetime) -> RecipientKey:
    """The encryption key ``local`` seals to when writing to ``other``: the newest key certified
    by the trusted identity, valid now and not revoked. Raises Refusal when there is none."""
    refusal = trust_error(local, other)
    if refusal is not None:
        raise refusal
    issuer = trusted_issuer(local, other)
    key = (
        CentreKey.objects.filter(
            centre=other,
            purpose=KeyPurpose.ENCRYPT,
            issuer_kid=issuer,
            not_before__lte=now,
            not_after__gt=now,
            revoked_at__isnull=True,
        )
        .exclude(state__in=[KeyState.DESTROYED, KeyState.REVOKED])
        .order_by("-not_before", "-id")
        .first()
    )
    if key is None:
        raise errors.Refusal(
            errors.NO_VALID_KEY, f"{other.code} has no valid encryption key", centre=other.code
        )
    return RecipientKey(other.code, bytes(key.public_key))


class StoredKeysDirectory:
    """The signing keys as stored, without today's trust decision: for envelopes this node
    already accepted (a peer blocked since then does not make its old messages unreadable).

    Each key is read once per directory: a page that verifies many envelopes shares one
    directory and reads each sender's key once, not once per envelope."""

    def __init__(self) -> None:
        self._read: dict[tuple[str, str], KnownSigningKey | None] = {}

    def signing_key(self, centre: str, kid: str) -> KnownSigningKey | None:
        if (centre, kid) not in self._read:
            key = CentreKey.objects.filter(centre__code=centre, kid=kid, purpose=KeyPurpose.SIGN).first()
            known = None
            if key is not None and key.not_before is not None and key.not_after is not None:
                known = KnownSigningKey(
                    centre, kid, bytes(key.public_key), key.not_before, key.not_after, key.revoked_at
                )
            self._read[(centre, kid)] = known
        return self._read[(centre, kid)]


def verified_from_store(envelope: Envelope, directory: StoredKeysDirectory | None = None) -> VerifiedEnvelope:
    """Re-check a stored envelope (signature and every part) as of when it was received, so that
    bytes altered in the database are caught before anything is decrypted from them."""
    wire = WireEnvelope.from_transport(bytes(envelope.raw))
    return verify_envelope(wire, directory=directory or StoredKeysDirectory(), now=envelope.received_at)


def address_book_ids(senders: Iterable[Centre]) -> set[int]:
    """The centres any of ``senders`` may write to now (each one's address book, in two queries
    whatever their number)."""
    chosen = [sender.pk for sender in senders]
    if not chosen:
        return set()
    local = set(Centre.objects.filter(is_local=True).values_list("pk", flat=True))
    if len(chosen) == 1:
        local.discard(chosen[0])
    peers = Centre.objects.filter(
        trusted_by__local_centre__in=chosen, trusted_by__status=PeerStatus.PINNED
    ).values_list("pk", flat=True)
    return local | set(peers)
