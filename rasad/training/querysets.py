"""Query vocabulary of the training app: who sees which course, event, enrolment, completion,
requirement and position, all through grants (``rasad.core.scope``).

* **Courses and events** belong to their provider or organizer. An event is also *seen* by the
  people its audience reaches: whoever may view training events in the audience organization or
  anywhere under it (a PR officer of an agency sees the governorate's event for the whole
  province, so that they can enrol). A course is seen likewise when one of its events is.
* **Enrolments and completions** belong to the participant's organization (their managers see
  and enrol them there) and are also seen by the event's organizer (or the course's provider),
  who records attendance.
* **Requirements** belong to the organization they apply in; they are seen there and by everyone
  under it (an agency sees the governorate's requirement that binds its managers).
* **Positions held** belong to the membership's organization.

A person's own enrolments, completions and requirements are read on "My learning" by owner,
without any grant: they are theirs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Self

from django.db import models
from django.db.models import Q

from rasad.core.querysets import ScopedQuerySet

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from rasad.core.models import User
    from rasad.core.scope import Scope


def ancestor_ids(scope: Scope) -> set[int]:
    """The organizations above (or at) where the scope's rules start: read from the paths, so no
    query. An event or requirement addressed to one of them reaches into the scope."""
    return {int(part) for path, _subtree in scope.rules for part in path.strip("/").split("/") if part}


def reaching(scope: Scope, field: str) -> Q:
    """Rows whose ``field`` (an organization) is in the scope, or above a part of it."""
    return Q(**{f"{field}_id__in": scope.organization_ids()}) | Q(**{f"{field}_id__in": ancestor_ids(scope)})


class PositionQuerySet(models.QuerySet[Any]):
    """Positions are reference data: everyone signed in reads them; platform administrators
    change them."""

    def visible_to(self, user: User | AnonymousUser, action: str = "view") -> Self:
        if not user.is_authenticated:
            return self.none()
        if action == "view" or user.is_superuser:
            return self.all()
        return self.none()

    def may_act_anywhere(self, user: User | AnonymousUser, action: str = "view") -> bool:
        return bool(user.is_authenticated) and (action == "view" or bool(user.is_superuser))


class PositionHoldingQuerySet(ScopedQuerySet[Any]):
    scope_field = "membership__organization"

    def open(self) -> Self:
        return self.filter(until__isnull=True)


class CourseQuerySet(ScopedQuerySet[Any]):
    scope_field = "organization"

    def within(self, scope: Scope, action: str) -> Self:
        if action == "view":
            from rasad.training.models import Event

            events = Event.objects.filter(reaching(scope, "audience")).values("course_id")
            return self.filter(Q(organization_id__in=scope.organization_ids()) | Q(pk__in=events))
        return super().within(scope, action)


class EventQuerySet(ScopedQuerySet[Any]):
    scope_field = "organization"

    def within(self, scope: Scope, action: str) -> Self:
        if action == "view":
            return self.filter(Q(organization_id__in=scope.organization_ids()) | reaching(scope, "audience"))
        return super().within(scope, action)


class EnrolmentQuerySet(ScopedQuerySet[Any]):
    """Seen by the participant's organization and the organizer; added (a manager enrols their
    staff) in the participant's organization; attendance is the organizer's (``attend`` is the
    event's permission, checked by the action)."""

    scope_field = "organization"

    def within(self, scope: Scope, action: str) -> Self:
        if action == "view":
            ids = scope.organization_ids()
            return self.filter(Q(organization_id__in=ids) | Q(event__organization_id__in=ids))
        return super().within(scope, action)

    def holding_places(self) -> Self:
        from rasad.training.choices import EnrolmentStatus

        return self.filter(status=EnrolmentStatus.ENROLLED)


class CompletionQuerySet(ScopedQuerySet[Any]):
    scope_field = "organization"

    def within(self, scope: Scope, action: str) -> Self:
        if action == "view":
            ids = scope.organization_ids()
            return self.filter(Q(organization_id__in=ids) | Q(course__organization_id__in=ids))
        return super().within(scope, action)


class RequirementQuerySet(ScopedQuerySet[Any]):
    scope_field = "organization"

    def within(self, scope: Scope, action: str) -> Self:
        if action == "view":
            return self.filter(reaching(scope, "organization"))
        return super().within(scope, action)

    def active(self) -> Self:
        return self.filter(is_active=True)
