"""Query vocabulary of the green-jobs app: who sees which business, scheme and application, all
through grants (``rasad.core.scope``).

* **Occupations** are reference data: everyone signed in reads them.
* **Businesses** belong to their organization (its people and those above it see them).
* **Schemes** belong to the organization that runs them. They are seen there, by the three
  offices that review their applications, and by the people of every organization under the
  one that runs it (a business under the labour office reads the schemes it may apply to).
* **Applications** belong to the applicant business. They are also seen by the scheme's runner
  and its three offices. ``review`` is held where one of the three offices is in the reviewer's
  scope (the action checks the office of the step); ``approve`` where the labour office is.
* **Decisions, documents and instalments** are seen with their application.
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
    """The organizations above (or at) where the scope's rules start, read from the paths."""
    return {int(part) for path, _subtree in scope.rules for part in path.strip("/").split("/") if part}


class OccupationQuerySet(models.QuerySet[Any]):
    def visible_to(self, user: User | AnonymousUser, action: str = "view") -> Self:
        if not user.is_authenticated:
            return self.none()
        if action == "view" or user.is_superuser:
            return self.all()
        return self.none()

    def may_act_anywhere(self, user: User | AnonymousUser, action: str = "view") -> bool:
        return bool(user.is_authenticated) and (action == "view" or bool(user.is_superuser))

    def search(self, query: str, field: str = "search_text") -> Self:
        from rasad.lib.search import matching

        return self.filter(matching(query, field))


class BusinessQuerySet(ScopedQuerySet[Any]):
    scope_field = "organization"


class SchemeQuerySet(ScopedQuerySet[Any]):
    scope_field = "organization"

    def within(self, scope: Scope, action: str) -> Self:
        if action == "view":
            ids = scope.organization_ids()
            return self.filter(
                Q(organization_id__in=ids)
                | Q(organization_id__in=ancestor_ids(scope))
                | Q(labour_office_id__in=ids)
                | Q(environment_office_id__in=ids)
                | Q(training_office_id__in=ids)
            )
        return super().within(scope, action)


class ApplicationQuerySet(ScopedQuerySet[Any]):
    scope_field = "organization"

    def within(self, scope: Scope, action: str) -> Self:
        from rasad.greenjobs.choices import Stage

        ids = scope.organization_ids()
        if action == "view":
            return self.filter(
                Q(organization_id__in=ids)
                | (
                    ~Q(stage=Stage.DRAFT)
                    & (
                        Q(scheme__organization_id__in=ids)
                        | Q(scheme__labour_office_id__in=ids)
                        | Q(scheme__environment_office_id__in=ids)
                        | Q(scheme__training_office_id__in=ids)
                    )
                )
            )
        if action == "review":
            # The queue: applications waiting for a step of an office in the scope.
            return self.filter(
                Q(stage__in=[Stage.SUBMITTED, Stage.TRAINED], scheme__labour_office_id__in=ids)
                | Q(stage=Stage.ELIGIBLE, scheme__environment_office_id__in=ids)
                | Q(stage=Stage.COMPLIANT, scheme__training_office_id__in=ids)
            )
        if action == "approve":
            return self.filter(
                stage__in=[Stage.TRAINED, Stage.APPROVED, Stage.DISBURSED], scheme__labour_office_id__in=ids
            )
        return super().within(scope, action)

    def for_agency(self, agency: str) -> Self:
        """Waiting for the step of ``agency`` (read with ``visible_to(user, "review")``)."""
        from rasad.greenjobs.choices import Agency, Stage

        stages = {
            Agency.LABOUR: [Stage.SUBMITTED, Stage.TRAINED],
            Agency.ENVIRONMENT: [Stage.ELIGIBLE],
            Agency.TRAINING: [Stage.COMPLIANT],
        }[Agency(agency)]
        return self.filter(stage__in=stages)


class ApplicationPartQuerySet(ScopedQuerySet[Any]):
    """Rows of an application: seen exactly where the application is."""

    scope_field = "application__organization"

    def within(self, scope: Scope, action: str) -> Self:
        from rasad.greenjobs.models import Application

        return self.filter(application__in=Application.objects.all().within(scope, action).values("pk"))


class CertificateQuerySet(ScopedQuerySet[Any]):
    """Seen by the business and by the environment office that reviews it; ``certify`` is held
    where the office is in the scope."""

    scope_field = "organization"

    def within(self, scope: Scope, action: str) -> Self:
        ids = scope.organization_ids()
        if action == "view":
            return self.filter(Q(organization_id__in=ids) | Q(office_id__in=ids))
        if action == "certify":
            return self.filter(office_id__in=ids)
        return super().within(scope, action)


class OutcomeQuerySet(ScopedQuerySet[Any]):
    """Outcome reports: the business writes them (``add`` where it is in the scope); they are
    seen where their application is (the business, the scheme's runner and its three offices)."""

    scope_field = "organization"

    def within(self, scope: Scope, action: str) -> Self:
        if action == "view":
            ids = scope.organization_ids()
            return self.filter(
                Q(organization_id__in=ids)
                | Q(application__scheme__organization_id__in=ids)
                | Q(application__scheme__labour_office_id__in=ids)
                | Q(application__scheme__environment_office_id__in=ids)
                | Q(application__scheme__training_office_id__in=ids)
            )
        return super().within(scope, action)
