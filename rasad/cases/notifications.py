"""In-app notifications and their e-mails (sent after commit, through Django's e-mail backend)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db.models import Q

from rasad.core.models import Grant, Organization, User
from rasad.jobs.mail import queue_mail

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
    subject = f"[Rasad] {case.reference}" if case is not None else "[Rasad]"
    for notification in created:
        if notification.user.email:
            queue_mail(
                subject, message, [notification.user.email], key=f"cases-notification:{notification.pk}"
            )
    return created
