"""Spreadsheets made in the background (``rasad.jobs.exports``):

* the risk register, with the register page's filters, every date in the reader's calendar plus
  ISO; the same columns are read back by ``rasad.assessments.risks.RiskRatingImporter``;
* compliance at every level (``rasad.assessments.compliance``): the page's heat map at its cycle
  and level, then the provinces and the trend across cycles (one sheet each; CSV: the first)."""

from __future__ import annotations

from collections.abc import Callable
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rasad.assessments.compliance import Compliance, compliance, parse_cycle, visible_for
from rasad.assessments.filtersets import RiskFilterSet
from rasad.assessments.risks import EXPORT_COLUMNS, register
from rasad.cases.models import Case
from rasad.core.models import Organization, User
from rasad.jobs.exports import ExportKind, Params, apply_filters, register_export
from rasad.lib.tabular import (
    ExportColumn,
    Quantity,
    Sheet,
    date_columns,
    percent_cell,
    rows_of,
    write_csv,
    write_xlsx,
)


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


def _compliance(user: User, params: Params) -> Compliance:
    def one(name: str) -> str:
        value = params.get(name, "")
        return str(value if isinstance(value, str) else (list(value) or [""])[0])

    return compliance(visible_for(user), parse_cycle(one("cycle")), one("under")[:40])


def _check_compliance(user: User, params: Params) -> None:
    unknown = sorted(set(params) - {"cycle", "under", "format"})
    if unknown:
        raise ValidationError({unknown[0]: [_("This list takes only a cycle and an organization.")]})
    _compliance(user, params)  # a bad cycle or organization is refused now, not in the worker


def _level_organizations(user: User, params: Params) -> QuerySet[Organization]:
    """The rows the file will hold (the request page counts them): the organizations of the
    chosen level."""
    result = _compliance(user, params)
    return Organization.objects.filter(pk__in=[row.organization.pk for row in result.rows])


def _percent(value: float | None) -> Quantity | None:
    """A mean final score in percent of the points, «۸۷٪» as the compliance page rounds it; the
    cell keeps every digit."""
    return percent_cell(value, decimals=0)


def _section_value(index: int) -> Callable[[Any], Any]:
    """The value of a row's ``index``-th section (a heat map row or a trend row)."""
    return lambda row: _percent(row.sections[index].percent)


def compliance_columns(result: Compliance) -> list[ExportColumn]:
    """A row of the heat map: the organization, its counts, the total and each section (plain
    percentages of 100: numbers a spreadsheet sums and charts, shown with «٪»)."""
    columns = [
        ExportColumn("organization", gettext_lazy("Organization"), lambda r: r.organization.name),
        ExportColumn("code", gettext_lazy("Code"), lambda r: r.organization.code),
        ExportColumn("assessments", gettext_lazy("Assessments"), lambda r: r.assessments),
        ExportColumn("final", gettext_lazy("Final assessments"), lambda r: r.final),
        ExportColumn("total", gettext_lazy("Mean final score (%)"), lambda r: _percent(r.total.percent)),
    ]
    for index, section in enumerate(result.sections):
        columns.append(
            ExportColumn(
                f"section_{section.code}",
                section.heading,
                _section_value(index),
            )
        )
    return columns


def trend_columns(result: Compliance) -> list[ExportColumn]:
    """A cycle of the trend sheet: its total and each section, in percent."""
    return [
        ExportColumn("cycle", gettext_lazy("Cycle"), lambda r: r.cycle.name),
        *date_columns("opens_on", gettext_lazy("Opened on"), lambda r: r.cycle.opens_on),
        ExportColumn("assessments", gettext_lazy("Assessments"), lambda r: r.assessments),
        ExportColumn("total", gettext_lazy("Mean final score (%)"), lambda r: _percent(r.total.percent)),
        # Each section by its code and title, as on the organizations' sheet (never a bare letter).
        *(
            ExportColumn(f"section_{section.code}", section.heading, _section_value(index))
            for index, section in enumerate(result.sections)
        ),
    ]


def province_columns() -> list[ExportColumn]:
    """A province of the provinces' sheet: its final assessments and their mean, in percent."""
    return [
        ExportColumn("province", gettext_lazy("Province"), lambda p: p.name),
        ExportColumn("code", gettext_lazy("Code"), lambda p: p.code),
        ExportColumn("final", gettext_lazy("Final assessments"), lambda p: p.heat.count),
        ExportColumn("total", gettext_lazy("Mean final score (%)"), lambda p: _percent(p.heat.percent)),
    ]


def _write_compliance(user: User, params: Params, file_format: str, target: IO[bytes]) -> int:
    result = _compliance(user, params)
    columns = compliance_columns(result)
    if file_format == "csv":
        return write_csv(target, columns, result.rows, labels=True)

    def sheet(title: str, cols: list[ExportColumn], objects: Any) -> Sheet:
        return Sheet(
            title=title,
            rows=rows_of(cols, objects),
            labels=[c.label for c in cols],
            keys=[c.key for c in cols],
        )

    write_xlsx(
        target,
        [
            sheet(str(_("Organizations")), columns, result.rows),
            sheet(str(_("Provinces")), province_columns(), result.provinces),
            sheet(str(_("Trend across cycles")), trend_columns(result), result.trend),
        ],
    )
    return len(result.rows)


def _may_export_compliance(user: User, params: Params) -> bool:
    from rasad.assessments.models import Assessment

    return bool(Assessment.objects.may_act_anywhere(user, "view"))


COMPLIANCE = register_export(
    ExportKind(
        name="assessment-compliance",
        title=gettext_lazy("Compliance at every level"),
        permission="assessments.view_assessment",
        validate=_check_compliance,
        queryset=_level_organizations,
        allowed=_may_export_compliance,
        writer=_write_compliance,
        list_url="assessments:compliance",
    )
)
