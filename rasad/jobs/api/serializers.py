"""The API's view of prepared files (background exports and reports): what was asked for, how far
the worker has got, and where to download the file once it is ready."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from rasad.jobs.models import ExportFile, ExportStatus
from rasad.lib import formatting

# At most this many filters, each with at most this many values (the list pages have a handful).
MAX_FILTERS = 50
MAX_VALUES = 50


class ExportProgressSerializer(serializers.Serializer[Any]):
    done = serializers.IntegerField(help_text=_("Rows written so far."))
    total = serializers.IntegerField(allow_null=True, help_text=_("Rows to write, once counted."))
    percent = serializers.IntegerField(allow_null=True)


class ExportFileSerializer(serializers.ModelSerializer[ExportFile]):
    """A prepared file: the export job and, once it is ready, its download address."""

    url = serializers.HyperlinkedIdentityField(view_name="jobs-api:export-detail")
    display = serializers.CharField(source="shown_title", read_only=True)
    title = serializers.CharField(source="shown_title", read_only=True)
    format = serializers.CharField(source="file_format", read_only=True)
    filters = serializers.JSONField(source="params", read_only=True)
    status_label = serializers.SerializerMethodField()
    progress = serializers.SerializerMethodField()
    download_url = serializers.SerializerMethodField()
    # In the request's language and digits (rasad.lib.stored_text), as on the page.
    error = serializers.CharField(source="error_text", read_only=True)

    class Meta:
        model = ExportFile
        fields = [
            "id",
            "url",
            "display",
            "kind",
            "format",
            "filters",
            "title",
            "status",
            "status_label",
            "progress",
            "row_count",
            "size",
            "error",
            "created",
            "finished_at",
            "expires_at",
            "download_url",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField())
    def get_status_label(self, obj: ExportFile) -> str:
        return str(ExportStatus(obj.status).label)

    @extend_schema_field(ExportProgressSerializer())
    def get_progress(self, obj: ExportFile) -> dict[str, Any]:
        run = obj.run
        ready = obj.status == ExportStatus.READY
        return {
            "done": obj.row_count if ready else (run.progress_done if run else 0),
            "total": obj.row_count if ready else (run.progress_total if run else None),
            "percent": 100 if ready else (run.percent if run else None),
        }

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_download_url(self, obj: ExportFile) -> str | None:
        if obj.status != ExportStatus.READY:
            return None
        path = reverse("jobs-api:export-download", args=[obj.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path


class ExportRequestSerializer(serializers.Serializer[Any]):
    """Ask for an export: the list (``kind``, see ``GET /exports/kinds/``), the format, and the
    list page's filters (the same names and values as the page's query string)."""

    kind = serializers.CharField(max_length=60)
    format = serializers.CharField(max_length=8)
    filters = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField(max_length=500, allow_blank=True)),
        required=False,
        default=dict,
        help_text=_("Filter name → list of values, as in the list page's address."),
    )

    def to_internal_value(self, data: Any) -> Any:
        # A single value may be given without a list around it.
        if isinstance(data, dict) and isinstance(data.get("filters"), dict):
            data = {**data}
            data["filters"] = {
                key: [value] if isinstance(value, str | int | float) else value
                for key, value in data["filters"].items()
            }
        return super().to_internal_value(data)

    def validate_filters(self, value: dict[str, list[str]]) -> dict[str, list[str]]:
        if len(value) > MAX_FILTERS or any(len(values) > MAX_VALUES for values in value.values()):
            raise serializers.ValidationError(
                _("At most %(filters)s filters with at most %(values)s values each.")
                % {"filters": formatting.number(MAX_FILTERS), "values": formatting.number(MAX_VALUES)}
            )
        return value


class ExportKindSerializer(serializers.Serializer[Any]):
    kind = serializers.CharField()
    title = serializers.CharField()
    formats = serializers.ListField(child=serializers.CharField())
