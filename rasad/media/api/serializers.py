from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from rasad.api import fields
from rasad.api.serializers import RasadModelSerializer, ScopedSlugRelatedField
from rasad.core.models import Organization
from rasad.media.actions import StatementValues
from rasad.media.choices import Channel, DeadlineBasis, ResponseOutcome, StatementKind
from rasad.media.models import MemberAgency, Recipient, Statement, StatementAttachment


def _organization(**kwargs: Any) -> ScopedSlugRelatedField:
    return ScopedSlugRelatedField(slug_field="code", queryset=Organization.objects.all(), **kwargs)


class MemberAgencySerializer(RasadModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="media-api:memberagency-detail")
    hq = _organization(help_text=_("Code of the media headquarters."))
    agency = _organization(help_text=_("Code of the member agency."))
    joined_on = fields.DateField(required=False, allow_null=True)

    class Meta:
        model = MemberAgency
        fields = ["id", "url", "display", "hq", "agency", "joined_on", "is_active", "created", "last_updated"]
        read_only_fields = ["is_active", "created", "last_updated"]


class StatementAttachmentSerializer(RasadModelSerializer):
    url = serializers.SerializerMethodField()
    download = serializers.SerializerMethodField()

    class Meta:
        model = StatementAttachment
        fields = [
            "id",
            "url",
            "display",
            "name",
            "content_type",
            "size",
            "sha256",
            "download",
            "created",
            "last_updated",
        ]

    @extend_schema_field(serializers.CharField())
    def get_url(self, obj: StatementAttachment) -> str:
        request = self.context.get("request")
        path = reverse("media-api:statement-detail", args=[obj.statement_id])
        return request.build_absolute_uri(path) if request is not None else path

    @extend_schema_field(serializers.CharField())
    def get_download(self, obj: StatementAttachment) -> str:
        return reverse("media:attachment-download", args=[obj.statement_id, obj.pk])


class StatementFileUploadSerializer(serializers.Serializer[Any]):
    file = serializers.FileField()


class StatementSerializer(RasadModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="media-api:statement-detail")
    organization = _organization(help_text=_("Code of the media headquarters."))
    kind = serializers.ChoiceField(choices=StatementKind.choices)
    body = fields.MultiLineCharField(max_length=20_000)
    previous: serializers.PrimaryKeyRelatedField[Any] = serializers.PrimaryKeyRelatedField(
        read_only=True, allow_null=True
    )
    attachments = StatementAttachmentSerializer(many=True, read_only=True)
    deadline_basis = serializers.CharField(
        read_only=True, help_text=_("working, clock or fixed; empty until the statement is issued.")
    )

    class Meta:
        model = Statement
        fields = [
            "id",
            "url",
            "display",
            "organization",
            "kind",
            "title",
            "body",
            "state",
            "version",
            "previous",
            "approved_at",
            "issued_at",
            "deadline_basis",
            "deadline_hours",
            "due_at",
            "attachments",
            "created",
            "last_updated",
        ]
        read_only_fields = [
            "state",
            "version",
            "approved_at",
            "issued_at",
            "deadline_basis",
            "deadline_hours",
            "due_at",
            "created",
            "last_updated",
        ]

    def to_values(self, instance: Statement | None = None) -> StatementValues:
        data = self.validated_data
        return StatementValues(
            organization=instance.organization if instance else data["organization"],
            kind=data.get("kind", instance.kind if instance else ""),
            title=data.get("title", instance.title if instance else ""),
            body=data.get("body", instance.body if instance else ""),
        )


class IssueSerializer(serializers.Serializer[Any]):
    agencies = _organization(many=True, help_text=_("Codes of the member agencies to issue it to."))
    deadline_basis = serializers.ChoiceField(choices=DeadlineBasis.choices)
    deadline_hours = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=720)
    due_at = fields.DateTimeField(required=False, allow_null=True)


class ReturnSerializer(serializers.Serializer[Any]):
    note = fields.SingleLineCharField(required=False, allow_blank=True, default="", max_length=500)


class RecipientSerializer(RasadModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="media-api:recipient-detail")
    statement: serializers.PrimaryKeyRelatedField[Any] = serializers.PrimaryKeyRelatedField(read_only=True)
    statement_title = serializers.CharField(source="statement.title", read_only=True)
    agency = serializers.CharField(source="agency.code", read_only=True)
    is_late = serializers.BooleanField(read_only=True)
    channel = serializers.CharField(
        read_only=True,
        help_text=_("website, news_agency, social_media or press_conference; empty unless published."),
    )
    evidence_url = serializers.CharField(read_only=True, help_text=_("Link to the publication, or empty."))
    evidence_download = serializers.SerializerMethodField()

    class Meta:
        model = Recipient
        fields = [
            "id",
            "url",
            "display",
            "statement",
            "statement_title",
            "agency",
            "due_at",
            "state",
            "acknowledged_at",
            "responded_at",
            "channel",
            "evidence_url",
            "evidence_name",
            "evidence_download",
            "reason",
            "is_late",
            "reminded_at",
            "escalated_at",
            "created",
            "last_updated",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_evidence_download(self, obj: Recipient) -> str | None:
        return reverse("media:evidence-download", args=[obj.pk]) if obj.evidence_file else None


class ResponseSerializer(serializers.Serializer[Any]):
    outcome = serializers.ChoiceField(choices=ResponseOutcome.choices)
    channel = serializers.ChoiceField(choices=Channel.choices, required=False, allow_blank=True, default="")
    evidence_url = fields.SingleLineCharField(required=False, allow_blank=True, default="", max_length=500)
    evidence_file = serializers.FileField(required=False, allow_null=True, default=None)
    reason = fields.MultiLineCharField(required=False, allow_blank=True, default="", max_length=2000)
