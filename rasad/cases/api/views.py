from __future__ import annotations

from typing import Any

from django.db import models
from django.http import FileResponse
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from rasad.api.viewsets import ScopedModelViewSet, ScopedReadOnlyViewSet, ScopedViewSetMixin
from rasad.api.writes import acting_user, files_action
from rasad.cases.actions import (
    allowed_actions,
    do_add_attachment,
    do_add_comment,
    do_delete_holiday,
    do_escalate_case_by_hand,
    do_forward_dossier,
    do_mark_notifications_read,
    do_merge_cases,
    do_open_case,
    do_set_holiday,
    do_transition_case,
    do_update_case,
    may_escalate_owner_cases,
    may_take_steps,
)
from rasad.cases.api.serializers import (
    CASE_LIST,
    AttachmentSerializer,
    AttachmentUploadSerializer,
    CaseEventSerializer,
    CaseSerializer,
    CaseUpdateSerializer,
    CategorySerializer,
    CommentBodySerializer,
    CommentSerializer,
    DossierSerializer,
    EscalationSerializer,
    HolidaySerializer,
    MergeSerializer,
    NotificationSerializer,
    TransitionSerializer,
)
from rasad.cases.filtersets import (
    AttachmentFilterSet,
    CaseFilterSet,
    CommentFilterSet,
    DossierFilterSet,
    NotificationFilterSet,
)
from rasad.cases.models import (
    Attachment,
    Case,
    CaseEvent,
    Category,
    Comment,
    Dossier,
    Holiday,
    Notification,
)
from rasad.core.access import access_object, refuse
from rasad.lib.downloads import file_download


def _case(request: Request, pk: Any, action: str = "view") -> Case:
    case: Case = access_object(Case.objects.all(), request.user, pk, action=action)
    return case


class CaseViewSet(ScopedModelViewSet):
    """Cases. Writes go through actions; workflow steps are ``POST .../transition/``."""

    queryset = Case.objects.select_related(
        "category",
        "reporter_organization",
        "owner_organization",
        "assignee",
        "reported_by",
        "escalated_to",
        "province",
        "site",
    )
    serializer_class = CaseSerializer
    filterset_class = CaseFilterSet
    lean_list = CASE_LIST
    http_method_names = ["get", "post", "patch", "head", "options"]

    def perform_create(self, serializer: BaseSerializer[Any]) -> None:
        assert isinstance(serializer, CaseSerializer)
        serializer.instance = do_open_case(serializer.to_values(), acting_user=acting_user(self.request))

    @extend_schema(request=CaseUpdateSerializer, responses=CaseSerializer)
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        case = self.get_object()
        serializer = self.read_body(CaseUpdateSerializer, partial=True)
        case = do_update_case(case, dict(serializer.validated_data), acting_user=acting_user(request))
        return self.reply(CaseSerializer, case)

    @extend_schema(request=TransitionSerializer, responses=CaseSerializer)
    @action(detail=True, methods=["post"])
    def transition(self, request: Request, pk: Any = None) -> Response:
        """Take one workflow step: triage, reject, assign, start, request_info, provide_info,
        resolve, verify, reopen. ``assign`` needs ``version``, ``assignee`` and optionally
        ``owner_organization``."""
        case = _case(request, pk)
        # Someone who may take no step (a viewer) is refused before the body is read.
        if not may_take_steps(case, acting_user(request)):
            raise refuse(request.user, case, action="transition")
        serializer = self.read_body(TransitionSerializer)
        data = serializer.validated_data
        case = do_transition_case(
            case,
            data["action"],
            acting_user=acting_user(request),
            note=data.get("note") or "",
            expected_version=data.get("version"),
            owner_organization=data.get("owner_organization"),
            assignee=data.get("assignee"),
        )
        return self.reply(CaseSerializer, case)

    @extend_schema(request=EscalationSerializer, responses=CaseSerializer)
    @action(detail=True, methods=["post"])
    def escalate(self, request: Request, pk: Any = None) -> Response:
        """Send the case one level up its owner's tree now, with a reason (as the SLA job does
        when it is overdue). For those who may assign the owner's cases."""
        case = _case(request, pk)
        # Someone who may not assign the owner's cases is refused before the body is read.
        if not may_escalate_owner_cases(case, acting_user(request)):
            raise refuse(request.user, case, action="escalate")
        serializer = self.read_body(EscalationSerializer)
        case = do_escalate_case_by_hand(
            case,
            acting_user=acting_user(request),
            reason=serializer.validated_data["reason"],
            expected_version=serializer.validated_data.get("version"),
        )
        return self.reply(CaseSerializer, case)

    @extend_schema(responses={200: {"type": "array", "items": {"type": "string"}}}, filters=False)
    @action(
        detail=True, methods=["get"], url_path="allowed-actions", pagination_class=None, filterset_class=None
    )
    def allowed_actions(self, request: Request, pk: Any = None) -> Response:
        case = _case(request, pk)
        return Response([str(a) for a in allowed_actions(case, acting_user(request))])

    @extend_schema(responses={200: CaseEventSerializer(many=True)}, filters=False)
    @action(detail=True, methods=["get"], pagination_class=None, filterset_class=None)
    def timeline(self, request: Request, pk: Any = None) -> Response:
        case = _case(request, pk)
        # Timeline rows are judged by their own permission (cases.view_caseevent), like everywhere.
        events = CaseEvent.objects.visible_to(request.user).filter(case=case)
        return Response(
            CaseEventSerializer(events.select_related("actor").order_by("created", "id"), many=True).data
        )

    @extend_schema(methods=["GET"], responses={200: CommentSerializer(many=True)}, filters=False)
    @extend_schema(methods=["POST"], request=CommentBodySerializer, responses={201: CommentSerializer})
    @action(detail=True, methods=["get", "post"], pagination_class=None, filterset_class=None)
    def comments(self, request: Request, pk: Any = None) -> Response:
        # Writing needs cases.comment_case on the case: refused like a missing case otherwise.
        case = _case(request, pk, "comment" if request.method == "POST" else "view")
        context = self.get_serializer_context()
        if request.method == "POST":
            body = self.read_body(CommentBodySerializer)
            comment = do_add_comment(
                case,
                body.validated_data["body"],
                acting_user=acting_user(request),
                confidential=body.validated_data["confidential"],
            )
            return Response(CommentSerializer(comment, context=context).data, status=status.HTTP_201_CREATED)
        comments = Comment.objects.visible_to(request.user).filter(case=case)
        comments = comments.select_related("author").prefetch_related("mentions")
        return Response(CommentSerializer(comments, many=True, context=context).data)

    @files_action(AttachmentSerializer, AttachmentUploadSerializer)
    def attachments(self, request: Request, pk: Any = None) -> Response:
        case = _case(request, pk, "comment" if request.method == "POST" else "view")
        context = self.get_serializer_context()
        if request.method == "POST":
            upload = self.read_body(AttachmentUploadSerializer)
            attachment = do_add_attachment(
                case,
                upload.validated_data["file"],
                acting_user=acting_user(request),
                confidential=upload.validated_data["confidential"],
            )
            return Response(
                AttachmentSerializer(attachment, context=context).data, status=status.HTTP_201_CREATED
            )
        attachments = Attachment.objects.visible_to(request.user).filter(case=case)
        return Response(AttachmentSerializer(attachments, many=True, context=context).data)

    @extend_schema(request=MergeSerializer, responses=CaseSerializer)
    @action(detail=True, methods=["post"])
    def merge(self, request: Request, pk: Any = None) -> Response:
        """Merge the given duplicate cases into this one (consolidation)."""
        # Merging is forwarding (cases.forward_case): refused before the body is read.
        case = _case(request, pk, "forward")
        serializer = self.read_body(MergeSerializer)
        duplicates = list(
            Case.objects.visible_to(request.user).filter(pk__in=serializer.validated_data["duplicates"])
        )
        if len(duplicates) != len(set(serializer.validated_data["duplicates"])):
            from django.core.exceptions import ValidationError
            from django.utils.translation import gettext as _

            raise ValidationError({"duplicates": [_("No such case, or you may not see it.")]})
        case = do_merge_cases(
            case, duplicates, acting_user=acting_user(request), note=serializer.validated_data["note"]
        )
        return self.reply(CaseSerializer, case)


class CommentViewSet(ScopedReadOnlyViewSet):
    queryset = Comment.objects.select_related("author").prefetch_related("mentions")
    serializer_class = CommentSerializer
    filterset_class = CommentFilterSet


class AttachmentViewSet(ScopedReadOnlyViewSet):
    queryset = Attachment.objects.select_related("uploaded_by")
    serializer_class = AttachmentSerializer
    filterset_class = AttachmentFilterSet

    # The file is served with its own content type (a PDF, a photo, a spreadsheet ...).
    @extend_schema(responses={(200, "*/*"): bytes})
    @action(detail=True, methods=["get"])
    def download(self, request: Request, pk: Any = None) -> FileResponse:
        attachment = self.get_object()
        return file_download(attachment.open_content(), attachment.name, attachment.content_type)


class DossierViewSet(
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet[Any],
):
    """Dossiers: creating one forwards it (its cases go to the coordinating organization)."""

    queryset = Dossier.objects.select_related(
        "from_organization", "to_organization", "forwarded_by"
    ).prefetch_related("cases")
    serializer_class = DossierSerializer
    filterset_class = DossierFilterSet

    def scope_verb(self) -> str:
        return "view" if self.action in ("list", "retrieve") else "forward"

    def perform_create(self, serializer: BaseSerializer[Any]) -> None:
        data = serializer.validated_data
        serializer.instance = do_forward_dossier(
            data["from_organization"],
            data["to_organization"],
            data["cases"],
            acting_user=acting_user(self.request),
            title=data.get("title") or "",
            summary=data.get("summary") or "",
        )


class NotificationViewSet(ScopedReadOnlyViewSet):
    queryset = Notification.objects.select_related("case")
    serializer_class = NotificationSerializer
    filterset_class = NotificationFilterSet

    @extend_schema(request=None, responses=NotificationSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request: Request, pk: Any = None) -> Response:
        notification = self.get_object()
        do_mark_notifications_read([notification], acting_user=acting_user(request))
        notification.refresh_from_db()
        return self.reply(NotificationSerializer, notification)


class CategoryViewSet(ScopedReadOnlyViewSet):
    queryset = Category.objects.all()
    serializer_class = CategorySerializer
    filterset_fields = ["code", "is_active"]


class HolidayViewSet(ScopedModelViewSet):
    """Holidays of the working calendar; platform administrators add and remove them."""

    queryset = Holiday.objects.all()
    serializer_class = HolidaySerializer
    filterset_fields = ["date", "kind"]
    http_method_names = ["get", "post", "delete", "head", "options"]

    def get_queryset(self) -> models.QuerySet[Any]:
        return super().get_queryset()

    def perform_create(self, serializer: BaseSerializer[Any]) -> None:
        data = serializer.validated_data
        serializer.instance = do_set_holiday(
            data["date"],
            data["name_fa"],
            acting_user=acting_user(self.request),
            name_en=data.get("name_en") or "",
            kind=data.get("kind") or "one_off",
        )

    def perform_destroy(self, instance: Holiday) -> None:
        do_delete_holiday(instance, acting_user=acting_user(self.request))
