"""Serializers of the live API: devices, their events, agent credentials, and the agent's batch."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from rasad.api.serializers import RasadModelSerializer, ScopedSlugRelatedField, read_only_slug
from rasad.core.models import Organization
from rasad.live.actions import DeviceValues
from rasad.live.choices import AGENT_EVENT_KINDS, DeviceKind, ItemResult, Severity, Status
from rasad.live.models import AgentCredential, Device, DeviceEvent, Outage


def _post(**kwargs: Any) -> ScopedSlugRelatedField:
    return ScopedSlugRelatedField(slug_field="code", queryset=Organization.objects.all(), **kwargs)


class DeviceSerializer(RasadModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="live-api:device-detail")
    organization = _post()
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    kind = serializers.ChoiceField(choices=DeviceKind.choices)
    status = serializers.ChoiceField(choices=Status.choices, read_only=True)

    class Meta:
        model = Device
        fields = [
            "id",
            "url",
            "display",
            "organization",
            "organization_name",
            "kind",
            "serial",
            "name",
            "heartbeat_interval",
            "retired_at",
            "status",
            "status_since",
            "last_heartbeat_at",
            "last_device_time",
            "battery_percent",
            "link_quality",
            "temperature_c",
            "free_storage_mb",
            "clock_skew_seconds",
            "last_sequence",
            "created",
            "last_updated",
        ]
        read_only_fields = [
            f for f in fields if f not in {"organization", "kind", "serial", "name", "heartbeat_interval"}
        ]
        extra_kwargs = {"heartbeat_interval": {"min_value": 1, "max_value": 10**9}}
        # The action checks the serial's uniqueness at the post and names the field.
        validators: list[Any] = []

    def to_values(self, instance: Device | None = None) -> DeviceValues:
        data = self.validated_data
        return DeviceValues(
            organization=data.get("organization", instance.organization if instance else None),
            kind=data.get("kind", instance.kind if instance else ""),
            serial=data.get("serial", instance.serial if instance else ""),
            name=data.get("name", instance.name if instance else ""),
            heartbeat_interval=data.get(
                "heartbeat_interval", instance.heartbeat_interval if instance else 60
            ),
        )


class DeviceEventSerializer(RasadModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="live-api:deviceevent-detail")
    organization = read_only_slug("code")
    device_serial = serializers.CharField(source="device.serial", read_only=True)

    class Meta:
        model = DeviceEvent
        fields = [
            "id",
            "url",
            "display",
            "uuid",
            "organization",
            "device",
            "device_serial",
            "kind",
            "severity",
            "text",
            "sequence",
            "device_time",
            "received_at",
            "clock_skew_seconds",
            "data",
        ]
        read_only_fields = fields


class OutageSerializer(RasadModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="live-api:outage-detail")
    organization = read_only_slug("code")
    case_reference = serializers.CharField(source="case.reference", read_only=True, default=None)

    class Meta:
        model = Outage
        fields = ["id", "url", "display", "organization", "started_at", "ended_at", "case", "case_reference"]
        read_only_fields = fields


class AgentCredentialSerializer(RasadModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="live-api:agentcredential-detail")
    organization = _post()

    class Meta:
        model = AgentCredential
        fields = [
            "id",
            "url",
            "display",
            "organization",
            "name",
            "prefix",
            "revoked_at",
            "last_used",
            "created",
            "last_updated",
        ]
        read_only_fields = ["prefix", "revoked_at", "last_used", "created", "last_updated"]


class IssuedCredentialSerializer(AgentCredentialSerializer):
    secret = serializers.CharField(read_only=True, help_text="Shown once; only its SHA-256 is kept.")

    class Meta(AgentCredentialSerializer.Meta):
        fields = [*AgentCredentialSerializer.Meta.fields, "secret"]


class PostStatusSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    latitude = serializers.FloatField(allow_null=True)
    longitude = serializers.FloatField(allow_null=True)
    status = serializers.ChoiceField(choices=Status.choices)
    devices = serializers.DictField(
        child=serializers.IntegerField(), help_text="Devices in service per status."
    )


# ---- the agent's batch (documentation of the ingest endpoint) ----------------------------------


class HeartbeatInSerializer(serializers.Serializer[Any]):
    id = serializers.UUIDField(help_text="Generated by the agent (UUIDv7); a resent heartbeat keeps its id.")
    device = serializers.CharField(max_length=64, help_text="The device's serial number at this post.")
    time = serializers.DateTimeField(help_text="The device's own clock, with its UTC offset.")
    battery = serializers.FloatField(required=False, min_value=0, max_value=100)
    link = serializers.FloatField(required=False, min_value=0, max_value=100)
    temperature = serializers.FloatField(required=False, min_value=-80, max_value=150)
    storage = serializers.FloatField(required=False, min_value=0, help_text="Free storage, MB.")


class EventInSerializer(serializers.Serializer[Any]):
    id = serializers.UUIDField(help_text="Generated by the agent (UUIDv7); a resent event keeps its id.")
    device = serializers.CharField(max_length=64)
    time = serializers.DateTimeField()
    sequence = serializers.IntegerField(min_value=1, help_text="Counted by the device, from 1.")
    kind = serializers.ChoiceField(choices=[(k.value, k.label) for k in AGENT_EVENT_KINDS])
    severity = serializers.ChoiceField(choices=Severity.choices, required=False)
    text = serializers.CharField(required=False, allow_blank=True, max_length=4000)


class BatchInSerializer(serializers.Serializer[Any]):
    sent_at = serializers.DateTimeField(required=False, help_text="The agent's clock when it sent the batch.")
    heartbeats = HeartbeatInSerializer(many=True, required=False)
    events = EventInSerializer(many=True, required=False)


class ItemOutSerializer(serializers.Serializer[Any]):
    id = serializers.CharField()
    result = serializers.ChoiceField(choices=ItemResult.choices)
    stream_id = serializers.IntegerField(required=False)
    code = serializers.CharField(required=False)
    message = serializers.CharField(required=False)
    permanent = serializers.BooleanField(required=False)


class BatchOutSerializer(serializers.Serializer[Any]):
    heartbeats = ItemOutSerializer(many=True)
    events = ItemOutSerializer(many=True)
