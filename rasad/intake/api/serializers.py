from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from rasad.api.serializers import RasadModelSerializer, ScopedSlugRelatedField, person_field, read_only_slug
from rasad.core.models import Organization
from rasad.intake.models import IntakeDocument, KnownPerson, OrganizationAlias, Proposal
from rasad.intake.targets import targets_for


class ProposalSerializer(RasadModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="intake-api:proposal-detail")
    document: serializers.PrimaryKeyRelatedField[Any] = serializers.PrimaryKeyRelatedField(read_only=True)
    source_words = serializers.CharField(read_only=True)
    targets = serializers.SerializerMethodField(
        help_text=_("Acceptance targets that apply, and why one is unavailable.")
    )
    record_type = serializers.SerializerMethodField()

    class Meta:
        model = Proposal
        fields = [
            "id",
            "url",
            "display",
            "document",
            "position",
            "field",
            "key",
            "text",
            "spans",
            "source_words",
            "rule",
            "data",
            "values",
            "status",
            "decided_at",
            "target",
            "record_type",
            "record_id",
            "record_display",
            "targets",
            "created",
            "last_updated",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.DictField()))
    def get_targets(self, obj: Proposal) -> list[dict[str, Any]]:
        return [
            {"code": t.code, "label": str(t.label), "unavailable": t.unavailable_reason() or ""}
            for t in targets_for(obj)
        ]

    @extend_schema_field(serializers.CharField())
    def get_record_type(self, obj: Proposal) -> str:
        return obj.record_type.model if obj.record_type is not None else ""


class IntakeDocumentSerializer(RasadModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="intake-api:intakedocument-detail")
    organization = ScopedSlugRelatedField(
        slug_field="code",
        queryset=Organization.objects.all(),
        help_text=_("Code of the organization the document is submitted for."),
    )
    submitted_by = person_field(allow_null=True)
    proposals = ProposalSerializer(many=True, read_only=True)

    class Meta:
        model = IntakeDocument
        fields = [
            "id",
            "url",
            "display",
            "organization",
            "title",
            "source_kind",
            "file_name",
            "text",
            "original_text",
            "sha256",
            "document_date",
            "document_date_source",
            "submitted_by",
            "proposals",
            "created",
            "last_updated",
        ]
        read_only_fields = [f for f in fields if f not in ("organization", "title", "document_date")]


class IntakeSubmissionSerializer(serializers.Serializer[Any]):
    """Submit pasted text (``text``) or a file (``file``: .txt, .docx or .pdf, multipart)."""

    organization = ScopedSlugRelatedField(
        slug_field="code",
        queryset=Organization.objects.all(),
        help_text=_("Code of the organization the document is submitted for."),
    )
    title = serializers.CharField(required=False, allow_blank=True, max_length=300)
    document_date = serializers.DateField(
        required=False, allow_null=True, help_text=_("The document's date, if its text does not say it.")
    )
    text = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)
    file = serializers.FileField(required=False, allow_empty_file=True)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not attrs.get("file") and not attrs.get("text"):
            if "text" in attrs:
                raise serializers.ValidationError({"text": [_("The document is empty.")]})
            raise serializers.ValidationError({"text": [_("Paste a text or upload a file.")]})
        return attrs


class AcceptItemSerializer(serializers.Serializer[Any]):
    proposal = serializers.IntegerField()
    target = serializers.CharField(required=False, allow_blank=True)
    values = serializers.DictField(required=False, help_text=_("Values that override the proposal's."))


class AcceptSerializer(serializers.Serializer[Any]):
    proposals = AcceptItemSerializer(many=True)


class RejectSerializer(serializers.Serializer[Any]):
    proposals = serializers.ListField(child=serializers.IntegerField(), allow_empty=False)


class ProposalCorrectionSerializer(serializers.Serializer[Any]):
    values = serializers.DictField(
        required=False, help_text=_("The corrected values (only those that change).")
    )


class OrganizationAliasSerializer(RasadModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="intake-api:organizationalias-detail")
    organization = ScopedSlugRelatedField(slug_field="code", queryset=Organization.objects.all())
    created_by = person_field(allow_null=True)

    class Meta:
        model = OrganizationAlias
        fields = [
            "id",
            "url",
            "display",
            "organization",
            "alias",
            "source",
            "created_by",
            "created",
            "last_updated",
        ]
        read_only_fields = ["source", "created", "last_updated"]


class KnownPersonSerializer(RasadModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="intake-api:knownperson-detail")
    organization = read_only_slug("code")
    source_proposal: serializers.PrimaryKeyRelatedField[Any] = serializers.PrimaryKeyRelatedField(
        read_only=True
    )

    class Meta:
        model = KnownPerson
        fields = [
            "id",
            "url",
            "display",
            "organization",
            "name",
            "honorific",
            "title",
            "source_proposal",
            "created",
            "last_updated",
        ]
        read_only_fields = fields
