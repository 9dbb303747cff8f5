from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, cast

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from rasad.api.lean import Computed, LeanList
from rasad.api.serializers import RasadModelSerializer, ScopedSlugRelatedField, person_field, read_only_slug
from rasad.cases.actions import CaseValues
from rasad.cases.actions.consolidation import dossier_recipients
from rasad.cases.choices import CaseKind, Priority
from rasad.cases.models import (
    Attachment,
    Case,
    CaseEvent,
    Category,
    Comment,
    Dossier,
    Holiday,
    Notification,
    case_is_overdue,
    cases_readable,
    comment_text,
)
from rasad.cases.workflow import Action
from rasad.core.filtersets import MAX_ID
from rasad.core.models import Organization, User


class CategorySerializer(RasadModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="cases-api:category-detail")

    class Meta:
        model = Category
        fields = ["id", "url", "display", "code", "name", "name_en", "is_active", "created", "last_updated"]


class HolidaySerializer(RasadModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="cases-api:holiday-detail")

    class Meta:
        model = Holiday
        fields = ["id", "url", "display", "date", "name_fa", "name_en", "kind", "created", "last_updated"]
        read_only_fields = ["created", "last_updated"]
        validators: list[Any] = []


class CaseSerializer(RasadModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="cases-api:case-detail")
    kind = serializers.ChoiceField(choices=CaseKind.choices)
    priority = serializers.ChoiceField(choices=Priority.choices, required=False)
    category = serializers.SlugRelatedField(
        slug_field="code", queryset=Category.objects.all(), help_text=_("Category code.")
    )
    reporter_organization = ScopedSlugRelatedField(
        slug_field="code",
        queryset=Organization.objects.all(),
        help_text=_("Code of the reporting organization."),
    )
    owner_organization = ScopedSlugRelatedField(
        slug_field="code",
        queryset=Organization.objects.all(),
        required=False,
        allow_null=True,
        help_text=_("Code of the organization that works the case (default: the reporter)."),
    )
    site = ScopedSlugRelatedField(
        slug_field="code", queryset=Organization.objects.all(), required=False, allow_null=True
    )
    assignee = person_field(allow_null=True)
    reported_by = person_field(allow_null=True)
    escalated_to = read_only_slug("code", allow_null=True)
    province = read_only_slug("code", allow_null=True)
    merged_into: serializers.PrimaryKeyRelatedField[Any] = serializers.PrimaryKeyRelatedField(
        read_only=True, allow_null=True
    )
    latitude = serializers.FloatField(allow_null=True, required=False)
    longitude = serializers.FloatField(allow_null=True, required=False)
    likelihood = serializers.IntegerField(allow_null=True, required=False)
    impact = serializers.IntegerField(allow_null=True, required=False)
    risk_score = serializers.IntegerField(read_only=True, allow_null=True)
    is_overdue = serializers.SerializerMethodField()
    version = serializers.IntegerField(
        required=False, help_text=_("Give the version you read to detect concurrent edits.")
    )

    class Meta:
        model = Case
        fields = [
            "id",
            "url",
            "display",
            "reference",
            "kind",
            "category",
            "title",
            "description",
            "confidential_details",
            "priority",
            "status",
            "reporter_organization",
            "owner_organization",
            "assignee",
            "reported_by",
            "version",
            "opened_at",
            "deadline",
            "due_at",
            "is_overdue",
            "escalation_level",
            "escalated_to",
            "resolved_at",
            "closed_at",
            "resolution",
            "likelihood",
            "impact",
            "risk_score",
            "treatment_plan",
            "site",
            "latitude",
            "longitude",
            "province",
            "origin",
            "merged_into",
            "source_display",
            "created",
            "last_updated",
        ]
        read_only_fields = [
            "reference",
            "status",
            "opened_at",
            "due_at",
            "escalation_level",
            "resolved_at",
            "closed_at",
            "resolution",
            "source_display",
            "created",
            "last_updated",
        ]

    @extend_schema_field(serializers.BooleanField())
    def get_is_overdue(self, obj: Case) -> bool:
        return obj.is_overdue()

    def to_values(self) -> CaseValues:
        data: dict[str, Any] = dict(self.validated_data)
        return CaseValues(
            kind=data["kind"],
            category=data["category"],
            title=data.get("title") or "",
            reporter_organization=data["reporter_organization"],
            description=data.get("description") or "",
            confidential_details=data.get("confidential_details") or "",
            priority=data.get("priority") or Priority.MEDIUM,
            owner_organization=data.get("owner_organization"),
            deadline=data.get("deadline"),
            latitude=data.get("latitude"),
            longitude=data.get("longitude"),
            site=data.get("site"),
            likelihood=data.get("likelihood"),
            impact=data.get("impact"),
            treatment_plan=data.get("treatment_plan") or "",
            origin=data.get("origin") or "",
        )


def _overdue_on_page(_context: dict[str, Any]) -> Callable[[str, datetime | None], bool]:
    # The time read once a page, not once a row (Case.is_overdue reads it for each case).
    now = timezone.now()
    return lambda status, due_at: case_is_overdue(status, due_at, now)


def _risk_score(likelihood: int | None, impact: int | None) -> int | None:
    # Case.risk_score, of a row's values.
    return None if likelihood is None or impact is None else likelihood * impact


# The case list reads rows with values() and writes them as CaseSerializer does.
CASE_LIST = LeanList(
    computed={
        "display": Computed(("reference", "title"), per_page=lambda _: "{} {}".format),
        "is_overdue": Computed(("status", "due_at"), per_page=_overdue_on_page),
        "risk_score": Computed(("likelihood", "impact"), per_page=lambda _: _risk_score),
    }
)


class CaseUpdateSerializer(serializers.Serializer[Any]):
    title = serializers.CharField(required=False, max_length=300)
    description = serializers.CharField(required=False, allow_blank=True)
    category = serializers.SlugRelatedField(
        slug_field="code", queryset=Category.objects.all(), required=False
    )
    priority = serializers.ChoiceField(choices=Priority.choices, required=False)
    likelihood = serializers.IntegerField(required=False, allow_null=True)
    impact = serializers.IntegerField(required=False, allow_null=True)
    treatment_plan = serializers.CharField(required=False, allow_blank=True)
    confidential_details = serializers.CharField(
        required=False, allow_blank=True, help_text=_("Encrypted at rest; never searched or exported.")
    )
    version = serializers.IntegerField(required=False)


class TransitionSerializer(serializers.Serializer[Any]):
    action = serializers.ChoiceField(choices=[(a.value, a.value) for a in Action])
    note = serializers.CharField(required=False, allow_blank=True, default="")
    version = serializers.IntegerField(
        required=False,
        help_text=_("The version you read; required for assign, so that two assigners cannot both win."),
    )
    owner_organization = ScopedSlugRelatedField(
        slug_field="code", queryset=Organization.objects.all(), required=False, allow_null=True
    )
    # Resolved among the people the caller may see, so that naming anyone else reads exactly like
    # naming nobody (it used to resolve any active user and its error named them).
    assignee = ScopedSlugRelatedField(
        slug_field="username", queryset=User.objects.filter(is_active=True), required=False, allow_null=True
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs.get("action") == Action.ASSIGN and attrs.get("version") is None:
            raise serializers.ValidationError(
                {"version": [_("Give the version of the case you are assigning.")]}
            )
        return attrs


class EscalationSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField(
        max_length=2000,
        help_text=_("Why the case goes one level up its owner's tree; shown to the level above."),
    )
    version = serializers.IntegerField(required=False, help_text=_("The version you read."))


class CaseEventSerializer(serializers.ModelSerializer[CaseEvent]):
    actor = person_field(allow_null=True)
    actor_name = serializers.SerializerMethodField()

    class Meta:
        model = CaseEvent
        fields = [
            "id",
            "created",
            "action",
            "from_status",
            "to_status",
            "actor",
            "actor_name",
            "note",
            "data",
        ]

    @extend_schema_field(serializers.CharField())
    def get_actor_name(self, obj: CaseEvent) -> str:
        return str(obj.actor) if obj.actor else str(_("System"))


class CommentSerializer(RasadModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="cases-api:comment-detail")
    case: serializers.PrimaryKeyRelatedField[Any] = serializers.PrimaryKeyRelatedField(read_only=True)
    author = person_field()
    mentions = read_only_slug("username", many=True)
    body = serializers.SerializerMethodField(
        help_text=_(
            "The comment's text. A confidential comment's text is given only to those who may see "
            "its case, like the case's confidential details; otherwise it is empty."
        )
    )

    class Meta:
        model = Comment
        fields = [
            "id",
            "url",
            "display",
            "case",
            "author",
            "body",
            "confidential",
            "mentions",
            "created",
            "last_updated",
        ]
        read_only_fields = ["confidential", "created", "last_updated"]

    @extend_schema_field(serializers.CharField())
    def get_body(self, obj: Comment) -> str:
        # One cache per response (a list's children share their parent's context), filled with
        # one query for every confidential comment of the list.
        readable = cast(dict[str, Any], self.context).setdefault("confidential_cases", {})
        user = getattr(self.context.get("request"), "user", None)
        if obj.confidential and obj.case_id not in readable:
            rows = getattr(self.parent, "instance", None) or [obj]
            readable.update(cases_readable(user, {c.case_id for c in rows if c.confidential} | {obj.case_id}))
        return comment_text(obj, user, readable)


class CommentBodySerializer(serializers.Serializer[Any]):
    body = serializers.CharField(max_length=20000)
    confidential = serializers.BooleanField(
        required=False,
        default=False,
        help_text=_("Store the comment's text encrypted at rest; only those who may see the case read it."),
    )


class AttachmentSerializer(RasadModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="cases-api:attachment-detail")
    case: serializers.PrimaryKeyRelatedField[Any] = serializers.PrimaryKeyRelatedField(read_only=True)
    uploaded_by = person_field()
    download = serializers.SerializerMethodField()

    class Meta:
        model = Attachment
        fields = [
            "id",
            "url",
            "display",
            "case",
            "name",
            "content_type",
            "size",
            "sha256",
            "confidential",
            "uploaded_by",
            "download",
            "created",
            "last_updated",
        ]

    @extend_schema_field(serializers.CharField())
    def get_download(self, obj: Attachment) -> str:
        from django.urls import reverse

        return reverse("cases:attachment-download", args=[obj.case_id, obj.pk])


class AttachmentUploadSerializer(serializers.Serializer[Any]):
    file = serializers.FileField()
    confidential = serializers.BooleanField(
        required=False, default=False, help_text=_("Store the file encrypted at rest.")
    )


class DossierSerializer(RasadModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="cases-api:dossier-detail")
    from_organization = ScopedSlugRelatedField(slug_field="code", queryset=Organization.objects.all())
    # The coordinating organization is usually outside the sender's scope: any coordinating
    # organization may be named (``dossier_recipients``); another code reads like an unknown one,
    # and the action refuses one inside the sender's own subtree.
    to_organization = serializers.SlugRelatedField(slug_field="code", queryset=dossier_recipients())
    cases = serializers.PrimaryKeyRelatedField(many=True, queryset=Case.objects.all())
    forwarded_by = person_field()

    class Meta:
        model = Dossier
        fields = [
            "id",
            "url",
            "display",
            "reference",
            "title",
            "summary",
            "from_organization",
            "to_organization",
            "cases",
            "forwarded_by",
            "forwarded_at",
            "created",
            "last_updated",
        ]
        read_only_fields = ["reference", "forwarded_at", "created", "last_updated"]

    def get_fields(self) -> dict[str, Any]:
        fields = super().get_fields()
        request = self.context.get("request")
        user = getattr(request, "user", None)
        if user is not None:
            cases: Any = fields["cases"].child_relation  # type: ignore[attr-defined]
            cases.queryset = Case.objects.visible_to(user, "forward")
        return fields


class MergeSerializer(serializers.Serializer[Any]):
    duplicates = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID), min_length=1, max_length=500
    )
    note = serializers.CharField(required=False, allow_blank=True, default="")


class NotificationSerializer(RasadModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="cases-api:notification-detail")
    case: serializers.PrimaryKeyRelatedField[Any] = serializers.PrimaryKeyRelatedField(
        read_only=True, allow_null=True
    )
    created = serializers.DateTimeField(read_only=True)
    last_updated = serializers.DateTimeField(source="created", read_only=True)
    # In the request's language and digits (rasad.lib.stored_text), as on the page.
    message = serializers.CharField(source="text", read_only=True)

    class Meta:
        model = Notification
        fields = ["id", "url", "display", "case", "kind", "message", "read_at", "created", "last_updated"]
        read_only_fields = fields
