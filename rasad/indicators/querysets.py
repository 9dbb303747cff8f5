"""Query vocabulary of the indicators app.

Organization-owned rows (assignments, observations, targets, alerts, rollups, baselines,
scorecards) use ``OrganizationScopedQuerySet``. The catalogue (units, indicators, rules,
emission factors) is national reference data: every signed-in user reads it, and only people
holding the matching permission over a whole top-level subtree (a national body) may change it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Self, TypeVar

from django.db import models

from rasad.core.querysets import OrganizationScopedQuerySet
from rasad.lib.search import matching

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from rasad.core.models import User

_M = TypeVar("_M", bound=models.Model)


def may_edit_catalogue(user: User | AnonymousUser, model: type[models.Model], action: str) -> bool:
    """The national catalogue is kept by those who hold ``action`` over an organization a platform
    administrator has marked as a national body (``Organization.is_national_body``), and by
    platform administrators. Holding a top-level subtree is not enough: a province may be one."""
    from rasad.core.models import Organization
    from rasad.core.scope import organization_scope

    scope = organization_scope(user, model, action)
    if scope.is_everything:
        return True
    if scope.is_nothing:
        return False
    return Organization.objects.filter(scope.as_q(), is_national_body=True, closed_on__isnull=True).exists()


class CatalogueQuerySet(models.QuerySet[_M]):
    """Reference data (like provinces): read by every signed-in user; no organization owns it."""

    def search(self, query: str, field: str = "search_text") -> Self:
        return self.filter(matching(query, field))

    def visible_to(self, user: User | AnonymousUser, action: str = "view") -> Self:
        if not user.is_authenticated:
            return self.none()
        if action == "view" or may_edit_catalogue(user, self.model, action):
            return self.all()
        return self.none()

    def may_act_anywhere(self, user: User | AnonymousUser, action: str = "view") -> bool:
        return bool(user.is_authenticated) and (
            action == "view" or may_edit_catalogue(user, self.model, action)
        )


class IndicatorQuerySet(CatalogueQuerySet[Any]):
    def inputs(self) -> Self:
        return self.filter(formula="")

    def derived(self) -> Self:
        return self.exclude(formula="")


class ObservationQuerySet(OrganizationScopedQuerySet[Any]):
    def in_period(self, organization_id: int, period_key: str) -> Self:
        return self.filter(organization_id=organization_id, period_key=period_key)


class AssignmentQuerySet(OrganizationScopedQuerySet[Any]):
    def for_organization(self, organization: Any) -> Self:
        """Assignments that reach ``organization``: its own, and its ancestors' subtree ones."""
        ancestors = organization.ancestor_ids()
        return self.filter(
            models.Q(organization_id=organization.pk)
            | models.Q(organization_id__in=ancestors, include_descendants=True)
        )
