"""Green-jobs lists as spreadsheets (``rasad.lib.tabular``), made in the background
(``rasad.jobs.exports``): the applications, with their amounts, stage and dates."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy

from rasad.core.models import User
from rasad.greenjobs.filtersets import ApplicationFilterSet
from rasad.greenjobs.models import Application
from rasad.jobs.exports import ExportKind, Params, apply_filters, register_export
from rasad.lib.jalali import local_date
from rasad.lib.tabular import ExportColumn, date_columns


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
            "amount_requested", gettext_lazy("Amount requested (rials)"), lambda a: int(a.amount_requested)
        ),
        ExportColumn(
            "approved_amount",
            gettext_lazy("Approved (rials)"),
            lambda a: int(a.approved_amount) if a.approved_amount is not None else "",
        ),
        ExportColumn("disbursed_amount", gettext_lazy("Paid (rials)"), lambda a: int(a.disbursed_amount)),
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

__all__: list[Any] = ["APPLICATIONS"]
