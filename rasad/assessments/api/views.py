"""The assessments API: instruments (read, import from a spreadsheet, export, publish, new
version), cycles (create, launch, close, ranking) and assessments (answers, evidence,
submission, assessors, reviews, consensus, finalization). Every write is an action of
``rasad.assessments.actions``; scope is applied by the base viewsets."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from rasad.api import parsers
from rasad.api.viewsets import ScopedModelViewSet, ScopedReadOnlyViewSet, scope_action
from rasad.api.writes import acting_user, import_answer
from rasad.assessments.actions import (
    FeedbackValues,
    do_add_evidence,
    do_agree_consensus,
    do_assign_assessor,
    do_close_cycle,
    do_delete_part,
    do_fill_indicator_answers,
    do_finalize_assessment,
    do_import_bands,
    do_import_instrument,
    do_launch_cycle,
    do_move_part,
    do_name_audit,
    do_new_version,
    do_publish_instrument,
    do_reopen_assessment,
    do_replace_structure,
    do_save_answers,
    do_save_audit_scores,
    do_save_criterion,
    do_save_cycle,
    do_save_feedback,
    do_save_item,
    do_save_review_scores,
    do_save_section,
    do_set_bands,
    do_submit_assessment,
    do_submit_review,
    do_withdraw_assessor,
)
from rasad.assessments.actions.assessments import audit_of
from rasad.assessments.actions.risks import (
    RISK,
    RatingValues,
    do_add_risk_action,
    do_complete_risk_action,
    do_propose_risk,
    do_rate_risk,
    require_register,
)
from rasad.assessments.api.serializers import (
    AnswersSerializer,
    AssessmentComplianceSerializer,
    AssessmentEvidenceSerializer,
    AssessmentReasonSerializer,
    AssessmentSerializer,
    AssessmentWithdrawSerializer,
    AssignSerializer,
    AuditNameSerializer,
    BandsInputSerializer,
    CriterionInputSerializer,
    CycleSerializer,
    EvidenceUploadSerializer,
    FeedbackInputSerializer,
    FileSerializer,
    HeatMapsSerializer,
    IndicatorFigureSerializer,
    InstrumentImportSerializer,
    InstrumentSerializer,
    ItemInputSerializer,
    PartMoveSerializer,
    PartRefSerializer,
    ProposeRiskSerializer,
    RankingSerializer,
    ReviewScoresSerializer,
    RiskActionInputSerializer,
    RiskActionSerializer,
    RiskRatingInputSerializer,
    RiskRatingSerializer,
    RiskSerializer,
    SectionInputSerializer,
    WaitingAssessmentSerializer,
    WaitingSerializer,
)
from rasad.assessments.choices import ReviewKind, Stage
from rasad.assessments.compliance import compliance, compliance_data, parse_cycle, visible_for
from rasad.assessments.feedback_report import fallback_name as feedback_fallback_name
from rasad.assessments.feedback_report import feedback_pdf
from rasad.assessments.feedback_report import file_name as feedback_file_name
from rasad.assessments.filtersets import (
    AssessmentFilterSet,
    CycleFilterSet,
    InstrumentFilterSet,
    RiskFilterSet,
)
from rasad.assessments.indicator_answers import figures
from rasad.assessments.models import (
    Assessment,
    Criterion,
    Cycle,
    Finding,
    Instrument,
    Item,
    ItemScore,
    Review,
    RiskAction,
    RiskRating,
    Section,
)
from rasad.assessments.results import cycle_results
from rasad.assessments.risks import RiskRatingImporter, heat_map_data, heat_maps
from rasad.assessments.spreadsheet import bands_file, file_type_of, instrument_file
from rasad.cases.models import Case
from rasad.core.access import refusal
from rasad.core.api.serializers import ImportReportSerializer, ImportUploadSerializer
from rasad.core.models import User
from rasad.lib import formatting
from rasad.lib.downloads import attachment_header, content_download
from rasad.lib.tabular import XLSX_TYPE

MAX_UPLOAD = 5 * 1024 * 1024


def _require_lead(assessment: Assessment, user: User) -> None:
    """Only the lead assessor agrees the consensus and writes the feedback: anyone else gets the
    404 of a missing assessment, before the body is read."""
    if not Review.objects.filter(
        assessment=assessment, reviewer=user, kind=ReviewKind.ASSESSOR, is_lead=True
    ).exists():
        raise refusal()


def _file_bytes(upload: Any) -> bytes:
    if upload.size > MAX_UPLOAD:
        raise serializers.ValidationError({"file": [formatting.file_too_large(MAX_UPLOAD)]})
    return bytes(upload.read())


def instrument_response(instrument: Instrument, file_type: str) -> HttpResponse:
    content, content_type, name = instrument_file(instrument, file_type)
    return content_download(content, name, content_type)


class InstrumentViewSet(ScopedReadOnlyViewSet):
    """Assessment instruments (checklists and award models), each version with its sections,
    criteria, items and bands. Published versions are read by everyone who reads instruments;
    drafts only in their owner's scope."""

    queryset = Instrument.objects.select_related("owner").prefetch_related(
        "bands", "sections__criteria__items__indicator"
    )
    serializer_class = InstrumentSerializer
    filterset_class = InstrumentFilterSet

    @extend_schema(
        request={"multipart/form-data": InstrumentImportSerializer},
        responses={201: InstrumentSerializer},
    )
    @action(
        detail=False,
        methods=["post"],
        url_path="import",
        parser_classes=[parsers.MultiPartParser, parsers.FormParser],
    )
    @scope_action("add")
    def import_file(self, request: Request) -> Response:
        """A new instrument (a draft) from a spreadsheet: every bad row is reported, and nothing
        is written unless the whole file is valid."""
        serializer = self.read_body(InstrumentImportSerializer)
        upload = serializer.validated_data["file"]
        instrument = do_import_instrument(
            serializer.to_values(), _file_bytes(upload), upload.name, acting_user=acting_user(request)
        )
        return self.reply(InstrumentSerializer, instrument, status.HTTP_201_CREATED)

    @extend_schema(
        request={"multipart/form-data": FileSerializer},
        responses={200: InstrumentSerializer},
    )
    @action(detail=True, methods=["post"], parser_classes=[parsers.MultiPartParser, parsers.FormParser])
    @scope_action("change")
    def structure(self, request: Request, pk: Any = None) -> Response:
        """Replace the structure from a spreadsheet (in the next version when a cycle uses this
        one)."""
        instrument = self.get_object()
        serializer = self.read_body(FileSerializer)
        upload = serializer.validated_data["file"]
        target = do_replace_structure(
            instrument, _file_bytes(upload), upload.name, acting_user=acting_user(request)
        )
        return self.reply(InstrumentSerializer, target)

    @extend_schema(
        parameters=[OpenApiParameter("file_type", str, enum=["xlsx", "csv"])],
        responses={(200, XLSX_TYPE): bytes, (200, "text/csv"): bytes},
        filters=False,
    )
    @action(detail=True, methods=["get"], pagination_class=None, filterset_class=None)
    def spreadsheet(self, request: Request, pk: Any = None) -> HttpResponse:
        """The structure as a spreadsheet in the import format (``?file_type=csv`` for CSV)."""
        instrument = self.get_object()
        return instrument_response(instrument, file_type_of(request.query_params.get("file_type")))

    @extend_schema(request=BandsInputSerializer, responses=InstrumentSerializer)
    @action(detail=True, methods=["post"])
    @scope_action("change")
    def bands(self, request: Request, pk: Any = None) -> Response:
        """Replace the version's bands: ``{"bands": [{"name": "...", "minimum": 600}, ...]}`` (in
        the next version when a cycle uses this one; the answer is the version changed)."""
        instrument = self.get_object()
        serializer = self.read_body(BandsInputSerializer)
        written = do_set_bands(instrument, serializer.to_values(), acting_user=acting_user(request))
        return self._instrument(written.instrument)

    @extend_schema(
        request={"multipart/form-data": FileSerializer},
        responses={200: InstrumentSerializer},
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="bands-import",
        parser_classes=[parsers.MultiPartParser, parsers.FormParser],
    )
    @scope_action("change")
    def bands_import(self, request: Request, pk: Any = None) -> Response:
        """Replace the version's bands from a spreadsheet in the format of ``bands-spreadsheet``:
        every bad row is reported and nothing changes unless the whole file is valid."""
        instrument = self.get_object()
        serializer = self.read_body(FileSerializer)
        upload = serializer.validated_data["file"]
        written = do_import_bands(
            instrument, _file_bytes(upload), upload.name, acting_user=acting_user(request)
        )
        return self._instrument(written.instrument)

    @extend_schema(
        parameters=[OpenApiParameter("file_type", str, enum=["xlsx", "csv"])],
        responses={(200, XLSX_TYPE): bytes, (200, "text/csv"): bytes},
        filters=False,
    )
    @action(
        detail=True,
        methods=["get"],
        url_path="bands-spreadsheet",
        pagination_class=None,
        filterset_class=None,
    )
    def bands_spreadsheet(self, request: Request, pk: Any = None) -> HttpResponse:
        """The version's bands as a spreadsheet (``?file_type=csv`` for CSV), lowest first."""
        instrument = self.get_object()
        file_type = file_type_of(request.query_params.get("file_type"))
        content, content_type, name = bands_file(instrument, file_type)
        return content_download(content, name, content_type)

    def _save_part(self, request: Request, input_class: Any, model: type[Any], save: Any) -> Response:
        instrument = self.get_object()
        serializer = input_class(data=request.data, context={"instrument": instrument})
        serializer.is_valid(raise_exception=True)
        existing = serializer.existing(model)
        written = save(
            instrument,
            serializer.to_values(existing),
            acting_user=acting_user(request),
            **{model._meta.model_name: existing},
        )
        return self._instrument(written.instrument)

    @extend_schema(request=SectionInputSerializer, responses=InstrumentSerializer)
    @action(detail=True, methods=["post"])
    @scope_action("change")
    def sections(self, request: Request, pk: Any = None) -> Response:
        """Add a section, or change the one with this code (in the next version when a cycle uses
        this one; the answer is the version changed)."""
        return self._save_part(request, SectionInputSerializer, Section, do_save_section)

    @extend_schema(request=CriterionInputSerializer, responses=InstrumentSerializer)
    @action(detail=True, methods=["post"])
    @scope_action("change")
    def criteria(self, request: Request, pk: Any = None) -> Response:
        """Add a criterion to the section with code ``section``, or change the one with this code
        (in the next version when a cycle uses this one)."""
        return self._save_part(request, CriterionInputSerializer, Criterion, do_save_criterion)

    @extend_schema(request=ItemInputSerializer, responses=InstrumentSerializer)
    @action(detail=True, methods=["post"])
    @scope_action("change")
    def items(self, request: Request, pk: Any = None) -> Response:
        """Add an item to the criterion with code ``criterion``, or change the one with this code:
        words, weight, type, range, options, the indicator that answers it (in the next version
        when a cycle uses this one)."""
        return self._save_part(request, ItemInputSerializer, Item, do_save_item)

    @extend_schema(request=PartMoveSerializer, responses=InstrumentSerializer)
    @action(detail=True, methods=["post"], url_path="move-part")
    @scope_action("change")
    def move_part(self, request: Request, pk: Any = None) -> Response:
        """Move a part one place ``up`` or ``down`` among its siblings:
        ``{"kind": "item", "code": "A1.2", "direction": "up"}``."""
        serializer = PartMoveSerializer(data=request.data, context={"instrument": self.get_object()})
        serializer.is_valid(raise_exception=True)
        written = do_move_part(
            serializer.part(), serializer.validated_data["direction"], acting_user=acting_user(request)
        )
        return self._instrument(written.instrument)

    @extend_schema(request=PartRefSerializer, responses=InstrumentSerializer)
    @action(detail=True, methods=["post"], url_path="delete-part")
    @scope_action("change")
    def delete_part(self, request: Request, pk: Any = None) -> Response:
        """Delete a section (with its criteria and items), a criterion (with its items) or an
        item: ``{"kind": "criterion", "code": "A1"}``."""
        serializer = PartRefSerializer(data=request.data, context={"instrument": self.get_object()})
        serializer.is_valid(raise_exception=True)
        written = do_delete_part(serializer.part(), acting_user=acting_user(request))
        return self._instrument(written.instrument)

    def _instrument(self, instrument: Instrument) -> Response:
        fresh = Instrument.objects.prefetch_related("bands", "sections__criteria__items__indicator")
        return Response(
            InstrumentSerializer(fresh.get(pk=instrument.pk), context=self.get_serializer_context()).data
        )

    @extend_schema(request=None, responses=InstrumentSerializer)
    @action(detail=True, methods=["post"])
    @scope_action("publish")
    def publish(self, request: Request, pk: Any = None) -> Response:
        """Publish a draft after checking it in full (weights sum to each section's points)."""
        instrument = do_publish_instrument(self.get_object(), acting_user=acting_user(request))
        return self.reply(InstrumentSerializer, instrument)

    @extend_schema(request=None, responses={201: InstrumentSerializer})
    @action(detail=True, methods=["post"], url_path="new-version")
    @scope_action("change")
    def new_version(self, request: Request, pk: Any = None) -> Response:
        """Start the next version of a published instrument (a draft copy)."""
        instrument = do_new_version(self.get_object(), acting_user=acting_user(request))
        return self.reply(InstrumentSerializer, instrument, status.HTTP_201_CREATED)


class CycleViewSet(ScopedModelViewSet):
    """Assessment cycles: one instrument version applied to organizations chosen by tree, kind
    and sector, within Jalali-dated windows. ``POST`` prepares one; ``.../launch/`` opens it;
    ``.../close/`` freezes its results; ``.../ranking/`` is the ranking within peer groups."""

    queryset = Cycle.objects.select_related("organization", "scope_root", "instrument")
    serializer_class = CycleSerializer
    filterset_class = CycleFilterSet
    http_method_names = ["get", "post", "head", "options"]

    def perform_create(self, serializer: BaseSerializer[Any]) -> None:
        assert isinstance(serializer, CycleSerializer)
        serializer.instance = do_save_cycle(serializer.to_values(), acting_user=acting_user(self.request))

    @extend_schema(request=None, responses=CycleSerializer)
    @action(detail=True, methods=["post"])
    @scope_action("change")
    def launch(self, request: Request, pk: Any = None) -> Response:
        cycle = do_launch_cycle(self.get_object(), acting_user=acting_user(request))
        return self.reply(CycleSerializer, cycle)

    @extend_schema(request=None, responses=CycleSerializer)
    @action(detail=True, methods=["post"])
    @scope_action("change")
    def close(self, request: Request, pk: Any = None) -> Response:
        cycle = do_close_cycle(self.get_object(), acting_user=acting_user(request))
        return self.reply(CycleSerializer, cycle)

    @extend_schema(request=AuditNameSerializer, responses={201: CycleSerializer})
    @action(detail=True, methods=["post"])
    @scope_action("change")
    def audits(self, request: Request, pk: Any = None) -> Response:
        """Name a second agency to audit chosen sections (``{"organization": "DOE", "sections":
        ["E"]}``); its score overrides the consensus for those sections, and both are kept."""
        cycle = self.get_object()
        serializer = self.read_body(AuditNameSerializer)
        organization = serializer.validated_data["organization"]
        codes = serializer.validated_data["sections"]
        sections = list(Section.objects.filter(instrument_id=cycle.instrument_id, code__in=codes))
        unknown = sorted(set(codes) - {section.code for section in sections})
        if unknown:
            raise serializers.ValidationError(
                {
                    "sections": [
                        _("Unknown section “%(code)s”.") % {"code": formatting.code(code)} for code in unknown
                    ]
                }
            )
        do_name_audit(cycle, organization, sections, acting_user=acting_user(request))
        response = self.reply(CycleSerializer, cycle)
        response.status_code = status.HTTP_201_CREATED
        return response

    @extend_schema(responses=RankingSerializer, filters=False)
    @action(detail=True, methods=["get"], pagination_class=None, filterset_class=None)
    def ranking(self, request: Request, pk: Any = None) -> Response:
        """Bands and the ranking of the final assessments within peer groups (the published
        results once the cycle is closed)."""
        cycle = self.get_object()
        return Response(cycle.results if cycle.results else cycle_results(cycle))


class AssessmentViewSet(ScopedReadOnlyViewSet):
    """One organization's assessment in a cycle: its stages, reviews, evidence, result and
    findings. The assessed organization answers and submits; assessors review; the cycle's
    owner assigns assessors and finalizes."""

    queryset = Assessment.objects.select_related("organization", "band", "cycle").prefetch_related(
        "reviews__reviewer",
        "reviews__organization",
        "evidence__item",
        "findings__items",
        "findings__case",
        "feedback__criterion",
    )
    serializer_class = AssessmentSerializer
    filterset_class = AssessmentFilterSet

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "cycle", int, description=_("The cycle's number; empty: the latest checklist cycle.")
            ),
            OpenApiParameter(
                "under",
                str,
                description=_("An organization's code: the rows are the organizations just below it."),
            ),
        ],
        responses=AssessmentComplianceSerializer,
    )
    @action(detail=False, methods=["get"], pagination_class=None, filterset_class=None)
    def compliance(self, request: Request) -> Response:
        """Compliance at every level: the mean final score of each section over the assessments
        at or under each organization of one level, by province, and across the cycles of the
        same checklist (docs/reference/methods.md §4.7)."""
        cycle_id = parse_cycle(request.query_params.get("cycle"))
        under = (request.query_params.get("under") or "")[:40]
        return Response(compliance_data(compliance(visible_for(acting_user(request)), cycle_id, under)))

    @extend_schema(responses=WaitingSerializer, filters=False)
    @action(detail=False, methods=["get"], pagination_class=None, filterset_class=None)
    def waiting(self, request: Request) -> Response:
        """What waits for the caller: the reviews they are to score, the consensuses they are to
        record as the lead assessor, the audits their agency is to make (``waiting_for``, the
        same queues as the page "Waiting for me"), up to 200 of each."""
        from rasad.assessments.home import waiting_for

        return Response(
            {
                queue.key: WaitingAssessmentSerializer(
                    assessments[:200], many=True, context={"url_name": queue.url_name}
                ).data
                for queue, assessments in waiting_for(acting_user(request))
            }
        )

    def _respond(self, assessment: Assessment) -> Response:
        fresh = self._base_queryset().get(pk=assessment.pk)
        return self.reply(AssessmentSerializer, fresh)

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    @action(
        detail=True, methods=["get"], url_path="feedback-report", pagination_class=None, filterset_class=None
    )
    def feedback_report(self, request: Request, pk: Any = None) -> HttpResponse:
        """The feedback report of a final assessment as a PDF: the result, each section's scores,
        the strengths and areas for improvement per criterion, the non-compliant items and their
        cases. Before the assessment is final there is no report (404)."""
        assessment = self.get_object()
        if assessment.status != "final":
            raise refusal()
        user = acting_user(request)

        def scoped(queryset: Any) -> Any:
            return queryset.visible_to(user, "view")

        content = feedback_pdf(assessment, scoped)
        response = HttpResponse(content, content_type="application/pdf")
        response["Content-Disposition"] = attachment_header(
            feedback_file_name(assessment), feedback_fallback_name(assessment)
        )
        response["X-Content-Type-Options"] = "nosniff"
        return response

    @extend_schema(request=AnswersSerializer, responses=AssessmentSerializer)
    @action(detail=True, methods=["post"])
    @scope_action("change")
    def answers(self, request: Request, pk: Any = None) -> Response:
        """Save some of the organization's own answers (all checked first; one bad answer
        refuses them all): ``{"answers": [{"item": "A1.1", "answer": "yes"}, ...]}``."""
        assessment = self.get_object()
        serializer = self.read_body(AnswersSerializer)
        do_save_answers(assessment, serializer.to_values(assessment), acting_user=acting_user(request))
        return self._respond(assessment)

    def _figures(self, assessment: Assessment) -> Response:
        items = list(
            Item.objects.filter(instrument_id=assessment.cycle.instrument_id, indicator__isnull=False)
            .select_related("indicator__unit")
            .order_by("criterion__section__order", "criterion__order", "order", "id")
        )
        found = figures(assessment, items)
        stored = {
            score.item_id: score
            for score in ItemScore.objects.visible_to(acting_user(self.request), "view").filter(
                assessment=assessment, stage=Stage.SELF, review__isnull=True, item__in=items
            )
        }
        rows = []
        for item in items:
            figure, score = found[item.pk], stored.get(item.pk)
            rows.append(
                {
                    "item": item.code,
                    "indicator": item.indicator.code,
                    "indicator_name": item.indicator.name,
                    "unit": item.indicator.unit.code,
                    "year": figure.year,
                    "value": figure.value,
                    "missing_periods": list(figure.missing),
                    "answer": score.value if score else None,
                    "source": score.source if score else None,
                    "reason": score.comment if score and score.source == "manual" else "",
                }
            )
        return Response(IndicatorFigureSerializer(rows, many=True).data)

    @extend_schema(responses=IndicatorFigureSerializer(many=True))
    @action(
        detail=True, methods=["get"], url_path="indicator-values", pagination_class=None, filterset_class=None
    )
    def indicator_values(self, request: Request, pk: Any = None) -> Response:
        """The items answered from indicators: each one's approved figure for the cycle's year
        (empty, with the periods missing, when the year is not wholly approved) and the
        self-assessment's stored value with its source."""
        return self._figures(self.get_object())

    @extend_schema(request=None, responses=IndicatorFigureSerializer(many=True))
    @action(
        detail=True,
        methods=["post"],
        url_path="fill-from-indicators",
        pagination_class=None,
        filterset_class=None,
    )
    @scope_action("change")
    def fill_from_indicators(self, request: Request, pk: Any = None) -> Response:
        """Answer the self-assessment's indicator items with the approved figures (a value
        given with a reason stands); answers as ``indicator-values``."""
        assessment = do_fill_indicator_answers(self.get_object(), acting_user=acting_user(request))
        return self._figures(assessment)

    @extend_schema(
        request={"multipart/form-data": EvidenceUploadSerializer},
        responses={201: AssessmentEvidenceSerializer},
    )
    @action(detail=True, methods=["post"], parser_classes=[parsers.MultiPartParser, parsers.FormParser])
    @scope_action("change")
    def evidence(self, request: Request, pk: Any = None) -> Response:
        """Attach a file to an item (``item``: its code) or to the whole self-assessment."""
        assessment = self.get_object()
        serializer = self.read_body(EvidenceUploadSerializer)
        code = serializer.validated_data["item"]
        item = None
        if code:
            item = Item.objects.filter(instrument_id=assessment.cycle.instrument_id, code=code).first()
            if item is None:
                raise serializers.ValidationError(
                    {"item": [_("Unknown item “%(code)s”.") % {"code": formatting.code(code)}]}
                )
        evidence = do_add_evidence(
            assessment,
            serializer.validated_data["file"],
            acting_user=acting_user(request),
            item=item,
            description=serializer.validated_data["description"],
        )
        return Response(AssessmentEvidenceSerializer(evidence).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=AssessmentSerializer)
    @action(detail=True, methods=["post"])
    @scope_action("submit")
    def submit(self, request: Request, pk: Any = None) -> Response:
        """Send the self-assessment for review (every item answered, every required evidence
        attached)."""
        assessment = do_submit_assessment(self.get_object(), acting_user=acting_user(request))
        return self._respond(assessment)

    @extend_schema(request=AssignSerializer, responses={201: AssessmentSerializer})
    @action(detail=True, methods=["post"])
    @scope_action("manage")
    def assessors(self, request: Request, pk: Any = None) -> Response:
        """Assign an assessor acting for an organization with no conflict of interest (not the
        assessed organization, its subtree or above it)."""
        assessment = self.get_object()
        serializer = self.read_body(AssignSerializer)
        reviewer = User.objects.filter(username=serializer.validated_data["reviewer"], is_active=True).first()
        if reviewer is None:
            raise serializers.ValidationError({"reviewer": [_("No such person.")]})
        organization = serializer.validated_data["organization"]
        do_assign_assessor(assessment, reviewer, organization, acting_user=acting_user(request))
        response = self._respond(assessment)
        response.status_code = status.HTTP_201_CREATED
        return response

    @extend_schema(request=AssessmentReasonSerializer, responses=AssessmentSerializer)
    @action(detail=True, methods=["post"])
    @scope_action("manage")
    def reopen(self, request: Request, pk: Any = None) -> Response:
        """Give a submitted self-assessment back to the organization (``{"reason": "..."}``),
        while the window is open and before any assessor has submitted a review."""
        assessment = self.get_object()
        serializer = self.read_body(AssessmentReasonSerializer)
        do_reopen_assessment(
            assessment, acting_user=acting_user(request), reason=serializer.validated_data["reason"]
        )
        return self._respond(assessment)

    @extend_schema(request=AssessmentWithdrawSerializer, responses=AssessmentSerializer)
    @action(detail=True, methods=["post"], url_path="withdraw-assessor")
    @scope_action("manage")
    def withdraw_assessor(self, request: Request, pk: Any = None) -> Response:
        """Withdraw an assessor (``{"reviewer": "<user name>", "reason": "..."}``) until the
        consensus is recorded; their scores are kept in the audit trail."""
        assessment = self.get_object()
        serializer = self.read_body(AssessmentWithdrawSerializer)
        review = Review.objects.filter(
            assessment=assessment,
            kind=ReviewKind.ASSESSOR,
            reviewer__username=serializer.validated_data["reviewer"],
        ).first()
        if review is None:
            raise serializers.ValidationError(
                {"reviewer": [_("This person is not an assessor of this assessment.")]}
            )
        do_withdraw_assessor(
            review, acting_user=acting_user(request), reason=serializer.validated_data["reason"]
        )
        return self._respond(assessment)

    @extend_schema(request=ReviewScoresSerializer, responses=AssessmentSerializer)
    @action(detail=True, methods=["post"], url_path="review-scores")
    @scope_action("review")
    def review_scores(self, request: Request, pk: Any = None) -> Response:
        """The acting assessor's own scores (``"submit": true`` closes their review)."""
        assessment = self.get_object()
        review = Review.objects.filter(
            assessment=assessment, reviewer=acting_user(request), kind=ReviewKind.ASSESSOR
        ).first()
        if review is None:
            raise refusal()
        serializer = self.read_body(ReviewScoresSerializer)
        actor = acting_user(request)
        do_save_review_scores(review, serializer.to_values(assessment), acting_user=actor)
        if serializer.validated_data["submit"]:
            do_submit_review(review, acting_user=actor)
        return self._respond(assessment)

    @extend_schema(request=ReviewScoresSerializer, responses=AssessmentSerializer)
    @action(detail=True, methods=["post"], url_path="audit-scores")
    @scope_action("audit")
    def audit_scores(self, request: Request, pk: Any = None) -> Response:
        """The auditing agency's scores of the sections it audits (``"submit": true`` closes
        the audit); made after the consensus, before the result is final."""
        assessment = self.get_object()
        audit_of(assessment, acting_user(request))  # those who audit nothing here: 404 before the body
        serializer = self.read_body(ReviewScoresSerializer)
        do_save_audit_scores(
            assessment,
            serializer.to_values(assessment),
            acting_user=acting_user(request),
            submit=serializer.validated_data["submit"],
        )
        return self._respond(assessment)

    @extend_schema(request=AnswersSerializer, responses=AssessmentSerializer)
    @action(detail=True, methods=["post"])
    @scope_action("review")
    def consensus(self, request: Request, pk: Any = None) -> Response:
        """The lead assessor's consensus: the agreed answer of every item on which the assessors
        differ (where they agree, their answer stands)."""
        assessment = self.get_object()
        _require_lead(assessment, acting_user(request))
        serializer = self.read_body(AnswersSerializer)
        do_agree_consensus(assessment, serializer.to_values(assessment), acting_user=acting_user(request))
        return self._respond(assessment)

    @extend_schema(request=FeedbackInputSerializer, responses=AssessmentSerializer)
    @action(detail=True, methods=["post"])
    @scope_action("review")
    def feedback(self, request: Request, pk: Any = None) -> Response:
        """The lead assessor's feedback per criterion: ``{"entries": [{"criterion": "A1",
        "strengths": "...", "improvements": "..."}]}``."""
        assessment = self.get_object()
        _require_lead(assessment, acting_user(request))
        serializer = self.read_body(FeedbackInputSerializer)
        criteria = {c.code: c for c in Criterion.objects.filter(instrument_id=assessment.cycle.instrument_id)}
        entries = []
        unknown = []
        for row in serializer.validated_data["entries"]:
            criterion = criteria.get(row["criterion"])
            if criterion is None:
                unknown.append(
                    _("Unknown criterion “%(code)s”.") % {"code": formatting.code(row["criterion"])}
                )
                continue
            entries.append(FeedbackValues(criterion, row["strengths"], row["improvements"]))
        if unknown:
            raise serializers.ValidationError({"entries": unknown})
        do_save_feedback(assessment, entries, acting_user=acting_user(request))
        return self._respond(assessment)

    @extend_schema(request=None, responses=AssessmentSerializer)
    @action(detail=True, methods=["post"])
    @scope_action("manage")
    def finalize(self, request: Request, pk: Any = None) -> Response:
        """Make the agreed result final: scores, band, item traces, and (for a compliance
        checklist) one case per non-compliant section."""
        assessment = do_finalize_assessment(self.get_object(), acting_user=acting_user(request))
        return self._respond(assessment)

    @extend_schema(request=ProposeRiskSerializer, responses={201: RiskSerializer})
    @action(detail=True, methods=["post"], url_path="propose-risk")
    @scope_action("manage")
    def propose_risk(self, request: Request, pk: Any = None) -> Response:
        """A non-compliant section of the final assessment proposes a risk for the assessed
        organization with one treatment action (once per section); the cycle's owner decides."""
        assessment = self.get_object()
        serializer = self.read_body(ProposeRiskSerializer)
        finding = Finding.objects.filter(
            assessment=assessment, section__code=serializer.validated_data["section"]
        ).first()
        if finding is None:
            raise serializers.ValidationError(
                {"section": [_("This section has no finding in this assessment.")]}
            )
        case = do_propose_risk(finding, acting_user=acting_user(request))
        risk = RiskRegisterViewSet.queryset.get(pk=case.pk)
        return self.reply(RiskSerializer, risk, status.HTTP_201_CREATED)


# ---------------------------------------------------------------------------------------------
# Risk register
# ---------------------------------------------------------------------------------------------


class RiskRegisterViewSet(ScopedReadOnlyViewSet):
    """The risk register: the risk cases the reader may see, each with its inherent rating (the
    case's), its residual rating after treatment, its next review and its treatment actions.
    Filters: ``organization`` (a subtree), ``state``, a heat map cell, ``review_due``."""

    queryset = (
        Case.objects.filter(kind=RISK)
        .select_related("owner_organization", "reporter_organization", "risk_rating")
        .prefetch_related("risk_actions__owner", "risk_actions__case")
        .order_by("-likelihood", "-impact", "-opened_at", "-id")
    )
    serializer_class = RiskSerializer
    filterset_class = RiskFilterSet
    # The matrix's records are risk cases, not any case (rasad.testing.matrix).
    matrix_factory = "assessments.risk"

    @extend_schema(responses=HeatMapsSerializer)
    @action(detail=False, methods=["get"], url_path="heat-map")
    def heat_map(self, request: Request) -> Response:
        """The two 5×5 heat maps (likelihood × impact), inherent and residual, of the filtered
        risks: the count and level of every cell, and how many are not rated on each."""
        return Response(heat_map_data(heat_maps(self.filter_queryset(self.get_queryset()))))

    @extend_schema(request=RiskRatingInputSerializer, responses=RiskSerializer)
    @action(detail=True, methods=["post"])
    def rating(self, request: Request, pk: Any = None) -> Response:
        """Rate the risk after its treatment (residual likelihood and impact, both or neither)
        and set its next review; in the scope of the organization that owns the risk."""
        case = self.get_object()
        require_register(acting_user(request), "change", case, RiskRating)  # 404 before the body
        serializer = self.read_body(RiskRatingInputSerializer)
        data = serializer.validated_data
        do_rate_risk(
            case,
            RatingValues(
                data["residual_likelihood"], data["residual_impact"], data["review_on"], data["note"]
            ),
            acting_user=acting_user(request),
        )
        return self._respond(case)

    @extend_schema(request=RiskActionInputSerializer, responses={201: RiskSerializer})
    @action(detail=True, methods=["post"])
    def actions(self, request: Request, pk: Any = None) -> Response:
        """Add an action to the risk's treatment plan (``title``, ``owner`` code, ``due_on``)."""
        case = self.get_object()
        require_register(acting_user(request), "add", case, RiskAction)  # 404 before the body
        serializer = self.read_body(RiskActionInputSerializer)
        data = serializer.validated_data
        do_add_risk_action(
            case, data["title"], data["owner"], data["due_on"], acting_user=acting_user(request)
        )
        response = self._respond(case)
        response.status_code = status.HTTP_201_CREATED
        return response

    def _respond(self, case: Case) -> Response:
        fresh = self.get_queryset().get(pk=case.pk)
        return self.reply(RiskSerializer, fresh)


class RiskActionViewSet(ScopedReadOnlyViewSet):
    """Actions of the risks' treatment plans the reader may see."""

    queryset = RiskAction.objects.select_related("owner", "case").order_by("due_on", "pk")
    serializer_class = RiskActionSerializer

    @extend_schema(request=None, responses=RiskActionSerializer)
    @action(detail=True, methods=["post"])
    @scope_action("change")
    def complete(self, request: Request, pk: Any = None) -> Response:
        """Record the action as done (once)."""
        done = do_complete_risk_action(self.get_object(), acting_user=acting_user(request))
        return self.reply(RiskActionSerializer, done)


class RiskRatingViewSet(ScopedReadOnlyViewSet):
    """The residual ratings of the risks the reader may see; ratings are imported in bulk from
    the register's spreadsheet."""

    queryset = RiskRating.objects.select_related("case").order_by("review_on", "pk")
    serializer_class = RiskRatingSerializer

    @extend_schema(
        request={"multipart/form-data": ImportUploadSerializer},
        responses={201: ImportReportSerializer, 200: ImportReportSerializer},
        description=(
            "Rate many risks from an .xlsx or .csv file (the register's export, or the columns "
            "reference, residual_likelihood, residual_impact, review_on, note). Every row is "
            "validated first; if any row is bad, nothing is written and the 400 error lists each "
            "problem in error.fields (rows[<row>].<column>) and error.rows."
        ),
    )
    @action(
        detail=False,
        methods=["post"],
        url_path="import",
        parser_classes=[parsers.MultiPartParser, parsers.FormParser],
    )
    @scope_action("change")
    def import_file(self, request: Request) -> Response:
        upload = self.read_body(ImportUploadSerializer)
        file = upload.validated_data["file"]
        report = RiskRatingImporter(acting_user=acting_user(request)).run(
            _file_bytes(file), file_name=file.name or "upload", dry_run=upload.validated_data["dry_run"]
        )
        return import_answer(report)
