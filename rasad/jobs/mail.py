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
def send_email(subject: str, body: str, to: list[str]) -> int:
    message = EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, to)
    return message.send(fail_silently=False)


def queue_mail(
    subject: str,
    body: str,
    to: Sequence[str],
    *,
    key: str | None = None,
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
        key=key,
        title=f"e-mail: {str(subject)[:80]}",
    )
