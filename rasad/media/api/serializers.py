from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from rasad.api import fields
from rasad.api.serializers import (
    RasadModelSerializer,
    ScopedPrimaryKeyRelatedField,
    organization_field,
)
from rasad.core.models import City
from rasad.media.actions import PlanValues, StatementValues
from rasad.media.actions.statements import SPOKESPERSON_REFUSED, spokesperson_label
from rasad.media.choices import (
    Channel,
    DeadlineBasis,
    EntryKind,
    PlanKind,
    ResponseOutcome,
    Severity,
    StatementKind,
)
from rasad.media.models import (
    Crisis,
    MemberAgency,
    PlannedItem,
    Recipient,
    Rumour,
    Statement,
    StatementAttachment,
    TimelineEntry,
)
from rasad.programs.models import Axis
from rasad.training.models import Event, PositionHolding


class MemberAgencySerializer(RasadModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="media-api:memberagency-detail")
    hq = organization_field(help_text=_("Code of the media headquarters."))
    agency = organization_field(help_text=_("Code of the member agency."))
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
    organization = organization_field(help_text=_("Code of the media headquarters."))
    kind = serializers.ChoiceField(choices=StatementKind.choices)
    body = fields.MultiLineCharField(max_length=20_000)
    previous: serializers.PrimaryKeyRelatedField[Any] = serializers.PrimaryKeyRelatedField(
        read_only=True, allow_null=True
    )
    attachments = StatementAttachmentSerializer(many=True, read_only=True)
    crisis = ScopedPrimaryKeyRelatedField(
        queryset=Crisis.objects.all(), required=False, allow_null=True, help_text=_("Id of an open crisis.")
    )
    deadline_basis = serializers.CharField(
        read_only=True, help_text=_("working, clock or fixed; empty until the statement is issued.")
    )
    # Any holding id is looked up here; the action refuses (400, naming the field) one that is not
    # an open spokesperson holding of the headquarters or of one of its member agencies, with the
    # same message as an id that does not exist.
    spokesperson: serializers.PrimaryKeyRelatedField[Any] = serializers.PrimaryKeyRelatedField(
        queryset=PositionHolding.objects.all(),
        required=False,
        allow_null=True,
        help_text=_("Id of the position held by the spokesperson (see spokesperson_name)."),
        error_messages={"does_not_exist": SPOKESPERSON_REFUSED, "incorrect_type": SPOKESPERSON_REFUSED},
    )
    spokesperson_name = serializers.SerializerMethodField()

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
            "crisis",
            "spokesperson",
            "spokesperson_name",
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
            crisis=data.get("crisis", instance.crisis if instance else None),
            spokesperson=data.get("spokesperson", instance.spokesperson if instance else None),
        )

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_spokesperson_name(self, obj: Statement) -> str | None:
        """The person and whose spokesperson they are, as the statement's page shows them."""
        return spokesperson_label(obj.spokesperson) if obj.spokesperson is not None else None


class IssueSerializer(serializers.Serializer[Any]):
    agencies = organization_field(many=True, help_text=_("Codes of the member agencies to issue it to."))
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


class CrisisSerializer(RasadModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="media-api:crisis-detail")
    organization = organization_field(help_text=_("Code of the media headquarters."))
    severity = serializers.ChoiceField(choices=Severity.choices)
    description = fields.MultiLineCharField(required=False, allow_blank=True, default="", max_length=5000)
    places = serializers.PrimaryKeyRelatedField(
        many=True, queryset=City.objects.all(), required=False, help_text=_("Ids of the cities affected.")
    )

    class Meta:
        model = Crisis
        fields = [
            "id",
            "url",
            "display",
            "organization",
            "title",
            "description",
            "severity",
            "state",
            "places",
            "opened_at",
            "closed_at",
            "closing_summary",
            "created",
            "last_updated",
        ]
        read_only_fields = ["state", "opened_at", "closed_at", "closing_summary", "created", "last_updated"]


class CloseCrisisSerializer(serializers.Serializer[Any]):
    closing_summary = fields.MultiLineCharField(max_length=5000)


class TimelineEntrySerializer(RasadModelSerializer):
    url = serializers.SerializerMethodField()
    crisis: serializers.PrimaryKeyRelatedField[Any] = serializers.PrimaryKeyRelatedField(read_only=True)
    organization = serializers.CharField(source="organization.code", read_only=True)
    kind = serializers.ChoiceField(choices=EntryKind.choices, read_only=True)
    # A line Rasad wrote in the request's language and digits (rasad.lib.stored_text), as on the page.
    text = serializers.CharField(source="shown_text", read_only=True)

    class Meta:
        model = TimelineEntry
        fields = [
            "id",
            "url",
            "display",
            "crisis",
            "moment",
            "kind",
            "text",
            "organization",
            "created",
            "last_updated",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField())
    def get_url(self, obj: TimelineEntry) -> str:
        request = self.context.get("request")
        path = reverse("media-api:crisis-detail", args=[obj.crisis_id])
        return request.build_absolute_uri(path) if request is not None else path


class NewEntrySerializer(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(choices=[EntryKind.EVENT.value, EntryKind.DECISION.value])
    text = fields.MultiLineCharField(max_length=5000)
    organization = organization_field(help_text=_("Code of the headquarters or member agency it is from."))


class FiguresSerializer(serializers.Serializer[Any]):
    agency = serializers.CharField()
    agency_name = serializers.CharField()
    issued = serializers.IntegerField()
    acknowledged = serializers.IntegerField()
    answered = serializers.IntegerField()
    on_time = serializers.IntegerField()
    due = serializers.IntegerField()
    late_open = serializers.IntegerField()
    ack_hours = serializers.FloatField(allow_null=True)
    response_hours = serializers.FloatField(allow_null=True)
    met_share = serializers.FloatField(allow_null=True)
    rumours_assigned = serializers.IntegerField()
    rumours_answered = serializers.IntegerField()
    score = serializers.FloatField(allow_null=True)
    rank = serializers.IntegerField(allow_null=True)


class RumourSerializer(RasadModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="media-api:rumour-detail")
    organization = organization_field(help_text=_("Code of the media headquarters."))
    crisis = ScopedPrimaryKeyRelatedField(queryset=Crisis.objects.all(), required=False, allow_null=True)
    claim = fields.MultiLineCharField(max_length=5000)
    facts = fields.MultiLineCharField(required=False, allow_blank=True, default="", max_length=5000)
    reach = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=100_000_000)
    agency = serializers.CharField(source="agency.code", read_only=True, allow_null=True)
    response = serializers.CharField(read_only=True)

    class Meta:
        model = Rumour
        fields = [
            "id",
            "url",
            "display",
            "organization",
            "crisis",
            "claim",
            "seen_where",
            "reach",
            "facts",
            "agency",
            "state",
            "logged_at",
            "assigned_at",
            "response",
            "answered_at",
            "created",
            "last_updated",
        ]
        read_only_fields = ["state", "logged_at", "assigned_at", "answered_at", "created", "last_updated"]


class AssignRumourSerializer(serializers.Serializer[Any]):
    agency = organization_field(help_text=_("Code of the member agency to answer the rumour."))


class AnswerRumourSerializer(serializers.Serializer[Any]):
    response = fields.MultiLineCharField(max_length=5000)


class PlannedItemSerializer(RasadModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="media-api:planneditem-detail")
    organization = organization_field(help_text=_("Code of the media headquarters."))
    agency = organization_field(
        required=False, allow_null=True, help_text=_("Code of the member agency; empty: the headquarters.")
    )
    kind = serializers.ChoiceField(choices=PlanKind.choices)
    title = fields.SingleLineCharField(max_length=300)
    description = fields.MultiLineCharField(required=False, allow_blank=True, default="", max_length=5000)
    starts_at = fields.DateTimeField()
    ends_at = fields.DateTimeField(required=False, allow_null=True)
    channel = serializers.ChoiceField(choices=Channel.choices, required=False, allow_blank=True, default="")
    training_event = ScopedPrimaryKeyRelatedField(
        queryset=Event.objects.all(), required=False, allow_null=True
    )
    axis = ScopedPrimaryKeyRelatedField(
        queryset=Axis.objects.all(),
        required=False,
        allow_null=True,
        help_text=_("Id of the roadmap axis it serves: of a programme the headquarters takes part in."),
    )
    # A method, not CharField(source="axis.title", default=None): a field's default is skipped in
    # a partial update's answer, which then lacked the field the schema promises.
    axis_title = serializers.SerializerMethodField()
    # Empty until the item is published, so a plain string, not a "uri" the schema would hold it to.
    link = serializers.CharField(
        read_only=True, label=_("Where it was published"), help_text=_("Empty until it is published.")
    )

    class Meta:
        model = PlannedItem
        fields = [
            "id",
            "url",
            "display",
            "organization",
            "agency",
            "kind",
            "title",
            "description",
            "starts_at",
            "ends_at",
            "channel",
            "training_event",
            "axis",
            "axis_title",
            "state",
            "link",
            "cancel_reason",
            "done_at",
            "created",
            "last_updated",
        ]
        read_only_fields = ["state", "link", "cancel_reason", "done_at", "created", "last_updated"]

    def get_axis_title(self, obj: PlannedItem) -> str | None:
        """The title of the roadmap axis it serves, if any."""
        return obj.axis.title if obj.axis is not None else None


def plan_values(data: dict[str, Any]) -> PlanValues:
    """The action's values from a serializer's validated data (all fields present)."""
    return PlanValues(
        organization=data["organization"],
        kind=data["kind"],
        title=data["title"],
        starts_at=data["starts_at"],
        ends_at=data.get("ends_at"),
        agency=data.get("agency"),
        channel=data.get("channel", ""),
        description=data.get("description", ""),
        training_event=data.get("training_event"),
        axis=data.get("axis"),
    )


class PublishItemSerializer(serializers.Serializer[Any]):
    link = serializers.URLField(max_length=500)


class CancelItemSerializer(serializers.Serializer[Any]):
    reason = fields.MultiLineCharField(max_length=5000)
