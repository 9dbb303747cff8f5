"""The live API: devices, their events and agent credentials for people (scoped viewsets), the
status of field posts, and the one endpoint agents send to (``POST /api/v1/live/ingest/``)."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db.models import Count
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
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
from rasad.lib import context
from rasad.live.actions import (
    BatchRefused,
    authenticate_agent,
    do_change_device,
    do_ingest_batch,
    do_issue_credential,
    do_register_device,
    do_retire_device,
    do_revoke_credential,
    parse_batch,
)
from rasad.live.actions.ingest import Submission
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
from rasad.live.group_commit import committer
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
        return Response(DeviceSerializer(device, context=self.get_serializer_context()).data)


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
        return Response(AgentCredentialSerializer(credential, context=self.get_serializer_context()).data)


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
        header = authentication.get_authorization_header(request).decode("latin-1").split()
        if not header or header[0].lower() != "bearer" or len(header) != 2:
            raise exceptions.NotAuthenticated(
                _("Send the post's agent credential as “Authorization: Bearer …”.")
            )
        credential = authenticate_agent(header[1])
        if credential is None:
            raise exceptions.AuthenticationFailed(_("The agent credential is invalid or revoked."))
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


class BatchError(exceptions.APIException):
    def __init__(self, refused: BatchRefused) -> None:
        super().__init__(refused.message, refused.code)
        self.status_code = refused.status


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
        credential = request.auth
        assert isinstance(credential, AgentCredential)
        limit = settings.RASAD_LIVE_MAX_BATCH_BYTES
        declared = request.META.get("CONTENT_LENGTH") or "0"
        if not declared.isdigit() or int(declared) > limit:
            raise BatchError(
                BatchRefused("too_large", _("A batch is at most %(limit)s bytes.") % {"limit": limit}, 413)
            )
        raw = request._request.body
        if len(raw) > limit:
            raise BatchError(
                BatchRefused("too_large", _("A batch is at most %(limit)s bytes.") % {"limit": limit}, 413)
            )
        try:
            body = json.loads(raw)
        except (ValueError, UnicodeDecodeError) as error:
            raise BatchError(
                BatchRefused("malformed_json", _("The body is not valid JSON: %(error)s") % {"error": error})
            ) from error
        now = timezone.now()
        try:
            batch = parse_batch(body, now, digest=hashlib.sha256(raw).hexdigest())
        except BatchRefused as refused:
            raise BatchError(refused) from refused
        if settings.RASAD_LIVE_GROUP_COMMIT:
            request_context = context.current()
            result = committer.submit(
                Submission(
                    credential,
                    batch,
                    now,
                    request_id=request_context.request_id if request_context else None,
                    ip=request_context.ip if request_context else None,
                )
            )
        else:
            result = do_ingest_batch(credential, batch, now=now)
        # The answer is plain JSON, as DRF's renderer writes it, without content negotiation:
        # an agent posts many times a second and reads only JSON.
        answer = json.dumps(result.as_json(), ensure_ascii=False, separators=(",", ":"))
        return HttpResponse(answer, content_type="application/json")
