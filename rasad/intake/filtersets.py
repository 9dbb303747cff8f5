"""Filters shared by the intake lists (UI) and the API."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from rasad.core.filtersets import FilterSet, IdFilter
from rasad.intake.choices import AliasSource, ProposalField, ProposalStatus, SourceKind
from rasad.intake.models import IntakeDocument, KnownPerson, OrganizationAlias, Proposal


class _Searchable(FilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("Search"))


class IntakeDocumentFilterSet(_Searchable):
    organization_id = IdFilter(label=_("Organization (id)"))
    organization = django_filters.CharFilter(field_name="organization__code", label=_("Organization (code)"))
    source_kind = django_filters.MultipleChoiceFilter(choices=SourceKind.choices, label=_("Source"))

    class Meta:
        model = IntakeDocument
        fields = ["q", "organization_id", "organization", "source_kind"]


class ProposalFilterSet(FilterSet):
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
