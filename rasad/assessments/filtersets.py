"""Filters shared by the assessment lists (UI) and the API."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from rasad.assessments.choices import AssessmentStatus, CycleStatus, InstrumentKind, InstrumentStatus
from rasad.assessments.models import Assessment, Cycle, Instrument
from rasad.cases.models import Case
from rasad.core.filtersets import FilterSet, IdFilter, WholeNumberFilter
from rasad.web.forms import FilterSelect, FilterTextSelect


class _Search(FilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("Search"))


class InstrumentFilterSet(_Search):
    kind = django_filters.ChoiceFilter(
        choices=InstrumentKind.choices,
        label=_("Kind"),
        empty_label=None,
        widget=FilterTextSelect(_("All kinds")),
    )
    status = django_filters.MultipleChoiceFilter(
        choices=InstrumentStatus.choices, label=_("Status"), widget=FilterSelect(_("All statuses"))
    )
    code = django_filters.CharFilter(field_name="code", lookup_expr="iexact", label=_("Code"))

    class Meta:
        model = Instrument
        fields = ["q", "kind", "status", "code"]


class CycleFilterSet(_Search):
    status = django_filters.MultipleChoiceFilter(
        choices=CycleStatus.choices, label=_("Status"), widget=FilterSelect(_("All statuses"))
    )
    instrument_id = IdFilter(field_name="instrument_id", label=_("Instrument (id)"))
    organization = django_filters.CharFilter(
        field_name="organization__code",
        label=_("Run by"),
        help_text=_("The running organization's code."),
        widget=FilterTextSelect(_("All organizations")),
    )

    class Meta:
        model = Cycle
        fields = ["q", "status", "instrument_id", "organization"]


class AssessmentFilterSet(_Search):
    cycle_id = IdFilter(field_name="cycle_id", label=_("Cycle (id)"))
    status = django_filters.MultipleChoiceFilter(
        # Called "Stage" as the list's column calls it.
        choices=AssessmentStatus.choices,
        label=_("Stage"),
        widget=FilterSelect(_("All stages")),
    )
    organization = django_filters.CharFilter(
        field_name="organization__code",
        label=_("Organization"),
        help_text=_("The assessed organization's code."),
        widget=FilterTextSelect(_("All organizations")),
    )

    class Meta:
        model = Assessment
        fields = ["q", "cycle_id", "status", "organization"]


RISK_STATES = [("open", _("Open")), ("closed", _("Closed or rejected"))]


class RiskFilterSet(_Search):
    """The risk register's filters: a subtree, open or not, a cell of either heat map, and the
    risks whose review has come due."""

    organization = django_filters.CharFilter(
        method="filter_subtree",
        label=_("Organization and below"),
        help_text=_("An organization's code: its risks and those of the organizations under it."),
        widget=FilterTextSelect(_("All organizations")),
    )
    state = django_filters.ChoiceFilter(
        choices=RISK_STATES,
        method="filter_state",
        label=_("State"),
        empty_label=None,
        widget=FilterTextSelect(_("All")),
    )
    # The risk scale (1–5): a number off it, or not whole, is a 400 naming the filter.
    likelihood = WholeNumberFilter(
        field_name="likelihood", min_value=1, max_value=5, label=_("Inherent likelihood")
    )
    impact = WholeNumberFilter(field_name="impact", min_value=1, max_value=5, label=_("Inherent impact"))
    residual_likelihood = WholeNumberFilter(
        field_name="risk_rating__residual_likelihood",
        min_value=1,
        max_value=5,
        label=_("Residual likelihood"),
    )
    residual_impact = WholeNumberFilter(
        field_name="risk_rating__residual_impact", min_value=1, max_value=5, label=_("Residual impact")
    )
    review_due = django_filters.ChoiceFilter(
        choices=[("true", _("Due now")), ("false", _("Not due"))],
        method="filter_review_due",
        label=_("Review due"),
        empty_label=None,
        widget=FilterTextSelect(_("All")),
    )

    class Meta:
        model = Case
        fields = ["q", "organization", "state"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.form.fields.values():
            css = (
                "form-select form-select-sm" if hasattr(field, "choices") else "form-control form-control-sm"
            )
            field.widget.attrs.setdefault("class", css)

    def filter_subtree(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        from rasad.core.models import Organization

        root = Organization.objects.filter(code__iexact=value.strip()).first()
        if root is None:
            return queryset.none()
        return queryset.filter(owner_organization__path__startswith=root.path)

    def filter_state(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        from rasad.cases.choices import OPEN_STATUSES

        if value == "open":
            return queryset.filter(status__in=OPEN_STATUSES)
        return queryset.exclude(status__in=OPEN_STATUSES)

    def filter_review_due(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        from rasad.lib.jalali import today_in_tehran

        due = queryset.filter(risk_rating__review_on__lte=today_in_tehran())
        return due if value == "true" else queryset.exclude(pk__in=due.values("pk"))
