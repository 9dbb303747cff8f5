"""Filters shared by the assessment lists (UI) and the API."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from rasad.assessments.choices import AssessmentStatus, CycleStatus, InstrumentKind, InstrumentStatus
from rasad.assessments.models import Assessment, Cycle, Instrument
from rasad.core.filtersets import IdFilter


class _Search(django_filters.FilterSet):  # type: ignore[misc]
    q = django_filters.CharFilter(method="filter_q", label=_("Search"))

    def filter_q(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return queryset.search(value)  # type: ignore[attr-defined,no-any-return]


class InstrumentFilterSet(_Search):
    kind = django_filters.ChoiceFilter(choices=InstrumentKind.choices, label=_("Kind"))
    status = django_filters.MultipleChoiceFilter(choices=InstrumentStatus.choices, label=_("Status"))
    code = django_filters.CharFilter(field_name="code", lookup_expr="iexact", label=_("Code"))

    class Meta:
        model = Instrument
        fields = ["q", "kind", "status", "code"]


class CycleFilterSet(_Search):
    status = django_filters.MultipleChoiceFilter(choices=CycleStatus.choices, label=_("Status"))
    instrument_id = IdFilter(field_name="instrument_id", label=_("Instrument (id)"))
    organization = django_filters.CharFilter(field_name="organization__code", label=_("Run by (code)"))

    class Meta:
        model = Cycle
        fields = ["q", "status", "instrument_id", "organization"]


class AssessmentFilterSet(_Search):
    cycle_id = IdFilter(field_name="cycle_id", label=_("Cycle (id)"))
    status = django_filters.MultipleChoiceFilter(choices=AssessmentStatus.choices, label=_("Status"))
    organization = django_filters.CharFilter(field_name="organization__code", label=_("Organization (code)"))

    class Meta:
        model = Assessment
        fields = ["q", "cycle_id", "status", "organization"]
