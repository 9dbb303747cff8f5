from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from rasad.api.serializers import (
    RasadModelSerializer,
    ScopedPrimaryKeyRelatedField,
    ScopedSlugRelatedField,
    organization_field,
    person_field,
)
from rasad.cases.choices import Priority
from rasad.cases.models import Category
from rasad.core.filtersets import MAX_ID
from rasad.core.models import Organization
from rasad.indicators.models import Indicator
from rasad.programs.actions import ActionItemValues, PartyValues, ProgrammeValues
from rasad.programs.choices import Comparator, ProgrammeKind, ReportState
from rasad.programs.models import (
    ActionItem,
    Axis,
    IndicatorTarget,
    Objective,
    Party,
    Programme,
    ProgrammeAttachment,
    StatusReport,
)
from rasad.programs.progress import item_state
from rasad.programs.workflow import Step


class PartyOrganizationField(ScopedSlugRelatedField):
    """A party named by its organization's code: read from the party, written as the organization
    (the action finds the party, so that a non-party is refused naming ``party``)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(slug_field="code", queryset=Organization.objects.all(), **kwargs)

    def to_representation(self, value: Any) -> Any:
        return value.organization.code if isinstance(value, Party) else super().to_representation(value)


class PartyInputSerializer(serializers.Serializer[Any]):
    """A party as a programme lists it (and as a new programme is given it)."""

    organization = organization_field(help_text=_("Code of the party's organization."))
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    is_lead = serializers.BooleanField(read_only=True)
    signatory_name = serializers.CharField(max_length=150, allow_blank=True)
    signatory_title = serializers.CharField(max_length=200, allow_blank=True)


class ProgrammeSerializer(RasadModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="programs-api:programme-detail")
    kind = serializers.ChoiceField(choices=ProgrammeKind.choices)
    organization = organization_field(help_text=_("Code of the lead organization (one of the parties)."))
    reviewing_organization = organization_field(
        required=False, allow_null=True, help_text=_("Code of the body that reviews the roll-up.")
    )
    legal_basis = serializers.ListField(
        child=serializers.CharField(max_length=500), required=False, max_length=30, default=list
    )
    renews = ScopedPrimaryKeyRelatedField(queryset=Programme.objects.all(), required=False, allow_null=True)
    parties = PartyInputSerializer(
        many=True, help_text=_("Every party, the lead among them: organization code, signatory and title.")
    )
    version = serializers.IntegerField(read_only=True)

    class Meta:
        model = Programme
        fields = [
            "id",
            "url",
            "display",
            "kind",
            "title",
            "reference_number",
            "organization",
            "reviewing_organization",
            "parties",
            "description",
            "signed_on",
            "starts_on",
            "ends_on",
            "legal_basis",
            "status",
            "status_note",
            "renews",
            "version",
            "created",
            "last_updated",
        ]
        read_only_fields = ["status", "status_note", "created", "last_updated"]

    def to_values(self) -> ProgrammeValues:
        data: dict[str, Any] = dict(self.validated_data)
        return ProgrammeValues(
            kind=data["kind"],
            title=data.get("title") or "",
            organization=data["organization"],
            parties=[
                PartyValues(p["organization"], p.get("signatory_name") or "", p.get("signatory_title") or "")
                for p in data.get("parties") or []
            ],
            starts_on=data.get("starts_on"),
            ends_on=data.get("ends_on"),
            reference_number=data.get("reference_number") or "",
            reviewing_organization=data.get("reviewing_organization"),
            description=data.get("description") or "",
            signed_on=data.get("signed_on"),
            legal_basis=data.get("legal_basis") or [],
            renews=data.get("renews"),
        )


class ProgrammeUpdateSerializer(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(choices=ProgrammeKind.choices, required=False)
    title = serializers.CharField(max_length=300, required=False)
    reference_number = serializers.CharField(max_length=80, required=False, allow_blank=True)
    reviewing_organization = organization_field(required=False, allow_null=True)
    description = serializers.CharField(required=False, allow_blank=True)
    signed_on = serializers.DateField(required=False, allow_null=True)
    starts_on = serializers.DateField(required=False)
    ends_on = serializers.DateField(required=False)
    legal_basis = serializers.ListField(
        child=serializers.CharField(max_length=500), required=False, max_length=30
    )
    renews = ScopedPrimaryKeyRelatedField(queryset=Programme.objects.all(), required=False, allow_null=True)
    version = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)


class ProgrammeTransitionSerializer(serializers.Serializer[Any]):
    step = serializers.ChoiceField(choices=[(s.value, s.value) for s in Step])
    note = serializers.CharField(required=False, allow_blank=True, default="")


class WeightsSerializer(serializers.Serializer[Any]):
    weights = serializers.DictField(
        child=serializers.IntegerField(min_value=0, max_value=100),
        help_text=_("Id of each part → its weight in percent; the weights sum to 100."),
    )

    def validate_weights(self, value: dict[str, int]) -> dict[int, int]:
        try:
            return {int(key): weight for key, weight in value.items()}
        except ValueError:
            raise serializers.ValidationError(_("Name each part by its id.")) from None


class PartySerializer(RasadModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="programs-api:party-detail")
    programme = ScopedPrimaryKeyRelatedField(queryset=Programme.objects.all())
    organization = organization_field()
    organization_name = serializers.CharField(source="organization.name", read_only=True)

    class Meta:
        model = Party
        fields = [
            "id",
            "url",
            "display",
            "programme",
            "organization",
            "organization_name",
            "is_lead",
            "signatory_name",
            "signatory_title",
            "created",
            "last_updated",
        ]
        read_only_fields = ["is_lead", "created", "last_updated"]


class PartyUpdateSerializer(serializers.Serializer[Any]):
    signatory_name = serializers.CharField(max_length=150, allow_blank=True, required=False)
    signatory_title = serializers.CharField(max_length=200, allow_blank=True, required=False)


class AxisSerializer(RasadModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="programs-api:axis-detail")
    programme = ScopedPrimaryKeyRelatedField(queryset=Programme.objects.all())
    weight = serializers.IntegerField(min_value=0, max_value=100, required=False, default=0)

    class Meta:
        model = Axis
        fields = [
            "id",
            "url",
            "display",
            "programme",
            "title",
            "description",
            "weight",
            "position",
            "created",
            "last_updated",
        ]
        read_only_fields = ["created", "last_updated"]
        extra_kwargs = {"position": {"required": False}}


class AxisUpdateSerializer(serializers.Serializer[Any]):
    title = serializers.CharField(max_length=300, required=False)
    description = serializers.CharField(required=False, allow_blank=True)
    weight = serializers.IntegerField(min_value=0, max_value=100, required=False)
    position = serializers.IntegerField(min_value=0, max_value=32767, required=False)


class ObjectiveSerializer(RasadModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="programs-api:objective-detail")
    axis = ScopedPrimaryKeyRelatedField(queryset=Axis.objects.all())
    programme: serializers.PrimaryKeyRelatedField[Any] = serializers.PrimaryKeyRelatedField(read_only=True)
    weight = serializers.IntegerField(min_value=0, max_value=100, required=False, default=0)

    class Meta:
        model = Objective
        fields = [
            "id",
            "url",
            "display",
            "programme",
            "axis",
            "title",
            "description",
            "weight",
            "position",
            "created",
            "last_updated",
        ]
        read_only_fields = ["created", "last_updated"]
        extra_kwargs = {"position": {"required": False}}


class ObjectiveUpdateSerializer(AxisUpdateSerializer):
    axis = ScopedPrimaryKeyRelatedField(queryset=Axis.objects.all(), required=False)


class ActionItemSerializer(RasadModelSerializer):
    """An action item with its case's state; creating one opens its directive case."""

    url = serializers.HyperlinkedIdentityField(view_name="programs-api:actionitem-detail")
    programme: serializers.PrimaryKeyRelatedField[Any] = serializers.PrimaryKeyRelatedField(read_only=True)
    objective = ScopedPrimaryKeyRelatedField(queryset=Objective.objects.all())
    party = PartyOrganizationField(help_text=_("Code of the party's organization that must act."))
    title = serializers.CharField(source="case.title", max_length=300)
    description = serializers.CharField(
        source="case.description", required=False, allow_blank=True, default=""
    )
    deadline = serializers.DateField(source="case.deadline")
    category = serializers.SlugRelatedField(
        source="case.category",
        slug_field="code",
        queryset=Category.objects.all(),
        help_text=_("Category code."),
    )
    priority = serializers.ChoiceField(source="case.priority", choices=Priority.choices, required=False)
    weight = serializers.IntegerField(min_value=1, max_value=100, required=False, default=1)
    starts_on = serializers.DateField(required=False, allow_null=True)
    case: serializers.PrimaryKeyRelatedField[Any] = serializers.PrimaryKeyRelatedField(read_only=True)
    reference = serializers.CharField(source="case.reference", read_only=True)
    case_status = serializers.CharField(source="case.status", read_only=True)
    due_at = serializers.DateTimeField(source="case.due_at", read_only=True, allow_null=True)
    closed_at = serializers.DateTimeField(source="case.closed_at", read_only=True, allow_null=True)
    escalation_level = serializers.IntegerField(source="case.escalation_level", read_only=True)
    state = serializers.SerializerMethodField()

    class Meta:
        model = ActionItem
        fields = [
            "id",
            "url",
            "display",
            "programme",
            "objective",
            "party",
            "title",
            "description",
            "deadline",
            "category",
            "priority",
            "weight",
            "starts_on",
            "case",
            "reference",
            "case_status",
            "due_at",
            "closed_at",
            "escalation_level",
            "state",
            "created",
            "last_updated",
        ]
        read_only_fields = ["created", "last_updated"]

    @extend_schema_field(serializers.CharField())
    def get_state(self, obj: ActionItem) -> str:
        from django.utils import timezone

        return str(item_state(obj, timezone.now()).value)

    def to_values(self) -> tuple[ActionItemValues, Organization]:
        data: dict[str, Any] = dict(self.validated_data)
        case = data.get("case") or {}
        objective: Objective = data["objective"]
        # The party is resolved by the view (``party_of``) so that a non-party is named in "party".
        values = ActionItemValues(
            objective=objective,
            party=None,  # type: ignore[arg-type]
            title=case.get("title") or "",
            deadline=case.get("deadline"),
            category=case["category"],
            description=case.get("description") or "",
            priority=case.get("priority") or Priority.MEDIUM,
            starts_on=data.get("starts_on"),
            weight=data.get("weight") or 1,
        )
        return values, data["party"]


class ActionItemUpdateSerializer(serializers.Serializer[Any]):
    weight = serializers.IntegerField(min_value=1, max_value=100, required=False)
    starts_on = serializers.DateField(required=False)
    objective = ScopedPrimaryKeyRelatedField(queryset=Objective.objects.all(), required=False)


class IndicatorTargetSerializer(RasadModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="programs-api:indicatortarget-detail")
    programme: serializers.PrimaryKeyRelatedField[Any] = serializers.PrimaryKeyRelatedField(read_only=True)
    objective = ScopedPrimaryKeyRelatedField(queryset=Objective.objects.all())
    party = PartyOrganizationField(help_text=_("Code of the party's organization that owes the target."))
    indicator = serializers.SlugRelatedField(slug_field="code", queryset=Indicator.objects.all())
    organization = organization_field(help_text=_("Code of the organization whose values count."))
    comparator = serializers.ChoiceField(choices=Comparator.choices)
    weight = serializers.IntegerField(min_value=1, max_value=100, required=False, default=1)

    class Meta:
        model = IndicatorTarget
        fields = [
            "id",
            "url",
            "display",
            "programme",
            "objective",
            "party",
            "indicator",
            "organization",
            "comparator",
            "target_value",
            "due_on",
            "weight",
            "created",
            "last_updated",
        ]
        read_only_fields = ["created", "last_updated"]


class StatusReportSerializer(RasadModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="programs-api:statusreport-detail")
    programme: serializers.PrimaryKeyRelatedField[Any] = serializers.PrimaryKeyRelatedField(read_only=True)
    action_item: serializers.PrimaryKeyRelatedField[Any] = serializers.PrimaryKeyRelatedField(read_only=True)
    case: serializers.PrimaryKeyRelatedField[Any] = serializers.PrimaryKeyRelatedField(read_only=True)
    party = serializers.CharField(source="action_item.party.organization.code", read_only=True)
    case_status = serializers.CharField(source="case.status", read_only=True, allow_null=True)
    is_overdue = serializers.SerializerMethodField()
    state = serializers.CharField(
        read_only=True, help_text=_("done, on_track, at_risk or blocked; empty until submitted.")
    )
    submitted_by = person_field(allow_null=True)

    class Meta:
        model = StatusReport
        fields = [
            "id",
            "url",
            "display",
            "programme",
            "action_item",
            "party",
            "period_key",
            "due_on",
            "case",
            "case_status",
            "is_overdue",
            "state",
            "note",
            "submitted_by",
            "submitted_at",
            "created",
            "last_updated",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.BooleanField())
    def get_is_overdue(self, obj: StatusReport) -> bool:
        return obj.case is not None and obj.case.is_overdue()


class ReportSubmitSerializer(serializers.Serializer[Any]):
    state = serializers.ChoiceField(choices=ReportState.choices)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)


class ProgrammeAttachmentSerializer(RasadModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="programs-api:attachment-detail")
    programme: serializers.PrimaryKeyRelatedField[Any] = serializers.PrimaryKeyRelatedField(read_only=True)
    uploaded_by = person_field()
    download = serializers.SerializerMethodField()

    class Meta:
        model = ProgrammeAttachment
        fields = [
            "id",
            "url",
            "display",
            "programme",
            "name",
            "description",
            "content_type",
            "size",
            "sha256",
            "uploaded_by",
            "download",
            "created",
            "last_updated",
        ]

    @extend_schema_field(serializers.CharField())
    def get_download(self, obj: ProgrammeAttachment) -> str:
        return reverse("programs-api:attachment-download", args=[obj.pk])


class ProgrammeAttachmentUploadSerializer(serializers.Serializer[Any]):
    file = serializers.FileField()
    description = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)


class ProgressSerializer(serializers.Serializer[Any]):
    """The progress the reader may see (see ``rasad.programs.progress``)."""

    percent = serializers.FloatField(allow_null=True)
    weights_complete = serializers.BooleanField()
    axes = serializers.ListField(child=serializers.DictField())
    burn_up = serializers.ListField(child=serializers.DictField())
    counts = serializers.DictField(child=serializers.IntegerField())
