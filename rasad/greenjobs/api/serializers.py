from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from rasad.api.fields import DateField, MultiLineCharField, SingleLineCharField
from rasad.api.serializers import RasadModelSerializer, ScopedSlugRelatedField, organization_field
from rasad.core.models import Organization
from rasad.greenjobs import sectors
from rasad.greenjobs.actions import BusinessValues, OutcomeValues, SchemeValues
from rasad.greenjobs.choices import BusinessSize, Milestone, SchemeKind
from rasad.greenjobs.directory import rounded
from rasad.greenjobs.models import (
    Application,
    Business,
    Certificate,
    Decision,
    Document,
    Instalment,
    Occupation,
    OutcomeReport,
    Scheme,
)
from rasad.greenjobs.outcomes import milestones_of

MONEY: dict[str, Any] = {"max_digits": 18, "decimal_places": 0}


@extend_schema_field(OpenApiTypes.STR)
class BusinessReferenceField(ScopedSlugRelatedField):
    """A business named by its organization's code."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(slug_field="organization__code", queryset=Business.objects.all(), **kwargs)

    def to_representation(self, obj: Any) -> Any:
        return obj.organization.code


def _assessments() -> Any:
    from rasad.assessments.models import Assessment

    return Assessment.objects.all()


class OccupationSerializer(RasadModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="greenjobs-api:occupation-detail")

    class Meta:
        model = Occupation
        fields = [
            "id",
            "url",
            "display",
            "code",
            "name",
            "name_en",
            "isco_code",
            "isic_code",
            "criteria",
            "created",
            "last_updated",
        ]
        read_only_fields = fields


class BusinessSerializer(RasadModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="greenjobs-api:business-detail")
    organization = organization_field(help_text=_("Code of the business or workshop (an organization)."))
    size = serializers.ChoiceField(choices=BusinessSize.choices)
    employees = serializers.IntegerField(min_value=0, max_value=10**6)
    occupations = serializers.SlugRelatedField(
        slug_field="code", many=True, required=False, queryset=Occupation.objects.all()
    )
    province = serializers.CharField(
        source="organization.province.code", read_only=True, allow_null=True, default=None
    )
    latitude = serializers.FloatField(source="organization.latitude", read_only=True, allow_null=True)
    longitude = serializers.FloatField(source="organization.longitude", read_only=True, allow_null=True)

    class Meta:
        model = Business
        fields = [
            "id",
            "url",
            "display",
            "organization",
            "sector_code",
            "size",
            "employees",
            "knowledge_based",
            "occupations",
            "certified_until",
            "province",
            "latitude",
            "longitude",
            "created",
            "last_updated",
        ]
        read_only_fields = ["certified_until", "created", "last_updated"]

    def to_values(self, instance: Business | None = None) -> BusinessValues:
        return BusinessValues(
            organization=self.submitted("organization", instance, None),
            sector_code=self.submitted("sector_code", instance, ""),
            size=self.submitted("size", instance, ""),
            employees=self.submitted("employees", instance, 0),
            knowledge_based=self.submitted("knowledge_based", instance, False),
            occupations=self.submitted_many("occupations", instance),
        )


class SchemeSerializer(RasadModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="greenjobs-api:scheme-detail")
    organization = organization_field(help_text=_("Code of the organization that runs the scheme."))
    labour_office = organization_field(
        help_text=_("Code of the labour office (eligibility, approval, payment).")
    )
    environment_office = organization_field(help_text=_("Code of the environment office (compliance)."))
    training_office = organization_field(help_text=_("Code of the technical-training office (training)."))
    kind = serializers.ChoiceField(choices=SchemeKind.choices)
    budget = serializers.DecimalField(**MONEY, min_value=1)
    max_amount = serializers.DecimalField(**MONEY, min_value=1)
    committed = serializers.DecimalField(**MONEY, read_only=True)
    disbursed = serializers.DecimalField(**MONEY, read_only=True)
    rules = serializers.JSONField(
        required=False,
        help_text=_(
            "Eligibility rules: a list of {field, effect, value, points}; effect is require, or priority"
            " with its points."
        ),
    )
    documents = serializers.JSONField(
        required=False, help_text=_("Required documents: a list of {code, name}.")
    )

    class Meta:
        model = Scheme
        fields = [
            "id",
            "url",
            "display",
            "organization",
            "code",
            "title",
            "kind",
            "description",
            "labour_office",
            "environment_office",
            "training_office",
            "budget",
            "max_amount",
            "committed",
            "disbursed",
            "opens_on",
            "closes_on",
            "rules",
            "documents",
            "created",
            "last_updated",
        ]
        read_only_fields = ["created", "last_updated"]

    def to_values(self, instance: Scheme | None = None) -> SchemeValues:
        return SchemeValues(
            organization=self.submitted("organization", instance, None),
            code=self.submitted("code", instance, ""),
            title=self.submitted("title", instance, ""),
            kind=self.submitted("kind", instance, ""),
            budget=self.submitted("budget", instance, None),
            max_amount=self.submitted("max_amount", instance, None),
            opens_on=self.submitted("opens_on", instance, None),
            closes_on=self.submitted("closes_on", instance, None),
            labour_office=self.submitted("labour_office", instance, None),
            environment_office=self.submitted("environment_office", instance, None),
            training_office=self.submitted("training_office", instance, None),
            description=self.submitted("description", instance, ""),
            rules=self.submitted("rules", instance, []),
            documents=self.submitted("documents", instance, []),
            programme=instance.programme if instance else None,
        )


class DecisionSerializer(serializers.ModelSerializer[Decision]):
    agency = serializers.CharField(read_only=True, help_text=_("The office (empty: the business)."))
    decided_by = serializers.CharField(
        source="decided_by.username", read_only=True, allow_null=True, default=None
    )

    class Meta:
        model = Decision
        fields = ["stage", "agency", "outcome", "note", "amount", "decided_by", "created"]
        read_only_fields = fields


class DocumentSerializer(serializers.ModelSerializer[Document]):
    class Meta:
        model = Document
        fields = ["id", "requirement", "name", "content_type", "size", "sha256", "created"]
        read_only_fields = fields


class InstalmentSerializer(serializers.ModelSerializer[Instalment]):
    class Meta:
        model = Instalment
        fields = ["number", "amount", "paid_on", "reference", "created"]
        read_only_fields = fields


class MilestoneSerializer(serializers.Serializer[Any]):
    """One outcome milestone of an application: when its report falls due, whether it was sent,
    and when the business was told it was due soon or overdue."""

    milestone = serializers.ChoiceField(choices=Milestone.choices)
    due_on = serializers.DateField(allow_null=True, help_text=_("Empty until the first payment."))
    reported = serializers.BooleanField()
    due_notice_on = serializers.DateField(
        allow_null=True, help_text=_("When the business was told it falls due.")
    )
    overdue_notice_on = serializers.DateField(allow_null=True, help_text=_("When it was told it is overdue."))


class ApplicationSerializer(RasadModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="greenjobs-api:application-detail")
    scheme = ScopedSlugRelatedField(
        slug_field="code", queryset=Scheme.objects.all(), help_text=_("Code of the scheme.")
    )
    business = BusinessReferenceField(help_text=_("Code of the applying business (its organization's code)."))
    organization = serializers.CharField(source="organization.code", read_only=True)
    amount_requested = serializers.DecimalField(**MONEY, min_value=1)
    jobs_planned = serializers.IntegerField(min_value=0, max_value=100000)
    approved_amount = serializers.DecimalField(**MONEY, read_only=True, allow_null=True)
    disbursed_amount = serializers.DecimalField(**MONEY, read_only=True)
    returned_from = serializers.CharField(
        read_only=True, help_text=_("The stage it was returned at (empty unless returned).")
    )
    decisions = DecisionSerializer(many=True, read_only=True)
    documents = DocumentSerializer(many=True, read_only=True)
    instalments = InstalmentSerializer(many=True, read_only=True)
    milestones = serializers.SerializerMethodField(
        help_text=_("The outcome reports due six and twelve months after the first payment.")
    )

    class Meta:
        model = Application
        fields = [
            "id",
            "url",
            "display",
            "number",
            "scheme",
            "business",
            "organization",
            "amount_requested",
            "purpose",
            "jobs_planned",
            "stage",
            "returned_from",
            "priority_points",
            "approved_amount",
            "disbursed_amount",
            "submitted_at",
            "decisions",
            "documents",
            "instalments",
            "milestones",
            "created",
            "last_updated",
        ]
        read_only_fields = [
            "number",
            "stage",
            "returned_from",
            "priority_points",
            "submitted_at",
            "created",
            "last_updated",
        ]

    @extend_schema_field(MilestoneSerializer(many=True))
    def get_milestones(self, obj: Application) -> list[dict[str, Any]]:
        found = milestones_of(obj.instalments.all(), obj.outcomes.all(), obj.outcome_reminders.all())
        return list(MilestoneSerializer(found, many=True).data)


class NoteSerializer(serializers.Serializer[Any]):
    note = MultiLineCharField(required=False, allow_blank=True, max_length=2000)


class GreenReasonSerializer(serializers.Serializer[Any]):
    reason = MultiLineCharField(max_length=2000, help_text=_("Why: the business reads it."))


class ApproveSerializer(serializers.Serializer[Any]):
    amount = serializers.DecimalField(**MONEY, min_value=1)
    note = MultiLineCharField(required=False, allow_blank=True, max_length=2000)


class InstalmentInputSerializer(serializers.Serializer[Any]):
    amount = serializers.DecimalField(**MONEY, min_value=1)
    paid_on = DateField()
    reference = SingleLineCharField(required=False, allow_blank=True, max_length=80)


class CorrectionSerializer(serializers.Serializer[Any]):
    amount_requested = serializers.DecimalField(**MONEY, min_value=1, required=False)
    purpose = MultiLineCharField(required=False, max_length=5000)
    jobs_planned = serializers.IntegerField(min_value=0, max_value=100000, required=False)
    note = MultiLineCharField(required=False, allow_blank=True, max_length=2000)


class DocumentUploadSerializer(serializers.Serializer[Any]):
    requirement = SingleLineCharField(max_length=40, help_text=_("Code of the scheme's required document."))
    file = serializers.FileField(help_text=_("A .pdf, .jpg, .png, .docx or .xlsx file, at most 10 MB."))


class CertificateSerializer(RasadModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="greenjobs-api:certificate-detail")
    business = BusinessReferenceField(help_text=_("Code of the business asking to be certified."))
    office = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Organization.objects.filter(kind__in=["provincial_office", "national_body"]),
        help_text=_("Code of the environment office that reviews it."),
    )
    assessment = serializers.PrimaryKeyRelatedField(
        queryset=_assessments(),
        required=False,
        allow_null=True,
        help_text=_("Id of the business's greening checklist (an assessment)."),
    )
    renews = serializers.PrimaryKeyRelatedField(
        queryset=Certificate.objects.all(),
        required=False,
        allow_null=True,
        help_text=_("Id of the certificate this request renews."),
    )

    class Meta:
        model = Certificate
        fields = [
            "id",
            "url",
            "display",
            "number",
            "business",
            "office",
            "assessment",
            "renews",
            "status",
            "visited_on",
            "findings",
            "granted_on",
            "valid_until",
            "reason",
            "expiry_notified_on",
            "created",
            "last_updated",
        ]
        read_only_fields = [
            "number",
            "status",
            "visited_on",
            "findings",
            "granted_on",
            "valid_until",
            "reason",
            "expiry_notified_on",
            "created",
            "last_updated",
        ]

    def get_fields(self) -> dict[str, Any]:
        fields = super().get_fields()
        request = self.context.get("request")
        user = getattr(request, "user", None)
        for name in ("assessment", "renews"):
            field = fields[name]
            if user is not None and hasattr(field, "queryset"):
                field.queryset = field.queryset.visible_to(user)
        return fields


class SiteVisitSerializer(serializers.Serializer[Any]):
    visited_on = DateField()
    findings = MultiLineCharField(max_length=5000)


class CertificateGrantSerializer(serializers.Serializer[Any]):
    valid_months = serializers.IntegerField(min_value=1, max_value=60)


class GreenDirectoryEntrySerializer(serializers.ModelSerializer[Any]):
    """A business of the public directory: only what its green certificate makes public
    (docs/greenjobs.md, "The public directory"); its place rounded to about a kilometre."""

    id = serializers.IntegerField(read_only=True)
    url = serializers.SerializerMethodField(help_text=_("The business's page in the public directory."))
    display = serializers.SerializerMethodField()
    name = serializers.CharField(source="organization.name", read_only=True)
    kind = serializers.CharField(source="organization.kind", read_only=True)
    province = serializers.CharField(
        source="organization.province.code", read_only=True, allow_null=True, default=None
    )
    province_name = serializers.CharField(
        source="organization.province.name_fa", read_only=True, allow_null=True, default=None
    )
    county_name = serializers.CharField(
        source="organization.county.name_fa", read_only=True, allow_null=True, default=None
    )
    sector = serializers.SerializerMethodField(help_text=_("The ISIC Rev.4 section (a letter A-U)."))
    sector_name = serializers.SerializerMethodField()
    occupations: serializers.SlugRelatedField[Occupation] = serializers.SlugRelatedField(
        slug_field="code", many=True, read_only=True
    )
    certificate = serializers.CharField(
        source="certificate_number", read_only=True, allow_null=True, help_text=_("The certificate's number.")
    )
    latitude = serializers.SerializerMethodField()
    longitude = serializers.SerializerMethodField()

    class Meta:
        model = Business
        fields = [
            "id",
            "url",
            "display",
            "name",
            "kind",
            "province",
            "province_name",
            "county_name",
            "sector_code",
            "sector",
            "sector_name",
            "size",
            "knowledge_based",
            "occupations",
            "certificate",
            "certified_until",
            "latitude",
            "longitude",
            "created",
            "last_updated",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.URLField())
    def get_url(self, obj: Business) -> str:
        path = reverse("greenjobs:directory-entry", args=[obj.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path

    @extend_schema_field(serializers.CharField())
    def get_display(self, obj: Business) -> str:
        return obj.organization.name

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_sector(self, obj: Business) -> str | None:
        section = sectors.section_of(obj.sector_code)
        return section.letter if section else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_sector_name(self, obj: Business) -> str | None:
        section = sectors.section_of(obj.sector_code)
        return str(section.name) if section else None

    @extend_schema_field(serializers.FloatField(allow_null=True))
    def get_latitude(self, obj: Business) -> float | None:
        return rounded(obj.organization.latitude)

    @extend_schema_field(serializers.FloatField(allow_null=True))
    def get_longitude(self, obj: Business) -> float | None:
        return rounded(obj.organization.longitude)


SAVING_INPUT: dict[str, Any] = {"max_digits": 13, "decimal_places": 1, "min_value": 0, "required": False}


class OutcomeSerializer(RasadModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="greenjobs-api:outcome-detail")
    application = ScopedSlugRelatedField(
        slug_field="number",
        queryset=Application.objects.all(),
        help_text=_("Number of the funded application."),
    )
    organization = serializers.CharField(source="organization.code", read_only=True)
    milestone = serializers.ChoiceField(choices=Milestone.choices)
    jobs_created = serializers.IntegerField(min_value=0, max_value=100000)
    jobs_retained = serializers.IntegerField(min_value=0, max_value=100000)
    energy_saved = serializers.DecimalField(**SAVING_INPUT)
    water_saved = serializers.DecimalField(**SAVING_INPUT)
    waste_diverted = serializers.DecimalField(**SAVING_INPUT)
    note = MultiLineCharField(required=False, allow_blank=True, max_length=2000)

    class Meta:
        model = OutcomeReport
        fields = [
            "id",
            "url",
            "display",
            "application",
            "organization",
            "milestone",
            "due_on",
            "indicator_period",
            "jobs_created",
            "jobs_retained",
            "energy_saved",
            "water_saved",
            "waste_diverted",
            "note",
            "created",
            "last_updated",
        ]
        read_only_fields = ["due_on", "indicator_period", "created", "last_updated"]
        # A milestone reported twice is refused by do_report_outcome, naming ``milestone``
        # (not DRF's unique-together check, which names no field).
        validators: list[Any] = []

    def to_values(self) -> OutcomeValues:
        data = self.validated_data
        return OutcomeValues(
            milestone=data["milestone"],
            jobs_created=data["jobs_created"],
            jobs_retained=data["jobs_retained"],
            energy_saved=data.get("energy_saved") or 0,
            water_saved=data.get("water_saved") or 0,
            waste_diverted=data.get("waste_diverted") or 0,
            note=data.get("note") or "",
        )


class GreenDirectoryPageSerializer(serializers.Serializer[Any]):
    """A page of the directory (limit and offset, like every list of the API)."""

    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = GreenDirectoryEntrySerializer(many=True)
