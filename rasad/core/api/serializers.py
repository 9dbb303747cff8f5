from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from rasad.api.serializers import RasadModelSerializer, ScopedSlugRelatedField
from rasad.core.actions.organizations import OrganizationValues
from rasad.core.audit_log import event_label
from rasad.core.choices import OrganizationKind
from rasad.core.models import AuditEvent, County, Organization, Province


class ProvinceSerializer(RasadModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="core-api:province-detail")

    class Meta:
        model = Province
        fields = ["id", "url", "display", "code", "hasc", "name_fa", "name_en", "latitude", "longitude"]


class OrganizationSerializer(RasadModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="core-api:organization-detail")
    kind = serializers.ChoiceField(choices=OrganizationKind.choices)
    parent = ScopedSlugRelatedField(
        slug_field="code", queryset=Organization.objects.all(), allow_null=True, required=False,
        help_text=_("Code of the parent organization."),
    )
    province = serializers.SlugRelatedField(
        slug_field="code", queryset=Province.objects.all(), allow_null=True, required=False,
        help_text=_("Province code."),
    )
    county = serializers.SlugRelatedField(
        slug_field="code", queryset=County.objects.all(), allow_null=True, required=False,
        help_text=_("County code."),
    )
    latitude = serializers.FloatField(allow_null=True, required=False, min_value=-90, max_value=90)
    longitude = serializers.FloatField(allow_null=True, required=False, min_value=-180, max_value=180)
    sector_tags = serializers.ListField(child=serializers.CharField(max_length=60), required=False, max_length=20)
    depth = serializers.IntegerField(read_only=True)

    class Meta:
        model = Organization
        fields = [
            "id", "url", "display", "code", "name", "name_en", "kind", "parent", "depth", "province", "county",
            "latitude", "longitude", "sector_tags", "opened_on", "closed_on", "description", "created",
            "last_updated",
        ]
        read_only_fields = ["created", "last_updated"]
        # Uniqueness is checked by the action, with a message that names the code.
        extra_kwargs = {"code": {"validators": []}}

    def to_values(self) -> OrganizationValues:
        data: dict[str, Any] = {**self._current(), **self.validated_data}
        return OrganizationValues(
            code=data["code"], name=data["name"], kind=data["kind"], parent=data.get("parent"),
            name_en=data.get("name_en") or "", province=data.get("province"), county=data.get("county"),
            latitude=data.get("latitude"), longitude=data.get("longitude"),
            sector_tags=data.get("sector_tags") or [], opened_on=data.get("opened_on"),
            closed_on=data.get("closed_on"), description=data.get("description") or "",
        )

    def _current(self) -> dict[str, Any]:
        instance = self.instance
        if not isinstance(instance, Organization):
            return {}
        return {
            "code": instance.code, "name": instance.name, "name_en": instance.name_en, "kind": instance.kind,
            "parent": instance.parent, "province": instance.province, "county": instance.county,
            "latitude": instance.latitude, "longitude": instance.longitude, "sector_tags": instance.sector_tags,
            "opened_on": instance.opened_on, "closed_on": instance.closed_on, "description": instance.description,
        }


class AuditEventSerializer(serializers.ModelSerializer[AuditEvent]):
    event = serializers.SerializerMethodField()

    class Meta:
        model = AuditEvent
        fields = [
            "id", "chain", "sequence", "created", "event_type", "event", "actor", "actor_name", "organization",
            "object_type", "object_id", "object_repr", "old", "new", "extra", "request_id", "ip", "hash",
        ]

    @extend_schema_field(serializers.CharField())
    def get_event(self, obj: AuditEvent) -> str:
        return event_label(obj.event_type)
