"""The media API: member agencies of a media headquarters, statements (draft, review, approval,
issue, new versions, files) and the agencies' receipts (acknowledge, answer). Every write is an
action of ``rasad.media.actions``; scope is applied by the base viewsets."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from rasad.api import parsers
from rasad.api.viewsets import ScopedModelViewSet, ScopedReadOnlyViewSet
from rasad.core.models import User
from rasad.media.actions import (
    Deadline,
    ResponseValues,
    do_acknowledge,
    do_add_member_agency,
    do_add_statement_attachment,
    do_approve_statement,
    do_issue_statement,
    do_respond,
    do_return_statement,
    do_revise_statement,
    do_save_statement,
    do_submit_statement,
)
from rasad.media.api.serializers import (
    IssueSerializer,
    MemberAgencySerializer,
    RecipientSerializer,
    ResponseSerializer,
    ReturnSerializer,
    StatementAttachmentSerializer,
    StatementFileUploadSerializer,
    StatementSerializer,
)
from rasad.media.filtersets import MemberAgencyFilterSet, RecipientFilterSet, StatementFilterSet
from rasad.media.models import MemberAgency, Recipient, Statement


def _actor(request: Request) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


class MemberAgencyViewSet(ScopedModelViewSet):
    """The agencies each media headquarters coordinates. ``POST`` adds one."""

    queryset = MemberAgency.objects.select_related("hq", "agency")
    serializer_class = MemberAgencySerializer
    filterset_class = MemberAgencyFilterSet
    http_method_names = ["get", "post", "head", "options"]

    def perform_create(self, serializer: BaseSerializer[Any]) -> None:
        data = serializer.validated_data
        serializer.instance = do_add_member_agency(
            data["hq"], data["agency"], acting_user=_actor(self.request), joined_on=data.get("joined_on")
        )


class StatementViewSet(ScopedModelViewSet):
    """Statements and talking points. ``POST`` drafts one; ``PATCH`` changes a draft (an issued
    statement is never changed: ``POST .../revise/`` drafts its next version). The steps:
    ``submit`` (for review), ``approve``, ``return`` (to draft), ``issue`` (to member agencies, with
    the deadline); ``attachments`` adds a file to a draft."""

    queryset = Statement.objects.select_related("organization", "previous").prefetch_related("attachments")
    serializer_class = StatementSerializer
    filterset_class = StatementFilterSet
    http_method_names = ["get", "post", "patch", "head", "options"]

    def perform_create(self, serializer: BaseSerializer[Any]) -> None:
        assert isinstance(serializer, StatementSerializer)
        serializer.instance = do_save_statement(serializer.to_values(), acting_user=_actor(self.request))

    def perform_update(self, serializer: BaseSerializer[Any]) -> None:
        assert isinstance(serializer, StatementSerializer) and isinstance(serializer.instance, Statement)
        serializer.instance = do_save_statement(
            serializer.to_values(serializer.instance),
            acting_user=_actor(self.request),
            instance=serializer.instance,
        )

    def _answer(self, statement: Statement, code: int = status.HTTP_200_OK) -> Response:
        fresh = (
            self.get_queryset().model.objects.select_related("organization", "previous").get(pk=statement.pk)
        )
        return Response(StatementSerializer(fresh, context=self.get_serializer_context()).data, status=code)

    @extend_schema(request=None, responses=StatementSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: Any = None) -> Response:
        """Send a draft for review."""
        return self._answer(do_submit_statement(self.get_object(), acting_user=_actor(request)))

    submit.scope_action = "change"  # type: ignore[attr-defined]

    @extend_schema(request=None, responses=StatementSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: Any = None) -> Response:
        """Approve a statement in review."""
        return self._answer(do_approve_statement(self.get_object(), acting_user=_actor(request)))

    approve.scope_action = "approve"  # type: ignore[attr-defined]

    @extend_schema(request=ReturnSerializer, responses=StatementSerializer)
    @action(detail=True, methods=["post"], url_path="return")
    def send_back(self, request: Request, pk: Any = None) -> Response:
        """Send a statement in review (or approved) back to draft, with an optional note."""
        statement = self.get_object()
        body = ReturnSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return self._answer(
            do_return_statement(statement, acting_user=_actor(request), note=body.validated_data["note"])
        )

    send_back.scope_action = "approve"  # type: ignore[attr-defined]

    @extend_schema(request=IssueSerializer, responses=StatementSerializer)
    @action(detail=True, methods=["post"])
    def issue(self, request: Request, pk: Any = None) -> Response:
        """Issue an approved statement to member agencies. The deadline is ``deadline_hours``
        working hours (``working``) or clock hours (``clock``) from now, or ``due_at``
        (``fixed``)."""
        statement = self.get_object()
        body = IssueSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        data = body.validated_data
        deadline = Deadline(data["deadline_basis"], data.get("deadline_hours"), data.get("due_at"))
        return self._answer(
            do_issue_statement(statement, list(data["agencies"]), deadline, acting_user=_actor(request))
        )

    issue.scope_action = "issue"  # type: ignore[attr-defined]

    @extend_schema(request=None, responses={201: StatementSerializer})
    @action(detail=True, methods=["post"])
    def revise(self, request: Request, pk: Any = None) -> Response:
        """Draft the next version of an issued statement (both versions are kept)."""
        return self._answer(
            do_revise_statement(self.get_object(), acting_user=_actor(request)), status.HTTP_201_CREATED
        )

    revise.scope_action = "add"  # type: ignore[attr-defined]

    @extend_schema(
        request={"multipart/form-data": StatementFileUploadSerializer},
        responses={201: StatementAttachmentSerializer},
    )
    @action(detail=True, methods=["post"], parser_classes=[parsers.MultiPartParser, parsers.FormParser])
    def attachments(self, request: Request, pk: Any = None) -> Response:
        """Add a file to a draft (PDF, image, Word, Excel, text; at most 10 MB)."""
        statement = self.get_object()
        upload = StatementFileUploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        attachment = do_add_statement_attachment(
            statement, upload.validated_data["file"], acting_user=_actor(request)
        )
        return Response(
            StatementAttachmentSerializer(attachment, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )

    attachments.scope_action = "change"  # type: ignore[attr-defined]


class RecipientViewSet(ScopedReadOnlyViewSet):
    """Statements as issued to each agency, seen by the headquarters and the agency.
    ``acknowledge`` confirms receipt; ``respond`` reports the answer (JSON, or multipart with an
    evidence file)."""

    queryset = Recipient.objects.select_related("statement", "agency")
    serializer_class = RecipientSerializer
    filterset_class = RecipientFilterSet

    def _answer(self, recipient: Recipient) -> Response:
        return Response(RecipientSerializer(recipient, context=self.get_serializer_context()).data)

    @extend_schema(request=None, responses=RecipientSerializer)
    @action(detail=True, methods=["post"])
    def acknowledge(self, request: Request, pk: Any = None) -> Response:
        return self._answer(do_acknowledge(self.get_object(), acting_user=_actor(request)))

    acknowledge.scope_action = "respond"  # type: ignore[attr-defined]

    @extend_schema(
        request={"application/json": ResponseSerializer, "multipart/form-data": ResponseSerializer},
        responses=RecipientSerializer,
    )
    @action(
        detail=True,
        methods=["post"],
        parser_classes=[parsers.JSONParser, parsers.MultiPartParser, parsers.FormParser],
    )
    def respond(self, request: Request, pk: Any = None) -> Response:
        """Published (``channel`` and ``evidence_url`` or ``evidence_file``), not applicable or
        declined (``reason``)."""
        recipient = self.get_object()
        body = ResponseSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        values = ResponseValues(
            outcome=data["outcome"],
            channel=data["channel"],
            evidence_url=data["evidence_url"],
            evidence_file=data["evidence_file"],
            reason=data["reason"],
        )
        return self._answer(do_respond(recipient, values, acting_user=_actor(request)))

    respond.scope_action = "respond"  # type: ignore[attr-defined]
