"""Filters shared by the media lists (UI) and the API."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from rasad.core.filtersets import CodeFilter, FilterSet, IdFilter
from rasad.media.choices import (
    CrisisState,
    EntryKind,
    PlanKind,
    PlanState,
    RecipientState,
    RumourState,
    Severity,
    StatementKind,
    StatementState,
)
from rasad.media.models import (
    Crisis,
    MemberAgency,
    PlannedItem,
    Recipient,
    Rumour,
    Statement,
    TimelineEntry,
)


class StatementFilterSet(FilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("Search"))
    state = django_filters.MultipleChoiceFilter(choices=StatementState.choices, label=_("State"))
    kind = django_filters.MultipleChoiceFilter(choices=StatementKind.choices, label=_("Kind"))
    organization = CodeFilter(field_name="organization__code", label=_("Media headquarters (code)"))
    organization_id = IdFilter(field_name="organization_id", label=_("Media headquarters (organization id)"))

    class Meta:
        model = Statement
        fields = ["q", "state", "kind", "organization", "organization_id"]


class RecipientFilterSet(FilterSet):
    statement_id = IdFilter(field_name="statement_id", label=_("Statement (id)"))
    agency = CodeFilter(field_name="agency__code", label=_("Agency (code)"))
    agency_id = IdFilter(field_name="agency_id", label=_("Agency (organization id)"))
    state = django_filters.MultipleChoiceFilter(choices=RecipientState.choices, label=_("State"))

    class Meta:
        model = Recipient
        fields = ["statement_id", "agency", "agency_id", "state"]


class MemberAgencyFilterSet(FilterSet):
    hq = CodeFilter(field_name="hq__code", label=_("Media headquarters (code)"))
    hq_id = IdFilter(field_name="hq_id", label=_("Media headquarters (organization id)"))
    agency_id = IdFilter(field_name="agency_id", label=_("Agency (organization id)"))

    class Meta:
        model = MemberAgency
        fields = ["hq", "hq_id", "agency_id"]


class CrisisFilterSet(FilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("Search"))
    state = django_filters.MultipleChoiceFilter(choices=CrisisState.choices, label=_("State"))
    severity = django_filters.MultipleChoiceFilter(choices=Severity.choices, label=_("Severity"))
    organization_id = IdFilter(field_name="organization_id", label=_("Media headquarters (organization id)"))

    class Meta:
        model = Crisis
        fields = ["q", "state", "severity", "organization_id"]


class RumourFilterSet(FilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("Search"))
    state = django_filters.MultipleChoiceFilter(choices=RumourState.choices, label=_("State"))
    crisis_id = IdFilter(field_name="crisis_id", label=_("Crisis (id)"))
    agency_id = IdFilter(field_name="agency_id", label=_("Agency (organization id)"))

    class Meta:
        model = Rumour
        fields = ["q", "state", "crisis_id", "agency_id"]


class TimelineEntryFilterSet(FilterSet):
    crisis_id = IdFilter(field_name="crisis_id", label=_("Crisis (id)"))
    kind = django_filters.MultipleChoiceFilter(choices=EntryKind.choices, label=_("Kind"))

    class Meta:
        model = TimelineEntry
        fields = ["crisis_id", "kind"]


class PlannedItemFilterSet(FilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("Search"))
    kind = django_filters.MultipleChoiceFilter(choices=PlanKind.choices, label=_("What is planned"))
    state = django_filters.MultipleChoiceFilter(choices=PlanState.choices, label=_("State"))
    agency_id = IdFilter(field_name="agency_id", label=_("Agency (organization id)"))
    axis_id = IdFilter(field_name="axis_id", label=_("Roadmap axis it serves (axis id)"))

    class Meta:
        model = PlannedItem
        fields = ["q", "kind", "state", "agency_id", "axis_id"]
