"""Query vocabulary of the cases app.

Cases are seen from three sides: the organization that reported them, the organization that owns
(works) them, and any organization a dossier containing them was forwarded to. ``visible_to``
expresses exactly that on top of ``rasad.core.scope.organization_scope``; it never re-implements
grant logic. Comments, attachments and events are visible when their case is.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, Self

from django.db import models
from django.db.models import Q
from django.utils import timezone

from rasad.core.querysets import ScopedQuerySet
from rasad.core.scope import Scope

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from rasad.core.models import User


def case_visibility(scope: Scope, prefix: str = "") -> Q:
    """Cases whose reporter or owner organization is in ``scope``, or that are in a dossier
    addressed to an organization in ``scope``. ``prefix`` points at the case (``case__``)."""
    from rasad.cases.models import Dossier

    organizations = scope.organization_ids()
    # Compiled once per scope, like the organizations (a list's count and page both filter on it).
    forwarded = scope.subquery(
        "cases.forwarded",
        lambda: Dossier.objects.filter(to_organization_id__in=organizations).values("cases"),
    )
    return (
        Q(**{f"{prefix}reporter_organization_id__in": organizations})
        | Q(**{f"{prefix}owner_organization_id__in": organizations})
        | Q(**{f"{prefix}{'pk' if not prefix else 'id'}__in": forwarded})
    )


class CaseQuerySet(ScopedQuerySet[Any]):
    scope_field = "reporter_organization"

    def within(self, scope: Scope, action: str) -> Self:
        return self.filter(case_visibility(scope))

    def open(self) -> Self:
        from rasad.cases.choices import OPEN_STATUSES

        return self.filter(status__in=OPEN_STATUSES)

    def overdue(self, now: datetime | None = None) -> Self:
        from rasad.cases.choices import CLOCK_STATUSES

        return self.filter(status__in=CLOCK_STATUSES, due_at__lt=now or timezone.now())


class CaseChildQuerySet(ScopedQuerySet[Any]):
    """Rows that hang off a case (comments, attachments, events): visible where their case would
    be, judged with the row's own permission (``cases.view_comment``, ...)."""

    scope_field = "case__reporter_organization"

    def within(self, scope: Scope, action: str) -> Self:
        return self.filter(case_visibility(scope, "case__"))


class DossierQuerySet(ScopedQuerySet[Any]):
    scope_field = "from_organization"

    def within(self, scope: Scope, action: str) -> Self:
        organizations = scope.organization_ids()
        if action == "view":
            return self.filter(
                Q(from_organization_id__in=organizations) | Q(to_organization_id__in=organizations)
            )
        return self.filter(from_organization_id__in=organizations)


class NotificationQuerySet(models.QuerySet[Any]):
    """A person's notifications are theirs alone."""

    def visible_to(self, user: User | AnonymousUser, action: str = "view") -> Self:
        if not user.is_authenticated:
            return self.none()
        return self.filter(user_id=user.pk)

    def may_act_anywhere(self, user: User | AnonymousUser, action: str = "view") -> bool:
        return bool(user.is_authenticated)

    def unread(self) -> Self:
        return self.filter(read_at__isnull=True)


class ReferenceQuerySet(models.QuerySet[Any]):
    """Categories, SLA policies, calendar and holidays: everyone signed in reads them; only
    platform administrators change them."""

    def visible_to(self, user: User | AnonymousUser, action: str = "view") -> Self:
        if not user.is_authenticated:
            return self.none()
        if action == "view" or user.is_superuser:
            return self.all()
        return self.none()

    def may_act_anywhere(self, user: User | AnonymousUser, action: str = "view") -> bool:
        return bool(user.is_authenticated) and (action == "view" or user.is_superuser)
