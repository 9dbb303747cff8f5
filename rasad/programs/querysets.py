"""Query vocabulary of the programmes app: who sees which part of a programme.

A programme is seen from three sides, all expressed through grants (``rasad.core.scope``), never
by special cases in views:

* the **lead** organization (``Programme.organization``): people whose scope holds it see and
  change the whole programme;
* each **party**: people whose scope holds a party see the programme (its parties, axes and
  objectives) and *their own* obligations (action items, indicator targets, status reports);
* the **reviewing body** (``Programme.reviewing_organization``, e.g. the governorate above the
  parties): people whose scope holds it see the programme and every obligation, read-only, so
  they see the roll-up. A body above the parties in the tree sees the same through its subtree
  grant, since its scope holds every party.

Changing anything of a programme needs the permission over the lead; a status report is
submitted by the party that owes it (``programs.submit_statusreport`` over the party).
"""

from __future__ import annotations

from typing import Any, Self

from django.db.models import Q

from rasad.core.querysets import ScopedQuerySet
from rasad.core.scope import Scope


def programme_audience(scope: Scope, prefix: str = "") -> Q:
    """Programmes (or rows under ``prefix``, pointing at a programme) whose lead, reviewing body
    or any party is in ``scope``."""
    from rasad.programs.models import Party

    organizations = scope.organization_ids()
    with_party = Party.objects.filter(organization_id__in=organizations).values("programme_id")
    return (
        Q(**{f"{prefix}organization_id__in": organizations})
        | Q(**{f"{prefix}reviewing_organization_id__in": organizations})
        | Q(**{f"{prefix}{'id' if prefix else 'pk'}__in": with_party})
    )


def led_in(scope: Scope, prefix: str = "") -> Q:
    return Q(**{f"{prefix}organization_id__in": scope.organization_ids()})


class ProgrammeQuerySet(ScopedQuerySet[Any]):
    scope_field = "organization"

    def within(self, scope: Scope, action: str) -> Self:
        if action == "view":
            return self.filter(programme_audience(scope))
        return self.filter(led_in(scope))

    def active(self) -> Self:
        from rasad.programs.choices import ProgrammeStatus

        return self.filter(status=ProgrammeStatus.ACTIVE)


class ProgrammePartQuerySet(ScopedQuerySet[Any]):
    """Parties, axes, objectives and attachments: seen by the programme's whole audience,
    changed by the lead."""

    scope_field = "programme__organization"

    def within(self, scope: Scope, action: str) -> Self:
        if action == "view":
            return self.filter(programme_audience(scope, "programme__"))
        return self.filter(led_in(scope, "programme__"))


class ObligationQuerySet(ScopedQuerySet[Any]):
    """Action items and indicator targets: what one party owes. Seen by that party, the lead and
    the reviewing body (not by the other parties); changed by the lead."""

    scope_field = "programme__organization"
    party_field = "party__organization"

    def within(self, scope: Scope, action: str) -> Self:
        if action == "view":
            organizations = scope.organization_ids()
            return self.filter(
                Q(**{f"{self.party_field}_id__in": organizations})
                | Q(programme__organization_id__in=organizations)
                | Q(programme__reviewing_organization_id__in=organizations)
            )
        if action == "submit":
            return self.filter(**{f"{self.party_field}_id__in": scope.organization_ids()})
        return self.filter(led_in(scope, "programme__"))

    def owed_by(self, organization_ids: Any) -> Self:
        return self.filter(**{f"{self.party_field}_id__in": organization_ids})


class StatusReportQuerySet(ObligationQuerySet):
    """Quarterly status reports: seen like the obligation they are about; submitted by its party."""

    party_field = "action_item__party__organization"

    def missing(self) -> Self:
        return self.filter(submitted_at__isnull=True)
