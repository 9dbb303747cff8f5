"""Green-jobs lists as spreadsheets (``rasad.lib.tabular``), made in the background
(``rasad.jobs.exports``): the applications, with their amounts, stage and dates; and the public
directory of certified businesses (its rows are the same for everyone; the file is made for
people with a role, since files wait in "My files" of a signed-in person)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy

from rasad.core.models import User
from rasad.greenjobs import sectors
from rasad.greenjobs.directory import DirectoryFilterSet, certified_businesses, rounded
from rasad.greenjobs.filtersets import ApplicationFilterSet
from rasad.greenjobs.models import Application, Business
from rasad.jobs.exports import ExportKind, Params, apply_filters, register_export
from rasad.lib import formatting
from rasad.lib.jalali import local_date
from rasad.lib.tabular import ExportColumn, Quantity, date_columns, quantity_cell


def _rials(amount: Decimal | None) -> Quantity | None:
    """An amount as stored (whole rials): a number shown «۱٬۵۰۰٬۰۰۰ ریال» in the workbook."""
    return quantity_cell(None if amount is None else int(amount), formatting.RIAL)


def application_columns() -> list[ExportColumn]:
    return [
        ExportColumn("number", gettext_lazy("Application number"), lambda a: a.number),
        ExportColumn("applicant", gettext_lazy("Applicant"), lambda a: a.organization.name),
        ExportColumn("applicant_code", gettext_lazy("Applicant code"), lambda a: a.organization.code),
        ExportColumn("scheme", gettext_lazy("Scheme"), lambda a: a.scheme.title),
        ExportColumn("scheme_code", gettext_lazy("Scheme code"), lambda a: a.scheme.code),
        ExportColumn("stage", gettext_lazy("Stage"), lambda a: a.get_stage_display()),
        ExportColumn("stage_code", gettext_lazy("Stage code"), lambda a: a.stage),
        ExportColumn(
            "amount_requested", gettext_lazy("Amount requested (rials)"), lambda a: _rials(a.amount_requested)
        ),
        ExportColumn(
            "approved_amount", gettext_lazy("Approved (rials)"), lambda a: _rials(a.approved_amount)
        ),
        ExportColumn("disbursed_amount", gettext_lazy("Paid (rials)"), lambda a: _rials(a.disbursed_amount)),
        ExportColumn("jobs_planned", gettext_lazy("Jobs to be created"), lambda a: a.jobs_planned),
        ExportColumn("priority_points", gettext_lazy("Priority points"), lambda a: a.priority_points),
        *date_columns("submitted_on", gettext_lazy("Submitted on"), lambda a: local_date(a.submitted_at)),
    ]


def visible_applications(user: User, params: Params) -> QuerySet[Application]:
    visible = Application.objects.visible_to(user, "view").select_related("organization", "scheme")
    return apply_filters(ApplicationFilterSet, visible, params).order_by("-submitted_at", "-pk")


APPLICATIONS = register_export(
    ExportKind(
        name="green-applications",
        title=gettext_lazy("Incentive applications"),
        permission="greenjobs.view_application",
        columns=application_columns,
        queryset=visible_applications,
        list_url="greenjobs:application-list",
    )
)


def _sector_name(business: Business) -> str:
    section = sectors.section_of(business.sector_code)
    return str(section.name) if section else ""


def directory_columns() -> list[ExportColumn]:
    return [
        ExportColumn("name", gettext_lazy("Business"), lambda b: b.organization.name),
        ExportColumn("kind", gettext_lazy("Kind"), lambda b: b.organization.get_kind_display()),
        ExportColumn(
            "province",
            gettext_lazy("Province"),
            lambda b: b.organization.province.name_fa if b.organization.province else "",
        ),
        ExportColumn(
            "province_code",
            gettext_lazy("Province code"),
            lambda b: b.organization.province.code if b.organization.province else "",
        ),
        ExportColumn(
            "county",
            gettext_lazy("County"),
            lambda b: b.organization.county.name_fa if b.organization.county else "",
        ),
        ExportColumn("sector", gettext_lazy("Sector"), _sector_name),
        ExportColumn("sector_code", gettext_lazy("Sector (ISIC Rev.4)"), lambda b: b.sector_code),
        ExportColumn("size", gettext_lazy("Size"), lambda b: b.get_size_display()),
        ExportColumn(
            "knowledge_based",
            gettext_lazy("Knowledge-based company"),
            lambda b: 1 if b.knowledge_based else 0,
        ),
        ExportColumn(
            "occupations",
            gettext_lazy("Green occupations"),
            lambda b: "، ".join(o.name for o in b.occupations.all()),
        ),
        ExportColumn("certificate", gettext_lazy("Certificate number"), lambda b: b.certificate_number or ""),
        *date_columns(
            "certified_until", gettext_lazy("Certificate valid until"), lambda b: b.certified_until
        ),
        ExportColumn(
            "latitude", gettext_lazy("Latitude (rounded)"), lambda b: rounded(b.organization.latitude)
        ),
        ExportColumn(
            "longitude", gettext_lazy("Longitude (rounded)"), lambda b: rounded(b.organization.longitude)
        ),
    ]


def directory_rows(user: User, params: Params) -> QuerySet[Business]:
    return apply_filters(DirectoryFilterSet, certified_businesses(), params)


DIRECTORY_EXPORT = register_export(
    ExportKind(
        name="green-directory",
        title=gettext_lazy("Certified green businesses"),
        permission="greenjobs.view_business",
        columns=directory_columns,
        queryset=directory_rows,
        list_url="greenjobs:directory",
    )
)

__all__: list[Any] = ["APPLICATIONS", "DIRECTORY_EXPORT"]
