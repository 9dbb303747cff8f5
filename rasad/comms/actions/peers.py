"""Peers: registering another centre by its public bundle, confirming its fingerprint out of
band, taking in its key updates (and refusing, loudly, a new identity key until an administrator
confirms it), and blocking it."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from rasad.comms import errors
from rasad.comms.actions.common import now_or, require
from rasad.comms.audit import CommsAuditEvent, audit_comms
from rasad.comms.choices import KeyPurpose, KeyState, PeerStatus
from rasad.comms.crypto import (
    Bundle,
    CryptoError,
    IdentityRotation,
    Purpose,
    fingerprint,
    key_id,
    verify_bundle,
    verify_identity_rotation,
)
from rasad.comms.models import Centre, CentreKey, Peer
from rasad.core.models import User
from rasad.lib.events import send_event_on_commit
from rasad.lib.persian import search_key, to_latin_digits


def check_node_url(url: str) -> str:
    """A peer node's address: https (or http where allowed, for development and loopback)."""
    parts = urlsplit(url)
    allowed = ("https", "http") if settings.COMMS_ALLOW_HTTP else ("https",)
    if parts.scheme not in allowed or not parts.hostname:
        raise ValidationError(
            {
                "node_url": [
                    _("The node address must be an https:// address (plain http only in development).")
                ]
            }
        )
    return url if url.endswith("/") else url + "/"


def parse_bundle(data: Any) -> Bundle:
    """Read and check a bundle (its own signatures); raises ValidationError naming the bundle."""
    try:
        bundle = Bundle.from_dict(data)
        verify_bundle(bundle)
    except CryptoError as error:
        raise ValidationError(
            {"bundle": [errors.message_for(error.failure.value) + f" ({error.detail})"]}
        ) from None
    return bundle


def _store_bundle_keys(centre: Centre, bundle: Bundle) -> tuple[list[str], list[str]]:
    """Record the bundle's certificates and revocations (already verified under the bundle's
    identity key). Returns the key ids added and the key ids newly revoked."""
    added: list[str] = []
    revoked: list[str] = []
    for certificate in bundle.certificates:
        _, created = CentreKey.objects.get_or_create(
            centre=centre,
            kid=certificate.kid,
            defaults={
                "purpose": KeyPurpose(certificate.purpose.value),
                "public_key": certificate.public_key,
                "issuer_kid": certificate.issuer_kid,
                "not_before": certificate.not_before,
                "not_after": certificate.not_after,
                "certificate": certificate.to_dict(),
            },
        )
        if created:
            added.append(certificate.kid)
    for revocation in bundle.revocations:
        updated = (
            CentreKey.objects.filter(centre=centre, kid=revocation.kid, issuer_kid=revocation.issuer_kid)
            .exclude(state=KeyState.REVOKED)
            .update(state=KeyState.REVOKED, revoked_at=revocation.revoked_at, revocation=revocation.to_dict())
        )
        if updated:
            revoked.append(revocation.kid)
    identity_kid = bundle.identity_kid
    if not CentreKey.objects.filter(centre=centre, kid=identity_kid).exists():
        CentreKey.objects.create(
            centre=centre, purpose=KeyPurpose.IDENTITY, kid=identity_kid, public_key=bundle.identity_key
        )
        added.append(identity_kid)
    return added, revoked


def _named(centre: Centre, name: str) -> list[str]:
    """Give a centre on another node the name its bundle says, and the search key of name and
    code that the comms lists search; the fields to save."""
    centre.name = name
    centre.search_text = search_key(f"{name} {centre.code}")
    return ["name", "search_text"]


def _identity_revoked(bundle: Bundle) -> bool:
    return any(revocation.kid == bundle.identity_kid for revocation in bundle.revocations)


@transaction.atomic
def do_register_peer(
    local_centre: Centre, bundle_data: Any, *, acting_user: User | None, now: datetime | None = None
) -> Peer:
    """Register another centre as a peer of ``local_centre`` from its public bundle (fetched
    from its node or pasted). The peer stays *pending* until its fingerprint is confirmed."""
    require(acting_user, "add_peer", local_centre)
    moment = now_or(now)
    bundle = parse_bundle(bundle_data)
    node_url = check_node_url(bundle.node_url)
    if not local_centre.is_local:
        raise ValidationError({"local_centre": [_("Peers are registered for a centre hosted on this node.")]})
    centre = Centre.objects.filter(code=bundle.centre).first()
    if centre is not None and centre.is_local:
        raise ValidationError(
            {"bundle": [_("%(code)s is hosted on this node already.") % {"code": bundle.centre}]}
        )
    if _identity_revoked(bundle):
        raise ValidationError({"bundle": [_("This centre has revoked its own identity key.")]})
    if centre is None:
        centre = Centre(
            code=bundle.centre,
            node_url=node_url,
            identity_key=bundle.identity_key,
            identity_kid=bundle.identity_kid,
        )
        _named(centre, bundle.name)
        centre.save()
    peer: Peer | None = Peer.objects.filter(local_centre=local_centre, centre=centre).first()
    if peer is not None and peer.status in (PeerStatus.PINNED, PeerStatus.KEY_CHANGED):
        # Already trusted: a new bundle is an update, handled like one pushed by the peer.
        rotation = bundle_data.get("identity_rotation") if isinstance(bundle_data, dict) else None
        _apply_bundle_to_peer(peer, bundle, moment, rotation)
        return peer
    if peer is None:
        peer = Peer(local_centre=local_centre, centre=centre)
    peer.status = PeerStatus.PENDING
    peer.pinned_identity_key = bundle.identity_key
    peer.save()
    if bytes(centre.identity_key) != bundle.identity_key or centre.node_url != node_url:
        centre.identity_key = bundle.identity_key
        centre.identity_kid = bundle.identity_kid
        centre.node_url = node_url
        centre.save(
            update_fields=[
                "identity_key",
                "identity_kid",
                "node_url",
                *_named(centre, bundle.name),
                "last_updated",
            ]
        )
    added, _revoked = _store_bundle_keys(centre, bundle)
    audit_comms(
        CommsAuditEvent.PEER_REGISTERED,
        local_centre,
        acting_user=acting_user,
        obj=peer,
        new={
            "peer": centre.code,
            "identity_kid": bundle.identity_kid,
            "fingerprint": fingerprint(bundle.identity_key).digits,
            "node_url": node_url,
            "keys": added,
        },
    )
    return peer


def normalize_digits(text: str) -> str:
    return "".join(character for character in to_latin_digits(text) if character.isdigit())


@transaction.atomic
def do_confirm_peer(peer: Peer, *, fingerprint_digits: str, acting_user: User | None) -> Peer:
    """Confirm a peer's fingerprint, read over the phone or taken from the signed agreement:
    the administrator types the 30 digits the other centre reads out. Confirms a first
    registration, a new identity key, or lifts a block."""
    peer = Peer.objects.select_for_update().select_related("centre", "local_centre").get(pk=peer.pk)
    require(acting_user, "confirm_peer", peer.local_centre)
    offered = peer.offered_identity_key
    if peer.status == PeerStatus.KEY_CHANGED and offered is not None:
        key = bytes(offered)
    else:
        key = bytes(peer.pinned_identity_key)
    expected = fingerprint(key)
    if normalize_digits(fingerprint_digits) != normalize_digits(expected.digits):
        raise ValidationError(
            {
                "fingerprint_digits": [
                    _(
                        "These digits are not the fingerprint of the key this centre presents. Do not "
                        "confirm: check with the other centre by phone."
                    )
                ]
            }
        )
    old_kid = key_id(Purpose.IDENTITY, bytes(peer.pinned_identity_key))
    if peer.status == PeerStatus.KEY_CHANGED and peer.offered_bundle is not None:
        bundle = Bundle.from_dict(peer.offered_bundle)
        peer.pinned_identity_key = key
        _store_bundle_keys(peer.centre, bundle)
        centre = peer.centre
        centre.node_url = check_node_url(bundle.node_url)
        centre.save(update_fields=["node_url", *_named(centre, bundle.name), "last_updated"])
    peer.status = PeerStatus.PINNED
    peer.offered_identity_key = None
    peer.offered_bundle = None
    peer.identity_rotation = None
    peer.confirmed_by = acting_user
    peer.confirmed_at = now_or(None)
    peer.save()
    audit_comms(
        CommsAuditEvent.PEER_CONFIRMED,
        peer.local_centre,
        acting_user=acting_user,
        obj=peer,
        old={"identity_kid": old_kid},
        new={"identity_kid": key_id(Purpose.IDENTITY, key), "fingerprint": expected.digits},
    )
    return peer


@transaction.atomic
def do_block_peer(peer: Peer, *, reason: str, acting_user: User | None) -> Peer:
    """Stop exchanging messages with a peer (nothing is sent to or accepted from it)."""
    peer = Peer.objects.select_for_update().select_related("local_centre", "centre").get(pk=peer.pk)
    require(acting_user, "confirm_peer", peer.local_centre)
    if not reason.strip():
        raise ValidationError({"reason": [_("Say why the peer is blocked.")]})
    old_status = peer.status
    peer.status = PeerStatus.BLOCKED
    peer.save(update_fields=["status", "last_updated"])
    audit_comms(
        CommsAuditEvent.PEER_BLOCKED,
        peer.local_centre,
        acting_user=acting_user,
        obj=peer,
        old={"status": old_status},
        new={"status": PeerStatus.BLOCKED, "reason": reason.strip()[:200]},
    )
    return peer


def vouched_rotation(rotation_data: Any, *, pinned: bytes, offered: bytes) -> dict[str, Any] | None:
    """The identity rotation sent with a bundle, if it is a statement by the pinned identity key
    naming exactly the offered one; None when absent, malformed or not verifying (the change is
    then shown as unvouched: possibly an impostor)."""
    if rotation_data is None:
        return None
    try:
        rotation = IdentityRotation.from_dict(rotation_data)
        verify_identity_rotation(rotation, old_identity_key=pinned, new_identity_key=offered)
    except CryptoError:
        return None
    return rotation.to_dict()


def _apply_bundle_to_peer(peer: Peer, bundle: Bundle, moment: datetime, rotation_data: Any = None) -> None:
    """Take in a bundle for a peer already registered by ``peer.local_centre``."""
    pinned = bytes(peer.pinned_identity_key)
    if bundle.identity_key != pinned:
        rotation = vouched_rotation(rotation_data, pinned=pinned, offered=bundle.identity_key)
        if (
            peer.status == PeerStatus.KEY_CHANGED
            and bytes(peer.offered_identity_key or b"") == bundle.identity_key
        ):
            peer.offered_bundle = bundle.to_dict()
            peer.identity_rotation = rotation or peer.identity_rotation
            peer.save(update_fields=["offered_bundle", "identity_rotation", "last_updated"])
            return
        old_status = peer.status
        peer.status = PeerStatus.KEY_CHANGED
        peer.offered_identity_key = bundle.identity_key
        peer.offered_bundle = bundle.to_dict()
        peer.identity_rotation = rotation
        peer.key_changed_at = moment
        peer.save()
        _store_bundle_keys(peer.centre, bundle)  # stored, but not trusted: another issuer
        audit_comms(
            CommsAuditEvent.PEER_KEY_CHANGED,
            peer.local_centre,
            acting_user=None,
            obj=peer,
            old={"identity_kid": key_id(Purpose.IDENTITY, pinned), "status": old_status},
            new={
                "identity_kid": bundle.identity_kid,
                "fingerprint": fingerprint(bundle.identity_key).digits,
                "vouched_by_pinned_key": rotation is not None,
            },
        )
        send_event_on_commit(
            "comms.peer_key_changed",
            {"peer": peer.centre.code, "centre": peer.local_centre.code, "vouched": rotation is not None},
            organization_ids=[peer.local_centre.organization_id] if peer.local_centre.organization_id else [],
        )
        return
    added, revoked = _store_bundle_keys(peer.centre, bundle)
    centre = peer.centre
    if centre.node_url != bundle.node_url or centre.name != bundle.name:
        centre.node_url = check_node_url(bundle.node_url)
        centre.save(update_fields=["node_url", *_named(centre, bundle.name), "last_updated"])
    if _identity_revoked(bundle) and peer.status != PeerStatus.BLOCKED:
        peer.status = PeerStatus.BLOCKED
        peer.save(update_fields=["status", "last_updated"])
        revoked.append(bundle.identity_kid)
    if added or revoked:
        audit_comms(
            CommsAuditEvent.PEER_KEYS_UPDATED,
            peer.local_centre,
            acting_user=None,
            obj=peer,
            new={"peer": centre.code, "added": added, "revoked": revoked},
        )


@transaction.atomic
def apply_bundle_update(bundle_data: Any, *, now: datetime | None = None) -> list[Peer]:
    """A bundle pushed by a peer node: taken in for every local centre that registered that
    peer. An unknown centre's bundle is refused (peers are registered by an administrator)."""
    moment = now_or(now)
    try:
        bundle = Bundle.from_dict(bundle_data)
        verify_bundle(bundle)
    except CryptoError as error:
        raise errors.Refusal.from_crypto(error) from None
    centre = Centre.objects.filter(code=bundle.centre, is_local=False).first()
    peers = (
        list(Peer.objects.filter(centre=centre).select_related("local_centre", "centre")) if centre else []
    )
    if not peers:
        raise errors.Refusal(errors.UNKNOWN_SENDER, f"{bundle.centre} is not a registered peer here")
    rotation = bundle_data.get("identity_rotation") if isinstance(bundle_data, dict) else None
    for peer in peers:
        _apply_bundle_to_peer(peer, bundle, moment, rotation)
    return peers
