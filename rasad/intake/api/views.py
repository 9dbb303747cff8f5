"""The intake API: submit a document and get its proposals; accept, reject or correct them;
read the people recorded; administrators keep the alias list."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from rasad.api import parsers
from rasad.api.viewsets import ScopedModelViewSet, ScopedReadOnlyViewSet, ScopedViewSetMixin, scope_action
from rasad.api.writes import acting_user
from rasad.core.access import access_object
from rasad.intake.actions import (
    Acceptance,
    AliasValues,
    SubmissionValues,
    do_accept_proposals,
    do_add_alias,
    do_correct_proposal,
    do_delete_alias,
    do_delete_document,
    do_reject_proposals,
    do_submit_document,
    do_update_alias,
)
from rasad.intake.api.serializers import (
    AcceptSerializer,
    IntakeDocumentSerializer,
    IntakeSubmissionSerializer,
    KnownPersonSerializer,
    OrganizationAliasSerializer,
    ProposalCorrectionSerializer,
    ProposalSerializer,
    RejectSerializer,
)
from rasad.intake.filtersets import (
    IntakeDocumentFilterSet,
    KnownPersonFilterSet,
    OrganizationAliasFilterSet,
    ProposalFilterSet,
)
from rasad.intake.models import IntakeDocument, KnownPerson, OrganizationAlias, Proposal
from rasad.intake.reading import read_pasted, read_upload


class IntakeDocumentViewSet(
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
):
    """Documents submitted for intake, each with its proposals. ``POST`` reads pasted ``text`` (JSON
    or form) or an uploaded ``file`` (multipart: .txt, .docx, or .pdf with a text layer) and answers
    with the stored document and the engine's proposals."""

    queryset = IntakeDocument.objects.select_related("organization", "submitted_by").prefetch_related(
        "proposals__record_type"
    )
    serializer_class = IntakeDocumentSerializer
    filterset_class = IntakeDocumentFilterSet
    parser_classes = [parsers.JSONParser, parsers.MultiPartParser, parsers.FormParser]
    http_method_names = ["get", "post", "delete", "head", "options"]

    @extend_schema(request=IntakeSubmissionSerializer, responses={201: IntakeDocumentSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        submission = self.read_body(IntakeSubmissionSerializer)
        data = submission.validated_data
        upload = data.get("file")
        read = read_upload(upload.name, upload.read()) if upload else read_pasted(data["text"])
        document = do_submit_document(
            SubmissionValues(read, data["organization"], data.get("title") or "", data.get("document_date")),
            acting_user=acting_user(request),
        )
        body = IntakeDocumentSerializer(document, context=self.get_serializer_context()).data
        return Response(body, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance: IntakeDocument) -> None:
        do_delete_document(instance, acting_user=acting_user(self.request))

    def _reviewable(self, pk: Any) -> IntakeDocument:
        document: IntakeDocument = access_object(
            IntakeDocument.objects.all(), self.request.user, pk, action="review"
        )
        return document

    @extend_schema(request=AcceptSerializer, responses=IntakeDocumentSerializer)
    @action(detail=True, methods=["post"])
    @scope_action("review")
    def accept(self, request: Request, pk: Any = None) -> Response:
        """Accept several proposals at once, each as its default target or the one named, with
        corrected values; all of them or none."""
        document = self._reviewable(pk)
        serializer = self.read_body(AcceptSerializer)
        items = serializer.validated_data["proposals"]
        proposals = {p.pk: p for p in document.proposals.filter(pk__in=[i["proposal"] for i in items])}
        acceptances = []
        for item in items:
            proposal = proposals.get(item["proposal"])
            if proposal is None:
                from django.core.exceptions import ValidationError

                raise ValidationError({"proposals": [_("A proposal does not belong to this document.")]})
            acceptances.append(Acceptance(proposal, item.get("target") or "", item.get("values") or {}))
        do_accept_proposals(document, acceptances, acting_user=acting_user(request))
        document = IntakeDocument.objects.get(pk=document.pk)
        return self.reply(IntakeDocumentSerializer, document)

    @extend_schema(request=RejectSerializer, responses=IntakeDocumentSerializer)
    @action(detail=True, methods=["post"])
    @scope_action("review")
    def reject(self, request: Request, pk: Any = None) -> Response:
        document = self._reviewable(pk)
        serializer = self.read_body(RejectSerializer)
        ids = serializer.validated_data["proposals"]
        proposals = list(document.proposals.filter(pk__in=ids))
        if len(proposals) != len(set(ids)):
            from django.core.exceptions import ValidationError

            raise ValidationError({"proposals": [_("A proposal does not belong to this document.")]})
        do_reject_proposals(document, proposals, acting_user=acting_user(request))
        document = IntakeDocument.objects.get(pk=document.pk)
        return self.reply(IntakeDocumentSerializer, document)


class ProposalViewSet(
    ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.UpdateModelMixin
):
    """Proposals of the documents in scope. ``PATCH`` corrects a pending one (``{"values": {...}}``);
    naming the right organization adds an alias for the words the document used."""

    queryset = Proposal.objects.select_related("document__organization", "record_type")
    serializer_class = ProposalSerializer
    filterset_class = ProposalFilterSet
    http_method_names = ["get", "patch", "head", "options"]

    @extend_schema(request=ProposalCorrectionSerializer, responses=ProposalSerializer)
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        proposal = self.get_object()
        serializer = self.read_body(ProposalCorrectionSerializer)
        changes = serializer.validated_data.get("values") or {}
        if changes:
            proposal = do_correct_proposal(proposal, changes, acting_user=acting_user(request))
        return self.reply(ProposalSerializer, proposal)


class OrganizationAliasViewSet(ScopedModelViewSet):
    """Other names organizations go by; the extraction engine looks them up like names."""

    queryset = OrganizationAlias.objects.select_related("organization", "created_by")
    serializer_class = OrganizationAliasSerializer
    filterset_class = OrganizationAliasFilterSet
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def perform_create(self, serializer: BaseSerializer[Any]) -> None:
        data = serializer.validated_data
        serializer.instance = do_add_alias(
            AliasValues(data["organization"], data["alias"]), acting_user=acting_user(self.request)
        )

    def perform_update(self, serializer: BaseSerializer[Any]) -> None:
        alias = serializer.instance
        assert isinstance(alias, OrganizationAlias)
        data = serializer.validated_data
        serializer.instance = do_update_alias(
            alias,
            AliasValues(data.get("organization", alias.organization), data.get("alias", alias.alias)),
            acting_user=acting_user(self.request),
        )

    def perform_destroy(self, instance: OrganizationAlias) -> None:
        do_delete_alias(instance, acting_user=acting_user(self.request))


class KnownPersonViewSet(ScopedReadOnlyViewSet):
    """People recorded from documents (created by accepting a person proposal)."""

    queryset = KnownPerson.objects.select_related("organization")
    serializer_class = KnownPersonSerializer
    filterset_class = KnownPersonFilterSet
