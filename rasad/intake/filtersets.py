"""Filters shared by the intake lists (UI) and the API."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from rasad.core.filtersets import IdFilter
from rasad.intake.choices import AliasSource, ProposalField, ProposalStatus, SourceKind
from rasad.intake.models import IntakeDocument, KnownPerson, OrganizationAlias, Proposal


class _Searchable(django_filters.FilterSet):  # type: ignore[misc]
    q = django_filters.CharFilter(method="filter_q", label=_("Search"))

    def filter_q(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return queryset.search(value)  # type: ignore[attr-defined,no-any-return]


class IntakeDocumentFilterSet(_Searchable):
    organization_id = IdFilter(label=_("Organization (id)"))
    organization = django_filters.CharFilter(field_name="organization__code", label=_("Organization (code)"))
    source_kind = django_filters.MultipleChoiceFilter(choices=SourceKind.choices, label=_("Source"))

    class Meta:
        model = IntakeDocument
        fields = ["q", "organization_id", "organization", "source_kind"]


class ProposalFilterSet(django_filters.FilterSet):  # type: ignore[misc]
    document_id = IdFilter(label=_("Document (id)"))
    field = django_filters.MultipleChoiceFilter(choices=ProposalField.choices, label=_("Field"))
    status = django_filters.MultipleChoiceFilter(choices=ProposalStatus.choices, label=_("Status"))

    class Meta:
        model = Proposal
        fields = ["document_id", "field", "status"]


class OrganizationAliasFilterSet(_Searchable):
    organization_id = IdFilter(label=_("Organization (id)"))
    organization = django_filters.CharFilter(field_name="organization__code", label=_("Organization (code)"))
    source = django_filters.MultipleChoiceFilter(choices=AliasSource.choices, label=_("Source"))

    class Meta:
        model = OrganizationAlias
        fields = ["q", "organization_id", "organization", "source"]


class KnownPersonFilterSet(_Searchable):
    organization_id = IdFilter(label=_("Organization (id)"))
    organization = django_filters.CharFilter(field_name="organization__code", label=_("Organization (code)"))

    class Meta:
        model = KnownPerson
        fields = ["q", "organization_id", "organization"]
