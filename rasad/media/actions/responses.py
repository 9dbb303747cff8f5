"""Media actions of an agency: acknowledge a statement issued to it, then answer it (published,
with a link or a file as evidence and the channel; not applicable, with a reason; declined)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from pathlib import PurePath
from typing import Any
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from rasad.cases.actions import ALLOWED_ATTACHMENTS, check_attachment
from rasad.core.access import require_scope
from rasad.core.models import User
from rasad.lib.actions import Errors, text
from rasad.lib.stored_text import StoredText, Words
from rasad.media.actions.common import push
from rasad.media.actions.crisis import record_on_timeline
from rasad.media.audit import MediaAuditEvent, audit
from rasad.media.choices import Channel, EntryKind, RecipientState, ResponseOutcome
from rasad.media.models import Recipient


def _lock(recipient: Recipient) -> Recipient:
    locked: Recipient = (
        Recipient.objects.select_for_update().select_related("statement", "agency").get(pk=recipient.pk)
    )
    return locked


def _closed(recipient: Recipient) -> str | None:
    if recipient.state == RecipientState.WITHDRAWN:
        return _("This version was withdrawn when a new version was issued; answer the new one.")
    if recipient.is_answered:
        return _("The agency already answered this statement (%(state)s).") % {
            "state": recipient.get_state_display()
        }
    return None


def push_recipient(recipient: Recipient, **extra: Any) -> None:
    """After commit: tell the agency's and the headquarters' boards that a receipt changed."""
    push(
        "media.recipient",
        {recipient.agency_id, recipient.statement.organization_id},
        statement=recipient.statement_id,
        recipient=recipient.pk,
        agency=recipient.agency_id,
        state=recipient.state,
        **extra,
    )


@transaction.atomic
def do_acknowledge(
    recipient: Recipient, *, acting_user: User | None, now: datetime | None = None
) -> Recipient:
    """The agency confirms it received the statement."""
    require_scope(acting_user, Recipient, "respond", recipient.agency)
    locked = _lock(recipient)
    closed = _closed(locked)
    if closed:
        raise ValidationError({"state": [closed]})
    if locked.state != RecipientState.SENT:
        raise ValidationError({"state": [_("The agency already acknowledged this statement.")]})
    locked.state = RecipientState.ACKNOWLEDGED
    locked.acknowledged_at = now or timezone.now()
    locked.acknowledged_by = acting_user
    locked.save(update_fields=["state", "acknowledged_at", "acknowledged_by", "last_updated"])
    audit(
        MediaAuditEvent.ACKNOWLEDGED,
        acting_user=acting_user,
        organization=locked.agency,
        obj=locked,
        old={"state": RecipientState.SENT},
        new={"state": locked.state, "acknowledged_at": locked.acknowledged_at.isoformat()},
    )
    if locked.statement.crisis_id is not None:
        message = StoredText(
            gettext_noop("%(agency)s acknowledged “%(title)s”."),
            {"agency": locked.agency.name, "title": locked.statement.title},
        )
        _on_timeline(locked, message, locked.acknowledged_at, acting_user)
    push_recipient(locked, crisis=locked.statement.crisis_id)
    return locked


def _on_timeline(recipient: Recipient, message: StoredText, moment: datetime, author: User | None) -> None:
    crisis = recipient.statement.crisis
    assert crisis is not None
    record_on_timeline(
        crisis,
        EntryKind.RESPONSE,
        message,
        organization=recipient.agency,
        moment=moment,
        author=author,
        statement=recipient.statement,
        recipient=recipient,
    )


@dataclass
class ResponseValues:
    outcome: str
    channel: str = ""
    evidence_url: str = ""
    evidence_file: UploadedFile[Any] | None = None
    reason: str = ""


def _check_url(value: str, errors: Errors) -> str:
    url = value.strip()
    if not url:
        return ""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or len(url) > 500:
        errors.add("evidence_url", _("The link must be a web address starting with https:// or http://."))
        return ""
    return url


def _read_evidence(upload: UploadedFile[Any], errors: Errors) -> tuple[str, bytes] | None:
    try:
        return check_attachment(upload)
    except ValidationError as error:
        for message in error.messages:
            errors.add("evidence_file", message)
        return None


@transaction.atomic
def do_respond(
    recipient: Recipient, values: ResponseValues, *, acting_user: User | None, now: datetime | None = None
) -> Recipient:
    """The agency reports its answer. Nothing is written unless every field is right."""
    require_scope(acting_user, Recipient, "respond", recipient.agency)
    locked = _lock(recipient)
    reason = text(values.reason, 2000)
    url, evidence = _check_response(locked, values, reason)
    old_state = locked.state
    locked.state = values.outcome
    locked.responded_at = now or timezone.now()
    locked.responded_by = acting_user
    locked.reason = reason
    if values.outcome == ResponseOutcome.PUBLISHED:
        locked.channel = values.channel
        locked.evidence_url = url
    stored = _attach_evidence(locked, evidence) if evidence is not None else ""
    try:
        with transaction.atomic():
            locked.save(update_fields=_RESPONSE_FIELDS)
            audit(
                MediaAuditEvent.RESPONDED,
                acting_user=acting_user,
                organization=locked.agency,
                obj=locked,
                old={"state": old_state},
                new={
                    "state": locked.state,
                    "channel": locked.channel,
                    "evidence_url": locked.evidence_url,
                    "evidence_sha256": locked.evidence_sha256,
                    "reason": reason,
                    "late": locked.responded_at > locked.due_at,
                },
            )
    except Exception:
        if stored:
            locked.evidence_file.storage.delete(stored)
        raise
    if locked.statement.crisis_id is not None:
        _on_timeline(locked, _response_message(locked, reason), locked.responded_at, acting_user)
    push_recipient(locked, crisis=locked.statement.crisis_id)
    return locked


# What a response changes on its recipient row.
_RESPONSE_FIELDS = [
    "state",
    "responded_at",
    "responded_by",
    "reason",
    "channel",
    "evidence_url",
    "evidence_name",
    "evidence_type",
    "evidence_size",
    "evidence_sha256",
    "evidence_file",
    "last_updated",
]


def _check_response(
    recipient: Recipient, values: ResponseValues, reason: str
) -> tuple[str, tuple[str, bytes] | None]:
    """Every field's problem at once (nothing is written unless all are right); the checked
    evidence link and the evidence file's name and content, for a publication."""
    errors = Errors()
    closed = _closed(recipient)
    if closed:
        errors.add("state", closed)
    elif recipient.state == RecipientState.SENT:
        errors.add("state", _("Acknowledge receipt of the statement before answering it."))
    if values.outcome not in ResponseOutcome.values:
        errors.add("outcome", _("Choose published, not applicable or declined."))
    url = ""
    evidence: tuple[str, bytes] | None = None
    if values.outcome == ResponseOutcome.PUBLISHED:
        if values.channel not in Channel.values:
            errors.add("channel", _("Choose the channel it was published on."))
        url = _check_url(values.evidence_url, errors)
        if values.evidence_file is not None:
            evidence = _read_evidence(values.evidence_file, errors)
        if not url and values.evidence_file is None and "evidence_url" not in errors.fields:
            errors.add("evidence_url", _("Give a link to the publication or attach a file as evidence."))
    elif values.outcome in (ResponseOutcome.NOT_APPLICABLE, ResponseOutcome.DECLINED) and not reason:
        errors.add("reason", _("Give the reason."))
    errors.raise_if_any()
    return url, evidence


def _attach_evidence(recipient: Recipient, evidence: tuple[str, bytes]) -> str:
    """Store the evidence file on the (unsaved) recipient, with its name, type, size and digest;
    returns the stored file's name, to delete if the response is not saved."""
    name, content = evidence
    suffix = PurePath(name).suffix.lower()
    recipient.evidence_name = text(name, 200) or f"evidence{suffix}"
    recipient.evidence_type = ALLOWED_ATTACHMENTS[suffix][0]
    recipient.evidence_size = len(content)
    recipient.evidence_sha256 = hashlib.sha256(content).hexdigest()
    recipient.evidence_file.save(name, ContentFile(content), save=False)
    return recipient.evidence_file.name or ""


def _response_message(recipient: Recipient, reason: str) -> StoredText:
    """The response, for the crisis timeline, in each reader's language."""
    if recipient.state == ResponseOutcome.PUBLISHED:
        return StoredText(
            gettext_noop("%(agency)s published “%(title)s” (%(channel)s)."),
            {
                "agency": recipient.agency.name,
                "title": recipient.statement.title,
                "channel": Words.of(Channel(recipient.channel).label),
            },
        )
    return StoredText(
        gettext_noop("%(agency)s answered “%(title)s”: %(state)s. %(reason)s"),
        {
            "agency": recipient.agency.name,
            "title": recipient.statement.title,
            "state": Words.of(RecipientState(recipient.state).label),
            "reason": reason,
        },
    )
