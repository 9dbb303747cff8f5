"""Filters shared by the training lists (UI), the exports and the API."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from rasad.core.filtersets import FilterSet, IdFilter, JalaliDateFilter
from rasad.training.choices import DeliveryMode, EnrolmentStatus, EventKind, EventStatus
from rasad.training.models import Completion, Course, Enrolment, Event, PositionHolding, Requirement


class _Search(FilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("Search"))


class CourseFilterSet(_Search):
    mode = django_filters.MultipleChoiceFilter(choices=DeliveryMode.choices, label=_("Delivery mode"))
    organization = django_filters.CharFilter(field_name="organization__code", label=_("Provider (code)"))
    organization_id = IdFilter(field_name="organization_id", label=_("Provider (organization id)"))
    tag = django_filters.CharFilter(method="filter_tag", label=_("Topic tag"))

    class Meta:
        model = Course
        fields = ["q", "mode", "organization", "organization_id", "tag"]

    def filter_tag(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        from rasad.lib.persian import normalize_text, search_key

        key = search_key(normalize_text(value))
        return queryset.filter(search_text__contains=key) if key else queryset


class EventFilterSet(_Search):
    kind = django_filters.MultipleChoiceFilter(choices=EventKind.choices, label=_("Kind"))
    status = django_filters.MultipleChoiceFilter(choices=EventStatus.choices, label=_("Status"))
    course_id = IdFilter(field_name="course_id", label=_("Course (id)"))
    organization = django_filters.CharFilter(field_name="organization__code", label=_("Organizer (code)"))
    organization_id = IdFilter(field_name="organization_id", label=_("Organizer (organization id)"))
    starts_from = JalaliDateFilter(field_name="starts_at", lookup_expr="gte", label=_("Starts on or after"))
    starts_to = JalaliDateFilter(
        field_name="starts_at", lookup_expr="lte", end_of_day=True, label=_("Starts on or before")
    )

    class Meta:
        model = Event
        fields = ["q", "kind", "status", "course_id", "organization", "organization_id"]


class EnrolmentFilterSet(FilterSet):
    event_id = IdFilter(field_name="event_id", label=_("Event (id)"))
    user_id = IdFilter(field_name="user_id", label=_("Person (id)"))
    organization_id = IdFilter(field_name="organization_id", label=_("Organization (id)"))
    status = django_filters.MultipleChoiceFilter(choices=EnrolmentStatus.choices, label=_("Status"))
    attended = django_filters.BooleanFilter(label=_("Attended"))

    class Meta:
        model = Enrolment
        fields = ["event_id", "user_id", "organization_id", "status", "attended"]


class CompletionFilterSet(FilterSet):
    course_id = IdFilter(field_name="course_id", label=_("Course (id)"))
    user_id = IdFilter(field_name="user_id", label=_("Person (id)"))
    organization_id = IdFilter(field_name="organization_id", label=_("Organization (id)"))

    class Meta:
        model = Completion
        fields = ["course_id", "user_id", "organization_id"]


class RequirementFilterSet(FilterSet):
    organization = django_filters.CharFilter(field_name="organization__code", label=_("Applies in (code)"))
    position = django_filters.CharFilter(field_name="position__code", label=_("Position (code)"))
    is_active = django_filters.BooleanFilter(label=_("Active"))

    class Meta:
        model = Requirement
        fields = ["organization", "position", "is_active"]


class PositionHoldingFilterSet(FilterSet):
    organization_id = IdFilter(field_name="membership__organization_id", label=_("Organization (id)"))
    user_id = IdFilter(field_name="membership__user_id", label=_("Person (id)"))
    position = django_filters.CharFilter(field_name="position__code", label=_("Position (code)"))
    open = django_filters.BooleanFilter(field_name="until", lookup_expr="isnull", label=_("Still held"))

    class Meta:
        model = PositionHolding
        fields = ["organization_id", "user_id", "position", "open"]
