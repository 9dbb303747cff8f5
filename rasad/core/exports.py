"""Exports to Excel and CSV: dates in the reader's calendar plus an ISO column for machines.

An export is a list of :class:`ExportColumn` (key, label, how to get the value) applied to a
queryset that the caller has already scoped with ``visible_to``. Text cells that a spreadsheet
would run as a formula (starting with ``=``, ``+``, ``-``, ``@``) are prefixed with an apostrophe.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.http import HttpResponse
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from rasad.lib import display, jalali

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class ExportColumn:
    key: str
    label: str | Promise
    value: Callable[[Any], Any]


def safe_cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def person_date(value: date | datetime | None) -> str:
    """A date as the current reader wants it (calendar and digits from their preferences)."""
    if value is None:
        return ""
    prefs = display.current()
    if isinstance(value, datetime):
        return jalali.format_datetime(value, calendar=prefs.calendar, persian_digits=prefs.persian_digits)
    return jalali.format_date(value, calendar=prefs.calendar, persian_digits=prefs.persian_digits)


def iso(value: date | datetime | None) -> str:
    return value.isoformat() if value is not None else ""


def date_columns(key: str, label: str | Promise, getter: Callable[[Any], Any]) -> list[ExportColumn]:
    """The pair every exported date gets: the reader's calendar, and ISO (Gregorian)."""
    return [
        ExportColumn(key, label, lambda obj: person_date(getter(obj))),
        ExportColumn(f"{key}_iso", _("%(label)s (ISO)") % {"label": label}, lambda obj: iso(getter(obj))),
    ]


def rows_of(columns: Sequence[ExportColumn], objects: Iterable[Any]) -> Iterable[list[Any]]:
    for obj in objects:
        yield [safe_cell(column.value(obj)) for column in columns]


def csv_response(columns: Sequence[ExportColumn], objects: Iterable[Any], file_name: str) -> HttpResponse:
    """UTF-8 with a BOM (so Excel reads Persian), one header row of keys and one of labels."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    writer.writerow([column.key for column in columns])
    for row in rows_of(columns, objects):
        writer.writerow(row)
    response = HttpResponse(buffer.getvalue().encode("utf-8"), content_type=CSV_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{file_name}.csv"'
    return response


def xlsx_response(
    columns: Sequence[ExportColumn], objects: Iterable[Any], file_name: str, *, title: str
) -> HttpResponse:
    """Row 1: translated labels; row 2: the English keys (so an export can be re-imported)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook(write_only=False)
    sheet = workbook.active
    assert sheet is not None
    sheet.title = title[:31]
    sheet.sheet_view.rightToLeft = translation.get_language_bidi()
    sheet.append([str(column.label) for column in columns])
    sheet.append([column.key for column in columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for cell in sheet[2]:
        cell.font = Font(italic=True, color="666666")
    for row in rows_of(columns, objects):
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{file_name}.xlsx"'
    return response


def organization_columns() -> list[ExportColumn]:
    """The import columns (so an export is a valid import template), then names and ISO dates."""
    return [
        ExportColumn("code", _("Code"), lambda o: o.code),
        ExportColumn("name", _("Name"), lambda o: o.name),
        ExportColumn("name_en", _("English name"), lambda o: o.name_en),
        ExportColumn("kind", _("Kind"), lambda o: o.kind),
        ExportColumn("kind_label", _("Kind (label)"), lambda o: str(o.get_kind_display())),
        ExportColumn("parent_code", _("Parent code"), lambda o: o.parent.code if o.parent else ""),
        ExportColumn("province_code", _("Province code"), lambda o: o.province.code if o.province else ""),
        ExportColumn("province_name", _("Province"), lambda o: o.province.name_fa if o.province else ""),
        ExportColumn("county_code", _("County code"), lambda o: o.county.code if o.county else ""),
        ExportColumn("latitude", _("Latitude"), lambda o: o.latitude),
        ExportColumn("longitude", _("Longitude"), lambda o: o.longitude),
        ExportColumn("sector_tags", _("Sector tags"), lambda o: "، ".join(o.sector_tags)),
        *date_columns("opened_on", _("Opened on"), lambda o: o.opened_on),
        *date_columns("closed_on", _("Closed on"), lambda o: o.closed_on),
    ]


def audit_columns() -> list[ExportColumn]:
    from rasad.core.audit_log import event_label

    return [
        *date_columns("created", _("Time"), lambda e: e.created),
        ExportColumn("event_type", _("Event code"), lambda e: e.event_type),
        ExportColumn("event", _("Event"), lambda e: event_label(e.event_type)),
        ExportColumn("actor_name", _("Actor"), lambda e: e.actor_name),
        ExportColumn("organization_id", _("Organization (id)"), lambda e: e.organization_id or ""),
        ExportColumn("object_type", _("Object type"), lambda e: e.object_type),
        ExportColumn("object_id", _("Object id"), lambda e: e.object_id),
        ExportColumn("object_repr", _("Object"), lambda e: e.object_repr),
        ExportColumn("request_id", _("Request id"), lambda e: e.request_id),
        ExportColumn("ip", _("Address"), lambda e: e.ip or ""),
        ExportColumn("chain", _("Chain"), lambda e: e.chain),
        ExportColumn("sequence", _("Sequence"), lambda e: e.sequence),
        ExportColumn("hash", _("Hash"), lambda e: e.hash),
    ]
