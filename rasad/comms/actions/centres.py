"""Setting up a local centre's keys, rotating them, destroying retired ones after re-wrapping the
archive, revoking a key, and publishing the centre's bundle to its peers."""

from __future__ import annotations

import os
from collections import defaultdict
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from rasad.comms import keystore
from rasad.comms.actions.common import grace_period, now_or, require, rotation_period
from rasad.comms.audit import CommsAuditEvent, audit_comms
from rasad.comms.choices import DeliveryKind, Direction, KeyPurpose, KeyState, PeerStatus
from rasad.comms.crypto import (
    Bundle,
    Certificate,
    EncryptionKeyPair,
    Purpose,
    Revocation,
    SigningKeyPair,
    certify,
    cross_sign_identity,
    fingerprint,
    make_bundle,
    revoke,
    unwrap_content_key,
)
from rasad.comms.directory import verified_from_store
from rasad.comms.models import Centre, CentreKey, Delivery, Message, Peer
from rasad.core.choices import OrganizationKind
from rasad.core.models import Organization, User
from rasad.lib import search

# Certificates stay valid through the grace period after the next rotation, so that a peer that
# has not yet received the new bundle can still write, and queued envelopes still verify.


def _store_private_key(
    centre: Centre,
    purpose: KeyPurpose,
    kid: str,
    public_key: bytes,
    secret: bytes,
    certificate: Certificate | None,
) -> CentreKey:
    return CentreKey.objects.create(
        centre=centre,
        purpose=purpose,
        kid=kid,
        public_key=public_key,
        issuer_kid=certificate.issuer_kid if certificate else "",
        not_before=certificate.not_before if certificate else None,
        not_after=certificate.not_after if certificate else None,
        certificate=certificate.to_dict() if certificate else None,
        state=KeyState.ACTIVE,
        private_sealed=keystore.seal_private(centre.code, kid, secret),
    )


def _issue_keys(centre: Centre, identity: SigningKeyPair, now: datetime) -> tuple[CentreKey, CentreKey]:
    until = now + rotation_period() + grace_period()
    signing = SigningKeyPair.generate(Purpose.SIGN)
    encryption = EncryptionKeyPair.generate()
    signing_cert = certify(
        identity,
        centre=centre.code,
        purpose=Purpose.SIGN,
        public_key=signing.public_key,
        not_before=now,
        not_after=until,
    )
    encryption_cert = certify(
        identity,
        centre=centre.code,
        purpose=Purpose.ENCRYPT,
        public_key=encryption.public_key,
        not_before=now,
        not_after=until,
    )
    return (
        _store_private_key(
            centre, KeyPurpose.SIGN, signing.kid, signing.public_key, signing.seed, signing_cert
        ),
        _store_private_key(
            centre,
            KeyPurpose.ENCRYPT,
            encryption.kid,
            encryption.public_key,
            encryption.secret,
            encryption_cert,
        ),
    )


@transaction.atomic
def do_set_up_centre(
    organization: Organization, *, acting_user: User | None, now: datetime | None = None
) -> Centre:
    """Give a command centre hosted on this node its identity, signing, encryption and archive
    keys. The private keys are stored sealed under the operator key."""
    moment = now_or(now)
    if organization.kind != OrganizationKind.COMMAND_CENTRE:
        raise ValidationError(
            {"organization": [_("Only a command centre can exchange centre-to-centre messages.")]}
        )
    if Centre.objects.filter(code=organization.code).exists():
        raise ValidationError(
            {
                "organization": [
                    _("A centre with the code %(code)s is already known here.") % {"code": organization.code}
                ]
            }
        )
    identity = SigningKeyPair.generate(Purpose.IDENTITY)
    centre = Centre(
        code=organization.code,
        name=organization.name,
        organization=organization,
        is_local=True,
        node_url=settings.COMMS_NODE_URL,
        identity_key=identity.public_key,
        identity_kid=identity.kid,
    )
    centre.search_text = search.key_of(centre)
    if acting_user is not None:
        require(acting_user, "manage_keys_centre", centre)
    centre.archive_key_sealed = keystore.seal_private(organization.code, "archive", os.urandom(32))
    centre.save()
    _store_private_key(centre, KeyPurpose.IDENTITY, identity.kid, identity.public_key, identity.seed, None)
    signing, encryption = _issue_keys(centre, identity, moment)
    audit_comms(
        CommsAuditEvent.CENTRE_SET_UP,
        centre,
        acting_user=acting_user,
        obj=centre,
        new={
            "identity_kid": identity.kid,
            "fingerprint": fingerprint(identity.public_key).digits,
            "signing_kid": signing.kid,
            "encryption_kid": encryption.kid,
        },
    )
    return centre


def bundle_for(centre: Centre, *, now: datetime | None = None) -> Bundle:
    """The signed public bundle of a local centre: its identity key, every certificate still
    useful to a peer (valid now, or recently expired so a backlog verifies), every revocation."""
    moment = now_or(now)
    # Only what the current identity key certified or revoked: the bundle is signed by it, and
    # a peer already holds what an earlier identity signed (identity rotation).
    keys = CentreKey.objects.filter(centre=centre, issuer_kid=centre.identity_kid).exclude(
        purpose=KeyPurpose.IDENTITY
    )
    certificates = [
        Certificate.from_dict(key.certificate)
        for key in keys.filter(not_after__gt=moment - grace_period()).order_by("not_before", "id")
        if key.certificate
    ]
    revocations = [
        Revocation.from_dict(key.revocation)
        for key in CentreKey.objects.filter(centre=centre, revocation__isnull=False).order_by(
            "revoked_at", "id"
        )
        if key.revocation.get("issuer_kid") == centre.identity_kid
    ]
    return make_bundle(
        keystore.identity_pair(centre),
        centre=centre.code,
        name=centre.name,
        node_url=centre.node_url,
        certificates=certificates,
        revocations=revocations,
        issued_at=moment,
    )


def identity_rotation_for(centre: Centre) -> dict[str, object] | None:
    """The statement by which the centre's previous identity key vouched for the current one, if
    its identity was rotated here (kept as the current identity key's certificate)."""
    key = CentreKey.objects.filter(
        centre=centre, purpose=KeyPurpose.IDENTITY, kid=centre.identity_kid, certificate__isnull=False
    ).first()
    return dict(key.certificate) if key is not None and key.certificate else None


def published_bundle(centre: Centre, *, now: datetime | None = None) -> dict[str, object]:
    """The bundle as peers receive it (pushed or fetched): the signed bundle, plus the
    cross-signed identity rotation when the identity key was replaced."""
    data: dict[str, object] = bundle_for(centre, now=now).to_dict()
    rotation = identity_rotation_for(centre)
    if rotation is not None:
        data["identity_rotation"] = rotation
    return data


def queue_bundle(centre: Centre, *, now: datetime | None = None) -> list[Delivery]:
    """Push the centre's current bundle to every node hosting a peer it has pinned (in the same
    outbox as envelopes, so it arrives before anything signed with the new keys)."""
    moment = now_or(now)
    by_node: dict[str, list[str]] = defaultdict(list)
    for peer in Peer.objects.filter(local_centre=centre, status=PeerStatus.PINNED).select_related("centre"):
        if not peer.centre.is_local and peer.centre.node_url:
            by_node[peer.centre.node_url].append(peer.centre.code)
    if not by_node:
        return []
    bundle = published_bundle(centre, now=moment)
    return [
        Delivery.objects.create(
            sender=centre,
            node_url=node_url,
            kind=DeliveryKind.BUNDLE,
            bundle=bundle,
            centres=sorted(codes),
            next_attempt_at=moment,
        )
        for node_url, codes in sorted(by_node.items())
    ]


def _retire_active_keys(centre: Centre, moment: datetime) -> list[CentreKey]:
    """Retire the active signing and encryption keys: the encryption key for the grace period,
    the signing key's private half at once."""
    old = list(
        CentreKey.objects.filter(
            centre=centre, state=KeyState.ACTIVE, purpose__in=[KeyPurpose.SIGN, KeyPurpose.ENCRYPT]
        )
    )
    for key in old:
        key.state = KeyState.RETIRED
        key.retired_at = moment
        if key.purpose == KeyPurpose.ENCRYPT:
            key.destroy_after = moment + grace_period()
            key.save(update_fields=["state", "retired_at", "destroy_after", "last_updated"])
        else:
            if key.private_sealed is not None:
                keystore.forget(bytes(key.private_sealed))
            key.private_sealed = None
            key.state = KeyState.DESTROYED
            key.destroyed_at = moment
            key.save(update_fields=["state", "retired_at", "private_sealed", "destroyed_at", "last_updated"])
    return old


@transaction.atomic
def do_rotate_keys(centre: Centre, *, acting_user: User | None, now: datetime | None = None) -> Centre:
    """Replace the signing and encryption keys. The old encryption key is kept for the grace
    period (queued messages sealed to it still open), then destroyed by
    :func:`do_destroy_retired_keys`; the old signing key's private half is destroyed at once
    (its public half stays, so what it signed still verifies)."""
    moment = now_or(now)
    centre = Centre.objects.select_for_update().get(pk=centre.pk)
    require(acting_user, "manage_keys_centre", centre)
    if not centre.is_local:
        raise ValidationError({"centre": [_("Only a centre hosted on this node has keys to rotate.")]})
    old = _retire_active_keys(centre, moment)
    signing, encryption = _issue_keys(centre, keystore.identity_pair(centre), moment)
    queue_bundle(centre, now=moment)
    audit_comms(
        CommsAuditEvent.KEYS_ROTATED,
        centre,
        acting_user=acting_user,
        obj=centre,
        old={"kids": sorted(key.kid for key in old)},
        new={"signing_kid": signing.kid, "encryption_kid": encryption.kid},
    )
    return centre


def _rewrap_archive(centre: Centre, key: CentreKey) -> int:
    """Seal the content key of every message in ``centre``'s mailbox that was sealed to ``key``
    under the centre's archive key, so the archive stays readable once ``key`` is destroyed."""
    keyring = keystore.encryption_keyring(centre)
    archive = keystore.archive_vault(centre)
    count = 0
    pending = Message.objects.filter(centre=centre, key_id=key.kid, archived_key__isnull=True).select_related(
        "envelope"
    )
    for message in pending.iterator(chunk_size=200):
        verified = verified_from_store(message.envelope)
        content_key = unwrap_content_key(
            verified, centre=centre.code, keyring=keyring, copy=message.direction == Direction.OUTGOING
        )
        message.archived_key = archive.seal(
            content_key, context=archive_context(centre, str(message.envelope.msg_id))
        )
        message.save(update_fields=["archived_key", "last_updated"])
        count += 1
    return count


def archive_context(centre: Centre, msg_id: str) -> str:
    return f"comms-archive:{centre.code}:{msg_id}"


def _destroy(
    centre: Centre, key: CentreKey, moment: datetime, *, acting_user: User | None, reason: str
) -> int:
    rewrapped = _rewrap_archive(centre, key)
    if key.private_sealed is not None:
        keystore.forget(bytes(key.private_sealed))
    key.private_sealed = None
    key.destroyed_at = moment
    if key.state != KeyState.REVOKED:
        key.state = KeyState.DESTROYED
    key.save(update_fields=["private_sealed", "destroyed_at", "state", "last_updated"])
    audit_comms(
        CommsAuditEvent.KEY_DESTROYED,
        centre,
        acting_user=acting_user,
        obj=key,
        new={"kid": key.kid, "archive_rewrapped": rewrapped, "reason": reason},
    )
    return rewrapped


@transaction.atomic
def do_destroy_retired_keys(
    centre: Centre, *, acting_user: User | None, now: datetime | None = None
) -> list[str]:
    """Destroy every retired encryption key whose grace period is over, after re-wrapping the
    messages sealed to it under the archive key. Returns the destroyed key ids. Idempotent."""
    moment = now_or(now)
    centre = Centre.objects.select_for_update().get(pk=centre.pk)
    require(acting_user, "manage_keys_centre", centre)
    due = CentreKey.objects.filter(
        centre=centre,
        purpose=KeyPurpose.ENCRYPT,
        state=KeyState.RETIRED,
        destroy_after__lte=moment,
        private_sealed__isnull=False,
    ).order_by("id")
    destroyed = []
    for key in due:
        _destroy(centre, key, moment, acting_user=acting_user, reason="grace period over")
        destroyed.append(key.kid)
    return destroyed


@transaction.atomic
def do_revoke_key(
    centre: Centre, kid: str, *, reason: str, acting_user: User | None, now: datetime | None = None
) -> CentreKey:
    """Withdraw a signing or encryption key (suspected compromise): a revocation signed by the
    identity key, published to every peer. A revoked encryption key is destroyed after the
    archive is re-wrapped; if it was in use, fresh keys are issued at once."""
    moment = now_or(now)
    centre = Centre.objects.select_for_update().get(pk=centre.pk)
    require(acting_user, "manage_keys_centre", centre)
    key: CentreKey | None = (
        CentreKey.objects.filter(centre=centre, kid=kid).exclude(purpose=KeyPurpose.IDENTITY).first()
    )
    if key is None:
        raise ValidationError({"kid": [_("This centre has no key %(kid)s.") % {"kid": kid}]})
    if key.state == KeyState.REVOKED:
        raise ValidationError({"kid": [_("Key %(kid)s is already revoked.") % {"kid": kid}]})
    reason = reason.strip()[:200]
    if not reason:
        raise ValidationError({"reason": [_("Say why the key is revoked.")]})
    was_active = key.state == KeyState.ACTIVE
    revocation = revoke(
        keystore.identity_pair(centre), centre=centre.code, kid=kid, revoked_at=moment, reason=reason
    )
    key.state = KeyState.REVOKED
    key.revoked_at = revocation.revoked_at
    key.revocation = revocation.to_dict()
    key.save(update_fields=["state", "revoked_at", "revocation", "last_updated"])
    if key.private_sealed is not None:
        if key.purpose == KeyPurpose.ENCRYPT:
            _destroy(centre, key, moment, acting_user=acting_user, reason="revoked")
        else:
            keystore.forget(bytes(key.private_sealed))
            key.private_sealed = None
            key.destroyed_at = moment
            key.save(update_fields=["private_sealed", "destroyed_at", "last_updated"])
    if was_active:
        # The other key of the pair is retired too, and a fresh pair issued.
        _retire_active_keys(centre, moment)
        _issue_keys(centre, keystore.identity_pair(centre), moment)
    queue_bundle(centre, now=moment)
    audit_comms(
        CommsAuditEvent.KEY_REVOKED,
        centre,
        acting_user=acting_user,
        obj=key,
        new={"kid": kid, "purpose": key.purpose, "reason": reason},
    )
    return key


@transaction.atomic
def do_rotate_identity(centre: Centre, *, acting_user: User | None, now: datetime | None = None) -> Centre:
    """Replace the centre's identity key (suspected exposure, a rebuilt node, policy). The old
    identity key signs a statement naming its successor; the new one certifies fresh signing and
    encryption keys; the old identity's private half is destroyed at once.

    Every peer receives the new bundle with that statement and treats it as a key change: nothing
    is exchanged until its administrator confirms the new fingerprint out of band (SECURITY.md
    A.5, 6), but the peer's page says the change is vouched for by the key it had confirmed.
    Envelopes written meanwhile wait in the outbox and go through once the peer confirms. The
    retired encryption key stays for the grace period, so what was sealed to it still opens."""
    moment = now_or(now)
    centre = Centre.objects.select_for_update().get(pk=centre.pk)
    require(acting_user, "manage_keys_centre", centre)
    if not centre.is_local:
        raise ValidationError({"centre": [_("Only a centre hosted on this node has keys to rotate.")]})
    old_identity = keystore.identity_pair(centre)
    new_identity = SigningKeyPair.generate(Purpose.IDENTITY)
    rotation = cross_sign_identity(old_identity, new_identity, centre=centre.code, rotated_at=moment)
    old_row = CentreKey.objects.get(centre=centre, purpose=KeyPurpose.IDENTITY, kid=old_identity.kid)
    if old_row.private_sealed is not None:
        keystore.forget(bytes(old_row.private_sealed))
    old_row.private_sealed = None
    old_row.state = KeyState.DESTROYED
    old_row.retired_at = old_row.destroyed_at = moment
    old_row.save(update_fields=["private_sealed", "state", "retired_at", "destroyed_at", "last_updated"])
    CentreKey.objects.create(
        centre=centre,
        purpose=KeyPurpose.IDENTITY,
        kid=new_identity.kid,
        public_key=new_identity.public_key,
        issuer_kid=old_identity.kid,
        not_before=moment,
        certificate=rotation.to_dict(),
        state=KeyState.ACTIVE,
        private_sealed=keystore.seal_private(centre.code, new_identity.kid, new_identity.seed),
    )
    centre.identity_key = new_identity.public_key
    centre.identity_kid = new_identity.kid
    centre.save(update_fields=["identity_key", "identity_kid", "last_updated"])
    retired = _retire_active_keys(centre, moment)
    signing, encryption = _issue_keys(centre, new_identity, moment)
    queue_bundle(centre, now=moment)
    audit_comms(
        CommsAuditEvent.IDENTITY_ROTATED,
        centre,
        acting_user=acting_user,
        obj=centre,
        old={
            "identity_kid": old_identity.kid,
            "fingerprint": fingerprint(old_identity.public_key).digits,
            "kids": sorted(key.kid for key in retired),
        },
        new={
            "identity_kid": new_identity.kid,
            "fingerprint": fingerprint(new_identity.public_key).digits,
            "signing_kid": signing.kid,
            "encryption_kid": encryption.kid,
        },
    )
    return centre
