"""Filters shared by the case lists (UI), the board, the map, the Excel export and the API."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rasad.cases.choices import CLOCK_STATUSES, OPEN_STATUSES, CaseKind, CaseStatus, Priority
from rasad.cases.models import Attachment, Case, Comment, Dossier, Notification
from rasad.core.filtersets import CodeFilter, FilterSet, IdFilter, JalaliDateFilter
from rasad.core.models import Organization


class CaseFilterSet(FilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("Search"))
    # Columns of the case itself: no join can repeat a row, so no DISTINCT (django-filter's
    # default for these filters, which sorted every matching case's columns: at 10× data a
    # status filter's page took 160 ms of PostgreSQL).
    kind = django_filters.MultipleChoiceFilter(choices=CaseKind.choices, label=_("Kind"), distinct=False)
    status = django_filters.MultipleChoiceFilter(
        choices=CaseStatus.choices, label=_("Status"), distinct=False
    )
    priority = django_filters.MultipleChoiceFilter(
        choices=Priority.choices, label=_("Priority"), distinct=False
    )
    category = CodeFilter(field_name="category__code", label=_("Category (code)"))
    category_id = IdFilter(field_name="category_id", label=_("Category (id)"))
    reporter_organization_id = IdFilter(label=_("Reporter organization (id)"))
    reporter_organization = CodeFilter(
        field_name="reporter_organization__code", label=_("Reporter organization (code)")
    )
    owner_organization_id = IdFilter(label=_("Owner organization (id)"))
    owner_organization = CodeFilter(
        field_name="owner_organization__code", label=_("Owner organization (code)")
    )
    within_id = IdFilter(method="filter_within", label=_("Reported within organization (id)"))
    assignee_id = IdFilter(label=_("Assignee (id)"))
    dossier_id = IdFilter(field_name="dossiers", label=_("Dossier (id)"))
    is_open = django_filters.BooleanFilter(method="filter_open", label=_("Open"))
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("Overdue"))
    opened_from = JalaliDateFilter(field_name="opened_at", label=_("From"))
    opened_to = JalaliDateFilter(field_name="opened_at", end_of_day=True, label=_("Until"))

    class Meta:
        model = Case
        fields = ["q", "kind", "status", "priority", "category", "category_id"]

    def filter_within(self, queryset: QuerySet[Any], name: str, value: int) -> QuerySet[Any]:
        root = Organization.objects.filter(pk=value).values_list("path", flat=True).first()
        return queryset.filter(reporter_organization__path__startswith=root) if root else queryset.none()

    def filter_open(self, queryset: QuerySet[Any], name: str, value: bool | None) -> QuerySet[Any]:
        if value is None:
            return queryset
        return (
            queryset.filter(status__in=OPEN_STATUSES) if value else queryset.exclude(status__in=OPEN_STATUSES)
        )

    def filter_overdue(self, queryset: QuerySet[Any], name: str, value: bool | None) -> QuerySet[Any]:
        if value is None:
            return queryset
        overdue = {"status__in": CLOCK_STATUSES, "due_at__lt": timezone.now()}
        return queryset.filter(**overdue) if value else queryset.exclude(**overdue)


class DossierFilterSet(FilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("Search"))
    from_organization_id = IdFilter(label=_("From organization (id)"))
    to_organization_id = IdFilter(label=_("To organization (id)"))
    to_organization = CodeFilter(field_name="to_organization__code", label=_("To organization (code)"))

    class Meta:
        model = Dossier
        fields = ["q", "from_organization_id", "to_organization_id", "to_organization"]


class NotificationFilterSet(FilterSet):
    unread = django_filters.BooleanFilter(field_name="read_at", lookup_expr="isnull", label=_("Unread"))
    case_id = IdFilter(label=_("Case (id)"))

    class Meta:
        model = Notification
        fields = ["unread", "case_id"]


class CommentFilterSet(FilterSet):
    case_id = IdFilter(label=_("Case (id)"))

    class Meta:
        model = Comment
        fields = ["case_id"]


class AttachmentFilterSet(FilterSet):
    case_id = IdFilter(label=_("Case (id)"))

    class Meta:
        model = Attachment
        fields = ["case_id"]
