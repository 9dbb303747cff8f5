"""``/api/v1/exports/``: background exports through the API. A client asks for a list's export
and gets the job back at once (202); it polls the job until it is ready, then downloads the file.
Nothing is written during the request, so no export is ever cut short or times out."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import models
from django.http import FileResponse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from rasad.api.errors import ErrorSerializer
from rasad.api.writes import acting_user
from rasad.jobs.api.serializers import ExportFileSerializer, ExportKindSerializer, ExportRequestSerializer
from rasad.jobs.exports import do_record_download, do_request_export, export_kinds, may_export
from rasad.jobs.models import ExportFile, ExportStatus
from rasad.lib.downloads import file_download

FILE_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv",
    "pdf": "application/pdf",
}


class NotReady(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "not_ready"


class ExportFileViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet[ExportFile],
):
    """Your prepared files: exports of lists and generated reports. Each person sees only their
    own; a file is downloaded only while they may still see the list it holds."""

    queryset = ExportFile.objects.all()
    serializer_class = ExportFileSerializer
    filterset_fields = ["kind", "status"]

    def get_queryset(self) -> models.QuerySet[Any]:
        return ExportFile.objects.filter(owner_id=self.request.user.pk or 0).select_related("run")

    @extend_schema(request=ExportRequestSerializer, responses={202: ExportFileSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Ask for the export of a list; the answer is the job (status ``waiting``)."""
        serializer = ExportRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        export = do_request_export(
            data["kind"], data["format"], data["filters"], acting_user=acting_user(request)
        )
        export = self.get_queryset().get(pk=export.pk)
        body = ExportFileSerializer(export, context=self.get_serializer_context()).data
        return Response(body, status=status.HTTP_202_ACCEPTED)

    @extend_schema(responses={200: ExportKindSerializer(many=True)}, filters=False)
    @action(detail=False, methods=["get"], pagination_class=None)
    def kinds(self, request: Request) -> Response:
        """The lists you may export, and in which formats."""
        user = acting_user(request)
        kinds = [
            {"kind": kind.name, "title": str(kind.title), "formats": list(kind.formats)}
            for kind in export_kinds().values()
            if kind.queryset is not None and may_export(user, kind)
        ]
        return Response(ExportKindSerializer(sorted(kinds, key=lambda k: k["kind"]), many=True).data)

    @extend_schema(
        responses={
            **{(200, media): OpenApiResponse(bytes) for media in FILE_TYPES.values()},
            409: OpenApiResponse(ErrorSerializer, description=_("The file is not ready yet.")),
        },
        filters=False,
    )
    @action(detail=True, methods=["get"])
    def download(self, request: Request, pk: Any = None) -> FileResponse:
        """The file, once ready (409 while it is being prepared; 404 once deleted, or when you
        may no longer see the list)."""
        export = self.get_object()
        user = acting_user(request)
        if export.status in (ExportStatus.WAITING, ExportStatus.RUNNING):
            raise NotReady(_("The file is still being prepared; ask again when its status is ready."))
        kind = export_kinds().get(export.kind)
        allowed = kind is not None and may_export(user, kind, export.params)
        path = Path(settings.MEDIA_ROOT) / export.file.name if export.file.name else None
        if export.status != ExportStatus.READY or not allowed or path is None or not path.is_file():
            raise exceptions.NotFound(_("No such object, or you may not see it."))
        do_record_download(export, acting_user=user)
        return file_download(
            path.open("rb"), export.download_name, export.content_type, fallback=export.download_fallback
        )
