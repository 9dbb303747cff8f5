"""Filters shared by the live pages and the API."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from rasad.core.filtersets import CodeFilter, FilterSet, IdFilter
from rasad.live.choices import DeviceKind, EventKind, Severity, Status
from rasad.live.models import AgentCredential, Device, DeviceEvent, Outage


class DeviceFilterSet(FilterSet):
    organization = CodeFilter(field_name="organization__code", label=_("Field post (code)"))
    organization_id = IdFilter(field_name="organization_id", label=_("Field post (organization id)"))
    kind = django_filters.MultipleChoiceFilter(choices=DeviceKind.choices, label=_("Type"))
    status = django_filters.MultipleChoiceFilter(choices=Status.choices, label=_("Status"))
    serial = django_filters.CharFilter(field_name="serial", label=_("Serial number"))

    class Meta:
        model = Device
        fields = ["organization", "organization_id", "kind", "status", "serial"]


class DeviceEventFilterSet(FilterSet):
    organization = CodeFilter(field_name="organization__code", label=_("Field post (code)"))
    organization_id = IdFilter(field_name="organization_id", label=_("Field post (organization id)"))
    device_id = IdFilter(field_name="device_id", label=_("Device (id)"))
    kind = django_filters.MultipleChoiceFilter(choices=EventKind.choices, label=_("Kind"))
    severity = django_filters.MultipleChoiceFilter(choices=Severity.choices, label=_("Severity"))
    after = IdFilter(field_name="id", lookup_expr="gt", label=_("After stream position"))

    class Meta:
        model = DeviceEvent
        fields = ["organization", "organization_id", "device_id", "kind", "severity", "after"]


class OutageFilterSet(FilterSet):
    organization = CodeFilter(field_name="organization__code", label=_("Field post (code)"))
    organization_id = IdFilter(field_name="organization_id", label=_("Field post (organization id)"))
    open = django_filters.BooleanFilter(field_name="ended_at", lookup_expr="isnull", label=_("Still open"))

    class Meta:
        model = Outage
        fields = ["organization", "organization_id", "open"]


class AgentCredentialFilterSet(FilterSet):
    organization_id = IdFilter(field_name="organization_id", label=_("Field post (organization id)"))

    class Meta:
        model = AgentCredential
        fields = ["organization_id"]
