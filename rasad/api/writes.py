"""What the API views need to write through an app's actions: who is acting; the create and
update of a viewset whose serializer says what to save (``to_values``) and whose app has one
``do_save_<noun>`` action for both; the route and schema of an object's files; and the answer
of an endpoint that imports a spreadsheet."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, ClassVar, Protocol

from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from rasad.api import parsers
from rasad.api.errors import error_body
from rasad.core.importers import MAX_FILE_BYTES, ImportReport, TabularImporter
from rasad.core.models import User
from rasad.lib import formatting


def acting_user(request: Request) -> User:
    """The signed-in user of an API request, passed to the actions as ``acting_user``. Every
    endpoint requires authentication, so it is never anonymous here."""
    user = request.user
    assert isinstance(user, User)
    return user


class SaveAction(Protocol):
    def __call__(self, values: Any, *, acting_user: User, instance: Any = None) -> Any: ...


class SavedByActionMixin(viewsets.GenericViewSet[Any]):
    """``POST`` and ``PATCH`` through ``save_action``, the app's
    ``do_save_<noun>(values, *, acting_user, instance=None)``: it creates with
    ``serializer.to_values()`` and updates with ``serializer.to_values(instance)`` (what the body
    leaves out keeps its value, ``RasadModelSerializer.submitted``). Put it before the base
    viewset: ``class CourseViewSet(SavedByActionMixin, ScopedModelViewSet)``."""

    save_action: ClassVar[SaveAction]

    def perform_create(self, serializer: BaseSerializer[Any]) -> None:
        values = serializer.to_values()  # type: ignore[attr-defined]
        serializer.instance = type(self).save_action(values, acting_user=acting_user(self.request))

    def perform_update(self, serializer: BaseSerializer[Any]) -> None:
        values = serializer.to_values(serializer.instance)  # type: ignore[attr-defined]
        serializer.instance = type(self).save_action(
            values, acting_user=acting_user(self.request), instance=serializer.instance
        )


def files_action(
    listed: type[serializers.Serializer[Any]], upload: type[serializers.Serializer[Any]]
) -> Callable[[Callable[..., Response]], Callable[..., Response]]:
    """The route and schema of an object's files (``/<object>/{id}/attachments/``): ``GET``
    lists them as ``listed``, ``POST`` attaches one from a multipart ``upload`` (201)."""

    def decorate(method: Callable[..., Response]) -> Callable[..., Response]:
        routed = action(
            detail=True,
            methods=["get", "post"],
            parser_classes=[parsers.MultiPartParser, parsers.FormParser],
            pagination_class=None,
            filterset_class=None,
        )(method)
        posted = extend_schema(
            methods=["POST"], request={"multipart/form-data": upload}, responses={201: listed}
        )(routed)
        documented: Callable[..., Response] = extend_schema(
            methods=["GET"], responses={200: listed(many=True)}, filters=False
        )(posted)
        return documented

    return decorate


def run_import(importer: TabularImporter[Any], upload: Mapping[str, Any]) -> Response:
    """Run ``importer`` on a validated upload (``file`` and ``dry_run``, as
    ``ImportUploadSerializer`` reads them): a file over the importers' size limit is a 400 on
    ``file``; otherwise ``import_answer``."""
    file = upload["file"]
    if file.size > MAX_FILE_BYTES:
        raise exceptions.ValidationError({"file": [formatting.file_too_large(MAX_FILE_BYTES)]})
    report = importer.run(file.read(), file_name=file.name or "upload", dry_run=upload["dry_run"])
    return import_answer(report)


def import_answer(report: ImportReport) -> Response:
    """The answer of every import endpoint: 400 with each bad row (``error.fields`` as
    ``rows[<row>].<column>`` and ``error.rows``) when a row is bad and nothing was written; else
    the report, 201 when it was applied and 200 for a dry run."""
    if not report.ok:
        body = error_body("import_invalid", report.summary(), report.error_fields())
        body["error"]["rows"] = [error.as_dict() for error in report.sorted_errors()]
        return Response(body, status=status.HTTP_400_BAD_REQUEST)
    return Response(
        report.as_dict(), status=status.HTTP_201_CREATED if report.applied else status.HTTP_200_OK
    )
