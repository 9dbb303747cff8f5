"""The comms API: a centre's keys, peers, threads, messages, outbox, joint groups and tasks.

Contents are decrypted only in single-object responses (``GET /comms-messages/{id}/``), for that
response; lists carry headers and states only. Writes go through the actions.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch, Q
from django.http import HttpResponse
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from rasad.api.viewsets import ScopedReadOnlyViewSet, scope_action
from rasad.api.writes import acting_user
from rasad.cases.models import Category
from rasad.comms import errors
from rasad.comms.access import may_open_case
from rasad.comms.actions import (
    Draft,
    OutgoingAttachment,
    do_acknowledge_message,
    do_add_group_task,
    do_block_peer,
    do_confirm_peer,
    do_make_joint_group,
    do_open_case_from_message,
    do_open_message,
    do_register_peer,
    do_revoke_key,
    do_rotate_identity,
    do_rotate_keys,
    do_send_message,
    do_set_group_task_status,
    read_attachment,
)
from rasad.comms.api import serializers as s
from rasad.comms.choices import Direction
from rasad.comms.content import Reference
from rasad.comms.delivery import fetch_bundle
from rasad.comms.filtersets import (
    CentreFilterSet,
    DeliveryFilterSet,
    GroupTaskFilterSet,
    JointGroupFilterSet,
    MessageFilterSet,
    PeerFilterSet,
    ThreadFilterSet,
)
from rasad.comms.models import (
    Centre,
    CentreKey,
    Delivery,
    GroupTask,
    JointGroup,
    Message,
    Peer,
    Receipt,
    Thread,
)
from rasad.core.access import refuse


def _refusal(refusal: errors.Refusal, field: str = "non_field_errors") -> ValidationError:
    return ValidationError({field: [refusal.message]})


class CentreViewSet(ScopedReadOnlyViewSet):
    """Command centres hosted on this node, with their public keys and fingerprints."""

    queryset = (
        Centre.objects.filter(is_local=True)
        .prefetch_related(
            Prefetch("keys", queryset=CentreKey.objects.order_by("purpose", "-not_before", "id"))
        )
        .select_related("organization")
    )
    serializer_class = s.CentreSerializer
    filterset_class = CentreFilterSet

    @extend_schema(request=None, responses=s.CentreSerializer)
    @action(detail=True, methods=["post"])
    @scope_action("manage_keys")
    def rotate(self, request: Request, pk: Any = None) -> Response:
        """Rotate the signing and encryption keys now (the old encryption key is kept for the
        grace period)."""
        centre = do_rotate_keys(self.get_object(), acting_user=acting_user(request))
        return Response(self.get_serializer(centre).data)

    @extend_schema(request=None, responses=s.CentreSerializer)
    @action(detail=True, methods=["post"], url_path="rotate-identity")
    @scope_action("manage_keys")
    def rotate_identity(self, request: Request, pk: Any = None) -> Response:
        """Replace the identity key (cross-signed by the old one); every peer must confirm the
        new fingerprint before messages flow again."""
        centre = do_rotate_identity(self.get_object(), acting_user=acting_user(request))
        return Response(self.get_serializer(centre).data)

    @extend_schema(request=s.RevokeSerializer, responses=s.CentreSerializer)
    @action(detail=True, methods=["post"])
    @scope_action("manage_keys")
    def revoke(self, request: Request, pk: Any = None) -> Response:
        """Revoke a key (signed by the identity key and published to the peers)."""
        centre = self.get_object()
        body = s.RevokeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        do_revoke_key(
            centre,
            body.validated_data["kid"],
            reason=body.validated_data["reason"],
            acting_user=acting_user(request),
        )
        return Response(self.get_serializer(centre).data)


class PeerViewSet(mixins.CreateModelMixin, ScopedReadOnlyViewSet):
    """The other centres a local centre trusts, confirmed by fingerprint."""

    queryset = Peer.objects.select_related("local_centre", "centre", "confirmed_by")
    serializer_class = s.PeerSerializer
    filterset_class = PeerFilterSet

    def get_serializer_class(self) -> Any:
        return s.PeerRegisterSerializer if self.action == "create" else s.PeerSerializer

    @extend_schema(request=s.PeerRegisterSerializer, responses={201: s.PeerSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Register a peer from its bundle, or fetch the bundle from its node."""
        body = s.PeerRegisterSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        data = body.validated_data
        bundle = data.get("bundle")
        if bundle is None:
            url = data["node_url"] if data["node_url"].endswith("/") else data["node_url"] + "/"
            try:
                bundle = fetch_bundle(url, data["code"])
            except errors.Refusal as refusal:
                raise _refusal(refusal, "node_url") from None
        peer = do_register_peer(data["local_centre"], bundle, acting_user=acting_user(request))
        return self.reply(s.PeerSerializer, peer, status.HTTP_201_CREATED)

    @extend_schema(request=s.ConfirmSerializer, responses=s.PeerSerializer)
    @action(detail=True, methods=["post"])
    @scope_action("confirm")
    def confirm(self, request: Request, pk: Any = None) -> Response:
        """Confirm the fingerprint read over the phone (a first registration or a key change)."""
        peer = self.get_object()
        body = s.ConfirmSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        peer = do_confirm_peer(
            peer,
            fingerprint_digits=body.validated_data["fingerprint_digits"],
            acting_user=acting_user(request),
        )
        return self.reply(s.PeerSerializer, peer)

    @extend_schema(request=s.ReasonSerializer, responses=s.PeerSerializer)
    @action(detail=True, methods=["post"])
    @scope_action("confirm")
    def block(self, request: Request, pk: Any = None) -> Response:
        peer = self.get_object()
        body = s.ReasonSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        peer = do_block_peer(peer, reason=body.validated_data["reason"], acting_user=acting_user(request))
        return self.reply(s.PeerSerializer, peer)


class ThreadViewSet(ScopedReadOnlyViewSet):
    """Conversations in the mailboxes of the centres in scope (subject only in the detail)."""

    queryset = (
        Thread.objects.select_related("centre")
        .prefetch_related("participants")
        .annotate(
            unread=Count(
                "messages",
                filter=Q(messages__direction="in", messages__read_at__isnull=True),
            )
        )
    )
    serializer_class = s.ThreadSerializer
    filterset_class = ThreadFilterSet

    def get_serializer_class(self) -> Any:
        return s.ThreadDetailSerializer if self.action == "retrieve" else s.ThreadSerializer


class MessageViewSet(mixins.CreateModelMixin, ScopedReadOnlyViewSet):
    """Messages in the mailboxes in scope. The detail carries the decrypted content."""

    queryset = Message.objects.select_related("centre", "envelope__sender", "case").prefetch_related(
        Prefetch("receipts", queryset=Receipt.objects.select_related("centre"))
    )
    serializer_class = s.MessageSerializer
    filterset_class = MessageFilterSet

    def get_serializer_class(self) -> Any:
        if self.action == "create":
            return s.MessageSendSerializer
        return s.MessageDetailSerializer if self.action in ("retrieve", "read") else s.MessageSerializer

    @extend_schema(request=s.MessageSendSerializer, responses={201: s.MessageDetailSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Write to one or more centres (a new thread, or ``thread`` to reply)."""
        body = s.MessageSendSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        data = body.validated_data
        codes = list(dict.fromkeys(data["recipients"]))
        recipients = list(Centre.objects.filter(code__in=codes))
        missing = sorted(set(codes) - {centre.code for centre in recipients})
        if missing:
            raise ValidationError(
                {"recipients": [errors.message_for(errors.UNKNOWN_SENDER) + " " + ", ".join(missing)]}
            )
        message = do_send_message(
            Draft(
                sender=data["sender"],
                recipients=recipients,
                subject=data["subject"],
                text=data["text"],
                priority=data["priority"],
                requires_ack=data["requires_ack"],
                thread=data.get("thread"),
                attachments=[
                    OutgoingAttachment(item["name"], item["content_type"], item["content"])
                    for item in data["attachments"]
                ],
                references=[Reference(**item) for item in data["references"]],
            ),
            acting_user=acting_user(request),
        )
        return self.reply(s.MessageDetailSerializer, message, status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=s.MessageDetailSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request: Request, pk: Any = None) -> Response:
        """Mark a received message read (the sender gets a signed read receipt) and return it."""
        message = self.get_object()
        try:
            do_open_message(message, acting_user=acting_user(request))
        except errors.Refusal as refusal:
            raise _refusal(refusal) from None
        message.refresh_from_db()
        return self.reply(s.MessageDetailSerializer, message)

    @extend_schema(request=s.AcknowledgeSerializer, responses=s.MessageSerializer)
    @action(detail=True, methods=["post"])
    @scope_action("acknowledge")
    def acknowledge(self, request: Request, pk: Any = None) -> Response:
        """Acknowledge a message that asked for it (a signed acknowledgment goes to the sender)."""
        message = self.get_object()
        body = s.AcknowledgeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        message = do_acknowledge_message(
            message, acting_user=acting_user(request), note=body.validated_data["note"]
        )
        return self.reply(s.MessageSerializer, message)

    @extend_schema(request=s.OpenCaseSerializer, responses={201: s.MessageSerializer})
    @action(detail=True, methods=["post"], url_path="open-case")
    def open_case(self, request: Request, pk: Any = None) -> Response:
        """Turn a message into a case of the receiving centre."""
        message = self.get_object()
        # Refused before the body is read: the same 404 as a missing message.
        if message.direction != Direction.INCOMING or not may_open_case(acting_user(request), message):
            raise refuse(request.user, message, action="open_case")
        body = s.OpenCaseSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        category = Category.objects.filter(code=data["category"], is_active=True).first()
        if category is None:
            raise ValidationError({"category": [errors.message_for(errors.UNKNOWN_CATEGORY)]})
        try:
            message = do_open_case_from_message(
                message,
                kind=data["kind"],
                category=category,
                title=data["title"],
                latitude=data["latitude"],
                longitude=data["longitude"],
                deadline=data["deadline"],
                acting_user=acting_user(request),
            )
        except errors.Refusal as refusal:
            raise _refusal(refusal) from None
        return self.reply(s.MessageSerializer, message, 201)

    @extend_schema(
        request=None,
        responses={
            (200, "application/octet-stream"): OpenApiResponse(description="The attachment, decrypted.")
        },
    )
    @action(detail=True, methods=["get"], url_path=r"attachments/(?P<index>[0-9]{1,3})")
    def attachment(self, request: Request, pk: Any = None, index: str = "0") -> HttpResponse:
        """Download attachment ``index`` (from 0), decrypted for this response only."""
        message = self.get_object()
        try:
            info, data = read_attachment(message, int(index))
        except errors.Refusal as refusal:
            raise _refusal(refusal, "index") from None
        response = HttpResponse(data, content_type="application/octet-stream")
        response["Content-Disposition"] = "attachment; filename*=UTF-8''" + _quote(info.name)
        response["X-Content-Type-Options"] = "nosniff"
        return response


def _quote(name: str) -> str:
    from urllib.parse import quote

    return quote(name, safe="")


class DeliveryViewSet(ScopedReadOnlyViewSet):
    """The outbox: each envelope or key bundle pushed to a peer node, and how it went."""

    queryset = Delivery.objects.select_related("sender", "envelope")
    serializer_class = s.DeliverySerializer
    filterset_class = DeliveryFilterSet


class JointGroupViewSet(mixins.CreateModelMixin, ScopedReadOnlyViewSet):
    """Joint working groups across centres (local and on other nodes)."""

    queryset = JointGroup.objects.select_related("working_group", "owner").prefetch_related("members")
    serializer_class = s.JointGroupSerializer
    filterset_class = JointGroupFilterSet

    def get_serializer_class(self) -> Any:
        return s.JointGroupCreateSerializer if self.action == "create" else s.JointGroupSerializer

    @extend_schema(request=s.JointGroupCreateSerializer, responses={201: s.JointGroupSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Make a working group joint with peer centres on other nodes."""
        body = s.JointGroupCreateSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        codes = list(dict.fromkeys(body.validated_data["peers"]))
        peers = list(Centre.objects.filter(code__in=codes, is_local=False))
        if len(peers) != len(codes):
            raise ValidationError({"peers": [errors.message_for(errors.UNKNOWN_SENDER)]})
        group = do_make_joint_group(
            body.validated_data["working_group"], peers=peers, acting_user=acting_user(request)
        )
        return self.reply(s.JointGroupSerializer, group, 201)


class GroupTaskViewSet(mixins.CreateModelMixin, ScopedReadOnlyViewSet):
    """The shared task lists of the joint working groups."""

    queryset = GroupTask.objects.select_related("group", "assigned_centre", "changed_by_centre", "case")
    serializer_class = s.GroupTaskSerializer
    filterset_class = GroupTaskFilterSet

    def get_serializer_class(self) -> Any:
        return s.GroupTaskCreateSerializer if self.action == "create" else s.GroupTaskSerializer

    def _member(self, group: JointGroup, code: str, field: str) -> Centre:
        centre: Centre | None = group.members.filter(code=code).first()
        if centre is None:
            raise ValidationError({field: [errors.message_for(errors.NOT_A_MEMBER)]})
        return centre

    @extend_schema(request=s.GroupTaskCreateSerializer, responses={201: s.GroupTaskSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        body = s.GroupTaskCreateSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        data = body.validated_data
        group: JointGroup = data["group"]
        task = do_add_group_task(
            group,
            centre=self._member(group, data["centre"], "centre"),
            title=data["title"],
            description=data["description"],
            assigned_centre=self._member(group, data["assigned_centre"], "assigned_centre"),
            due_date=data["due_date"],
            category=data["category"],
            acting_user=acting_user(request),
        )
        return self.reply(s.GroupTaskSerializer, task, 201)

    @extend_schema(request=s.TaskStatusSerializer, responses=s.GroupTaskSerializer)
    @action(detail=True, methods=["post"])
    @scope_action("change")
    def status(self, request: Request, pk: Any = None) -> Response:
        """Mark a joint task done or open again; every member node follows."""
        task = self.get_object()
        body = s.TaskStatusSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        centre = self._member(task.group, body.validated_data["centre"], "centre")
        task = do_set_group_task_status(
            task, centre=centre, status=body.validated_data["status"], acting_user=acting_user(request)
        )
        return self.reply(s.GroupTaskSerializer, task)
