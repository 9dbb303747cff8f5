"""What accepting an envelope does, by kind: a message lands in the mailbox, a receipt is
attached to the message it confirms, a group or task updates the joint working group."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rasad.comms import errors
from rasad.comms.audit import CommsAuditEvent, audit_comms
from rasad.comms.choices import Direction, EnvelopeKind
from rasad.comms.content import GroupContent, MessageContent, ReceiptContent, TaskContent
from rasad.comms.crypto.envelope import Envelope as WireEnvelope
from rasad.comms.models import Centre, Envelope, Message, Receipt
from rasad.lib.events import send_event_on_commit

if TYPE_CHECKING:
    from rasad.comms.actions.envelopes import Accepted

UNKNOWN_MESSAGE = errors.UNKNOWN_MESSAGE


def handle(item: Accepted, envelope: Envelope) -> None:
    kind = item.verified.header.content_type
    if kind == EnvelopeKind.MESSAGE:
        _message(item, envelope)
    elif kind in (EnvelopeKind.READ_RECEIPT, EnvelopeKind.ACK_RECEIPT):
        _receipt(item, envelope)
    elif kind == EnvelopeKind.GROUP:
        from rasad.comms.actions.groups import apply_group

        apply_group(item.centre, envelope, GroupContent.from_bytes(item.opened.body))
    elif kind == EnvelopeKind.TASK:
        from rasad.comms.actions.groups import apply_task

        apply_task(item.centre, envelope, TaskContent.from_bytes(item.opened.body))
    else:
        raise errors.Refusal("header", f"unknown content type {kind}")


def _participants(item: Accepted) -> list[Centre]:
    codes = {item.verified.header.sender, *item.verified.addressees}
    return list(Centre.objects.filter(code__in=codes))


def _message(item: Accepted, envelope: Envelope) -> None:
    # Parsed (and so checked) now; the text itself is not kept.
    MessageContent.from_bytes(item.opened.body, attachment_count=len(item.verified.envelope.attachments))
    message = _store(item, envelope)
    audit_comms(
        CommsAuditEvent.MESSAGE_RECEIVED,
        item.centre,
        acting_user=None,
        obj=message,
        new={
            "msg_id": str(envelope.msg_id),
            "from": envelope.sender.code,
            "priority": envelope.priority,
            "requires_ack": envelope.requires_ack,
            "size": envelope.size,
        },
    )
    send_event_on_commit(
        "comms.message",
        {"message": message.pk, "thread": message.thread_id, "priority": envelope.priority},
        organization_ids=[item.centre.organization_id] if item.centre.organization_id else [],
    )


def _store(item: Accepted, envelope: Envelope) -> Message:
    from rasad.comms.actions.envelopes import store_message

    return store_message(
        item.centre,
        envelope,
        direction=Direction.INCOMING,
        key_id=item.recipient_kid,
        participants=_participants(item),
    )


def _receipt(item: Accepted, envelope: Envelope) -> None:
    ReceiptContent.from_bytes(item.opened.body)
    header = item.verified.header
    if not header.refers_to:
        raise errors.Refusal(UNKNOWN_MESSAGE, "a receipt must name the message it confirms")
    original = Message.objects.filter(
        centre=item.centre, envelope__msg_id=header.refers_to, direction=Direction.OUTGOING
    ).first()
    if original is None:
        raise errors.Refusal(UNKNOWN_MESSAGE, f"no message {header.refers_to} was sent by {item.centre.code}")
    from rasad.comms.actions.envelopes import limits

    sent = WireEnvelope.from_transport(bytes(original.envelope.raw), limits())
    if envelope.sender.code not in {r.centre for r in sent.unverified_recipients() if not r.copy}:
        raise errors.Refusal(UNKNOWN_MESSAGE, f"{envelope.sender.code} was not a recipient")
    Receipt.objects.get_or_create(
        message=original,
        centre=envelope.sender,
        kind=header.content_type,
        defaults={"at": header.created_at, "envelope": envelope},
    )
