"""The risk register as a spreadsheet, made in the background (``rasad.jobs.exports``): the
register page's filters, every date in the reader's calendar plus ISO. The same columns are read
back by ``rasad.assessments.risks.RiskRatingImporter``."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy

from rasad.assessments.filtersets import RiskFilterSet
from rasad.assessments.risks import EXPORT_COLUMNS, register
from rasad.cases.models import Case
from rasad.core.models import User
from rasad.jobs.exports import ExportKind, Params, apply_filters, register_export
from rasad.lib.tabular import ExportColumn


def risk_columns() -> list[ExportColumn]:
    return list(EXPORT_COLUMNS)


def visible_risks(user: User, params: Params) -> QuerySet[Case]:
    return apply_filters(RiskFilterSet, register(user), params)


RISK_REGISTER = register_export(
    ExportKind(
        name="risk-register",
        title=gettext_lazy("Risk register"),
        permission="cases.view_case",
        columns=risk_columns,
        queryset=visible_risks,
        list_url="assessments:risk-register",
    )
)
