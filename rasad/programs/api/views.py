"""The programmes API: programmes with their parties, axes, objectives, action items (directive
cases), indicator targets, quarterly status reports and files; the progress a reader may see.
Every write is an action of ``rasad.programs.actions``; scope is applied by the base viewsets."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.http import FileResponse
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from rasad.api.viewsets import ScopedModelViewSet, ScopedReadOnlyViewSet, ScopedViewSetMixin, scope_action
from rasad.api.writes import acting_user, files_action
from rasad.core.access import access_object
from rasad.lib.downloads import file_download
from rasad.programs.actions import (
    IndicatorTargetValues,
    PartValues,
    PartyValues,
    ReportValues,
    allowed_steps,
    do_add_action_item,
    do_add_party,
    do_add_programme_attachment,
    do_create_programme,
    do_delete_axis,
    do_delete_indicator_target,
    do_delete_objective,
    do_remove_party,
    do_save_axis,
    do_save_indicator_target,
    do_save_objective,
    do_set_axis_weights,
    do_set_objective_weights,
    do_submit_status_report,
    do_transition_programme,
    do_update_action_item,
    do_update_party,
    do_update_programme,
    party_of,
)
from rasad.programs.api.serializers import (
    ActionItemSerializer,
    ActionItemUpdateSerializer,
    AxisSerializer,
    AxisUpdateSerializer,
    IndicatorTargetSerializer,
    ObjectiveSerializer,
    ObjectiveUpdateSerializer,
    PartySerializer,
    PartyUpdateSerializer,
    ProgrammeAttachmentSerializer,
    ProgrammeAttachmentUploadSerializer,
    ProgrammeSerializer,
    ProgrammeTransitionSerializer,
    ProgrammeUpdateSerializer,
    ProgressSerializer,
    ReportSubmitSerializer,
    StatusReportSerializer,
    WeightsSerializer,
)
from rasad.programs.filtersets import (
    ActionItemFilterSet,
    AttachmentFilterSet,
    AxisFilterSet,
    IndicatorTargetFilterSet,
    ObjectiveFilterSet,
    PartyFilterSet,
    ProgrammeFilterSet,
    StatusReportFilterSet,
)
from rasad.programs.models import (
    ActionItem,
    Axis,
    IndicatorTarget,
    Objective,
    Party,
    Programme,
    ProgrammeAttachment,
    StatusReport,
)
from rasad.programs.reading import progress_as_data, visible_progress


def _part_values(data: Mapping[str, Any], current: Axis | Objective | None = None) -> PartValues:
    """An axis's or an objective's values from a validated body: on a change (``current``) what
    the body leaves out keeps its value, and the position only moves when it is given."""
    if current is None:
        return PartValues(
            data.get("title") or "",
            data.get("description") or "",
            data.get("weight") or 0,
            data.get("position"),
        )
    return PartValues(
        data.get("title", current.title),
        data.get("description", current.description),
        data.get("weight", current.weight),
        data.get("position"),
    )


class ProgrammeViewSet(ScopedModelViewSet):
    """Programmes. ``POST`` creates a draft with all its parties; status steps are
    ``POST .../transition/``; ``GET .../progress/`` is the progress the reader may see."""

    queryset = Programme.objects.select_related("organization", "reviewing_organization").prefetch_related(
        "parties__organization"
    )
    serializer_class = ProgrammeSerializer
    filterset_class = ProgrammeFilterSet
    http_method_names = ["get", "post", "patch", "head", "options"]

    def perform_create(self, serializer: BaseSerializer[Any]) -> None:
        assert isinstance(serializer, ProgrammeSerializer)
        serializer.instance = do_create_programme(
            serializer.to_values(), acting_user=acting_user(self.request)
        )

    @extend_schema(request=ProgrammeUpdateSerializer, responses=ProgrammeSerializer)
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        programme = self.get_object()
        serializer = ProgrammeUpdateSerializer(
            data=request.data, partial=True, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        programme = do_update_programme(
            programme, dict(serializer.validated_data), acting_user=acting_user(request)
        )
        return self.reply(ProgrammeSerializer, programme)

    @extend_schema(request=ProgrammeTransitionSerializer, responses=ProgrammeSerializer)
    @action(detail=True, methods=["post"])
    @scope_action("change")
    def transition(self, request: Request, pk: Any = None) -> Response:
        """One status step: activate, suspend, resume, complete, terminate, expire (a note is
        required to suspend and to terminate)."""
        programme = self.get_object()
        serializer = self.read_body(ProgrammeTransitionSerializer)
        programme = do_transition_programme(
            programme,
            serializer.validated_data["step"],
            acting_user=acting_user(request),
            note=serializer.validated_data["note"],
        )
        return self.reply(ProgrammeSerializer, programme)

    @extend_schema(responses={200: {"type": "array", "items": {"type": "string"}}}, filters=False)
    @action(
        detail=True, methods=["get"], url_path="allowed-steps", pagination_class=None, filterset_class=None
    )
    def allowed_steps(self, request: Request, pk: Any = None) -> Response:
        programme = self.get_object()
        return Response([str(step) for step in allowed_steps(programme, acting_user(request))])

    @extend_schema(request=WeightsSerializer, responses=ProgrammeSerializer)
    @action(detail=True, methods=["post"], url_path="axis-weights")
    @scope_action("change")
    def axis_weights(self, request: Request, pk: Any = None) -> Response:
        """Set every axis's weight at once: ``{"weights": {"<axis id>": percent}}``, summing to 100."""
        programme = self.get_object()
        serializer = self.read_body(WeightsSerializer)
        do_set_axis_weights(programme, serializer.validated_data["weights"], acting_user=acting_user(request))
        programme.refresh_from_db()
        return self.reply(ProgrammeSerializer, programme)

    @extend_schema(responses=ProgressSerializer, filters=False)
    @action(detail=True, methods=["get"], pagination_class=None, filterset_class=None)
    def progress(self, request: Request, pk: Any = None) -> Response:
        """The progress of the obligations the reader may see (the whole programme for its lead
        and reviewing body; a party's own obligations for that party), with the burn-up points and
        how each number is made (docs/programs.md)."""
        programme = self.get_object()
        measured = visible_progress(programme, acting_user(request), now=timezone.now())
        return Response(progress_as_data(measured, now=timezone.now()))

    @files_action(ProgrammeAttachmentSerializer, ProgrammeAttachmentUploadSerializer)
    def attachments(self, request: Request, pk: Any = None) -> Response:
        """The programme's files (the signed scan, annexes); ``POST`` attaches one."""
        context = self.get_serializer_context()
        if request.method == "POST":
            # Attaching is changing the programme: refused like a missing one before the body is read.
            programme = access_object(Programme.objects.all(), request.user, pk, action="change")
            upload = self.read_body(ProgrammeAttachmentUploadSerializer)
            attachment = do_add_programme_attachment(
                programme,
                upload.validated_data["file"],
                acting_user=acting_user(request),
                description=upload.validated_data["description"],
            )
            return Response(
                ProgrammeAttachmentSerializer(attachment, context=context).data,
                status=status.HTTP_201_CREATED,
            )
        programme = self.get_object()
        files = ProgrammeAttachment.objects.visible_to(request.user).filter(programme=programme)
        return Response(ProgrammeAttachmentSerializer(files, many=True, context=context).data)


class PartyViewSet(ScopedModelViewSet):
    """Parties. ``POST`` adds one to a programme; ``PATCH`` changes its signatory; ``DELETE``
    removes a party that owes nothing (never the lead)."""

    queryset = Party.objects.select_related("organization", "programme")
    serializer_class = PartySerializer
    filterset_class = PartyFilterSet
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def perform_create(self, serializer: BaseSerializer[Any]) -> None:
        data = serializer.validated_data
        serializer.instance = do_add_party(
            data["programme"],
            PartyValues(
                data["organization"], data.get("signatory_name") or "", data.get("signatory_title") or ""
            ),
            acting_user=acting_user(self.request),
        )

    @extend_schema(request=PartyUpdateSerializer, responses=PartySerializer)
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        party = self.get_object()
        serializer = self.read_body(PartyUpdateSerializer)
        data = serializer.validated_data
        party = do_update_party(
            party,
            signatory_name=data.get("signatory_name", party.signatory_name),
            signatory_title=data.get("signatory_title", party.signatory_title),
            acting_user=acting_user(request),
        )
        return self.reply(PartySerializer, party)

    def perform_destroy(self, instance: Party) -> None:
        do_remove_party(instance, acting_user=acting_user(self.request))


class AxisViewSet(ScopedModelViewSet):
    """Axes of programmes. ``POST .../objective-weights/`` sets every objective's weight at once."""

    queryset = Axis.objects.select_related("programme")
    serializer_class = AxisSerializer
    filterset_class = AxisFilterSet
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def perform_create(self, serializer: BaseSerializer[Any]) -> None:
        data = serializer.validated_data
        serializer.instance = do_save_axis(
            data["programme"],
            _part_values(data),
            acting_user=acting_user(self.request),
        )

    @extend_schema(request=AxisUpdateSerializer, responses=AxisSerializer)
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        axis = self.get_object()
        serializer = self.read_body(AxisUpdateSerializer, partial=True)
        data = serializer.validated_data
        axis = do_save_axis(
            axis.programme,
            _part_values(data, axis),
            acting_user=acting_user(request),
            instance=axis,
        )
        return self.reply(AxisSerializer, axis)

    def perform_destroy(self, instance: Axis) -> None:
        do_delete_axis(instance, acting_user=acting_user(self.request))

    @extend_schema(request=WeightsSerializer, responses=AxisSerializer)
    @action(detail=True, methods=["post"], url_path="objective-weights")
    @scope_action("change")
    def objective_weights(self, request: Request, pk: Any = None) -> Response:
        """Set every objective's weight at once: ``{"weights": {"<objective id>": percent}}``,
        summing to 100."""
        axis = self.get_object()
        serializer = self.read_body(WeightsSerializer)
        do_set_objective_weights(axis, serializer.validated_data["weights"], acting_user=acting_user(request))
        return self.reply(AxisSerializer, axis)


class ObjectiveViewSet(ScopedModelViewSet):
    queryset = Objective.objects.select_related("programme", "axis")
    serializer_class = ObjectiveSerializer
    filterset_class = ObjectiveFilterSet
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def perform_create(self, serializer: BaseSerializer[Any]) -> None:
        data = serializer.validated_data
        serializer.instance = do_save_objective(
            data["axis"],
            _part_values(data),
            acting_user=acting_user(self.request),
        )

    @extend_schema(request=ObjectiveUpdateSerializer, responses=ObjectiveSerializer)
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        objective = self.get_object()
        serializer = ObjectiveUpdateSerializer(
            data=request.data, partial=True, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        objective = do_save_objective(
            data.get("axis", objective.axis),
            _part_values(data, objective),
            acting_user=acting_user(request),
            instance=objective,
        )
        return self.reply(ObjectiveSerializer, objective)

    def perform_destroy(self, instance: Objective) -> None:
        do_delete_objective(instance, acting_user=acting_user(self.request))


class ActionItemViewSet(
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
):
    """Action items. ``POST`` opens the item's directive case (owned by the party, reported by the
    lead); its workflow is the case's (``/api/v1/cases/{case}/transition/``)."""

    queryset = ActionItem.objects.select_related(
        "programme", "objective", "party__organization", "case__category"
    )
    serializer_class = ActionItemSerializer
    filterset_class = ActionItemFilterSet
    http_method_names = ["get", "post", "patch", "head", "options"]

    def perform_create(self, serializer: BaseSerializer[Any]) -> None:
        assert isinstance(serializer, ActionItemSerializer)
        values, organization = serializer.to_values()
        values.party = party_of(values.objective.programme, organization)
        serializer.instance = do_add_action_item(values, acting_user=acting_user(self.request))

    @extend_schema(request=ActionItemUpdateSerializer, responses=ActionItemSerializer)
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        item = self.get_object()
        serializer = ActionItemUpdateSerializer(
            data=request.data, partial=True, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        item = do_update_action_item(item, acting_user=acting_user(request), **serializer.validated_data)
        return self.reply(ActionItemSerializer, item)


class IndicatorTargetViewSet(ScopedModelViewSet):
    queryset = IndicatorTarget.objects.select_related(
        "programme", "objective", "party__organization", "indicator", "organization"
    )
    serializer_class = IndicatorTargetSerializer
    filterset_class = IndicatorTargetFilterSet
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def _values(self, data: dict[str, Any], instance: IndicatorTarget | None = None) -> IndicatorTargetValues:
        objective: Objective = data.get("objective") or (instance.objective if instance else None)  # type: ignore[assignment]
        organization = data.get("party")
        party = party_of(objective.programme, organization) if organization is not None else instance.party  # type: ignore[union-attr]
        return IndicatorTargetValues(
            objective=objective,
            party=party,
            indicator=data.get("indicator") or instance.indicator,  # type: ignore[union-attr]
            organization=data.get("organization") or instance.organization,  # type: ignore[union-attr]
            comparator=data.get("comparator") or instance.comparator,  # type: ignore[union-attr]
            target_value=data.get("target_value", instance.target_value if instance else None),
            due_on=data.get("due_on") or instance.due_on,  # type: ignore[union-attr]
            weight=data.get("weight") or (instance.weight if instance else 1),
        )

    def perform_create(self, serializer: BaseSerializer[Any]) -> None:
        serializer.instance = do_save_indicator_target(
            self._values(dict(serializer.validated_data)), acting_user=acting_user(self.request)
        )

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        target = self.get_object()
        serializer = IndicatorTargetSerializer(
            target, data=request.data, partial=True, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        target = do_save_indicator_target(
            self._values(dict(serializer.validated_data), target),
            acting_user=acting_user(request),
            instance=target,
        )
        return self.reply(IndicatorTargetSerializer, target)

    def perform_destroy(self, instance: IndicatorTarget) -> None:
        do_delete_indicator_target(instance, acting_user=acting_user(self.request))


class StatusReportViewSet(ScopedReadOnlyViewSet):
    """Quarterly status reports: those of the party you act for, or every party's if you lead or
    review the programme. ``POST .../submit/`` is the party's answer (done, on track, at risk,
    blocked, with a note); it answers the report's case."""

    queryset = StatusReport.objects.select_related(
        "case", "action_item__case", "action_item__party__organization", "submitted_by"
    )
    serializer_class = StatusReportSerializer
    filterset_class = StatusReportFilterSet

    @extend_schema(request=ReportSubmitSerializer, responses=StatusReportSerializer)
    @action(detail=True, methods=["post"])
    @scope_action("submit")
    def submit(self, request: Request, pk: Any = None) -> Response:
        report = self.get_object()
        serializer = self.read_body(ReportSubmitSerializer)
        report = do_submit_status_report(
            report, ReportValues(**serializer.validated_data), acting_user=acting_user(request)
        )
        return self.reply(StatusReportSerializer, report)


class AttachmentViewSet(ScopedReadOnlyViewSet):
    queryset = ProgrammeAttachment.objects.select_related("uploaded_by")
    serializer_class = ProgrammeAttachmentSerializer
    filterset_class = AttachmentFilterSet

    @extend_schema(responses={(200, "*/*"): bytes})
    @action(detail=True, methods=["get"])
    def download(self, request: Request, pk: Any = None) -> FileResponse:
        attachment = self.get_object()
        return file_download(attachment.file.open("rb"), attachment.name, attachment.content_type)
