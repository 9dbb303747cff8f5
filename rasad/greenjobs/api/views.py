"""The green-jobs API: occupations, businesses, schemes and applications with the three
offices' steps as named actions. Every write is an action of ``rasad.greenjobs.actions``; scope
is applied by the base viewsets (an office's step on an application it may not act on is the
404 of a missing one)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from rasad.api.parsers import FormParser, MultiPartParser
from rasad.api.viewsets import ScopedModelViewSet, ScopedReadOnlyViewSet, scope_action
from rasad.api.writes import SavedByActionMixin, acting_user
from rasad.greenjobs.actions import (
    ApplicationValues,
    Correction,
    do_approve_application,
    do_attach_document,
    do_check_eligibility,
    do_close_application,
    do_confirm_compliance,
    do_confirm_training,
    do_create_application,
    do_grant_certificate,
    do_pay_instalment,
    do_record_site_visit,
    do_refuse_application,
    do_refuse_certificate,
    do_report_outcome,
    do_request_certificate,
    do_resubmit_application,
    do_return_application,
    do_save_business,
    do_save_scheme,
    do_submit_application,
)
from rasad.greenjobs.api.serializers import (
    ApplicationSerializer,
    ApproveSerializer,
    BusinessSerializer,
    CertificateGrantSerializer,
    CertificateSerializer,
    CorrectionSerializer,
    DocumentSerializer,
    DocumentUploadSerializer,
    GreenDirectoryEntrySerializer,
    GreenDirectoryPageSerializer,
    GreenReasonSerializer,
    InstalmentInputSerializer,
    NoteSerializer,
    OccupationSerializer,
    OutcomeSerializer,
    SchemeSerializer,
    SiteVisitSerializer,
)
from rasad.greenjobs.directory import DirectoryFilterSet, certified_businesses
from rasad.greenjobs.filtersets import (
    ApplicationFilterSet,
    BusinessFilterSet,
    CertificateFilterSet,
    OccupationFilterSet,
    OutcomeFilterSet,
    SchemeFilterSet,
)
from rasad.greenjobs.models import Application, Business, Certificate, Occupation, OutcomeReport, Scheme
from rasad.lib import formatting

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024


class OccupationViewSet(ScopedReadOnlyViewSet):
    """The catalogue of green occupations (reference data, ISCO-08 and ISIC Rev.4 codes)."""

    queryset = Occupation.objects.all()
    serializer_class = OccupationSerializer
    filterset_class = OccupationFilterSet


class BusinessViewSet(ScopedModelViewSet):
    """The green registry: businesses and workshops with their sector, size and occupations."""

    queryset = Business.objects.select_related("organization__province").prefetch_related("occupations")
    serializer_class = BusinessSerializer
    filterset_class = BusinessFilterSet
    http_method_names = ["get", "post", "patch", "head", "options"]

    def perform_create(self, serializer: BaseSerializer[Any]) -> None:
        assert isinstance(serializer, BusinessSerializer)
        serializer.instance = do_save_business(serializer.to_values(), acting_user=acting_user(self.request))

    # Documented as the page it answers, not as a list route of the registry: the directory is
    # not the viewset's list (it is the same for every caller), but it is paginated like one.
    @extend_schema(
        responses=GreenDirectoryPageSerializer,
        filters=True,
        parameters=[
            OpenApiParameter("limit", int, description="Rows per page (1-1000, default 50)."),
            OpenApiParameter("offset", int, description="Rows to skip (0 or more)."),
        ],
    )
    @action(
        detail=False,
        methods=["get"],
        url_path="directory",
        filterset_class=DirectoryFilterSet,
        serializer_class=GreenDirectoryEntrySerializer,
    )
    def directory(self, request: Request) -> Response:
        """The directory of certified green businesses: every business whose green certificate is
        valid today, whoever asks, with only what the certificate makes public (the rows of the
        public page ``/green/directory/``; places rounded to two decimals of a degree)."""
        rows = self.filter_queryset(certified_businesses())
        page = self.paginate_queryset(rows)
        data = GreenDirectoryEntrySerializer(page, many=True, context=self.get_serializer_context()).data
        return self.get_paginated_response(data)

    def perform_update(self, serializer: BaseSerializer[Any]) -> None:
        assert isinstance(serializer, BusinessSerializer) and isinstance(serializer.instance, Business)
        serializer.instance = do_save_business(
            serializer.to_values(serializer.instance),
            acting_user=acting_user(self.request),
            instance=serializer.instance,
        )


class SchemeViewSet(SavedByActionMixin, ScopedModelViewSet):
    """Incentive schemes: budget, window, eligibility rules, required documents, offices."""

    queryset = Scheme.objects.select_related(
        "organization", "labour_office", "environment_office", "training_office"
    )
    serializer_class = SchemeSerializer
    filterset_class = SchemeFilterSet
    http_method_names = ["get", "post", "patch", "head", "options"]
    save_action = staticmethod(do_save_scheme)


class ApplicationViewSet(ScopedModelViewSet):
    """Applications to incentive schemes. ``POST`` starts a draft; ``.../documents/`` attaches a
    required document; ``.../submit/`` sends it. The offices act with ``check-eligibility``
    (labour), ``confirm-compliance`` (environment), ``confirm-training`` (technical training),
    ``approve`` and ``instalments`` and ``close`` (labour); the office of the current step may
    ``return`` or ``refuse`` it; the business ``resubmit``s a returned one."""

    queryset = Application.objects.select_related(
        "scheme", "business__organization", "organization"
    ).prefetch_related("decisions__decided_by", "documents", "instalments", "outcomes", "outcome_reminders")
    serializer_class = ApplicationSerializer
    filterset_class = ApplicationFilterSet
    http_method_names = ["get", "post", "head", "options"]

    def perform_create(self, serializer: BaseSerializer[Any]) -> None:
        data = serializer.validated_data
        serializer.instance = do_create_application(
            ApplicationValues(
                scheme=data["scheme"],
                business=data["business"],
                amount_requested=data["amount_requested"],
                purpose=data["purpose"],
                jobs_planned=data["jobs_planned"],
            ),
            acting_user=acting_user(self.request),
        )

    def _answer(self, application: Application, code: int = status.HTTP_200_OK) -> Response:
        fresh = self._base_queryset().get(pk=application.pk)
        return self.reply(ApplicationSerializer, fresh, code)

    def _note(self, request: Request) -> str:
        serializer = self.read_body(NoteSerializer)
        return str(serializer.validated_data.get("note", ""))

    @extend_schema(
        request={"multipart/form-data": DocumentUploadSerializer}, responses={201: DocumentSerializer}
    )
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser])
    @scope_action("change")
    def documents(self, request: Request, pk: Any = None) -> Response:
        """Attach a required document (``requirement``: its code) to a draft or returned
        application."""
        application = self.get_object()
        upload = self.read_body(DocumentUploadSerializer)
        file = upload.validated_data["file"]
        if file.size > MAX_DOCUMENT_BYTES:
            raise exceptions.ValidationError({"file": [formatting.file_too_large(MAX_DOCUMENT_BYTES)]})
        document = do_attach_document(
            application, upload.validated_data["requirement"], file, acting_user=acting_user(request)
        )
        return Response(DocumentSerializer(document).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=ApplicationSerializer)
    @action(detail=True, methods=["post"])
    @scope_action("change")
    def submit(self, request: Request, pk: Any = None) -> Response:
        """Send a draft to the offices (the scheme open, every required document attached)."""
        return self._answer(do_submit_application(self.get_object(), acting_user=acting_user(request)))

    @extend_schema(request=CorrectionSerializer, responses=ApplicationSerializer)
    @action(detail=True, methods=["post"])
    @scope_action("change")
    def resubmit(self, request: Request, pk: Any = None) -> Response:
        """Correct a returned application and send it back to the office that returned it."""
        application = self.get_object()
        serializer = self.read_body(CorrectionSerializer)
        data = serializer.validated_data
        correction = Correction(
            amount_requested=data.get("amount_requested"),
            purpose=data.get("purpose"),
            jobs_planned=data.get("jobs_planned"),
            note=data.get("note", ""),
        )
        return self._answer(
            do_resubmit_application(application, correction, acting_user=acting_user(request))
        )

    @extend_schema(request=NoteSerializer, responses=ApplicationSerializer)
    @action(detail=True, methods=["post"], url_path="check-eligibility")
    @scope_action("review")
    def check_eligibility(self, request: Request, pk: Any = None) -> Response:
        """Labour office: the business meets the scheme's rules (priority points recorded)."""
        application = self.get_object()
        return self._answer(
            do_check_eligibility(application, note=self._note(request), acting_user=acting_user(request))
        )

    @extend_schema(request=NoteSerializer, responses=ApplicationSerializer)
    @action(detail=True, methods=["post"], url_path="confirm-compliance")
    @scope_action("review")
    def confirm_compliance(self, request: Request, pk: Any = None) -> Response:
        """Environment office: the business meets the environmental requirements."""
        application = self.get_object()
        return self._answer(
            do_confirm_compliance(application, note=self._note(request), acting_user=acting_user(request))
        )

    @extend_schema(request=NoteSerializer, responses=ApplicationSerializer)
    @action(detail=True, methods=["post"], url_path="confirm-training")
    @scope_action("review")
    def confirm_training(self, request: Request, pk: Any = None) -> Response:
        """Technical-training office: the training the scheme requires was completed."""
        application = self.get_object()
        return self._answer(
            do_confirm_training(application, note=self._note(request), acting_user=acting_user(request))
        )

    @extend_schema(request=ApproveSerializer, responses=ApplicationSerializer)
    @action(detail=True, methods=["post"])
    @scope_action("approve")
    def approve(self, request: Request, pk: Any = None) -> Response:
        """Labour office: approve an amount, within what remains of the scheme's budget."""
        application = self.get_object()
        serializer = self.read_body(ApproveSerializer)
        data = serializer.validated_data
        return self._answer(
            do_approve_application(
                application, data["amount"], note=data.get("note", ""), acting_user=acting_user(request)
            )
        )

    @extend_schema(request=InstalmentInputSerializer, responses={201: ApplicationSerializer})
    @action(detail=True, methods=["post"])
    @scope_action("approve")
    def instalments(self, request: Request, pk: Any = None) -> Response:
        """Labour office: record an instalment paid (never beyond the approved amount)."""
        application = self.get_object()
        serializer = self.read_body(InstalmentInputSerializer)
        data = serializer.validated_data
        do_pay_instalment(
            application,
            data["amount"],
            paid_on=data["paid_on"],
            reference=data.get("reference", ""),
            acting_user=acting_user(request),
        )
        return self._answer(application, status.HTTP_201_CREATED)

    @extend_schema(request=NoteSerializer, responses=ApplicationSerializer)
    @action(detail=True, methods=["post"])
    @scope_action("approve")
    def close(self, request: Request, pk: Any = None) -> Response:
        """Labour office: close a paid application; what was not paid returns to the budget."""
        application = self.get_object()
        return self._answer(
            do_close_application(application, note=self._note(request), acting_user=acting_user(request))
        )

    @extend_schema(request=GreenReasonSerializer, responses=ApplicationSerializer)
    @action(detail=True, methods=["post"], url_path="return")
    @scope_action("review")
    def send_back(self, request: Request, pk: Any = None) -> Response:
        """The office of the current step returns the application for correction."""
        application = self.get_object()
        serializer = self.read_body(GreenReasonSerializer)
        return self._answer(
            do_return_application(
                application, reason=serializer.validated_data["reason"], acting_user=acting_user(request)
            )
        )

    @extend_schema(request=GreenReasonSerializer, responses=ApplicationSerializer)
    @action(detail=True, methods=["post"])
    @scope_action("review")
    def refuse(self, request: Request, pk: Any = None) -> Response:
        """The office of the current step refuses the application, with reasons."""
        application = self.get_object()
        serializer = self.read_body(GreenReasonSerializer)
        return self._answer(
            do_refuse_application(
                application, reason=serializer.validated_data["reason"], acting_user=acting_user(request)
            )
        )


class CertificateViewSet(ScopedModelViewSet):
    """Green certificates. ``POST`` asks the environment office to certify a business (with its
    greening checklist) or to renew a certificate; the office records its ``visit``, then
    ``grant``s the certificate for some months or ``refuse``s it with reasons."""

    queryset = Certificate.objects.select_related("business__organization", "office", "organization")
    serializer_class = CertificateSerializer
    filterset_class = CertificateFilterSet
    http_method_names = ["get", "post", "head", "options"]

    def perform_create(self, serializer: BaseSerializer[Any]) -> None:
        data = serializer.validated_data
        serializer.instance = do_request_certificate(
            data["business"],
            office=data["office"],
            assessment=data.get("assessment"),
            renews=data.get("renews"),
            acting_user=acting_user(self.request),
        )

    def _answer(self, certificate: Certificate) -> Response:
        fresh = self._base_queryset().get(pk=certificate.pk)
        return self.reply(CertificateSerializer, fresh)

    @extend_schema(request=SiteVisitSerializer, responses=CertificateSerializer)
    @action(detail=True, methods=["post"])
    @scope_action("certify")
    def visit(self, request: Request, pk: Any = None) -> Response:
        """Environment office: the day of the site visit and its findings."""
        certificate = self.get_object()
        serializer = self.read_body(SiteVisitSerializer)
        data = serializer.validated_data
        return self._answer(
            do_record_site_visit(
                certificate,
                visited_on=data["visited_on"],
                findings=data["findings"],
                acting_user=acting_user(request),
            )
        )

    @extend_schema(request=CertificateGrantSerializer, responses=CertificateSerializer)
    @action(detail=True, methods=["post"])
    @scope_action("certify")
    def grant(self, request: Request, pk: Any = None) -> Response:
        """Environment office: grant the certificate for ``valid_months`` Jalali months."""
        certificate = self.get_object()
        serializer = self.read_body(CertificateGrantSerializer)
        return self._answer(
            do_grant_certificate(
                certificate,
                valid_months=serializer.validated_data["valid_months"],
                acting_user=acting_user(request),
            )
        )

    @extend_schema(request=GreenReasonSerializer, responses=CertificateSerializer)
    @action(detail=True, methods=["post"])
    @scope_action("certify")
    def refuse(self, request: Request, pk: Any = None) -> Response:
        """Environment office: refuse the certification, with reasons."""
        certificate = self.get_object()
        serializer = self.read_body(GreenReasonSerializer)
        return self._answer(
            do_refuse_certificate(
                certificate, reason=serializer.validated_data["reason"], acting_user=acting_user(request)
            )
        )


class OutcomeViewSet(ScopedModelViewSet):
    """Outcome reports of funded applications: ``POST`` by the business (six or twelve months
    after its first payment, once each); read where the application is read."""

    queryset = OutcomeReport.objects.select_related("application", "organization")
    serializer_class = OutcomeSerializer
    filterset_class = OutcomeFilterSet
    http_method_names = ["get", "post", "head", "options"]

    def perform_create(self, serializer: BaseSerializer[Any]) -> None:
        assert isinstance(serializer, OutcomeSerializer)
        serializer.instance = do_report_outcome(
            serializer.validated_data["application"],
            serializer.to_values(),
            acting_user=acting_user(self.request),
        )
