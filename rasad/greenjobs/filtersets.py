"""Filters shared by the green-jobs lists (UI), the exports and the API."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from rasad.core.filtersets import FilterSet, IdFilter
from rasad.greenjobs.choices import BusinessSize, CertificateStatus, Milestone, SchemeKind, Stage
from rasad.greenjobs.models import Application, Business, Certificate, Occupation, OutcomeReport, Scheme


class _Search(FilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("Search"))


class OccupationFilterSet(_Search):
    isco_code = django_filters.CharFilter(
        field_name="isco_code", lookup_expr="startswith", label=_("ISCO-08 code")
    )
    isic_code = django_filters.CharFilter(
        field_name="isic_code", lookup_expr="startswith", label=_("ISIC Rev.4 code")
    )

    class Meta:
        model = Occupation
        fields = ["q", "isco_code", "isic_code"]


class BusinessFilterSet(_Search):
    size = django_filters.MultipleChoiceFilter(choices=BusinessSize.choices, label=_("Size"))
    sector = django_filters.CharFilter(
        field_name="sector_code", lookup_expr="startswith", label=_("Sector (ISIC Rev.4)")
    )
    knowledge_based = django_filters.BooleanFilter(field_name="knowledge_based", label=_("Knowledge-based"))
    occupation = django_filters.CharFilter(
        field_name="occupations__code", label=_("Occupation (code)"), distinct=True
    )
    province = django_filters.CharFilter(
        field_name="organization__province__code", label=_("Province (code)")
    )
    organization_id = IdFilter(field_name="organization_id", label=_("Organization (id)"))

    class Meta:
        model = Business
        fields = ["q", "size", "sector", "knowledge_based", "occupation", "province", "organization_id"]


class SchemeFilterSet(_Search):
    kind = django_filters.MultipleChoiceFilter(choices=SchemeKind.choices, label=_("Kind"))
    organization_id = IdFilter(field_name="organization_id", label=_("Run by (organization id)"))

    class Meta:
        model = Scheme
        fields = ["q", "kind", "organization_id"]


class ApplicationFilterSet(_Search):
    stage = django_filters.MultipleChoiceFilter(choices=Stage.choices, label=_("Stage"))
    scheme_id = IdFilter(field_name="scheme_id", label=_("Scheme (id)"))
    scheme = django_filters.CharFilter(field_name="scheme__code", label=_("Scheme (code)"))
    organization_id = IdFilter(field_name="organization_id", label=_("Applicant (organization id)"))

    class Meta:
        model = Application
        fields = ["q", "stage", "scheme_id", "scheme", "organization_id"]


class CertificateFilterSet(FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=CertificateStatus.choices, label=_("Status"))
    business_id = IdFilter(field_name="business_id", label=_("Business (id)"))
    organization_id = IdFilter(field_name="organization_id", label=_("Business (organization id)"))

    class Meta:
        model = Certificate
        fields = ["status", "business_id", "organization_id"]


class OutcomeFilterSet(FilterSet):
    milestone = django_filters.ChoiceFilter(choices=Milestone.choices, label=_("Milestone"))
    application_id = IdFilter(field_name="application_id", label=_("Application (id)"))
    organization_id = IdFilter(field_name="organization_id", label=_("Business (organization id)"))

    class Meta:
        model = OutcomeReport
        fields = ["milestone", "application_id", "organization_id"]


class DashboardFilterSet(FilterSet):
    """The outcomes dashboard's filters: one scheme, one province."""

    scheme_id = IdFilter(field_name="scheme_id", label=_("Scheme (id)"))
    province = django_filters.CharFilter(
        field_name="organization__province__code", label=_("Province (code)")
    )

    class Meta:
        model = Application
        fields = ["scheme_id", "province"]
