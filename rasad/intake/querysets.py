"""Query vocabulary of the intake app: every row is scoped through the organization that
submitted its document (aliases through the organization they name)."""

from __future__ import annotations

from typing import Any

from rasad.core.querysets import ScopedQuerySet


class IntakeDocumentQuerySet(ScopedQuerySet[Any]):
    scope_field = "organization"


class ProposalQuerySet(ScopedQuerySet[Any]):
    scope_field = "document__organization"


class OrganizationAliasQuerySet(ScopedQuerySet[Any]):
    scope_field = "organization"


class KnownPersonQuerySet(ScopedQuerySet[Any]):
    scope_field = "organization"
