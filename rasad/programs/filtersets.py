"""Filters shared by the programme lists (UI), the Excel exports and the API."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rasad.cases.choices import CLOCK_STATUSES, OPEN_STATUSES, CaseStatus
from rasad.core.filtersets import CodeFilter, FilterSet, IdFilter
from rasad.programs.choices import ProgrammeKind, ProgrammeStatus, ReportState
from rasad.programs.models import (
    ActionItem,
    Axis,
    IndicatorTarget,
    Objective,
    Party,
    Programme,
    ProgrammeAttachment,
    StatusReport,
)
from rasad.web.forms import FilterSelect, FilterTextSelect


def province_choices() -> list[tuple[str, str]]:
    """Every province by its name in the reader's language, in alphabetical order; the value is
    the code the filter reads."""
    from rasad.core.models import Province
    from rasad.lib import display

    field = "name_fa" if display.current().language == "fa" else "name_en"
    return list(Province.objects.order_by(field).values_list("code", field))


class ProgrammeFilterSet(FilterSet):
    """The programmes' filters. On the page, an organization and a province are chosen by name
    from what the reader may see (``ProgrammeListView.filter_choices``); the API and links name
    them by code."""

    q = django_filters.CharFilter(method="filter_q", label=_("Search"))
    kind = django_filters.MultipleChoiceFilter(
        choices=ProgrammeKind.choices, label=_("Kind"), widget=FilterSelect(_("All kinds"))
    )
    status = django_filters.MultipleChoiceFilter(
        choices=ProgrammeStatus.choices, label=_("Status"), widget=FilterSelect(_("All statuses"))
    )
    party = django_filters.CharFilter(
        method="filter_party",
        label=_("Party"),
        help_text=_("A party's organization code."),
        widget=FilterTextSelect(_("All parties")),
    )
    party_id = IdFilter(method="filter_party_id", label=_("Party (organization id)"))
    organization = CodeFilter(
        field_name="organization__code",
        label=_("Lead"),
        help_text=_("The lead organization's code."),
        widget=FilterTextSelect(_("All leads")),
    )
    organization_id = IdFilter(field_name="organization_id", label=_("Lead (organization id)"))
    province = django_filters.CharFilter(
        method="filter_province",
        label=_("Province"),
        help_text=_("A province's code, where a party is."),
        widget=FilterTextSelect(_("All provinces"), choices=province_choices),
    )

    class Meta:
        model = Programme
        fields = ["q", "kind", "status", "party", "party_id", "organization", "organization_id", "province"]

    def filter_party(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return queryset.filter(pk__in=Party.objects.filter(organization__code=value).values("programme_id"))

    def filter_party_id(self, queryset: QuerySet[Any], name: str, value: int) -> QuerySet[Any]:
        return queryset.filter(pk__in=Party.objects.filter(organization_id=value).values("programme_id"))

    def filter_province(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        parties = Party.objects.filter(organization__province__code=value).values("programme_id")
        return queryset.filter(pk__in=parties)


class ProgrammePartFilterSet(FilterSet):
    programme_id = IdFilter(field_name="programme_id", label=_("Programme (id)"))


class PartyFilterSet(ProgrammePartFilterSet):
    organization = CodeFilter(field_name="organization__code", label=_("Organization (code)"))

    class Meta:
        model = Party
        fields = ["programme_id", "organization"]


class AxisFilterSet(ProgrammePartFilterSet):
    class Meta:
        model = Axis
        fields = ["programme_id"]


class ObjectiveFilterSet(ProgrammePartFilterSet):
    axis_id = IdFilter(field_name="axis_id", label=_("Axis (id)"))

    class Meta:
        model = Objective
        fields = ["programme_id", "axis_id"]


class AttachmentFilterSet(ProgrammePartFilterSet):
    class Meta:
        model = ProgrammeAttachment
        fields = ["programme_id"]


class ActionItemFilterSet(ProgrammePartFilterSet):
    objective_id = IdFilter(field_name="objective_id", label=_("Objective (id)"))
    party = django_filters.CharFilter(
        field_name="party__organization__code", label=_("Party (organization code)")
    )
    status = django_filters.MultipleChoiceFilter(
        field_name="case__status", choices=CaseStatus.choices, label=_("Status of the case")
    )
    is_open = django_filters.BooleanFilter(method="filter_open", label=_("Open"))
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("Overdue"))

    class Meta:
        model = ActionItem
        fields = ["programme_id", "objective_id", "party", "status"]

    def filter_open(self, queryset: QuerySet[Any], name: str, value: bool | None) -> QuerySet[Any]:
        if value is None:
            return queryset
        condition = Q(case__status__in=OPEN_STATUSES)
        return queryset.filter(condition) if value else queryset.exclude(condition)

    def filter_overdue(self, queryset: QuerySet[Any], name: str, value: bool | None) -> QuerySet[Any]:
        if value is None:
            return queryset
        condition = Q(case__status__in=CLOCK_STATUSES, case__due_at__lt=timezone.now())
        return queryset.filter(condition) if value else queryset.exclude(condition)


class IndicatorTargetFilterSet(ProgrammePartFilterSet):
    objective_id = IdFilter(field_name="objective_id", label=_("Objective (id)"))
    party = django_filters.CharFilter(
        field_name="party__organization__code", label=_("Party (organization code)")
    )

    class Meta:
        model = IndicatorTarget
        fields = ["programme_id", "objective_id", "party"]


class StatusReportFilterSet(ProgrammePartFilterSet):
    action_item_id = IdFilter(field_name="action_item_id", label=_("Action item (id)"))
    period_key = django_filters.CharFilter(label=_("Season (1404-S2)"))
    state = django_filters.MultipleChoiceFilter(choices=ReportState.choices, label=_("State"))
    missing = django_filters.BooleanFilter(
        field_name="submitted_at", lookup_expr="isnull", label=_("Not submitted")
    )

    class Meta:
        model = StatusReport
        fields = ["programme_id", "action_item_id", "period_key", "state", "missing"]
