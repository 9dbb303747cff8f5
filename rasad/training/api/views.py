"""The training API: positions and who holds them, courses, events (enrol, cancel, attendance,
roster import), enrolments, completions, requirements and compliance. Every write is an action
of ``rasad.training.actions``; scope is applied by the base viewsets."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from rasad.api.parsers import FormParser, MultiPartParser
from rasad.api.viewsets import ScopedModelViewSet, ScopedReadOnlyViewSet, scope_action
from rasad.api.writes import SavedByActionMixin, acting_user, run_import
from rasad.core.api.serializers import ImportReportSerializer, ImportUploadSerializer
from rasad.core.models import Organization, User
from rasad.lib.jalali import local_date
from rasad.lib.site import absolute_url
from rasad.training.actions import (
    AttendanceMark,
    do_assign_position,
    do_cancel_enrolment,
    do_cancel_event,
    do_enrol,
    do_record_attendance,
    do_save_course,
    do_save_event,
    do_save_requirement,
)
from rasad.training.actions.announce import do_announce_event
from rasad.training.actions.announce import publicity as publicity_of
from rasad.training.actions.checkin import do_check_in
from rasad.training.api.serializers import (
    AnnounceSerializer,
    AttendanceSerializer,
    CheckInSerializer,
    CompletionSerializer,
    ComplianceSerializer,
    CourseSerializer,
    EnrolmentSerializer,
    EnrolSerializer,
    EventSerializer,
    PositionHoldingSerializer,
    PositionSerializer,
    PublicitySerializer,
    RequirementSerializer,
)
from rasad.training.choices import EnrolmentStatus
from rasad.training.compliance import obligations, organizations_involved, rollup
from rasad.training.exports import visible_obligations
from rasad.training.filtersets import (
    CompletionFilterSet,
    CourseFilterSet,
    EnrolmentFilterSet,
    EventFilterSet,
    PositionHoldingFilterSet,
    RequirementFilterSet,
)
from rasad.training.importers import CompletionImporter, RosterImporter
from rasad.training.models import (
    Completion,
    Course,
    Enrolment,
    Event,
    Position,
    PositionHolding,
    Requirement,
)


class PositionViewSet(ScopedReadOnlyViewSet):
    """The positions requirements name (reference data)."""

    queryset = Position.objects.all()
    serializer_class = PositionSerializer


class PositionHoldingViewSet(ScopedModelViewSet):
    """Who holds which position where, since when. ``POST`` assigns one to a membership."""

    queryset = PositionHolding.objects.select_related(
        "membership__organization", "membership__user", "position"
    )
    serializer_class = PositionHoldingSerializer
    filterset_class = PositionHoldingFilterSet
    http_method_names = ["get", "post", "head", "options"]

    def perform_create(self, serializer: BaseSerializer[Any]) -> None:
        data = serializer.validated_data
        serializer.instance = do_assign_position(
            data["membership"],
            data["position"],
            since=data.get("since"),
            acting_user=acting_user(self.request),
        )


class CourseViewSet(SavedByActionMixin, ScopedModelViewSet):
    """The course catalogue."""

    queryset = Course.objects.select_related("organization").prefetch_related("prerequisites")
    serializer_class = CourseSerializer
    filterset_class = CourseFilterSet
    http_method_names = ["get", "post", "patch", "head", "options"]
    save_action = staticmethod(do_save_course)


def _with_places(queryset: Any) -> Any:
    return queryset.annotate(
        places_taken=Count("enrolments", filter=Q(enrolments__status=EnrolmentStatus.ENROLLED)),
        waiting=Count("enrolments", filter=Q(enrolments__status=EnrolmentStatus.WAITLISTED)),
    )


class EventViewSet(SavedByActionMixin, ScopedModelViewSet):
    """Training events. ``POST .../enrol/`` enrols yourself (or, by id, someone you may enrol);
    ``POST .../cancel/`` cancels the event; ``POST .../attendance/`` records who attended;
    ``POST .../roster/`` imports enrolments and attendance from a spreadsheet."""

    queryset = _with_places(Event.objects.select_related("organization", "audience", "course"))
    serializer_class = EventSerializer
    filterset_class = EventFilterSet
    http_method_names = ["get", "post", "patch", "head", "options"]
    save_action = staticmethod(do_save_event)

    @extend_schema(request=EnrolSerializer, responses={201: EnrolmentSerializer})
    @action(detail=True, methods=["post"])
    @scope_action("view")
    def enrol(self, request: Request, pk: Any = None) -> Response:
        """Enrol yourself, or (``user``) a person you may enrol; on the waiting list when full."""
        event = self.get_object()
        serializer = self.read_body(EnrolSerializer)
        user_id = serializer.validated_data.get("user")
        actor = acting_user(request)
        if user_id is None or user_id == actor.pk:
            person = actor
        else:
            person = User.objects.visible_to(actor, "view").filter(pk=user_id).first()
            if person is None:
                raise exceptions.ValidationError({"user": [_("Unknown person.")]})
        enrolment = do_enrol(event, person, acting_user=actor)
        return self.reply(EnrolmentSerializer, enrolment, status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=EventSerializer)
    @action(detail=True, methods=["post"])
    @scope_action("change")
    def cancel(self, request: Request, pk: Any = None) -> Response:
        event = do_cancel_event(self.get_object(), acting_user=acting_user(request))
        return Response(
            EventSerializer(
                _with_places(Event.objects.filter(pk=event.pk)).get(), context=self.get_serializer_context()
            ).data
        )

    @extend_schema(request=AttendanceSerializer, responses={200: EnrolmentSerializer(many=True)})
    @action(detail=True, methods=["post"], pagination_class=None, filterset_class=None)
    @scope_action("attend")
    def attendance(self, request: Request, pk: Any = None) -> Response:
        """Who attended (``marks``: enrolment id, attended, optional score)."""
        event = self.get_object()
        serializer = self.read_body(AttendanceSerializer)
        marks = serializer.validated_data["marks"]
        found = {e.pk: e for e in event.enrolments.filter(pk__in=[m["enrolment"] for m in marks])}
        unknown = [m["enrolment"] for m in marks if m["enrolment"] not in found]
        if unknown:
            raise exceptions.ValidationError(
                {"marks": [_("No enrolment %(id)s at this event.") % {"id": unknown[0]}]}
            )
        do_record_attendance(
            event,
            [AttendanceMark(found[m["enrolment"]], m["attended"], m.get("score")) for m in marks],
            acting_user=acting_user(request),
        )
        rows = event.enrolments.filter(pk__in=found).order_by("pk")
        return Response(EnrolmentSerializer(rows, many=True, context=self.get_serializer_context()).data)

    @extend_schema(
        request={"multipart/form-data": ImportUploadSerializer},
        responses={201: ImportReportSerializer, 200: ImportReportSerializer},
        description=(
            "Import enrolments and attendance (username, attended, score) from an .xlsx or .csv file. "
            "Every row is validated first; if any row is bad, nothing is written and the 400 error "
            "lists each problem in error.fields (rows[<row>].<column>) and error.rows."
        ),
    )
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser])
    @scope_action("attend")
    def roster(self, request: Request, pk: Any = None) -> Response:
        event = self.get_object()
        upload = self.read_body(ImportUploadSerializer)
        return run_import(RosterImporter(event, acting_user=acting_user(request)), upload.validated_data)

    @extend_schema(request=AnnounceSerializer, responses={202: EventSerializer})
    @action(detail=True, methods=["post"])
    @scope_action("change")
    def announce(self, request: Request, pk: Any = None) -> Response:
        """Announce the event to its audience (or, ``organization``, a part of it): the people are
        told in the background, once each."""
        event = self.get_object()
        serializer = self.read_body(AnnounceSerializer)
        event = do_announce_event(
            event,
            acting_user=acting_user(request),
            organization=serializer.validated_data.get("organization"),
            address=absolute_url(event.get_absolute_url(), request),
        )
        return Response(
            EventSerializer(
                _with_places(Event.objects.filter(pk=event.pk)).get(), context=self.get_serializer_context()
            ).data,
            status=status.HTTP_202_ACCEPTED,
        )

    @extend_schema(responses=PublicitySerializer)
    @action(detail=True, methods=["get"], pagination_class=None, filterset_class=None)
    @scope_action("change")
    def publicity(self, request: Request, pk: Any = None) -> Response:
        """How far word of the event went: told, opened, enrolled, reminded."""
        found = publicity_of(self.get_object())
        return Response(PublicitySerializer(found).data)

    @extend_schema(request=CheckInSerializer, responses={200: EnrolmentSerializer})
    @action(detail=True, methods=["post"], url_path="check-in")
    @scope_action("view")
    def check_in(self, request: Request, pk: Any = None) -> Response:
        """Check yourself in with the code of the QR shown at the door (you must hold a place)."""
        event = self.get_object()
        serializer = self.read_body(CheckInSerializer)
        enrolment = do_check_in(event, serializer.validated_data["code"], acting_user=acting_user(request))
        return self.reply(EnrolmentSerializer, enrolment)


class EnrolmentViewSet(ScopedReadOnlyViewSet):
    """Enrolments the reader may see (their organizations' people, their events).
    ``POST .../cancel/`` gives up the place."""

    queryset = Enrolment.objects.select_related("organization", "user", "event")
    serializer_class = EnrolmentSerializer
    filterset_class = EnrolmentFilterSet

    @extend_schema(request=None, responses=EnrolmentSerializer)
    @action(detail=True, methods=["post"])
    @scope_action("view")
    def cancel(self, request: Request, pk: Any = None) -> Response:
        enrolment = do_cancel_enrolment(self.get_object(), acting_user=acting_user(request))
        return self.reply(EnrolmentSerializer, enrolment)


class CompletionViewSet(ScopedReadOnlyViewSet):
    """Completions the reader may see. ``POST .../import/`` records past completions from a
    spreadsheet (user name, course code, Jalali day, score), all rows or none."""

    queryset = Completion.objects.select_related("organization", "course", "enrolment", "user")
    serializer_class = CompletionSerializer
    filterset_class = CompletionFilterSet

    @extend_schema(
        request={"multipart/form-data": ImportUploadSerializer},
        responses={201: ImportReportSerializer, 200: ImportReportSerializer},
        description=(
            "Import past completions (username, course, completed_on as a Jalali day, score) from an "
            ".xlsx or .csv file. Every row is validated first; if any row is bad, nothing is written "
            "and the 400 error lists each problem in error.fields (rows[<row>].<column>) and error.rows."
        ),
    )
    @action(
        detail=False,
        methods=["post"],
        url_path="import",
        parser_classes=[MultiPartParser, FormParser],
        pagination_class=None,
        filterset_class=None,
    )
    @scope_action("add")
    def import_file(self, request: Request) -> Response:
        upload = self.read_body(ImportUploadSerializer)
        return run_import(CompletionImporter(acting_user=acting_user(request)), upload.validated_data)


class RequirementViewSet(SavedByActionMixin, ScopedModelViewSet):
    """Training required by position. ``GET .../compliance/`` is the compliance of the people the
    reader may see: a tally per organization (over its subtree, lowest rate first) and every
    obligation."""

    queryset = Requirement.objects.select_related("organization", "position").prefetch_related("courses")
    serializer_class = RequirementSerializer
    filterset_class = RequirementFilterSet
    http_method_names = ["get", "post", "patch", "head", "options"]
    save_action = staticmethod(do_save_requirement)

    @extend_schema(responses=ComplianceSerializer, filters=False)
    @action(detail=False, methods=["get"], pagination_class=None, filterset_class=None)
    def compliance(self, request: Request) -> Response:
        found = visible_obligations(acting_user(request))
        organizations = Organization.objects.visible_to(request.user).filter(
            pk__in=organizations_involved(found)
        )
        data = {"organizations": rollup(found, organizations), "obligations": found}
        return Response(ComplianceSerializer(data).data)

    @extend_schema(responses=ComplianceSerializer, filters=False)
    @action(detail=False, methods=["get"], pagination_class=None, filterset_class=None)
    def mine(self, request: Request) -> Response:
        """Your own requirements and where you stand on each."""
        actor = acting_user(request)
        found = obligations(
            PositionHolding.objects.filter(membership__user=actor),
            Requirement.objects.active().prefetch_related("courses").select_related("organization"),
            today=local_date(timezone.now()),
        )
        return Response(ComplianceSerializer({"organizations": [], "obligations": found}).data)
