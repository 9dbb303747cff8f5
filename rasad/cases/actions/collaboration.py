"""Case actions: collaboration: comments, mentions, attachments, notifications."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import PurePath
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from rasad.cases.actions.common import (
    ALLOWED_ATTACHMENTS,
    MAX_ATTACHMENT_BYTES,
    MENTION,
    _visible,
)
from rasad.cases.audit import (
    audit_attachment_added,
    audit_comment_added,
)
from rasad.cases.choices import NotificationKind
from rasad.cases.models import (
    ATTACHMENT_CONTEXT,
    Attachment,
    Case,
    Comment,
    Notification,
)
from rasad.cases.notifications import notify
from rasad.core.access import refusal
from rasad.core.models import User
from rasad.lib import encryption, formatting
from rasad.lib.events import send_event_on_commit
from rasad.lib.persian import normalize_text
from rasad.lib.stored_text import Code, Person, StoredText


def _require_comment(case: Case, acting_user: User) -> None:
    if not _visible(case.pk, acting_user, "view"):
        raise refusal()
    if not _visible(case.pk, acting_user, "comment"):
        raise PermissionDenied(_("You may not comment on this case."))


@transaction.atomic
def do_add_comment(case: Case, body: str, *, acting_user: User, confidential: bool = False) -> Comment:
    """Add a comment. A confidential one is stored encrypted under the operator's key
    (``Comment.confidential_body``) and its text goes nowhere else: not into the audit event, the
    notifications or the live event."""
    _require_comment(case, acting_user)
    text = normalize_text(body or "")
    if not text:
        raise ValidationError({"body": [_("Write something.")]})
    if confidential and not encryption.available():
        raise ValidationError(
            {
                "confidential": [
                    _("A confidential comment cannot be stored: encryption at rest is not configured.")
                ]
            }
        )
    usernames = sorted(set(MENTION.findall(text)))
    mentioned: list[User] = []
    for username in usernames:
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None or not _visible(case.pk, user):
            raise ValidationError(
                {
                    "body": [
                        _("@%(username)s cannot be mentioned: nobody of that name can see this case.")
                        % {"username": username}
                    ]
                }
            )
        mentioned.append(user)
    comment = Comment.objects.create(
        case=case,
        author=acting_user,
        body="" if confidential else text,
        confidential=confidential,
        confidential_body=text if confidential else "",
    )
    if mentioned:
        comment.mentions.set(mentioned)
    case.watchers.add(acting_user)
    audit_comment_added(comment, acting_user=acting_user)
    notify(
        mentioned,
        case,
        NotificationKind.MENTION,
        StoredText(
            gettext_noop("%(author)s mentioned you on %(reference)s."),
            {"author": Person.of(acting_user), "reference": Code(case.reference)},
        ),
        exclude=acting_user,
    )
    notify(
        [w for w in case.watchers.all() if w not in mentioned],
        case,
        NotificationKind.COMMENT,
        StoredText(
            gettext_noop("%(author)s commented on %(reference)s."),
            {"author": Person.of(acting_user), "reference": Code(case.reference)},
        ),
        exclude=acting_user,
    )
    send_event_on_commit(
        "case.commented",
        {"id": case.pk, "comment": comment.pk},
        organization_ids=[case.reporter_organization_id, case.owner_organization_id],
    )
    return comment


def check_attachment(upload: UploadedFile[Any]) -> tuple[str, bytes]:
    """Validate an upload's size and type (by extension and by its first bytes)."""
    name = PurePath(upload.name or "").name
    suffix = PurePath(name).suffix.lower()
    if (upload.size or 0) > MAX_ATTACHMENT_BYTES:
        raise ValidationError(
            {
                "file": [
                    _("The file is too large (%(size)s bytes); the limit is %(limit)s bytes.")
                    % {
                        "size": formatting.number(upload.size),
                        "limit": formatting.number(MAX_ATTACHMENT_BYTES),
                    }
                ]
            }
        )
    if suffix not in ALLOWED_ATTACHMENTS:
        raise ValidationError(
            {
                "file": [
                    _("Files of type “%(suffix)s” are not accepted. Allowed: %(allowed)s.")
                    % {"suffix": suffix or "?", "allowed": ", ".join(sorted(ALLOWED_ATTACHMENTS))}
                ]
            }
        )
    content = upload.read(MAX_ATTACHMENT_BYTES + 1)
    if len(content) > MAX_ATTACHMENT_BYTES:
        raise ValidationError(
            {
                "file": [
                    _("The file is too large (%(size)s bytes); the limit is %(limit)s bytes.")
                    % {
                        "size": formatting.number(len(content)),
                        "limit": formatting.number(MAX_ATTACHMENT_BYTES),
                    }
                ]
            }
        )
    if not content:
        raise ValidationError({"file": [_("The file is empty.")]})
    _content_type, signatures = ALLOWED_ATTACHMENTS[suffix]
    if signatures is None:
        try:
            content.decode("utf-8")
        except UnicodeDecodeError:
            raise ValidationError(
                {"file": [_("The file's content does not match its type “%(suffix)s”.") % {"suffix": suffix}]}
            ) from None
    elif not content.startswith(signatures):
        raise ValidationError(
            {"file": [_("The file's content does not match its type “%(suffix)s”.") % {"suffix": suffix}]}
        )
    return name, content


@transaction.atomic
def do_add_attachment(
    case: Case, upload: UploadedFile[Any], *, acting_user: User, confidential: bool = False
) -> Attachment:
    """Store a file with the case. Nothing is written (no row, no file) unless it is accepted. A
    confidential file is stored encrypted under the operator's key (rasad.lib.encryption)."""
    _require_comment(case, acting_user)
    name, content = check_attachment(upload)
    suffix = PurePath(name).suffix.lower()
    size = len(content)
    if confidential:
        if not encryption.available():
            raise ValidationError(
                {
                    "confidential": [
                        _("A confidential file cannot be stored: encryption at rest is not configured.")
                    ]
                }
            )
        content = encryption.encrypt_bytes(content, context=ATTACHMENT_CONTEXT)
    attachment = Attachment(
        case=case,
        uploaded_by=acting_user,
        name=normalize_text(name)[:200] or f"file{suffix}",
        content_type=ALLOWED_ATTACHMENTS[suffix][0],
        size=size,
        sha256=hashlib.sha256(content).hexdigest(),
        confidential=confidential,
    )
    # The file is written first; if any database write fails, it is removed again, so a failed
    # upload leaves neither a row nor a file behind.
    attachment.file.save(name, ContentFile(content), save=False)
    stored = attachment.file.name
    try:
        with transaction.atomic():
            attachment.save()
            audit_attachment_added(attachment, acting_user=acting_user)
            case.watchers.add(acting_user)
    except Exception:
        if stored:
            attachment.file.storage.delete(stored)
        raise
    send_event_on_commit(
        "case.attachment",
        {"id": case.pk, "attachment": attachment.pk},
        organization_ids=[case.reporter_organization_id, case.owner_organization_id],
    )
    return attachment


@transaction.atomic
def do_mark_notifications_read(notifications: Sequence[Notification], *, acting_user: User) -> int:
    ids = [n.pk for n in notifications if n.user_id == acting_user.pk]
    return Notification.objects.filter(pk__in=ids, read_at__isnull=True).update(read_at=timezone.now())
