"""In-app notifications and their e-mails (sent after commit, through Django's e-mail backend)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction

from rasad.core.models import User

if TYPE_CHECKING:
    from rasad.cases.models import Case, Notification


def notify(
    users: Iterable[User], case: Case | None, kind: str, message: str, *, exclude: User | None = None
) -> list[Notification]:
    """Notify ``users`` (after commit for e-mail). A notification about a case reaches only those
    who may see the case at this moment: a watcher or mention that lost access gets nothing."""
    from rasad.cases.models import Case, Notification

    recipients = {user.pk: user for user in users if exclude is None or user.pk != exclude.pk}
    if case is not None:
        recipients = {
            pk: user
            for pk, user in recipients.items()
            if Case.objects.visible_to(user).filter(pk=case.pk).exists()
        }
    created = [
        Notification.objects.create(user=user, case=case, kind=kind, message=message[:400])
        for user in recipients.values()
    ]
    emails = [(user.email, message) for user in recipients.values() if user.email]
    if emails:
        transaction.on_commit(lambda: _send(emails, case))
    return created


def _send(emails: list[tuple[str, str]], case: Case | None) -> None:
    subject = f"[Rasad] {case.reference}" if case is not None else "[Rasad]"
    for address, message in emails:
        send_mail(subject, message, settings.DEFAULT_FROM_EMAIL, [address], fail_silently=True)
