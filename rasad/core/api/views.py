from __future__ import annotations

from typing import Any

from django.db import models
from rest_framework import mixins, viewsets
from rest_framework.serializers import BaseSerializer

from rasad.api.viewsets import ScopedModelViewSet, ScopedReadOnlyViewSet, ScopedViewSetMixin
from rasad.core.actions.organizations import do_create_organization, do_update_organization
from rasad.core.api.serializers import AuditEventSerializer, OrganizationSerializer, ProvinceSerializer
from rasad.core.filtersets import AuditEventFilterSet, OrganizationFilterSet
from rasad.core.models import AuditEvent, Organization, Province


class ProvinceViewSet(ScopedReadOnlyViewSet):
    queryset = Province.objects.all()
    serializer_class = ProvinceSerializer
    filterset_fields = ["code"]


class OrganizationViewSet(ScopedModelViewSet):
    queryset = Organization.objects.select_related("parent", "province", "county")
    serializer_class = OrganizationSerializer
    filterset_class = OrganizationFilterSet
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def perform_create(self, serializer: BaseSerializer[Any]) -> None:
        assert isinstance(serializer, OrganizationSerializer)
        serializer.instance = do_create_organization(serializer.to_values(), acting_user=self.request.user)

    def perform_update(self, serializer: BaseSerializer[Any]) -> None:
        assert isinstance(serializer, OrganizationSerializer)
        assert isinstance(serializer.instance, Organization)
        serializer.instance = do_update_organization(
            serializer.instance, serializer.to_values(), acting_user=self.request.user
        )


class AuditEventViewSet(ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                        viewsets.GenericViewSet):  # type: ignore[type-arg]
    queryset = AuditEvent.objects.all()
    serializer_class = AuditEventSerializer
    filterset_class = AuditEventFilterSet

    def get_queryset(self) -> models.QuerySet[Any]:
        from rasad.core.audit_log import visible_events

        return visible_events(self.request.user)
