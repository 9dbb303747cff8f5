from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from rasad.api.serializers import (
    RasadModelSerializer,
    ScopedPrimaryKeyRelatedField,
    ScopedSlugRelatedField,
    organization_field,
)
from rasad.core.models import Membership
from rasad.training.actions import CourseValues, EventValues, RequirementValues
from rasad.training.choices import DeliveryMode, EventKind
from rasad.training.models import (
    Completion,
    Course,
    Enrolment,
    Event,
    Position,
    PositionHolding,
    Requirement,
)


def _course(**kwargs: Any) -> ScopedSlugRelatedField:
    return ScopedSlugRelatedField(slug_field="code", queryset=Course.objects.all(), **kwargs)


class PositionSerializer(RasadModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="training-api:position-detail")

    class Meta:
        model = Position
        fields = ["id", "url", "display", "code", "name", "name_en", "created", "last_updated"]


class PositionHoldingSerializer(RasadModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="training-api:positionholding-detail")
    membership = ScopedPrimaryKeyRelatedField(
        queryset=Membership.objects.all(), help_text=_("Id of the person's membership of an organization.")
    )
    position = serializers.SlugRelatedField(slug_field="code", queryset=Position.objects.all())
    user = serializers.IntegerField(source="membership.user_id", read_only=True)
    organization = serializers.CharField(source="membership.organization.code", read_only=True)

    class Meta:
        model = PositionHolding
        fields = [
            "id",
            "url",
            "display",
            "membership",
            "user",
            "organization",
            "position",
            "since",
            "until",
            "created",
            "last_updated",
        ]
        read_only_fields = ["until", "created", "last_updated"]
        extra_kwargs = {"since": {"required": False}}


class CourseSerializer(RasadModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="training-api:course-detail")
    organization = organization_field(help_text=_("Code of the provider organization."))
    mode = serializers.ChoiceField(choices=DeliveryMode.choices)
    tags = serializers.ListField(child=serializers.CharField(max_length=60), required=False, max_length=20)
    prerequisites = _course(many=True, required=False)

    class Meta:
        model = Course
        fields = [
            "id",
            "url",
            "display",
            "organization",
            "code",
            "title",
            "description",
            "tags",
            "hours",
            "mode",
            "prerequisites",
            "validity_months",
            "created",
            "last_updated",
        ]
        read_only_fields = ["created", "last_updated"]

    def to_values(self, instance: Course | None = None) -> CourseValues:
        return CourseValues(
            organization=self.submitted("organization", instance, None),
            code=self.submitted("code", instance, ""),
            title=self.submitted("title", instance, ""),
            hours=self.submitted("hours", instance, 0),
            mode=self.submitted("mode", instance, ""),
            description=self.submitted("description", instance, ""),
            tags=list(self.submitted("tags", instance, [])),
            validity_months=self.submitted("validity_months", instance, None),
            prerequisites=self.submitted_many("prerequisites", instance),
        )


class EventSerializer(RasadModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="training-api:event-detail")
    organization = organization_field(help_text=_("Code of the organizer."))
    audience = organization_field(
        help_text=_("Code of the organization whose people (and its subtree's) may enrol.")
    )
    course = _course(required=False, allow_null=True, help_text=_("Code of the course, for a session."))
    kind = serializers.ChoiceField(choices=EventKind.choices)
    places_taken = serializers.SerializerMethodField()
    waiting = serializers.SerializerMethodField()

    class Meta:
        model = Event
        fields = [
            "id",
            "url",
            "display",
            "organization",
            "audience",
            "course",
            "kind",
            "title",
            "description",
            "starts_at",
            "ends_at",
            "place",
            "latitude",
            "longitude",
            "online_url",
            "capacity",
            "status",
            "places_taken",
            "waiting",
            "announced_at",
            "created",
            "last_updated",
        ]
        read_only_fields = ["status", "announced_at", "created", "last_updated"]
        extra_kwargs = {"title": {"required": False}}

    def get_places_taken(self, obj: Event) -> int:
        return int(getattr(obj, "places_taken", 0) or 0)

    def get_waiting(self, obj: Event) -> int:
        return int(getattr(obj, "waiting", 0) or 0)

    def to_values(self, instance: Event | None = None) -> EventValues:
        return EventValues(
            organization=self.submitted("organization", instance, None),
            audience=self.submitted("audience", instance, None),
            kind=self.submitted("kind", instance, ""),
            title=self.submitted("title", instance, ""),
            starts_at=self.submitted("starts_at", instance, None),
            ends_at=self.submitted("ends_at", instance, None),
            course=self.submitted("course", instance, None),
            description=self.submitted("description", instance, ""),
            place=self.submitted("place", instance, ""),
            latitude=self.submitted("latitude", instance, None),
            longitude=self.submitted("longitude", instance, None),
            online_url=self.submitted("online_url", instance, ""),
            capacity=self.submitted("capacity", instance, None),
        )


class EnrolmentSerializer(RasadModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="training-api:enrolment-detail")
    event = serializers.IntegerField(source="event_id", read_only=True)
    user = serializers.IntegerField(source="user_id", read_only=True)
    organization = serializers.CharField(source="organization.code", read_only=True)

    class Meta:
        model = Enrolment
        fields = [
            "id",
            "url",
            "display",
            "event",
            "user",
            "organization",
            "status",
            "attended",
            "score",
            "created",
            "last_updated",
        ]
        read_only_fields = fields


class EnrolSerializer(serializers.Serializer[Any]):
    user = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        max_value=2**63 - 1,
        help_text=_("Id of the person to enrol; empty: yourself."),
    )


class AttendanceMarkSerializer(serializers.Serializer[Any]):
    enrolment = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    attended = serializers.BooleanField()
    score = serializers.DecimalField(max_digits=5, decimal_places=2, required=False, allow_null=True)


class AttendanceSerializer(serializers.Serializer[Any]):
    marks = AttendanceMarkSerializer(many=True, max_length=2000)  # type: ignore[call-arg]


class CompletionSerializer(RasadModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="training-api:completion-detail")
    user = serializers.IntegerField(source="user_id", read_only=True)
    course = serializers.CharField(source="course.code", read_only=True)
    organization = serializers.CharField(source="organization.code", read_only=True)
    event = serializers.IntegerField(source="enrolment.event_id", read_only=True, allow_null=True)

    class Meta:
        model = Completion
        fields = [
            "id",
            "url",
            "display",
            "user",
            "course",
            "organization",
            "completed_on",
            "expires_on",
            "score",
            "source",
            "event",
            "created",
            "last_updated",
        ]
        read_only_fields = fields


class RequirementSerializer(RasadModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="training-api:requirement-detail")
    organization = organization_field(help_text=_("Code of the organization whose subtree it applies in."))
    position = serializers.SlugRelatedField(slug_field="code", queryset=Position.objects.all())
    courses = _course(many=True)

    class Meta:
        model = Requirement
        fields = [
            "id",
            "url",
            "display",
            "organization",
            "position",
            "courses",
            "title",
            "basis",
            "within_months",
            "is_active",
            "created",
            "last_updated",
        ]
        read_only_fields = ["created", "last_updated"]

    def to_values(self, instance: Requirement | None = None) -> RequirementValues:
        return RequirementValues(
            organization=self.submitted("organization", instance, None),
            position=self.submitted("position", instance, None),
            courses=self.submitted_many("courses", instance),
            title=self.submitted("title", instance, ""),
            within_months=self.submitted("within_months", instance, 0),
            basis=self.submitted("basis", instance, ""),
            is_active=self.submitted("is_active", instance, True),
        )


class ObligationSerializer(serializers.Serializer[Any]):
    user = serializers.IntegerField(source="user.pk")
    person = serializers.CharField(source="user")
    organization = serializers.CharField(source="organization.code")
    position = serializers.CharField(source="holding.position.code")
    requirement = serializers.IntegerField(source="requirement.pk")
    requirement_title = serializers.CharField(source="requirement.title")
    state = serializers.CharField()
    due_on = serializers.DateField(allow_null=True)
    completed_on = serializers.DateField(source="completion.completed_on", allow_null=True, default=None)


class TallySerializer(serializers.Serializer[Any]):
    organization = serializers.CharField(source="organization.code")
    organization_name = serializers.CharField(source="organization.name")
    total = serializers.IntegerField()
    met = serializers.IntegerField()
    due = serializers.IntegerField()
    overdue = serializers.IntegerField()
    rate = serializers.FloatField(allow_null=True)


class ComplianceSerializer(serializers.Serializer[Any]):
    organizations = TallySerializer(many=True)
    obligations = ObligationSerializer(many=True)


class AnnounceSerializer(serializers.Serializer[Any]):
    organization = organization_field(
        required=False,
        allow_null=True,
        help_text=_(
            "Code of the part of the audience to tell (with everything under it); empty: the whole audience."
        ),
    )


class PublicitySerializer(serializers.Serializer[Any]):
    notified = serializers.IntegerField(help_text=_("People told of the event (announced to them)."))
    opened = serializers.IntegerField(help_text=_("Of them, the people who opened the event afterwards."))
    enrolled = serializers.IntegerField(help_text=_("People holding a place or waiting for one."))
    reminded = serializers.IntegerField(help_text=_("Reminders sent before the event."))


class CheckInSerializer(serializers.Serializer[Any]):
    code = serializers.CharField(max_length=64, help_text=_("The code of the QR shown at the door."))
