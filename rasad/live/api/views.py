"""The live API: devices, their events and agent credentials for people (scoped viewsets), the
status of field posts, and the one endpoint agents send to (``POST /api/v1/live/ingest/``)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count
from django.http import HttpResponse
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import authentication, exceptions, permissions
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer
from rest_framework.views import APIView

from rasad.api.errors import ErrorSerializer
from rasad.api.viewsets import ScopedModelViewSet, ScopedReadOnlyViewSet, scope_action
from rasad.core.choices import OrganizationKind
from rasad.core.models import Organization, User
from rasad.live.actions import (
    BatchRefused,
    do_change_device,
    do_issue_credential,
    do_register_device,
    do_retire_device,
    do_revoke_credential,
)
from rasad.live.api.agents import answer, authenticate
from rasad.live.api.serializers import (
    AgentCredentialSerializer,
    BatchInSerializer,
    BatchOutSerializer,
    DeviceEventSerializer,
    DeviceSerializer,
    IssuedCredentialSerializer,
    OutageSerializer,
    PostStatusSerializer,
)
from rasad.live.choices import Status
from rasad.live.filtersets import (
    AgentCredentialFilterSet,
    DeviceEventFilterSet,
    DeviceFilterSet,
    OutageFilterSet,
)
from rasad.live.models import AgentCredential, Device, DeviceEvent, Outage
from rasad.live.status import post_status


def _actor(request: Request) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


class DeviceViewSet(ScopedModelViewSet):
    """Devices of field posts. ``POST`` registers one at a post; ``PATCH`` changes it;
    ``POST .../retire/`` takes it out of service (its history stays)."""

    queryset = Device.objects.select_related("organization")
    serializer_class = DeviceSerializer
    filterset_class = DeviceFilterSet
    http_method_names = ["get", "post", "patch", "head", "options"]

    def perform_create(self, serializer: BaseSerializer[Any]) -> None:
        assert isinstance(serializer, DeviceSerializer)
        serializer.instance = do_register_device(serializer.to_values(), acting_user=_actor(self.request))

    def perform_update(self, serializer: BaseSerializer[Any]) -> None:
        assert isinstance(serializer, DeviceSerializer)
        device = self.get_object()
        serializer.instance = do_change_device(
            device, serializer.to_values(device), acting_user=_actor(self.request)
        )

    @extend_schema(request=None, responses=DeviceSerializer)
    @action(detail=True, methods=["post"])
    @scope_action("change")
    def retire(self, request: Request, pk: Any = None) -> Response:
        device = do_retire_device(self.get_object(), acting_user=_actor(request))
        return self.reply(DeviceSerializer, device)


class DeviceEventViewSet(ScopedReadOnlyViewSet):
    """What devices reported and the status changes the server derived, newest first (``id`` is
    the position in the live stream; ``after=<id>`` reads what came since)."""

    queryset = DeviceEvent.objects.select_related("organization", "device")
    serializer_class = DeviceEventSerializer
    filterset_class = DeviceEventFilterSet


class OutageViewSet(ScopedReadOnlyViewSet):
    """Outages of field posts, newest first: when the post went silent, when it was heard from
    again (null while open), and the incident case it raised (docs/live.md, "Outages and
    incidents")."""

    queryset = Outage.objects.select_related("organization", "case")
    serializer_class = OutageSerializer
    filterset_class = OutageFilterSet


class AgentCredentialViewSet(ScopedModelViewSet):
    """Credentials of post agents. ``POST`` issues one and answers its secret once;
    ``POST .../revoke/`` revokes it at once."""

    queryset = AgentCredential.objects.select_related("organization")
    serializer_class = AgentCredentialSerializer
    filterset_class = AgentCredentialFilterSet
    http_method_names = ["get", "post", "head", "options"]

    @extend_schema(responses={201: IssuedCredentialSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        credential, secret = do_issue_credential(
            serializer.validated_data["organization"],
            serializer.validated_data["name"],
            acting_user=_actor(request),
        )
        credential.secret = secret  # type: ignore[attr-defined]
        data = IssuedCredentialSerializer(credential, context=self.get_serializer_context()).data
        return Response(data, status=201)

    @extend_schema(request=None, responses=AgentCredentialSerializer)
    @action(detail=True, methods=["post"])
    @scope_action("change")
    def revoke(self, request: Request, pk: Any = None) -> Response:
        credential = do_revoke_credential(self.get_object(), acting_user=_actor(request))
        return self.reply(AgentCredentialSerializer, credential)


def post_rows(posts: Any, devices: Any) -> list[dict[str, Any]]:
    """Each field post with its derived status and its devices in service per status."""
    counts: dict[int, dict[str, int]] = {}
    for row in devices.in_service().values("organization_id", "status").annotate(n=Count("id")):
        counts.setdefault(row["organization_id"], {})[row["status"]] = row["n"]
    rows = []
    for post in posts.filter(kind=OrganizationKind.FIELD_POST).order_by("code"):
        per_status = counts.get(post.pk, {})
        statuses = [s for s, n in per_status.items() for _ in range(n)]
        rows.append(
            {
                "id": post.pk,
                "code": post.code,
                "name": post.name,
                "latitude": post.latitude,
                "longitude": post.longitude,
                "status": post_status(statuses).value,
                "devices": {s.value: per_status.get(s.value, 0) for s in Status},
            }
        )
    return rows


class PostStatusView(APIView):
    """Every field post the user may see, with the status derived from its devices (the command
    view's map reads the same rows)."""

    @extend_schema(responses=PostStatusSerializer(many=True))
    def get(self, request: Request) -> Response:
        user = request.user
        return Response(
            post_rows(Organization.objects.visible_to(user, "view"), Device.objects.visible_to(user, "view"))
        )


# ---- agents -------------------------------------------------------------------------------------


class AgentPrincipal(AnonymousUser):
    """Who ``request.user`` is for an agent's request: nobody who holds a grant. Everything that
    asks a user's scope (menus, error pages, other endpoints) sees an anonymous visitor; only
    ``IsAgent`` lets the request through, on the ingest endpoint, for the credential's post."""

    def __init__(self, credential: AgentCredential) -> None:
        super().__init__()
        self.credential = credential

    def get_username(self) -> str:
        return f"agent:{self.credential.prefix}"


class AgentAuthentication(authentication.BaseAuthentication):
    """``Authorization: Bearer rpa_...``: a post agent's credential (never a person's token)."""

    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        try:
            credential = authenticate(request._request)
        except BatchRefused as refused:
            failure = (
                exceptions.NotAuthenticated
                if refused.code == "not_authenticated"
                else exceptions.AuthenticationFailed
            )
            raise failure(refused.message) from refused
        return AgentPrincipal(credential), credential

    def authenticate_header(self, request: Request) -> str:
        return "Bearer"


class AgentAuthenticationScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    target_class = "rasad.live.api.views.AgentAuthentication"
    name = "agentAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {"type": "http", "scheme": "bearer", "description": "A post agent's credential (rpa_…)."}


class IsAgent(permissions.BasePermission):
    def has_permission(self, request: Request, view: Any) -> bool:
        return isinstance(request.auth, AgentCredential)


class IngestView(APIView):
    """An agent's batch of heartbeats and events for its own post. The answer lists every item's
    result (created, duplicate, conflict, refused) and comes only after the batch has committed;
    a refused or conflicting item is refused for good (the agent parks it)."""

    authentication_classes = [AgentAuthentication]
    permission_classes = [IsAgent]
    throttle_classes: list[Any] = []

    @extend_schema(
        request=BatchInSerializer,
        responses={
            200: BatchOutSerializer,
            413: OpenApiResponse(ErrorSerializer, description="The batch is too large."),
        },
    )
    def post(self, request: Request) -> HttpResponse:
        # The route answers an agent's POST without DRF (``rasad.live.api.agents.agent_view``);
        # this method documents it, and answers the same if the view is reached directly.
        credential = request.auth
        assert isinstance(credential, AgentCredential)
        return answer(request._request, credential)
