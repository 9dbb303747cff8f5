"""Query vocabulary of the media app: who sees which member agency, statement, file and
recipient, all through grants (``rasad.core.scope``).

* **Member agencies** belong to their media headquarters; the agency sees its own membership.
* **Statements** belong to the headquarters that drafts them. An agency also *sees* a statement
  once it was issued to it (and the versions issued after), never a draft.
* **Recipients** (a statement addressed to one agency) are seen by the headquarters and by the
  agency; acknowledging and answering (``respond``) is the agency's, everything else the
  headquarters'.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Self

from django.db.models import Q

from rasad.core.querysets import ScopedQuerySet

if TYPE_CHECKING:
    from rasad.core.scope import Scope

SEEN_BY_AGENCIES = ("issued", "superseded")


class MemberAgencyQuerySet(ScopedQuerySet[Any]):
    scope_field = "hq"

    def within(self, scope: Scope, action: str) -> Self:
        ids = scope.organization_ids()
        if action == "view":
            return self.filter(Q(hq_id__in=ids) | Q(agency_id__in=ids))
        return self.filter(hq_id__in=ids)

    def active(self) -> Self:
        return self.filter(is_active=True)


class StatementQuerySet(ScopedQuerySet[Any]):
    scope_field = "organization"

    def within(self, scope: Scope, action: str) -> Self:
        ids = scope.organization_ids()
        if action == "view":
            from rasad.media.models import Recipient

            addressed = Recipient.objects.filter(agency_id__in=ids).values("statement_id")
            return self.filter(Q(organization_id__in=ids) | Q(pk__in=addressed, state__in=SEEN_BY_AGENCIES))
        return self.filter(organization_id__in=ids)


class StatementAttachmentQuerySet(ScopedQuerySet[Any]):
    scope_field = "statement__organization"

    def within(self, scope: Scope, action: str) -> Self:
        ids = scope.organization_ids()
        if action == "view":
            return self.filter(
                Q(statement__organization_id__in=ids)
                | Q(statement__recipients__agency_id__in=ids, statement__state__in=SEEN_BY_AGENCIES)
            ).distinct()
        return self.filter(statement__organization_id__in=ids)


class RecipientQuerySet(ScopedQuerySet[Any]):
    scope_field = "statement__organization"

    def within(self, scope: Scope, action: str) -> Self:
        ids = scope.organization_ids()
        if action == "view":
            return self.filter(Q(agency_id__in=ids) | Q(statement__organization_id__in=ids))
        if action == "respond":
            return self.filter(agency_id__in=ids)
        return self.filter(statement__organization_id__in=ids)

    def open(self) -> Self:
        from rasad.media.choices import OPEN_RECIPIENT_STATES

        return self.filter(state__in=OPEN_RECIPIENT_STATES)


def _member_of(field: str, ids: Any) -> Q:
    """Rows whose headquarters (at ``field``) has an active member agency in ``ids``."""
    from rasad.media.models import MemberAgency

    hqs = MemberAgency.objects.filter(agency_id__in=ids, is_active=True).values("hq_id")
    return Q(**{f"{field}_id__in": hqs})


class CrisisQuerySet(ScopedQuerySet[Any]):
    """A crisis belongs to its headquarters; its member agencies see it too (the crisis room is
    shared)."""

    scope_field = "organization"

    def within(self, scope: Scope, action: str) -> Self:
        ids = scope.organization_ids()
        if action == "view":
            return self.filter(Q(organization_id__in=ids) | _member_of("organization", ids))
        return self.filter(organization_id__in=ids)


class TimelineEntryQuerySet(ScopedQuerySet[Any]):
    """Seen by the crisis's headquarters and its member agencies; added by either, each for
    itself (``organization``)."""

    scope_field = "organization"

    def within(self, scope: Scope, action: str) -> Self:
        ids = scope.organization_ids()
        if action == "view":
            return self.filter(Q(crisis__organization_id__in=ids) | _member_of("crisis__organization", ids))
        return self.filter(organization_id__in=ids)


class RumourQuerySet(ScopedQuerySet[Any]):
    """A rumour belongs to the headquarters; the agency it is assigned to sees it and answers it
    (``answer``)."""

    scope_field = "organization"

    def within(self, scope: Scope, action: str) -> Self:
        ids = scope.organization_ids()
        if action == "view":
            return self.filter(Q(organization_id__in=ids) | Q(agency_id__in=ids))
        if action == "answer":
            return self.filter(agency_id__in=ids)
        return self.filter(organization_id__in=ids)


class PlannedItemQuerySet(ScopedQuerySet[Any]):
    """An item of the media calendar belongs to the headquarters; the agency it is planned for
    sees it and marks it published (``publish``)."""

    scope_field = "organization"

    def within(self, scope: Scope, action: str) -> Self:
        ids = scope.organization_ids()
        if action == "view":
            return self.filter(Q(organization_id__in=ids) | Q(agency_id__in=ids))
        if action == "publish":
            return self.filter(agency_id__in=ids)
        return self.filter(organization_id__in=ids)
