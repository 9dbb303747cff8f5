"""Messages between centres: writing one (to a thread or a new one), reading it (which sends a
signed read receipt), acknowledging it, and turning it into a case of one's own."""

from __future__ import annotations

import hashlib
import mimetypes
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import PurePath
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from rasad.comms import errors, keystore
from rasad.comms.actions.centres import archive_context
from rasad.comms.actions.common import now_or, require
from rasad.comms.actions.envelopes import limits, send_envelope, store_message
from rasad.comms.audit import CommsAuditEvent, audit_comms
from rasad.comms.choices import Direction, EnvelopeKind, Priority
from rasad.comms.content import AttachmentInfo, MessageContent, ReceiptContent, Reference
from rasad.comms.crypto import (
    CryptoError,
    Failure,
    VerifiedEnvelope,
    decrypt_attachment,
    unwrap_content_key,
    uuid7,
)
from rasad.comms.crypto.envelope import open_with_content_key
from rasad.comms.crypto.keys import EncryptionKeyPair
from rasad.comms.directory import StoredKeysDirectory, verified_from_store
from rasad.comms.models import Centre, JointGroup, Message, Thread
from rasad.core.models import User
from rasad.lib import formatting
from rasad.lib.jalali import local_date
from rasad.lib.persian import normalize_text

CASE_PRIORITY = {"low": "low", "normal": "medium", "high": "high", "urgent": "critical"}


@dataclass
class OutgoingAttachment:
    name: str
    content_type: str
    data: bytes


@dataclass
class Draft:
    """A message as a form, the API or the demo gives it."""

    sender: Centre
    recipients: Sequence[Centre]
    subject: str
    text: str
    priority: str = Priority.NORMAL
    requires_ack: bool = False
    attachments: Sequence[OutgoingAttachment] = ()
    references: Sequence[Reference] = ()
    thread: Thread | None = None
    joint_group: JointGroup | None = None


def _author(user: User | None) -> tuple[str, str]:
    if user is None:
        return "", ""
    membership = user.memberships.order_by("-is_primary", "pk").first()
    return str(user), membership.title if membership is not None else ""


def check_draft(draft: Draft) -> None:
    """Validate a draft; raises ValidationError naming each bad field."""
    errors_: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        errors_.setdefault(name, []).append(message)

    if not draft.sender.is_local:
        add("sender", _("Messages are sent from a centre hosted on this node."))
    if not normalize_text(draft.subject).strip():
        add("subject", _("A subject is required."))
    elif len(draft.subject) > 200:
        add("subject", _("The subject is longer than 200 characters."))
    if len(draft.text) > 100_000:
        add("text", _("The text is longer than 100,000 characters."))
    if draft.priority not in Priority.values:
        add("priority", _("Unknown priority “%(priority)s”.") % {"priority": draft.priority})
    if not draft.recipients:
        add("recipients", _("Choose at least one centre to write to."))
    if any(recipient.pk == draft.sender.pk for recipient in draft.recipients):
        add("recipients", _("A centre does not write to itself."))
    if len({recipient.pk for recipient in draft.recipients}) != len(draft.recipients):
        add("recipients", _("A centre is listed twice."))
    if len(draft.recipients) > 64:
        add("recipients", _("At most 64 centres can be written to at once."))
    maximum = limits().max_attachment_bytes
    if len(draft.attachments) > limits().max_attachments:
        add(
            "attachments",
            _("At most %(count)s attachments.") % {"count": formatting.number(limits().max_attachments)},
        )
    for attachment in draft.attachments:
        if len(attachment.data) > maximum:
            add(
                "attachments",
                _("“%(name)s” is larger than %(size)s MB.")
                % {"name": attachment.name, "size": formatting.megabytes(maximum)},
            )
    if draft.thread is not None and draft.thread.centre_id != draft.sender.pk:
        add("thread", _("This thread is not in the sending centre's mailbox."))
    if draft.joint_group is not None:
        members = set(draft.joint_group.members.values_list("pk", flat=True))
        if draft.sender.pk not in members or any(
            recipient.pk not in members for recipient in draft.recipients
        ):
            add("recipients", _("Everyone in a joint group's thread must be a member of the group."))
    if errors_:
        raise ValidationError(errors_)


def _refusal_as_validation(refusal: errors.Refusal) -> ValidationError:
    if refusal.centre:
        text = _("%(centre)s: %(reason)s") % {"centre": refusal.centre, "reason": refusal.message}
    else:
        text = refusal.message
    return ValidationError({"recipients": [text]})


def _clean_name(name: str) -> str:
    cleaned = PurePath(name.replace("\\", "/")).name.strip() or "attachment"
    return normalize_text(cleaned)[:200]


@transaction.atomic
def do_send_message(draft: Draft, *, acting_user: User | None, now: datetime | None = None) -> Message:
    """Seal a message for its recipients, sign it, keep the sender's readable copy, deliver it
    to local centres and queue it for the others. Returns the sender's copy."""
    require(acting_user, "add_message", draft.sender)
    check_draft(draft)
    moment = now_or(now)
    author, title = _author(acting_user)
    attachments = [
        AttachmentInfo(
            name=_clean_name(item.name),
            content_type=(
                item.content_type or mimetypes.guess_type(item.name)[0] or "application/octet-stream"
            )[:100],
            size=len(item.data),
            sha256=hashlib.sha256(item.data).hexdigest(),
        )
        for item in draft.attachments
    ]
    content = MessageContent(
        subject=normalize_text(draft.subject).strip(),
        text=normalize_text(draft.text),
        author=author,
        author_title=title,
        attachments=tuple(attachments),
        references=tuple(draft.references),
    )
    if draft.thread is not None:
        thread_uid = str(draft.thread.uid)
    elif draft.joint_group is not None:
        thread_uid = str(draft.joint_group.thread_uid)
    else:
        thread_uid = str(uuid7(moment))
    try:
        sent = send_envelope(
            draft.sender,
            draft.recipients,
            kind=EnvelopeKind.MESSAGE,
            body=content.to_bytes(),
            thread_uid=thread_uid,
            priority=draft.priority,
            requires_ack=draft.requires_ack,
            attachments=[item.data for item in draft.attachments],
            now=moment,
        )
    except errors.Refusal as refusal:
        raise _refusal_as_validation(refusal) from None
    own_kid = keystore.current_encryption_key(draft.sender).kid
    message = store_message(
        draft.sender,
        sent.envelope,
        direction=Direction.OUTGOING,
        key_id=own_kid,
        participants=list(draft.recipients),
    )
    audit_comms(
        CommsAuditEvent.MESSAGE_SENT,
        draft.sender,
        acting_user=acting_user,
        obj=message,
        new={
            "msg_id": str(sent.envelope.msg_id),
            "to": sorted(recipient.code for recipient in draft.recipients),
            "priority": draft.priority,
            "requires_ack": draft.requires_ack,
            "attachments": len(attachments),
            "size": sent.envelope.size,
        },
    )
    return message


@dataclass
class OpenedMessage:
    """A message decrypted for display; never stored."""

    message: Message
    content: MessageContent
    verified: VerifiedEnvelope
    recipients: list[str] = field(default_factory=list)


Keyring = Callable[[str], EncryptionKeyPair | None]


def _content_key(message: Message, verified: VerifiedEnvelope, keyring: Keyring | None = None) -> bytes:
    centre = message.centre
    if message.archived_key is not None:
        return keystore.archive_vault(centre).open(
            bytes(message.archived_key), context=archive_context(centre, str(message.envelope.msg_id))
        )
    return unwrap_content_key(
        verified,
        centre=centre.code,
        keyring=keyring or keystore.encryption_keyring(centre),
        copy=message.direction == Direction.OUTGOING,
    )


def read_message(
    message: Message, *, directory: StoredKeysDirectory | None = None, keyring: Keyring | None = None
) -> OpenedMessage:
    """Verify the stored envelope again and decrypt it for ``message``'s centre. Raises
    :class:`errors.Refusal` when it cannot be read (for example its key was destroyed without
    an archive copy). ``directory`` and ``keyring`` let several readings share their key reads
    (:func:`read_messages`)."""
    try:
        verified = verified_from_store(message.envelope, directory)
        opened = open_with_content_key(verified, _content_key(message, verified, keyring))
        content = MessageContent.from_bytes(opened.body, attachment_count=len(verified.envelope.attachments))
    except CryptoError as error:
        raise errors.Refusal.from_crypto(error, centre=message.centre.code) from None
    return OpenedMessage(
        message=message, content=content, verified=verified, recipients=list(verified.addressees)
    )


def read_messages(messages: Iterable[Message]) -> dict[int, OpenedMessage | None]:
    """Decrypt several messages (a mailbox page) reading each key once, whatever their number:
    by message id, the opened message, or None where it cannot be read. ``messages`` should come
    with their envelope and centre (``select_related``)."""
    directory = StoredKeysDirectory()
    keyrings: dict[int, Keyring] = {}
    opened: dict[int, OpenedMessage | None] = {}
    for message in messages:
        keyring = keyrings.get(message.centre_id)
        if keyring is None:
            keyring = keyrings[message.centre_id] = keystore.encryption_keyring(message.centre)
        try:
            opened[message.pk] = read_message(message, directory=directory, keyring=keyring)
        except errors.Refusal:
            opened[message.pk] = None
    return opened


def read_attachment(message: Message, index: int) -> tuple[AttachmentInfo, bytes]:
    opened = read_message(message)
    if not 0 <= index < len(opened.content.attachments):
        raise errors.Refusal(Failure.ATTACHMENT.value, f"there is no attachment {index + 1}")
    try:
        data = decrypt_attachment(opened.verified, index, _content_key(message, opened.verified))
    except CryptoError as error:
        raise errors.Refusal.from_crypto(error) from None
    info = opened.content.attachments[index]
    if hashlib.sha256(data).hexdigest() != info.sha256:
        raise errors.Refusal(Failure.ATTACHMENT.value, f"attachment {index + 1} does not match its digest")
    return info, data


def _send_receipt(message: Message, kind: EnvelopeKind, user: User, note: str, now: datetime) -> None:
    content = ReceiptContent(reader=str(user), note=note)
    send_envelope(
        message.centre,
        [message.envelope.sender],
        kind=kind,
        body=content.to_bytes(),
        thread_uid=str(message.thread.uid),
        refers_to=str(message.envelope.msg_id),
        now=now,
    )


@transaction.atomic
def do_open_message(message: Message, *, acting_user: User, now: datetime | None = None) -> OpenedMessage:
    """Read a message. The first reading of a received message marks it read and sends the
    sender a signed read receipt (if the sender can still be written to)."""
    require(acting_user, "view_message", message.centre)
    opened = read_message(message)
    if message.direction == Direction.INCOMING and message.read_at is None:
        moment = now_or(now)
        locked = Message.objects.select_for_update().get(pk=message.pk)
        if locked.read_at is None:
            locked.read_at = moment
            locked.read_by = acting_user
            locked.save(update_fields=["read_at", "read_by", "last_updated"])
            message.read_at, message.read_by = moment, acting_user
            audit_comms(
                CommsAuditEvent.MESSAGE_READ,
                message.centre,
                acting_user=acting_user,
                obj=message,
                new={"msg_id": str(message.envelope.msg_id)},
            )
            try:
                with transaction.atomic():
                    _send_receipt(message, EnvelopeKind.READ_RECEIPT, acting_user, "", moment)
            except errors.Refusal:
                # Reading must work even when the sender can no longer be written to (blocked,
                # or its keys expired); the read is audited all the same.
                pass
    return opened


@transaction.atomic
def do_acknowledge_message(
    message: Message, *, acting_user: User, note: str = "", now: datetime | None = None
) -> Message:
    """Acknowledge a message that asked for it: a signed acknowledgment goes to the sender."""
    require(acting_user, "acknowledge_message", message.centre)
    message = (
        Message.objects.select_for_update().select_related("envelope", "centre", "thread").get(pk=message.pk)
    )
    if message.direction != Direction.INCOMING or not message.envelope.requires_ack:
        raise ValidationError({"message": [_("This message does not ask for an acknowledgment.")]})
    if message.acknowledged_at is not None:
        raise ValidationError({"message": [_("This message was already acknowledged.")]})
    moment = now_or(now)
    try:
        _send_receipt(message, EnvelopeKind.ACK_RECEIPT, acting_user, normalize_text(note)[:1000], moment)
    except errors.Refusal as refusal:
        raise _refusal_as_validation(refusal) from None
    message.acknowledged_at = moment
    message.acknowledged_by = acting_user
    if message.read_at is None:
        message.read_at, message.read_by = moment, acting_user
    message.save(update_fields=["acknowledged_at", "acknowledged_by", "read_at", "read_by", "last_updated"])
    audit_comms(
        CommsAuditEvent.MESSAGE_ACKNOWLEDGED,
        message.centre,
        acting_user=acting_user,
        obj=message,
        new={"msg_id": str(message.envelope.msg_id)},
    )
    return message


@transaction.atomic
def do_open_case_from_message(
    message: Message,
    *,
    kind: str,
    category: Any,
    acting_user: User,
    title: str = "",
    latitude: float | None = None,
    longitude: float | None = None,
    site: Any = None,
    deadline: Any = None,
) -> Message:
    """Turn a received message into a case of the receiving centre: one action. The case holds
    the message's subject and text in clear, as every case does; the message stays encrypted."""
    from rasad.cases.actions import CaseValues, do_open_case

    require(acting_user, "view_message", message.centre)
    message = Message.objects.select_for_update().select_related("envelope", "centre").get(pk=message.pk)
    if message.case_id is not None:
        raise ValidationError({"message": [_("A case was already opened from this message.")]})
    opened = read_message(message)
    sender = message.envelope.sender
    source_line = _("From %(centre)s, message of %(date)s.") % {
        "centre": sender.name,
        "date": formatting.date_text(local_date(message.envelope.created_at), style="long"),
    }
    values = CaseValues(
        kind=kind,
        category=category,
        title=title.strip() or opened.content.subject,
        reporter_organization=message.centre.organization,  # type: ignore[arg-type]
        description=f"{opened.content.text}\n\n{source_line}".strip(),
        priority=CASE_PRIORITY.get(message.envelope.priority, "medium"),
        latitude=latitude,
        longitude=longitude,
        site=site,
        deadline=deadline,
    )
    case = do_open_case(values, acting_user=acting_user, source=message)
    message.case = case
    message.save(update_fields=["case", "last_updated"])
    audit_comms(
        CommsAuditEvent.CASE_FROM_MESSAGE,
        message.centre,
        acting_user=acting_user,
        obj=message,
        new={"msg_id": str(message.envelope.msg_id), "case": case.reference},
    )
    return message
