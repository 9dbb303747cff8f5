"""In-app notifications and their e-mails (sent after commit, through Django's e-mail backend)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q

from rasad.core.models import Grant, Organization, User

if TYPE_CHECKING:
    from rasad.cases.models import Case, Notification


def users_who_can(verb: str, organization: Organization) -> list[User]:
    """Users holding ``cases.<verb>_case`` through a grant that covers ``organization``."""
    parts = [part for part in organization.path.strip("/").split("/") if part]
    ancestor_paths = ["/" + "/".join(parts[: i + 1]) + "/" for i in range(len(parts))]
    grants = Grant.objects.filter(
        is_enabled=True,
        role__permissions__codename=f"{verb}_case",
        role__permissions__content_type__app_label="cases",
    ).filter(
        Q(organization=organization)
        | Q(organization__path__in=ancestor_paths, include_descendants=True)
        | Q(working_group__organizations=organization)
    )
    return list(User.objects.filter(pk__in=grants.values("user"), is_active=True).order_by("pk"))


def notify(
    users: Iterable[User], case: Case | None, kind: str, message: str, *, exclude: User | None = None
) -> list[Notification]:
    from rasad.cases.models import Notification

    recipients = {user.pk: user for user in users if exclude is None or user.pk != exclude.pk}
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
