"""The two halves of every exchange: sealing and storing an outgoing envelope (local recipients
get it at once, remote ones through the outbox), and accepting an incoming one (the inbox).

Every kind of envelope (message, receipt, group, task) goes through these two functions, so
that the checks, the storage rule (ciphertext only) and the audit are written once.
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, transaction

from rasad.comms import errors, keystore, throttle
from rasad.comms.actions.common import now_or
from rasad.comms.audit import audit_refusal
from rasad.comms.choices import DeliveryKind, Direction, EnvelopeKind
from rasad.comms.crypto import (
    CryptoError,
    Failure,
    Header,
    Limits,
    Opened,
    RecipientKey,
    VerifiedEnvelope,
    open_envelope,
    seal_envelope,
    uuid7,
    verify_envelope,
)
from rasad.comms.crypto.envelope import Envelope as WireEnvelope
from rasad.comms.directory import TrustedDirectory, recipient_keys, trust_error
from rasad.comms.models import Centre, Delivery, Envelope, Message, Thread

logger = logging.getLogger(__name__)


def limits() -> Limits:
    from django.conf import settings

    attachment_bytes = settings.COMMS_MAX_ATTACHMENT_MB * 1024 * 1024
    return Limits(
        max_attachment_bytes=attachment_bytes,
        max_envelope_bytes=12 * attachment_bytes + 4 * 1024 * 1024,
    )


# Called in the transaction that queued deliveries: the comms tasks module plugs the task
# engine in here (``rasad.comms.tasks``), so the domain does not import the tasks it triggers.
_delivery_schedulers: list[Callable[[], None]] = []


def register_delivery_scheduler(scheduler: Callable[[], None]) -> None:
    if scheduler not in _delivery_schedulers:
        _delivery_schedulers.append(scheduler)


def _schedule_delivery() -> None:
    for scheduler in _delivery_schedulers:
        scheduler()


@dataclass
class Sent:
    envelope: Envelope
    wire: WireEnvelope
    header: Header
    accepted_locally: list[str] = field(default_factory=list)
    queued_for: list[str] = field(default_factory=list)


def _store_envelope(
    wire: WireEnvelope, header: Header, sender: Centre, raw: bytes, now: datetime
) -> Envelope:
    return Envelope.objects.create(
        msg_id=uuid.UUID(header.msg_id),
        thread_uid=uuid.UUID(header.thread_id),
        sender=sender,
        sender_kid=header.sender_kid,
        kind=header.content_type,
        priority=header.priority,
        requires_ack=header.requires_ack,
        refers_to=uuid.UUID(header.refers_to) if header.refers_to else None,
        created_at=header.created_at,
        received_at=now,
        raw=raw,
        digest=hashlib.sha256(raw).hexdigest(),
        size=len(raw),
    )


def send_envelope(
    sender: Centre,
    recipients: Sequence[Centre],
    *,
    kind: EnvelopeKind,
    body: bytes,
    thread_uid: str,
    priority: str = "normal",
    requires_ack: bool = False,
    refers_to: str = "",
    attachments: Sequence[bytes] = (),
    now: datetime | None = None,
) -> Sent:
    """Seal ``body`` for ``recipients`` (raises :class:`errors.Refusal` for a recipient that may
    not be written to), store the envelope, deliver it to local recipients and queue it for the
    others' nodes. Call inside the caller's transaction."""
    moment = now_or(now)
    keys: list[RecipientKey] = recipient_keys(sender, list(recipients), now=moment)
    signer = keystore.signing_pair(sender)
    own_key = keystore.current_encryption_key(sender)
    header = Header(
        msg_id=str(uuid7(moment)),
        thread_id=thread_uid,
        sender=sender.code,
        sender_kid=signer.kid,
        created_at=moment,
        content_type=kind.value,
        priority=priority,
        requires_ack=requires_ack,
        refers_to=refers_to,
    )
    try:
        wire, _content_key = seal_envelope(
            header,
            body,
            signer=signer,
            recipients=keys,
            sender_copy=RecipientKey(sender.code, bytes(own_key.public_key)),
            attachments=attachments,
            limits=limits(),
        )
    except CryptoError as error:
        raise errors.Refusal.from_crypto(error) from None
    raw = wire.to_transport()
    header = wire.unverified_header()  # as it travels (times rounded to milliseconds)
    envelope = _store_envelope(wire, header, sender, raw, moment)
    sent = Sent(envelope=envelope, wire=wire, header=header)
    by_node: dict[str, list[str]] = defaultdict(list)
    for recipient in recipients:
        if recipient.is_local:
            sent.accepted_locally.append(recipient.code)
        else:
            by_node[recipient.node_url].append(recipient.code)
    if sent.accepted_locally:
        _accept_verified(wire, raw, envelope, moment, only=sent.accepted_locally)
    Delivery.objects.bulk_create(
        [
            Delivery(
                sender=sender,
                node_url=node_url,
                kind=DeliveryKind.ENVELOPE,
                envelope=envelope,
                centres=sorted(codes),
                next_attempt_at=moment,
            )
            for node_url, codes in sorted(by_node.items())
        ]
    )
    for codes in by_node.values():
        sent.queued_for.extend(codes)
    if by_node:
        _schedule_delivery()
    return sent


@dataclass
class Accepted:
    """One local centre's view of an envelope it accepted."""

    centre: Centre
    verified: VerifiedEnvelope
    opened: Opened
    recipient_kid: str


@dataclass
class AcceptResult:
    msg_id: str
    status: str  # "stored" or "duplicate"
    accepted: list[str] = field(default_factory=list)
    refused: dict[str, errors.Refusal] = field(default_factory=dict)


def _check_for(centre: Centre, wire: WireEnvelope, sender: Centre, now: datetime) -> Accepted:
    refusal = trust_error(centre, sender)
    if refusal is not None:
        raise refusal
    try:
        verified = verify_envelope(wire, directory=TrustedDirectory(centre), now=now, limits=limits())
        opened = open_envelope(
            verified, centre=centre.code, keyring=keystore.encryption_keyring(centre), copy=False
        )
    except CryptoError as error:
        raise errors.Refusal.from_crypto(error, centre=centre.code) from None
    entry = verified.recipient_entry(centre.code, copy=False)
    assert entry is not None  # open_envelope found it
    return Accepted(centre=centre, verified=verified, opened=opened, recipient_kid=entry[1].kid)


def accept_envelope(raw: bytes, *, now: datetime | None = None, client: str = "") -> AcceptResult:
    """The inbox: check an envelope pushed by a peer node and store it for every local centre
    it is addressed to and that accepts it. Refuses (raises :class:`errors.Refusal`, audited)
    when no local centre accepts it; nothing of a refused envelope is stored. ``client`` is the
    pushing node's address, for the per-peer allowance (:mod:`rasad.comms.throttle`)."""
    moment = now_or(now)
    try:
        return _accept(raw, moment, client)
    except errors.Refusal as refusal:
        if refusal.code == errors.RATE_LIMITED:
            # Not audited one by one: a flood must not become a flood of audit events.
            raise
        audit_refusal(
            Centre.objects.filter(code=refusal.centre, is_local=True).first() if refusal.centre else None,
            extra={
                "code": refusal.code,
                "detail": refusal.detail[:300],
                "sha256": hashlib.sha256(raw).hexdigest(),
            },
        )
        raise


@transaction.atomic
def _accept(raw: bytes, now: datetime, client: str = "") -> AcceptResult:
    try:
        wire = WireEnvelope.from_transport(raw, limits())
        header = wire.unverified_header()
    except CryptoError as error:
        raise errors.Refusal.from_crypto(error) from None
    if client and not throttle.allow(header.sender, client):
        raise errors.Refusal(
            errors.RATE_LIMITED,
            f"more than {settings.COMMS_INBOX_PER_MINUTE} envelopes a minute from {header.sender}",
        )
    try:
        addressed = [r.centre for r in wire.unverified_recipients(limits()) if not r.copy]
    except CryptoError as error:
        raise errors.Refusal.from_crypto(error) from None
    existing = Envelope.objects.filter(msg_id=header.msg_id).first()
    if existing is not None:
        if existing.digest == hashlib.sha256(raw).hexdigest():
            # The same envelope again (the sender did not see our acknowledgment): nothing to do.
            return AcceptResult(msg_id=header.msg_id, status="duplicate")
        raise errors.Refusal(Failure.REPLAY.value, f"message id {header.msg_id} was already used")
    local = list(Centre.objects.filter(code__in=addressed, is_local=True))
    if not local:
        raise errors.Refusal(errors.NOT_HOSTED, f"none of {', '.join(addressed)} is hosted on this node")
    sender = Centre.objects.filter(code=header.sender).first()
    if sender is None:
        raise errors.Refusal(
            errors.UNKNOWN_SENDER, f"{header.sender} is not registered here", centre=local[0].code
        )
    envelope = _store_envelope(wire, header, sender, raw, now)
    return _accept_verified(wire, raw, envelope, now, only=[centre.code for centre in local])


def _accept_verified(
    wire: WireEnvelope, raw: bytes, envelope: Envelope, now: datetime, *, only: Sequence[str]
) -> AcceptResult:
    result = AcceptResult(msg_id=str(envelope.msg_id), status="stored")
    accepted: list[Accepted] = []
    for centre in Centre.objects.filter(code__in=only, is_local=True).order_by("code"):
        try:
            accepted.append(_check_for(centre, wire, envelope.sender, now))
        except errors.Refusal as refusal:
            refusal.centre = centre.code
            result.refused[centre.code] = refusal
    if not accepted:
        first = next(iter(result.refused.values()))
        raise first
    from rasad.comms.actions import handlers

    for item in accepted:
        try:
            with transaction.atomic():
                handlers.handle(item, envelope)
        except errors.Refusal as refusal:
            refusal.centre = item.centre.code
            result.refused[item.centre.code] = refusal
            continue
        except CryptoError as error:
            result.refused[item.centre.code] = errors.Refusal.from_crypto(error, centre=item.centre.code)
            continue
        except IntegrityError:
            # The same receipt, task version or group twice: already taken in.
            pass
        result.accepted.append(item.centre.code)
    if not result.accepted:
        raise next(iter(result.refused.values()))
    return result


def thread_for(centre: Centre, uid: str, participants: Sequence[Centre], now: datetime) -> Thread:
    from rasad.comms.models import JointGroup

    thread, created = Thread.objects.get_or_create(
        centre=centre,
        uid=uuid.UUID(uid),
        defaults={"last_message_at": now, "joint_group": JointGroup.objects.filter(thread_uid=uid).first()},
    )
    if not created and thread.last_message_at < now:
        thread.last_message_at = now
        thread.save(update_fields=["last_message_at", "last_updated"])
    thread.participants.add(centre, *participants)
    return thread


def store_message(
    centre: Centre, envelope: Envelope, *, direction: Direction, key_id: str, participants: Sequence[Centre]
) -> Message:
    thread = thread_for(centre, str(envelope.thread_uid), participants, envelope.created_at)
    return Message.objects.create(
        centre=centre, thread=thread, envelope=envelope, direction=direction, key_id=key_id
    )
