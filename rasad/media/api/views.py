"""The media API: member agencies of a media headquarters, statements (draft, review, approval,
issue, new versions, files) and the agencies' receipts (acknowledge, answer). Every write is an
action of ``rasad.media.actions``; scope is applied by the base viewsets."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from rasad.api import parsers
from rasad.api.viewsets import ScopedModelViewSet, ScopedReadOnlyViewSet, scope_action
from rasad.api.writes import SavedByActionMixin, acting_user
from rasad.core.access import refusal
from rasad.media.actions import (
    CrisisValues,
    Deadline,
    ResponseValues,
    RumourValues,
    do_acknowledge,
    do_add_member_agency,
    do_add_statement_attachment,
    do_add_timeline_entry,
    do_answer_rumour,
    do_approve_statement,
    do_assign_rumour,
    do_cancel_planned_item,
    do_change_planned_item,
    do_close_crisis,
    do_dismiss_rumour,
    do_issue_statement,
    do_log_rumour,
    do_open_crisis,
    do_plan_item,
    do_publish_planned_item,
    do_respond,
    do_return_statement,
    do_revise_statement,
    do_save_statement,
    do_submit_statement,
)
from rasad.media.actions.crisis import may_answer, may_write_on_timeline
from rasad.media.actions.plan import may_publish
from rasad.media.api.serializers import (
    AnswerRumourSerializer,
    AssignRumourSerializer,
    CancelItemSerializer,
    CloseCrisisSerializer,
    CrisisSerializer,
    FiguresSerializer,
    IssueSerializer,
    MemberAgencySerializer,
    NewEntrySerializer,
    PlannedItemSerializer,
    PublishItemSerializer,
    RecipientSerializer,
    ResponseSerializer,
    ReturnSerializer,
    RumourSerializer,
    StatementAttachmentSerializer,
    StatementFileUploadSerializer,
    StatementSerializer,
    TimelineEntrySerializer,
    plan_values,
)
from rasad.media.exports import period_of
from rasad.media.figures import agency_figures, figures_for_period
from rasad.media.filtersets import (
    CrisisFilterSet,
    MemberAgencyFilterSet,
    PlannedItemFilterSet,
    RecipientFilterSet,
    RumourFilterSet,
    StatementFilterSet,
)
from rasad.media.models import (
    Crisis,
    MemberAgency,
    PlannedItem,
    Recipient,
    Rumour,
    Statement,
    TimelineEntry,
)


class MemberAgencyViewSet(ScopedModelViewSet):
    """The agencies each media headquarters coordinates. ``POST`` adds one."""

    queryset = MemberAgency.objects.select_related("hq", "agency")
    serializer_class = MemberAgencySerializer
    filterset_class = MemberAgencyFilterSet
    http_method_names = ["get", "post", "head", "options"]

    def perform_create(self, serializer: BaseSerializer[Any]) -> None:
        data = serializer.validated_data
        serializer.instance = do_add_member_agency(
            data["hq"], data["agency"], acting_user=acting_user(self.request), joined_on=data.get("joined_on")
        )


class StatementViewSet(SavedByActionMixin, ScopedModelViewSet):
    """Statements and talking points. ``POST`` drafts one; ``PATCH`` changes a draft (an issued
    statement is never changed: ``POST .../revise/`` drafts its next version). The steps:
    ``submit`` (for review), ``approve``, ``return`` (to draft), ``issue`` (to member agencies, with
    the deadline); ``attachments`` adds a file to a draft."""

    queryset = Statement.objects.select_related(
        "organization", "previous", "spokesperson__membership__user", "spokesperson__membership__organization"
    ).prefetch_related("attachments")
    serializer_class = StatementSerializer
    filterset_class = StatementFilterSet
    http_method_names = ["get", "post", "patch", "head", "options"]
    save_action = staticmethod(do_save_statement)

    def _answer(self, statement: Statement, code: int = status.HTTP_200_OK) -> Response:
        fresh = (
            self.get_queryset().model.objects.select_related("organization", "previous").get(pk=statement.pk)
        )
        return self.reply(StatementSerializer, fresh, code)

    @extend_schema(request=None, responses=StatementSerializer)
    @action(detail=True, methods=["post"])
    @scope_action("change")
    def submit(self, request: Request, pk: Any = None) -> Response:
        """Send a draft for review."""
        return self._answer(do_submit_statement(self.get_object(), acting_user=acting_user(request)))

    @extend_schema(request=None, responses=StatementSerializer)
    @action(detail=True, methods=["post"])
    @scope_action("approve")
    def approve(self, request: Request, pk: Any = None) -> Response:
        """Approve a statement in review."""
        return self._answer(do_approve_statement(self.get_object(), acting_user=acting_user(request)))

    @extend_schema(request=ReturnSerializer, responses=StatementSerializer)
    @action(detail=True, methods=["post"], url_path="return")
    @scope_action("approve")
    def send_back(self, request: Request, pk: Any = None) -> Response:
        """Send a statement in review (or approved) back to draft, with an optional note."""
        statement = self.get_object()
        body = self.read_body(ReturnSerializer)
        return self._answer(
            do_return_statement(statement, acting_user=acting_user(request), note=body.validated_data["note"])
        )

    @extend_schema(request=IssueSerializer, responses=StatementSerializer)
    @action(detail=True, methods=["post"])
    @scope_action("issue")
    def issue(self, request: Request, pk: Any = None) -> Response:
        """Issue an approved statement to member agencies. The deadline is ``deadline_hours``
        working hours (``working``) or clock hours (``clock``) from now, or ``due_at``
        (``fixed``)."""
        statement = self.get_object()
        body = self.read_body(IssueSerializer)
        data = body.validated_data
        deadline = Deadline(data["deadline_basis"], data.get("deadline_hours"), data.get("due_at"))
        return self._answer(
            do_issue_statement(statement, list(data["agencies"]), deadline, acting_user=acting_user(request))
        )

    @extend_schema(request=None, responses={201: StatementSerializer})
    @action(detail=True, methods=["post"])
    @scope_action("add")
    def revise(self, request: Request, pk: Any = None) -> Response:
        """Draft the next version of an issued statement (both versions are kept)."""
        return self._answer(
            do_revise_statement(self.get_object(), acting_user=acting_user(request)), status.HTTP_201_CREATED
        )

    @extend_schema(
        request={"multipart/form-data": StatementFileUploadSerializer},
        responses={201: StatementAttachmentSerializer},
    )
    @action(detail=True, methods=["post"], parser_classes=[parsers.MultiPartParser, parsers.FormParser])
    @scope_action("change")
    def attachments(self, request: Request, pk: Any = None) -> Response:
        """Add a file to a draft (PDF, image, Word, Excel, text; at most 10 MB)."""
        statement = self.get_object()
        upload = self.read_body(StatementFileUploadSerializer)
        attachment = do_add_statement_attachment(
            statement, upload.validated_data["file"], acting_user=acting_user(request)
        )
        return self.reply(StatementAttachmentSerializer, attachment, status.HTTP_201_CREATED)


class RecipientViewSet(ScopedReadOnlyViewSet):
    """Statements as issued to each agency, seen by the headquarters and the agency.
    ``acknowledge`` confirms receipt; ``respond`` reports the answer (JSON, or multipart with an
    evidence file)."""

    queryset = Recipient.objects.select_related("statement", "agency")
    serializer_class = RecipientSerializer
    filterset_class = RecipientFilterSet

    @extend_schema(request=None, responses=RecipientSerializer)
    @action(detail=True, methods=["post"])
    @scope_action("respond")
    def acknowledge(self, request: Request, pk: Any = None) -> Response:
        return self.reply(
            RecipientSerializer, do_acknowledge(self.get_object(), acting_user=acting_user(request))
        )

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "period",
                str,
                description=(
                    "A Jalali month, season, half-year or year key (1405-09, 1405-S3, 1405); "
                    "empty: this month."
                ),
            )
        ],
        responses={200: FiguresSerializer(many=True)},
        filters=False,
    )
    @action(detail=False, methods=["get"], pagination_class=None, filterset_class=None)
    def figures(self, request: Request) -> Response:
        """Each agency's responsiveness over the period, ranked (as on the figures page)."""
        period = period_of({"period": request.query_params.get("period", "")})
        rows = figures_for_period(acting_user(request), period)
        return Response(FiguresSerializer([row.as_dict() for row in rows], many=True).data)

    @extend_schema(
        request={"application/json": ResponseSerializer, "multipart/form-data": ResponseSerializer},
        responses=RecipientSerializer,
    )
    @action(
        detail=True,
        methods=["post"],
        parser_classes=[parsers.JSONParser, parsers.MultiPartParser, parsers.FormParser],
    )
    @scope_action("respond")
    def respond(self, request: Request, pk: Any = None) -> Response:
        """Published (``channel`` and ``evidence_url`` or ``evidence_file``), not applicable or
        declined (``reason``)."""
        recipient = self.get_object()
        body = self.read_body(ResponseSerializer)
        data = body.validated_data
        values = ResponseValues(
            outcome=data["outcome"],
            channel=data["channel"],
            evidence_url=data["evidence_url"],
            evidence_file=data["evidence_file"],
            reason=data["reason"],
        )
        return self.reply(
            RecipientSerializer, do_respond(recipient, values, acting_user=acting_user(request))
        )


class CrisisViewSet(ScopedModelViewSet):
    """Crises of a headquarters' crisis room, seen by the headquarters and its member agencies.
    ``POST`` opens one; ``close`` closes it with its summary; ``timeline`` lists its entries and
    ``entries`` adds an event or a decision; ``report`` gives each agency's figures."""

    queryset = Crisis.objects.select_related("organization").prefetch_related("places")
    serializer_class = CrisisSerializer
    filterset_class = CrisisFilterSet
    http_method_names = ["get", "post", "head", "options"]

    def perform_create(self, serializer: BaseSerializer[Any]) -> None:
        data = serializer.validated_data
        serializer.instance = do_open_crisis(
            CrisisValues(
                organization=data["organization"],
                title=data["title"],
                severity=data["severity"],
                description=data.get("description", ""),
                places=list(data.get("places", [])),
            ),
            acting_user=acting_user(self.request),
        )

    @extend_schema(request=CloseCrisisSerializer, responses=CrisisSerializer)
    @action(detail=True, methods=["post"])
    @scope_action("change")
    def close(self, request: Request, pk: Any = None) -> Response:
        crisis = self.get_object()
        body = self.read_body(CloseCrisisSerializer)
        closed = do_close_crisis(
            crisis, body.validated_data["closing_summary"], acting_user=acting_user(request)
        )
        return self.reply(CrisisSerializer, closed)

    @extend_schema(responses={200: TimelineEntrySerializer(many=True)}, filters=False)
    @action(detail=True, methods=["get"], pagination_class=None, filterset_class=None)
    def timeline(self, request: Request, pk: Any = None) -> Response:
        """The crisis's timeline, oldest first."""
        crisis = self.get_object()
        entries = (
            TimelineEntry.objects.visible_to(request.user)
            .filter(crisis=crisis)
            .select_related("organization")
        )
        return Response(
            TimelineEntrySerializer(
                entries.order_by("moment", "pk"), many=True, context=self.get_serializer_context()
            ).data
        )

    @extend_schema(request=NewEntrySerializer, responses={201: TimelineEntrySerializer})
    @action(detail=True, methods=["post"])
    def entries(self, request: Request, pk: Any = None) -> Response:
        """Add an event or a decision, from the headquarters or a member agency."""
        crisis = self.get_object()
        if not may_write_on_timeline(acting_user(request), crisis):
            raise refusal()  # before the body is read: the same 404 as a missing crisis
        body = self.read_body(NewEntrySerializer)
        data = body.validated_data
        entry = do_add_timeline_entry(
            crisis,
            data["kind"],
            data["text"],
            organization=data["organization"],
            acting_user=acting_user(request),
        )
        return self.reply(TimelineEntrySerializer, entry, status.HTTP_201_CREATED)

    @extend_schema(responses={200: FiguresSerializer(many=True)}, filters=False)
    @action(detail=True, methods=["get"], pagination_class=None, filterset_class=None)
    def report(self, request: Request, pk: Any = None) -> Response:
        """Each agency's acknowledgment and response times, deadlines met and rumours answered in
        this crisis (as of its closing, or now while it is open), ranked."""
        crisis = self.get_object()
        figures = agency_figures(
            Recipient.objects.visible_to(request.user).filter(statement__crisis=crisis),
            Rumour.objects.visible_to(request.user).filter(crisis=crisis),
            now=crisis.closed_at or timezone.now(),
        )
        return Response(FiguresSerializer([f.as_dict() for f in figures], many=True).data)


class RumourViewSet(ScopedModelViewSet):
    """The rumour log. ``POST`` logs a rumour; ``assign`` asks a member agency to answer it;
    ``answer`` records the answer (the agency's, or the headquarters'); ``dismiss`` sets it aside."""

    queryset = Rumour.objects.select_related("organization", "agency", "crisis")
    serializer_class = RumourSerializer
    filterset_class = RumourFilterSet
    http_method_names = ["get", "post", "head", "options"]

    def perform_create(self, serializer: BaseSerializer[Any]) -> None:
        data = serializer.validated_data
        serializer.instance = do_log_rumour(
            RumourValues(
                organization=data["organization"],
                claim=data["claim"],
                seen_where=data["seen_where"],
                crisis=data.get("crisis"),
                reach=data.get("reach"),
                facts=data.get("facts", ""),
            ),
            acting_user=acting_user(self.request),
        )

    @extend_schema(request=AssignRumourSerializer, responses=RumourSerializer)
    @action(detail=True, methods=["post"])
    @scope_action("change")
    def assign(self, request: Request, pk: Any = None) -> Response:
        rumour = self.get_object()
        body = self.read_body(AssignRumourSerializer)
        return self.reply(
            RumourSerializer,
            do_assign_rumour(rumour, body.validated_data["agency"], acting_user=acting_user(request)),
        )

    @extend_schema(request=AnswerRumourSerializer, responses=RumourSerializer)
    @action(detail=True, methods=["post"])
    def answer(self, request: Request, pk: Any = None) -> Response:
        """The agency the rumour is assigned to (or the headquarters) records the answer given."""
        rumour = self.get_object()
        if not may_answer(acting_user(request), rumour):
            raise refusal()  # before the body is read: the same 404 as a missing rumour
        body = self.read_body(AnswerRumourSerializer)
        return self.reply(
            RumourSerializer,
            do_answer_rumour(rumour, body.validated_data["response"], acting_user=acting_user(request)),
        )

    @extend_schema(request=None, responses=RumourSerializer)
    @action(detail=True, methods=["post"])
    @scope_action("change")
    def dismiss(self, request: Request, pk: Any = None) -> Response:
        return self.reply(
            RumourSerializer, do_dismiss_rumour(self.get_object(), acting_user=acting_user(request))
        )


class PlannedItemViewSet(ScopedModelViewSet):
    """The media calendar (content plan). ``POST`` plans an item, ``PATCH`` changes it while it is
    planned; ``publish`` records where it was published (the agency's, or the headquarters');
    ``cancel`` takes it off the plan with the reason."""

    queryset = PlannedItem.objects.select_related("organization", "agency", "axis")
    serializer_class = PlannedItemSerializer
    filterset_class = PlannedItemFilterSet
    http_method_names = ["get", "post", "patch", "head", "options"]

    def perform_create(self, serializer: BaseSerializer[Any]) -> None:
        values = plan_values(serializer.validated_data)
        serializer.instance = do_plan_item(values, acting_user=acting_user(self.request))

    def perform_update(self, serializer: BaseSerializer[Any]) -> None:
        item: PlannedItem = serializer.instance  # type: ignore[assignment]
        merged = {
            "organization": item.organization,
            "kind": item.kind,
            "title": item.title,
            "starts_at": item.starts_at,
            "ends_at": item.ends_at,
            "agency": item.agency,
            "channel": item.channel,
            "description": item.description,
            "training_event": item.training_event,
            "axis": item.axis,
            **serializer.validated_data,
        }
        serializer.instance = do_change_planned_item(
            item, plan_values(merged), acting_user=acting_user(self.request)
        )

    @extend_schema(request=PublishItemSerializer, responses=PlannedItemSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, pk: Any = None) -> Response:
        item = self.get_object()
        if not may_publish(acting_user(request), item):
            raise refusal()  # before the body is read: the same 404 as a missing item
        body = self.read_body(PublishItemSerializer)
        return self.reply(
            PlannedItemSerializer,
            do_publish_planned_item(item, body.validated_data["link"], acting_user=acting_user(request)),
        )

    @extend_schema(request=CancelItemSerializer, responses=PlannedItemSerializer)
    @action(detail=True, methods=["post"])
    @scope_action("change")
    def cancel(self, request: Request, pk: Any = None) -> Response:
        item = self.get_object()
        body = self.read_body(CancelItemSerializer)
        return self.reply(
            PlannedItemSerializer,
            do_cancel_planned_item(item, body.validated_data["reason"], acting_user=acting_user(request)),
        )
