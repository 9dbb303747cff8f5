"""E-mail leaves through a background task: enqueued in the transaction that decides to send
it, retried with backoff while the mail server is away, parked with its error if it never
answers. A run cut short between the server's acceptance and the task's completion sends the
message again (SMTP has no idempotency key); everything before that is exactly once."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import EmailMessage

from rasad.jobs.engine import background_task, enqueue

if TYPE_CHECKING:
    from rasad.jobs.models import TaskRun


@background_task(max_attempts=8, backoff_seconds=30)
def send_email(subject: str, body: str, to: list[str], export_id: int | None = None) -> int:
    message = EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, to)
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
        key=key,
        title=f"e-mail: {str(subject)[:80]}",
    )
