"""Matrix factories for the comms API models (see rasad.testing.factories), and a centre on
"another node" held in memory (:class:`RemoteCentre`) that the tests and factories use as a peer.

Every factory makes its record in the given organization's command centre, set up on demand, so
the authorization matrix finds each record exactly where the organization's scope says."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from rasad.comms.actions import (
    Draft,
    bundle_for,
    do_add_group_task,
    do_confirm_peer,
    do_make_joint_group,
    do_register_peer,
    do_send_message,
    do_set_up_centre,
)
from rasad.comms.content import MessageContent, ReceiptContent
from rasad.comms.crypto import (
    Bundle,
    Certificate,
    EncryptionKeyPair,
    Envelope,
    Header,
    KnownSigningKey,
    Purpose,
    RecipientKey,
    SigningKeyPair,
    VerifiedEnvelope,
    certify,
    fingerprint,
    make_bundle,
    open_envelope,
    seal_envelope,
    uuid7,
    verify_envelope,
)
from rasad.comms.models import Centre, Delivery, GroupTask, JointGroup, Message, Peer, Thread
from rasad.core.actions.people import do_create_working_group
from rasad.core.models import Organization
from rasad.testing.cast import Cast
from rasad.testing.factories import register

_sequence = itertools.count(1)


@dataclass
class RemoteCentre:
    code: str
    name: str
    node_url: str
    identity: SigningKeyPair = field(default_factory=lambda: SigningKeyPair.generate(Purpose.IDENTITY))
    signing: SigningKeyPair = field(default_factory=lambda: SigningKeyPair.generate(Purpose.SIGN))
    encryption: EncryptionKeyPair = field(default_factory=EncryptionKeyPair.generate)
    received: list[VerifiedEnvelope] = field(default_factory=list)
    bundles_received: list[dict[str, Any]] = field(default_factory=list)

    def certificates(self, start: datetime | None = None) -> list[Certificate]:
        start = start or timezone.now() - timedelta(days=1)
        return [
            certify(
                self.identity,
                centre=self.code,
                purpose=purpose,
                public_key=public,
                not_before=start,
                not_after=start + timedelta(days=44),
            )
            for purpose, public in (
                (Purpose.SIGN, self.signing.public_key),
                (Purpose.ENCRYPT, self.encryption.public_key),
            )
        ]

    def bundle(self, *, revocations: tuple[Any, ...] = (), start: datetime | None = None) -> Bundle:
        return make_bundle(
            self.identity,
            centre=self.code,
            name=self.name,
            node_url=self.node_url,
            certificates=self.certificates(start),
            revocations=revocations,
            issued_at=timezone.now(),
        )

    @property
    def fingerprint_digits(self) -> str:
        return fingerprint(self.identity.public_key).digits

    def write(
        self,
        to: Centre,
        subject: str,
        text: str = "",
        *,
        kind: str = "message",
        refers_to: str = "",
        requires_ack: bool = False,
        attachments: tuple[bytes, ...] = (),
        body: bytes | None = None,
        created_at: datetime | None = None,
        thread_uid: str | None = None,
        extra_recipients: tuple[Centre, ...] = (),
    ) -> Envelope:
        """An envelope from this centre to local centre ``to``, sealed to ``to``'s current
        encryption key as its bundle publishes it."""
        moment = created_at or timezone.now()
        if body is None:
            if kind == "message":
                body = MessageContent(subject=subject, text=text, author="مهدی خراسانی").to_bytes()
            else:
                body = ReceiptContent(reader="مهدی خراسانی").to_bytes()
        header = Header(
            msg_id=str(uuid7(moment)),
            thread_id=thread_uid or str(uuid7(moment)),
            sender=self.code,
            sender_kid=self.signing.kid,
            created_at=moment,
            content_type=kind,
            requires_ack=requires_ack,
            refers_to=refers_to,
        )
        recipients = [local_encryption_key(centre) for centre in (to, *extra_recipients)]
        envelope, _ = seal_envelope(
            header,
            body,
            signer=self.signing,
            recipients=recipients,
            sender_copy=RecipientKey(self.code, self.encryption.public_key),
            attachments=attachments,
        )
        return envelope

    def receive(self, raw: bytes, sender: Centre) -> VerifiedEnvelope:
        """What this centre's node does with a pushed envelope: verify under the sender's
        published signing keys, then open."""
        bundle = bundle_for(sender)
        directory = _BundleDirectory(bundle)
        verified = verify_envelope(Envelope.from_transport(raw), directory=directory, now=timezone.now())
        open_envelope(
            verified,
            centre=self.code,
            keyring=lambda kid: self.encryption if kid == self.encryption.kid else None,
        )
        self.received.append(verified)
        return verified

    def open(self, verified: VerifiedEnvelope) -> bytes:
        return open_envelope(
            verified,
            centre=self.code,
            keyring=lambda kid: self.encryption if kid == self.encryption.kid else None,
        ).body


class _BundleDirectory:
    def __init__(self, bundle: Bundle) -> None:
        self.bundle = bundle

    def signing_key(self, centre: str, kid: str) -> KnownSigningKey | None:
        for certificate in self.bundle.certificates:
            if (
                centre == self.bundle.centre
                and certificate.kid == kid
                and certificate.purpose == Purpose.SIGN
            ):
                return KnownSigningKey(
                    centre, kid, certificate.public_key, certificate.not_before, certificate.not_after
                )
        return None


def local_encryption_key(centre: Centre) -> RecipientKey:
    bundle = bundle_for(centre)
    newest = max(
        (c for c in bundle.certificates if c.purpose == Purpose.ENCRYPT),
        key=lambda certificate: certificate.not_before,
    )
    return RecipientKey(centre.code, newest.public_key)


def centre_of(cast: Cast, organization: Organization) -> Centre:
    """The comms centre of ``organization`` (a command centre), set up on first use."""
    centre: Centre | None = Centre.objects.filter(organization=organization).first()
    return centre or do_set_up_centre(organization, acting_user=cast.root)


def pinned_remote(cast: Cast, organization: Organization) -> tuple[RemoteCentre, Peer]:
    """A new centre on another node, registered and confirmed by ``organization``'s centre."""
    number = next(_sequence)
    remote = RemoteCentre(f"RMT-{number}", f"مرکز همتای آزمایشی {number}", f"https://node{number}.example/")
    peer = do_register_peer(centre_of(cast, organization), remote.bundle().to_dict(), acting_user=cast.root)
    return remote, do_confirm_peer(peer, fingerprint_digits=remote.fingerprint_digits, acting_user=cast.root)


def _other_local(cast: Cast, organization: Organization) -> Centre:
    """Another command centre hosted here (Kerman's, or Isfahan's for Kerman)."""
    other = cast.kerman if organization.pk != cast.kerman.pk else cast.isfahan
    return centre_of(cast, other)


@register("comms.centre")
def make_centre(cast: Cast, organization: Organization) -> Centre:
    """A new command centre under ``organization`` (one centre per organization), set up."""
    from rasad.core.actions.organizations import OrganizationValues, do_create_organization

    number = next(_sequence)
    child = do_create_organization(
        OrganizationValues(
            code=f"{organization.code}-CC{number}",
            name=f"مرکز فرماندهی آزمایشی {number}",
            kind="command_centre",
            parent=organization,
        ),
        acting_user=cast.root,
    )
    return centre_of(cast, child)


def _peer_payload(cast: Cast, organization: Organization) -> dict[str, Any]:
    number = next(_sequence)
    remote = RemoteCentre(f"NEW-{number}", f"مرکز تازه {number}", f"https://new{number}.example/")
    return {"local_centre": centre_of(cast, organization).code, "bundle": remote.bundle().to_dict()}


@register("comms.peer", create_payload=_peer_payload)
def make_peer(cast: Cast, organization: Organization) -> Peer:
    return pinned_remote(cast, organization)[1]


def _send(cast: Cast, organization: Organization) -> Message:
    return do_send_message(
        Draft(
            sender=centre_of(cast, organization),
            recipients=[_other_local(cast, organization)],
            subject=f"پیام آزمایشی {next(_sequence)}",
            text="متن",
        ),
        acting_user=cast.root,
    )


def _message_payload(cast: Cast, organization: Organization) -> dict[str, Any]:
    return {
        "sender": centre_of(cast, organization).code,
        "recipients": [_other_local(cast, organization).code],
        "subject": f"پیام ماتریس {next(_sequence)}",
        "text": "متن",
    }


@register("comms.message", create_payload=_message_payload)
def make_message(cast: Cast, organization: Organization) -> Message:
    return _send(cast, organization)


@register("comms.thread")
def make_thread(cast: Cast, organization: Organization) -> Thread:
    return _send(cast, organization).thread


@register("comms.delivery")
def make_delivery(cast: Cast, organization: Organization) -> Delivery:
    _remote, peer = pinned_remote(cast, organization)
    do_send_message(
        Draft(sender=peer.local_centre, recipients=[peer.centre], subject="به گره دیگر", text=""),
        acting_user=cast.root,
    )
    delivery: Delivery = Delivery.objects.filter(sender=peer.local_centre).latest("id")
    return delivery


def _joint_group(cast: Cast, organization: Organization) -> JointGroup:
    centre = centre_of(cast, organization)
    _remote, peer = pinned_remote(cast, organization)
    number = next(_sequence)
    working_group = do_create_working_group(
        f"WG-T{number}",
        f"کارگروه مشترک آزمایشی {number}",
        acting_user=cast.root,
        owner=organization,
        organizations=[organization],
    )
    assert centre.organization == organization
    return do_make_joint_group(working_group, peers=[peer.centre], acting_user=cast.root)


def _joint_group_payload(cast: Cast, organization: Organization) -> dict[str, Any]:
    centre_of(cast, organization)
    _remote, peer = pinned_remote(cast, organization)
    number = next(_sequence)
    working_group = do_create_working_group(
        f"WG-P{number}",
        f"کارگروه {number}",
        acting_user=cast.root,
        owner=organization,
        organizations=[organization],
    )
    return {"working_group": working_group.code, "peers": [peer.centre.code]}


@register("comms.jointgroup", create_payload=_joint_group_payload)
def make_joint_group(cast: Cast, organization: Organization) -> JointGroup:
    return _joint_group(cast, organization)


def _task_payload(cast: Cast, organization: Organization) -> dict[str, Any]:
    group = _joint_group(cast, organization)
    code = centre_of(cast, organization).code
    return {"group": group.pk, "centre": code, "title": f"اقدام {next(_sequence)}", "assigned_centre": code}


@register("comms.grouptask", create_payload=_task_payload)
def make_group_task(cast: Cast, organization: Organization) -> GroupTask:
    group = _joint_group(cast, organization)
    centre = centre_of(cast, organization)
    return do_add_group_task(
        group,
        centre=centre,
        title=f"اقدام آزمایشی {next(_sequence)}",
        assigned_centre=centre,
        acting_user=cast.root,
    )
