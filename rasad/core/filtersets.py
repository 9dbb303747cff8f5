"""Filters shared by the UI lists and the API: ``<fk>_id`` plus a human key, and ``q`` search."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from rasad.core.audit_log import event_choices
from rasad.core.choices import OrganizationKind
from rasad.core.models import AuditEvent, Organization


class OrganizationFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("Search"))
    kind = django_filters.MultipleChoiceFilter(choices=OrganizationKind.choices, label=_("Kind"))
    province_id = django_filters.NumberFilter(field_name="province_id", label=_("Province (id)"))
    province = django_filters.CharFilter(field_name="province__code", label=_("Province (code)"))
    parent_id = django_filters.NumberFilter(field_name="parent_id", label=_("Parent (id)"))
    parent = django_filters.CharFilter(field_name="parent__code", label=_("Parent (code)"))
    within_id = django_filters.NumberFilter(method="filter_within", label=_("Within organization (id)"))
    is_active = django_filters.BooleanFilter(field_name="closed_on", lookup_expr="isnull", label=_("Active"))
    sector = django_filters.CharFilter(method="filter_sector", label=_("Sector tag"))

    class Meta:
        model = Organization
        fields = ["q", "kind", "province_id", "province", "parent_id", "parent", "within_id", "is_active"]

    def filter_q(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return queryset.search(value)  # type: ignore[attr-defined,no-any-return]

    def filter_within(self, queryset: QuerySet[Any], name: str, value: int) -> QuerySet[Any]:
        root = Organization.objects.filter(pk=value).values_list("path", flat=True).first()
        return queryset.filter(path__startswith=root) if root else queryset.none()

    def filter_sector(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        from rasad.core.persian import normalize_text

        return queryset.filter(sector_tags__icontains=normalize_text(value))


class AuditEventFilterSet(django_filters.FilterSet):
    event_type = django_filters.TypedMultipleChoiceFilter(choices=event_choices, coerce=int, label=_("Event"))
    actor_id = django_filters.NumberFilter(field_name="actor_id", label=_("Actor (id)"))
    actor = django_filters.CharFilter(field_name="actor_name", lookup_expr="iexact", label=_("Actor (username)"))
    organization_id = django_filters.NumberFilter(field_name="organization_id", label=_("Organization (id)"))
    object_type = django_filters.CharFilter(field_name="object_type", label=_("Object type"))
    object_id = django_filters.CharFilter(field_name="object_id", label=_("Object id"))
    request_id = django_filters.CharFilter(field_name="request_id", label=_("Request id"))
    created_after = django_filters.IsoDateTimeFilter(field_name="created", lookup_expr="gte", label=_("From"))
    created_before = django_filters.IsoDateTimeFilter(field_name="created", lookup_expr="lt", label=_("Until"))

    class Meta:
        model = AuditEvent
        fields = ["event_type", "actor_id", "organization_id", "object_type", "object_id", "request_id"]
