"""Filters shared by the UI lists and the API: ``<fk>_id``, a human key, and ``q``."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from rasad.core.filtersets import CodeFilter, IdFilter, PeriodFilter
from rasad.core.models import Organization
from rasad.indicators.choices import Category, ObservationStatus
from rasad.indicators.models import Alert, Assignment, Indicator, Observation, Target
from rasad.lib.search import matching


def _within(queryset: QuerySet[Any], value: int) -> QuerySet[Any]:
    root = Organization.objects.filter(pk=value).values_list("path", flat=True).first()
    return queryset.filter(organization__path__startswith=root) if root else queryset.none()


class IndicatorFilterSet(django_filters.FilterSet):  # type: ignore[misc]
    q = django_filters.CharFilter(method="filter_q", label=_("Search"))
    category = django_filters.ChoiceFilter(choices=Category.choices, label=_("Category"))
    derived = django_filters.BooleanFilter(method="filter_derived", label=_("Derived"))

    class Meta:
        model = Indicator
        fields = ["q", "category", "periodicity", "code"]

    def filter_q(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return queryset.search(value)  # type: ignore[attr-defined,no-any-return]

    def filter_derived(self, queryset: QuerySet[Any], name: str, value: bool) -> QuerySet[Any]:
        return queryset.exclude(formula="") if value else queryset.filter(formula="")


class ObservationFilterSet(django_filters.FilterSet):  # type: ignore[misc]
    q = django_filters.CharFilter(method="filter_q", label=_("Search"))
    organization_id = IdFilter(field_name="organization_id", label=_("Organization (id)"))
    # By the key, read first from the code (``CodeFilter``): a site's page then stops at 50 rows.
    organization = CodeFilter(field_name="organization__code", label=_("Organization (code)"))
    within_id = IdFilter(method="filter_within", label=_("Within organization (id)"))
    indicator_id = IdFilter(field_name="indicator_id", label=_("Indicator (id)"))
    indicator = CodeFilter(field_name="indicator__code", label=_("Indicator (code)"))
    period = PeriodFilter(field_name="period_key", label=_("Period"))
    year = IdFilter(field_name="year", label=_("Jalali year"))
    status = django_filters.ChoiceFilter(choices=ObservationStatus.choices, label=_("Status"))

    class Meta:
        model = Observation
        fields = ["organization_id", "indicator_id", "period", "year", "status"]

    def filter_q(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return queryset.filter(matching(value, "indicator__search_text"))

    def filter_within(self, queryset: QuerySet[Any], name: str, value: int) -> QuerySet[Any]:
        return _within(queryset, value)


class AssignmentFilterSet(django_filters.FilterSet):  # type: ignore[misc]
    organization_id = IdFilter(field_name="organization_id", label=_("Organization (id)"))
    organization = CodeFilter(field_name="organization__code", label=_("Organization (code)"))
    indicator = CodeFilter(field_name="indicator__code", label=_("Indicator (code)"))

    class Meta:
        model = Assignment
        fields = ["organization_id", "organization", "indicator"]


class TargetFilterSet(django_filters.FilterSet):  # type: ignore[misc]
    organization_id = IdFilter(field_name="organization_id", label=_("Organization (id)"))
    organization = CodeFilter(field_name="organization__code", label=_("Organization (code)"))
    indicator = CodeFilter(field_name="indicator__code", label=_("Indicator (code)"))
    year = IdFilter(field_name="year", label=_("Jalali year"))

    class Meta:
        model = Target
        fields = ["organization_id", "organization", "indicator", "year"]


class AlertFilterSet(django_filters.FilterSet):  # type: ignore[misc]
    organization_id = IdFilter(field_name="organization_id", label=_("Organization (id)"))
    organization = CodeFilter(field_name="organization__code", label=_("Organization (code)"))
    within_id = IdFilter(method="filter_within", label=_("Within organization (id)"))
    indicator = CodeFilter(field_name="indicator__code", label=_("Indicator (code)"))

    class Meta:
        model = Alert
        fields = ["organization_id", "organization", "indicator", "level", "is_open", "period_key"]

    def filter_within(self, queryset: QuerySet[Any], name: str, value: int) -> QuerySet[Any]:
        return _within(queryset, value)


class OwnedFilterSet(django_filters.FilterSet):  # type: ignore[misc]
    """Baselines and scorecards: by organization id or code."""

    organization_id = IdFilter(field_name="organization_id", label=_("Organization (id)"))
    organization = CodeFilter(field_name="organization__code", label=_("Organization (code)"))
