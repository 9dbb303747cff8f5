from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Prefetch
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from rasad.api.parsers import FormParser, MultiPartParser
from rasad.api.viewsets import ScopedModelViewSet, ScopedReadOnlyViewSet, ScopedViewSetMixin, scope_action
from rasad.api.writes import acting_user, run_import
from rasad.core.access import session_passed_two_factor
from rasad.core.actions.organizations import do_create_organization, do_update_organization
from rasad.core.actions.people import (
    do_add_membership,
    do_change_preferences,
    do_change_role_permissions,
    do_create_working_group,
    do_grant_role,
    do_remove_membership,
    do_revoke_grant,
    do_set_user_active,
    do_update_working_group,
)
from rasad.core.actions.security import do_change_password, do_reset_two_factor
from rasad.core.actions.tokens import do_create_api_token, do_revoke_api_token
from rasad.core.api.serializers import (
    ApiTokenCreatedSerializer,
    ApiTokenSerializer,
    AuditEventSerializer,
    GrantSerializer,
    ImportReportSerializer,
    ImportUploadSerializer,
    MembershipSerializer,
    MeSerializer,
    OrganizationSerializer,
    PasswordChangeSerializer,
    ProvinceSerializer,
    RoleSerializer,
    UserSerializer,
    WorkingGroupSerializer,
    me_representation,
)
from rasad.core.filtersets import (
    AuditEventFilterSet,
    GrantFilterSet,
    MembershipFilterSet,
    OrganizationFilterSet,
    UserFilterSet,
    WorkingGroupFilterSet,
)
from rasad.core.importers import OrganizationImporter
from rasad.core.models import (
    ApiToken,
    AuditEvent,
    Grant,
    Membership,
    Organization,
    Province,
    Role,
    User,
    WorkingGroup,
)
from rasad.core.scope import organization_scope


class ProvinceViewSet(ScopedReadOnlyViewSet):
    queryset = Province.objects.all()
    serializer_class = ProvinceSerializer
    filterset_fields = ["code"]


class OrganizationViewSet(ScopedModelViewSet):
    queryset = Organization.objects.select_related("parent", "province", "county")
    serializer_class = OrganizationSerializer
    filterset_class = OrganizationFilterSet
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def perform_create(self, serializer: BaseSerializer[Any]) -> None:
        assert isinstance(serializer, OrganizationSerializer)
        serializer.instance = do_create_organization(
            serializer.to_values(), acting_user=acting_user(self.request)
        )

    def perform_update(self, serializer: BaseSerializer[Any]) -> None:
        assert isinstance(serializer, OrganizationSerializer)
        assert isinstance(serializer.instance, Organization)
        serializer.instance = do_update_organization(
            serializer.instance, serializer.to_values(), acting_user=acting_user(self.request)
        )

    @extend_schema(
        request={"multipart/form-data": ImportUploadSerializer},
        responses={201: ImportReportSerializer, 200: ImportReportSerializer},
        description=(
            "Import organizations from an .xlsx or .csv file. Every row is validated first; if any "
            "row is bad, nothing is created and the 400 error lists each problem in "
            "error.fields (as rows[<row>].<column>) and error.rows. dry_run=true only validates."
        ),
    )
    @action(detail=False, methods=["post"], url_path="import", parser_classes=[MultiPartParser, FormParser])
    @scope_action("add")
    def import_file(self, request: Request) -> Response:
        if organization_scope(request.user, Organization, "add").is_nothing:
            raise exceptions.PermissionDenied(_("You may not create these here."))
        upload = self.read_body(ImportUploadSerializer)
        return run_import(OrganizationImporter(acting_user=acting_user(request)), upload.validated_data)


class AuditEventViewSet(
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet[AuditEvent],
):
    queryset = AuditEvent.objects.all()
    serializer_class = AuditEventSerializer
    filterset_class = AuditEventFilterSet

    def get_queryset(self) -> models.QuerySet[Any]:
        from rasad.core.audit_log import visible_events

        return visible_events(self.request.user)


class UserViewSet(ScopedReadOnlyViewSet):
    """People who are members of organizations in your scope; ``me`` is always you."""

    queryset = User.objects.all().order_by("username")
    serializer_class = UserSerializer
    filterset_class = UserFilterSet

    def get_queryset(self) -> models.QuerySet[Any]:
        visible = (
            Membership.objects.visible_to(self.request.user).select_related("organization").order_by("pk")
        )
        return (
            super()
            .get_queryset()
            .prefetch_related(Prefetch("memberships", queryset=visible, to_attr="visible_memberships"))
        )

    @extend_schema(request=MeSerializer, responses={200: MeSerializer})
    @action(detail=False, methods=["get", "patch"], serializer_class=MeSerializer, filterset_class=None)
    def me(self, request: Request) -> Response:
        user = acting_user(request)
        if request.method == "PATCH":
            serializer = MeSerializer(user, data=request.data, partial=True)
            serializer.is_valid(raise_exception=True)
            data = serializer.validated_data
            user = do_change_preferences(
                user,
                acting_user=user,
                language=data.get("language"),
                calendar=data.get("calendar"),
                persian_digits=data.get("persian_digits"),
                latin_name=data.get("latin_name"),
            )
        return Response(me_representation(user))

    @extend_schema(request=PasswordChangeSerializer, responses={204: None})
    @action(
        detail=False, methods=["post"], url_path="me/password", filterset_class=None, pagination_class=None
    )
    def password(self, request: Request) -> Response:
        """Change your own password: the current one and the new one (the password rules apply).
        Audited; the answer is empty."""
        user = acting_user(request)
        serializer = self.read_body(PasswordChangeSerializer)
        data = serializer.validated_data
        do_change_password(user, data["old_password"], data["new_password"], acting_user=user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=None, responses={200: UserSerializer})
    @action(detail=True, methods=["post"], url_path="reset-two-factor")
    @scope_action("change")
    def reset_two_factor(self, request: Request, pk: Any = None) -> Response:
        """Remove another person's authenticator apps and backup codes (they lost their phone):
        for those who may change the person; never for oneself. Audited."""
        person = self.get_object()
        do_reset_two_factor(person, acting_user=acting_user(request))
        return self.reply(UserSerializer, person)

    @extend_schema(request=None, responses={200: UserSerializer})
    @action(detail=True, methods=["post"])
    @scope_action("change")
    def deactivate(self, request: Request, pk: Any = None) -> Response:
        """Deactivate a person who has left: they can no longer sign in, their sessions end and
        their API tokens are revoked; memberships and grants stay. For those who may change the
        person; never for oneself; a platform administrator only by another. Audited."""
        return self._set_active(request, active=False)

    @extend_schema(request=None, responses={200: UserSerializer})
    @action(detail=True, methods=["post"])
    @scope_action("change")
    def reactivate(self, request: Request, pk: Any = None) -> Response:
        """Take a deactivated person back: they can sign in again with the grants they had (new
        API tokens are needed). Same rules as ``deactivate``. Audited."""
        return self._set_active(request, active=True)

    def _set_active(self, request: Request, *, active: bool) -> Response:
        person = do_set_user_active(self.get_object(), active, acting_user=acting_user(request))
        return self.reply(UserSerializer, person)


class MembershipViewSet(ScopedModelViewSet):
    queryset = Membership.objects.select_related("user", "organization").order_by(
        "organization__path", "user__username"
    )
    serializer_class = MembershipSerializer
    filterset_class = MembershipFilterSet
    http_method_names = ["get", "post", "delete", "head", "options"]

    def perform_create(self, serializer: BaseSerializer[Any]) -> None:
        data = serializer.validated_data
        serializer.instance = do_add_membership(
            data["user"],
            data["organization"],
            acting_user=acting_user(self.request),
            title=data.get("title", ""),
        )

    def perform_destroy(self, instance: Membership) -> None:
        do_remove_membership(instance, acting_user=acting_user(self.request))


class RoleViewSet(ScopedModelViewSet):
    """Roles are read by everyone with a grant; only platform administrators change permissions."""

    queryset = Role.objects.prefetch_related("permissions__content_type").order_by("name")
    serializer_class = RoleSerializer
    filterset_fields = ["slug"]
    http_method_names = ["get", "put", "patch", "head", "options"]

    def perform_update(self, serializer: BaseSerializer[Any]) -> None:
        assert isinstance(serializer.instance, Role)
        permissions = serializer.validated_data.get("permissions")
        if permissions is None:
            return
        serializer.instance = do_change_role_permissions(
            serializer.instance, list(permissions), acting_user=acting_user(self.request)
        )


class GrantViewSet(ScopedModelViewSet):
    """Grants over organizations in your scope. Creating one needs ``core.add_grant`` over its
    organization and every permission of the role there yourself; revoking needs
    ``core.delete_grant``."""

    queryset = Grant.objects.select_related("user", "role", "organization", "working_group").order_by(
        "-created"
    )
    serializer_class = GrantSerializer
    filterset_class = GrantFilterSet
    http_method_names = ["get", "post", "delete", "head", "options"]

    def perform_create(self, serializer: BaseSerializer[Any]) -> None:
        data = serializer.validated_data
        serializer.instance = do_grant_role(
            data["user"],
            data["role"],
            acting_user=acting_user(self.request),
            organization=data.get("organization"),
            working_group=data.get("working_group"),
            include_descendants=data.get("include_descendants", True),
            expires=data.get("expires"),
        )

    def perform_destroy(self, instance: Grant) -> None:
        do_revoke_grant(instance, acting_user=acting_user(self.request))


class WorkingGroupViewSet(ScopedModelViewSet):
    queryset = WorkingGroup.objects.select_related("owner").prefetch_related("organizations").order_by("code")
    serializer_class = WorkingGroupSerializer
    filterset_class = WorkingGroupFilterSet
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def perform_create(self, serializer: BaseSerializer[Any]) -> None:
        data = serializer.validated_data
        serializer.instance = do_create_working_group(
            data["code"],
            data["name"],
            acting_user=acting_user(self.request),
            owner=data["owner"],
            organizations=list(data["organizations"]),
            include_descendants=data.get("include_descendants", False),
        )

    def perform_update(self, serializer: BaseSerializer[Any]) -> None:
        assert isinstance(serializer.instance, WorkingGroup)
        data = serializer.validated_data
        organizations = data.get("organizations")
        serializer.instance = do_update_working_group(
            serializer.instance,
            acting_user=acting_user(self.request),
            name=data.get("name"),
            organizations=list(organizations) if organizations is not None else None,
            include_descendants=data.get("include_descendants"),
        )


class ApiTokenViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet[ApiToken],
):
    """Your own API tokens. Creating returns the secret once; it is never stored or shown again."""

    queryset = ApiToken.objects.all()
    serializer_class = ApiTokenSerializer

    def get_queryset(self) -> models.QuerySet[Any]:
        return ApiToken.objects.filter(user_id=self.request.user.pk or 0).order_by("-created")

    @extend_schema(request=ApiTokenSerializer, responses={201: ApiTokenCreatedSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        user = acting_user(request)
        if isinstance(request.auth, ApiToken):
            # A token mints nothing: a token it made would outlive its revocation.
            raise exceptions.PermissionDenied(
                _("A token cannot create tokens. Sign in with your password to create one.")
            )
        if request.auth is None and not session_passed_two_factor(user):
            # A session that has not passed two-factor must not mint a credential that skips it.
            raise exceptions.PermissionDenied(_("Sign in with your two-factor code first."))
        serializer = ApiTokenSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        token, secret = do_create_api_token(
            user,
            acting_user=user,
            name=serializer.validated_data["name"],
            expires=serializer.validated_data.get("expires"),
        )
        token.secret = secret  # type: ignore[attr-defined]
        return Response(
            ApiTokenCreatedSerializer(token, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(request=None, responses={200: ApiTokenSerializer})
    @action(detail=True, methods=["post"])
    def revoke(self, request: Request, pk: str | None = None) -> Response:
        token = self.get_object()
        token = do_revoke_api_token(token, acting_user=acting_user(request))
        return Response(ApiTokenSerializer(token, context={"request": request}).data)
