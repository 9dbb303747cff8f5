"""E-mail leaves through a background task: enqueued in the transaction that decides to send
it, retried with backoff while the mail server is away, parked with its error if it never
answers. A run cut short between the server's acceptance and the task's completion sends the
message again (SMTP has no idempotency key); everything before that is exactly once.

A message carries a prepared export (``export_id``, read from storage when it is sent) or small
text attachments written when it is queued (an event's iCalendar file), which travel with the
task as JSON: ``Attachment(name, text, content_type)``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, NamedTuple

from django.conf import settings
from django.core.mail import EmailMessage

from rasad.jobs.engine import background_task, enqueue

if TYPE_CHECKING:
    from rasad.jobs.models import TaskRun


class Attachment(NamedTuple):
    """A small text file sent with a message: its file name, its text, and its content type
    without parameters (``text/calendar``; the text is sent as UTF-8)."""

    name: str
    text: str
    content_type: str


@background_task(max_attempts=8, backoff_seconds=30)
def send_email(
    subject: str,
    body: str,
    to: list[str],
    export_id: int | None = None,
    attachments: list[list[str]] | None = None,
) -> int:
    message = EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, to)
    for name, text, content_type in attachments or []:
        message.attach(name, text, content_type)
    if export_id is not None:
        from pathlib import Path

        from rasad.jobs.models import ExportFile, ExportStatus

        export = ExportFile.objects.filter(pk=export_id, status=ExportStatus.READY).first()
        if export is not None and export.file.name:
            path = Path(settings.MEDIA_ROOT) / str(export.file.name)
            message.attach(export.download_name, path.read_bytes(), export.content_type)
    return message.send(fail_silently=False)


def queue_mail(
    subject: str,
    body: str,
    to: Sequence[str],
    *,
    key: str | None = None,
    export_id: int | None = None,
    attachments: Sequence[Attachment] = (),
) -> TaskRun | None:
    """Send an e-mail after the current transaction commits (nothing is sent if it rolls back)."""
    recipients = [address for address in to if address]
    if not recipients:
        return None
    return enqueue(
        send_email,
        str(subject)[:250],
        str(body),
        recipients,
        export_id,
        [list(attachment) for attachment in attachments] or None,
        key=key,
        title=f"e-mail: {str(subject)[:80]}",
    )
