from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from rasad.api.serializers import RasadModelSerializer, ScopedSlugRelatedField
from rasad.core.actions.organizations import OrganizationValues
from rasad.core.audit_log import event_label
from rasad.core.choices import CalendarChoices, LanguageChoices, OrganizationKind
from rasad.core.models import (
    ApiToken,
    AuditEvent,
    County,
    Grant,
    Membership,
    Organization,
    Province,
    Role,
    User,
    WorkingGroup,
)
from rasad.lib.prepared import PreparedQuery


class ProvinceSerializer(RasadModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="core-api:province-detail")

    class Meta:
        model = Province
        fields = ["id", "url", "display", "code", "hasc", "name_fa", "name_en", "latitude", "longitude"]


class OrganizationSerializer(RasadModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="core-api:organization-detail")
    kind = serializers.ChoiceField(choices=OrganizationKind.choices)
    parent = ScopedSlugRelatedField(  # type: ignore[assignment]
        slug_field="code",
        queryset=Organization.objects.all(),
        allow_null=True,
        required=False,
        help_text=_("Code of the parent organization."),
    )
    province = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Province.objects.all(),
        allow_null=True,
        required=False,
        help_text=_("Province code."),
    )
    county = serializers.SlugRelatedField(
        slug_field="code",
        queryset=County.objects.all(),
        allow_null=True,
        required=False,
        help_text=_("County code."),
    )
    latitude = serializers.FloatField(allow_null=True, required=False, min_value=-90, max_value=90)
    longitude = serializers.FloatField(allow_null=True, required=False, min_value=-180, max_value=180)
    sector_tags = serializers.ListField(
        child=serializers.CharField(max_length=60), required=False, max_length=20
    )
    depth = serializers.IntegerField(read_only=True)

    class Meta:
        model = Organization
        fields = [
            "id",
            "url",
            "display",
            "code",
            "name",
            "name_en",
            "kind",
            "parent",
            "depth",
            "province",
            "county",
            "latitude",
            "longitude",
            "sector_tags",
            "opened_on",
            "closed_on",
            "description",
            "is_national_body",
            "created",
            "last_updated",
        ]
        # The national-body flag is set only by a platform administrator's action (UI).
        read_only_fields = ["is_national_body", "created", "last_updated"]
        # Uniqueness is checked by the action, with a message that names the code.
        extra_kwargs: dict[str, Any] = {"code": {"validators": []}}

    def to_values(self) -> OrganizationValues:
        data: dict[str, Any] = {**self._current(), **self.validated_data}
        return OrganizationValues(
            code=data["code"],
            name=data["name"],
            kind=data["kind"],
            parent=data.get("parent"),
            name_en=data.get("name_en") or "",
            province=data.get("province"),
            county=data.get("county"),
            latitude=data.get("latitude"),
            longitude=data.get("longitude"),
            sector_tags=data.get("sector_tags") or [],
            opened_on=data.get("opened_on"),
            closed_on=data.get("closed_on"),
            description=data.get("description") or "",
        )

    def _current(self) -> dict[str, Any]:
        instance = self.instance
        if not isinstance(instance, Organization):
            return {}
        return {
            "code": instance.code,
            "name": instance.name,
            "name_en": instance.name_en,
            "kind": instance.kind,
            "parent": instance.parent,
            "province": instance.province,
            "county": instance.county,
            "latitude": instance.latitude,
            "longitude": instance.longitude,
            "sector_tags": instance.sector_tags,
            "opened_on": instance.opened_on,
            "closed_on": instance.closed_on,
            "description": instance.description,
        }


class AuditEventSerializer(serializers.ModelSerializer[AuditEvent]):
    event = serializers.SerializerMethodField()
    old = serializers.JSONField(read_only=True, allow_null=True)
    new = serializers.JSONField(read_only=True, allow_null=True)
    extra = serializers.JSONField(read_only=True)

    class Meta:
        model = AuditEvent
        fields = [
            "id",
            "chain",
            "sequence",
            "created",
            "event_type",
            "event",
            "actor",
            "actor_name",
            "organization",
            "object_type",
            "object_id",
            "object_repr",
            "old",
            "new",
            "extra",
            "request_id",
            "ip",
            "hash",
        ]

    @extend_schema_field(serializers.CharField())
    def get_event(self, obj: AuditEvent) -> str:
        return event_label(obj.event_type)


class MembershipBriefSerializer(serializers.ModelSerializer[Membership]):
    organization: serializers.SlugRelatedField[Organization] = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )

    class Meta:
        model = Membership
        fields = ["organization", "title", "is_primary"]


class UserSerializer(RasadModelSerializer):
    """A person as others in scope see them. ``created`` is when the account was made."""

    url = serializers.HyperlinkedIdentityField(view_name="core-api:user-detail")
    created = serializers.DateTimeField(source="date_joined", read_only=True)
    email = serializers.CharField(read_only=True)
    memberships = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = [
            "id",
            "url",
            "display",
            "username",
            "display_name",
            "latin_name",
            "email",
            "is_active",
            "memberships",
            "created",
        ]
        read_only_fields = fields

    @extend_schema_field(MembershipBriefSerializer(many=True))
    def get_memberships(self, obj: User) -> list[dict[str, Any]]:
        memberships = getattr(obj, "visible_memberships", None)
        if memberships is None:
            request = self.context.get("request")
            memberships = Membership.objects.filter(user=obj).select_related("organization")
            memberships = memberships.visible_to(request.user) if request is not None else memberships.none()
        return list(MembershipBriefSerializer(memberships, many=True).data)


class PasswordChangeSerializer(serializers.Serializer[Any]):
    """Your current password and the new one."""

    old_password = serializers.CharField(write_only=True, trim_whitespace=False)
    new_password = serializers.CharField(write_only=True, trim_whitespace=False)


class MeSerializer(serializers.ModelSerializer[User]):
    """The signed-in person: identity, display preferences (writable) and where they may act."""

    display = serializers.CharField(source="__str__", read_only=True)
    email = serializers.CharField(read_only=True)
    language = serializers.ChoiceField(choices=LanguageChoices.choices, required=False)
    calendar = serializers.ChoiceField(choices=CalendarChoices.choices, required=False)
    persian_digits = serializers.BooleanField(required=False)
    latin_name = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=150,
        help_text=_(
            "Your name in Latin letters, for English pages (“Erfan Pishin”); Persian letters are refused."
        ),
    )
    requires_two_factor = serializers.BooleanField(read_only=True)
    memberships = serializers.SerializerMethodField()
    grants = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = [
            "id",
            "display",
            "username",
            "display_name",
            "latin_name",
            "email",
            "is_superuser",
            "requires_two_factor",
            "language",
            "calendar",
            "persian_digits",
            "memberships",
            "grants",
        ]
        read_only_fields = ["id", "username", "display_name", "email", "is_superuser"]

    # Both lists in creation order, as ``me_representation`` reads them (neither model has an
    # ordering, and PostgreSQL returns an unordered relation in whatever order it finds it).
    @extend_schema_field(MembershipBriefSerializer(many=True))
    def get_memberships(self, obj: User) -> list[dict[str, Any]]:
        memberships = obj.memberships.select_related("organization").order_by("pk")
        return list(MembershipBriefSerializer(memberships, many=True).data)

    @extend_schema_field(serializers.ListField(child=serializers.DictField()))
    def get_grants(self, obj: User) -> list[dict[str, Any]]:
        return [
            {
                "id": grant.pk,
                "role": grant.role.slug,
                "organization": grant.organization.code if grant.organization else None,
                "working_group": grant.working_group.code if grant.working_group else None,
                "include_descendants": grant.include_descendants,
                "expires": grant.expires,
            }
            for grant in obj.grants.filter(is_enabled=True)
            .select_related("role", "organization", "working_group")
            .order_by("pk")
        ]


# ``me`` without the serializer machinery: every client asks for it, often first on each start,
# and building MeSerializer's fields and reading its relations through the ORM was most of the
# endpoint's CPU. One statement, compiled once per process (``rasad.lib.prepared``), reads the
# user's grants and memberships, one row each, told apart by their first column;
# ``me_representation`` answers exactly what MeSerializer does (a test compares them).
_USER_SENTINEL = -190102030405
_GRANT, _MEMBERSHIP = 0, 1


def _literal(sql: str, output_field: models.Field[Any, Any]) -> RawSQL:
    # A constant in the statement's text, not a bound value: a prepared statement's parameters
    # need a type PostgreSQL can infer, and a constant in a UNION's select list has none.
    return RawSQL(sql, (), output_field=output_field)  # noqa: S611 - constants of this module


def _me_rows(user_id: int) -> models.QuerySet[Any]:
    # Every grant, enabled or not: ``requires_two_factor`` counts any administrator grant.
    grants = (
        Grant.objects.filter(user_id=user_id)
        .annotate(kind=_literal(str(_GRANT), models.IntegerField()))
        .values_list(
            "kind",
            "pk",
            "role__slug",
            "organization__code",
            "working_group__code",
            "include_descendants",
            "expires",
            "is_enabled",
        )
    )
    memberships = (
        Membership.objects.filter(user_id=user_id)
        .annotate(
            kind=_literal(str(_MEMBERSHIP), models.IntegerField()),
            no_text=_literal("NULL", models.CharField()),
            no_time=_literal("NULL", models.DateTimeField()),
            enabled=_literal("TRUE", models.BooleanField()),
        )
        .values_list(
            "kind", "pk", "title", "organization__code", "no_text", "is_primary", "no_time", "enabled"
        )
    )
    combined: models.QuerySet[Any] = grants.union(memberships, all=True)
    return combined.order_by("kind", "pk")


_ME = PreparedQuery(_me_rows, user_id=_USER_SENTINEL)


def me_representation(user: User) -> dict[str, Any]:
    """What ``MeSerializer(user).data`` holds, read with one prepared statement."""
    grants: list[list[Any]] = []
    memberships: list[dict[str, Any]] = []
    for row in _ME.rows(user_id=user.pk):
        if row[0] == _GRANT:
            grants.append(row)
        else:
            _kind, _pk, title, code, _none, is_primary, _no_time, _enabled = row
            memberships.append({"organization": code, "title": title, "is_primary": bool(is_primary)})
    return {
        "id": user.pk,
        "display": str(user),
        "username": user.username,
        "display_name": user.display_name,
        "latin_name": user.latin_name,
        "email": user.email,
        "is_superuser": bool(user.is_superuser),
        "requires_two_factor": bool(user.is_superuser) or any(row[2] == "administrator" for row in grants),
        "language": user.language,
        "calendar": user.calendar,
        "persian_digits": bool(user.persian_digits),
        "memberships": memberships,
        "grants": [
            {
                "id": pk,
                "role": role,
                "organization": organization,
                "working_group": working_group,
                "include_descendants": bool(include_descendants),
                "expires": expires,
            }
            for _kind, pk, role, organization, working_group, include_descendants, expires, enabled in grants
            if enabled
        ],
    }


class MembershipSerializer(RasadModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="core-api:membership-detail")
    user = ScopedSlugRelatedField(slug_field="username", queryset=User.objects.all())
    organization = ScopedSlugRelatedField(slug_field="code", queryset=Organization.objects.all())

    class Meta:
        model = Membership
        fields = [
            "id",
            "url",
            "display",
            "user",
            "organization",
            "title",
            "is_primary",
            "created",
            "last_updated",
        ]
        read_only_fields = ["is_primary", "created", "last_updated"]
        validators: list[Any] = []


class PermissionNamesField(serializers.ListField):
    """A role's permissions as sorted ``app_label.codename`` strings."""

    def get_attribute(self, instance: Any) -> list[str]:
        return sorted(f"{p.content_type.app_label}.{p.codename}" for p in instance.permissions.all())


class RoleSerializer(RasadModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="core-api:role-detail")
    permissions = PermissionNamesField(
        child=serializers.CharField(),
        help_text=_("Permissions as app_label.codename, e.g. core.view_organization."),
    )

    class Meta:
        model = Role
        fields = [
            "id",
            "url",
            "display",
            "slug",
            "name",
            "name_en",
            "description",
            "permissions",
            "created",
            "last_updated",
        ]
        read_only_fields = ["slug", "name", "name_en", "description", "created", "last_updated"]


class GrantSerializer(RasadModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="core-api:grant-detail")
    user = ScopedSlugRelatedField(slug_field="username", queryset=User.objects.all())
    role = serializers.SlugRelatedField(slug_field="slug", queryset=Role.objects.all())
    organization = ScopedSlugRelatedField(
        slug_field="code", queryset=Organization.objects.all(), allow_null=True, required=False
    )
    working_group = ScopedSlugRelatedField(
        slug_field="code", queryset=WorkingGroup.objects.all(), allow_null=True, required=False
    )

    class Meta:
        model = Grant
        fields = [
            "id",
            "url",
            "display",
            "user",
            "role",
            "organization",
            "working_group",
            "include_descendants",
            "is_enabled",
            "expires",
            "created",
            "last_updated",
        ]
        read_only_fields = ["is_enabled", "created", "last_updated"]


class WorkingGroupSerializer(RasadModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="core-api:working-group-detail")
    owner = ScopedSlugRelatedField(slug_field="code", queryset=Organization.objects.all())
    organizations = ScopedSlugRelatedField(slug_field="code", queryset=Organization.objects.all(), many=True)

    class Meta:
        model = WorkingGroup
        fields = [
            "id",
            "url",
            "display",
            "code",
            "name",
            "owner",
            "organizations",
            "include_descendants",
            "created",
            "last_updated",
        ]
        read_only_fields = ["created", "last_updated"]
        extra_kwargs: dict[str, Any] = {"code": {"validators": []}}


class ApiTokenSerializer(RasadModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="core-api:api-token-detail")
    is_usable = serializers.BooleanField(read_only=True)

    class Meta:
        model = ApiToken
        fields = [
            "id",
            "url",
            "display",
            "name",
            "prefix",
            "expires",
            "revoked_at",
            "last_used",
            "is_usable",
            "created",
            "last_updated",
        ]
        read_only_fields = ["prefix", "revoked_at", "last_used", "created", "last_updated"]
        extra_kwargs: dict[str, Any] = {"expires": {"required": False}}


class ApiTokenCreatedSerializer(ApiTokenSerializer):
    """Returned once, on creation: the only time the secret is ever shown."""

    secret = serializers.CharField(read_only=True)

    class Meta(ApiTokenSerializer.Meta):
        fields = [*ApiTokenSerializer.Meta.fields, "secret"]


class ImportRowErrorSerializer(serializers.Serializer[Any]):
    row = serializers.IntegerField()
    column = serializers.CharField()
    message = serializers.CharField()


class ImportReportSerializer(serializers.Serializer[Any]):
    file = serializers.CharField()
    sha256 = serializers.CharField()
    rows = serializers.IntegerField()
    applied = serializers.BooleanField()
    dry_run = serializers.BooleanField()
    created = serializers.IntegerField()
    message = serializers.CharField()
    errors = ImportRowErrorSerializer(many=True)  # type: ignore[assignment]


class ImportUploadSerializer(serializers.Serializer[Any]):
    file = serializers.FileField(
        help_text=_("An .xlsx or .csv file with the columns of the import template.")
    )
    dry_run = serializers.BooleanField(required=False, default=False)
