"""The risk register read side: which risks a person sees, the 5×5 heat maps (likelihood ×
impact, inherent and residual side by side), the register as a spreadsheet, and the importer of
ratings from that spreadsheet. Levels and their bounds: ``docs/reference/methods.md`` §4.6."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rasad.assessments.actions.risks import RISK, RatingValues, do_import_risk_ratings, rating_errors
from rasad.cases.models import Case
from rasad.core.importers import ImportReport, TabularImporter, read_date, read_text
from rasad.core.models import User
from rasad.lib.persian import TextParseError, parse_number
from rasad.lib.tabular import Column, ExportColumn, Table, cell_text, date_columns

SCALE = (1, 2, 3, 4, 5)
# A score (likelihood × impact) and its level: the upper bound of each level (methods §4.6).
LEVELS = ((4, "low"), (9, "medium"), (16, "high"), (25, "extreme"))
LEVEL_NAMES = {
    "low": gettext_lazy("Low"),
    "medium": gettext_lazy("Medium"),
    "high": gettext_lazy("High"),
    "extreme": gettext_lazy("Extreme"),
}


def level_of(score: int | None) -> str:
    if score is None:
        return ""
    return next(name for bound, name in LEVELS if score <= bound)


def register(user: User) -> QuerySet[Case]:
    """The risk cases ``user`` may see, with what the register shows of each."""
    return (
        Case.objects.visible_to(user)
        .filter(kind=RISK)
        .select_related("owner_organization", "reporter_organization", "risk_rating")
        .prefetch_related("risk_actions")
        .order_by("-likelihood", "-impact", "-opened_at", "-id")
    )


@dataclass(frozen=True)
class Cell:
    likelihood: int
    impact: int
    count: int
    level: str


@dataclass(frozen=True)
class HeatMap:
    """Rows from impact 5 (top) down to 1, cells from likelihood 1 to 5; and the risks not rated
    on this map yet."""

    rows: list[tuple[int, list[Cell]]]
    total: int
    unrated: int


def _map(counts: dict[tuple[int, int], int], unrated: int) -> HeatMap:
    rows = [
        (
            impact,
            [
                Cell(likelihood, impact, counts.get((likelihood, impact), 0), level_of(likelihood * impact))
                for likelihood in SCALE
            ],
        )
        for impact in reversed(SCALE)
    ]
    return HeatMap(rows, sum(counts.values()), unrated)


def heat_maps(cases: QuerySet[Case]) -> dict[str, HeatMap]:
    """The inherent (the case's own likelihood and impact) and residual (after treatment) heat
    maps of ``cases``: two grouped queries."""
    result = {}
    for name, likelihood, impact in (
        ("inherent", "likelihood", "impact"),
        ("residual", "risk_rating__residual_likelihood", "risk_rating__residual_impact"),
    ):
        counts: dict[tuple[int, int], int] = {}
        unrated = 0
        for row in cases.order_by().values(likelihood, impact).annotate(n=Count("id")):
            if row[likelihood] is None or row[impact] is None:
                unrated += row["n"]
            else:
                counts[(row[likelihood], row[impact])] = row["n"]
        result[name] = _map(counts, unrated)
    return result


def heat_map_data(maps: dict[str, HeatMap]) -> dict[str, Any]:
    """The heat maps as the API answers them."""
    return {
        name: {
            "total": heat.total,
            "unrated": heat.unrated,
            "cells": [
                {"likelihood": c.likelihood, "impact": c.impact, "count": c.count, "level": c.level}
                for _impact, cells in heat.rows
                for c in cells
            ],
        }
        for name, heat in maps.items()
    }


# ---------------------------------------------------------------------------------------------
# The register as a spreadsheet, and ratings read back from it
# ---------------------------------------------------------------------------------------------


def _rating(case: Case) -> Any:
    return getattr(case, "risk_rating", None)


def _residual(case: Case, name: str) -> Any:
    rating = _rating(case)
    return getattr(rating, name) if rating is not None else None


def _open_actions(case: Case) -> str:
    return "؛ ".join(action.title for action in case.risk_actions.all() if action.done_on is None)


EXPORT_COLUMNS: tuple[ExportColumn, ...] = (
    ExportColumn("reference", gettext_lazy("Reference"), lambda c: c.reference),
    ExportColumn("title", gettext_lazy("Title"), lambda c: c.title),
    ExportColumn("owner", gettext_lazy("Owner (code)"), lambda c: c.owner_organization.code),
    ExportColumn("owner_name", gettext_lazy("Owner"), lambda c: c.owner_organization.name),
    ExportColumn("status", gettext_lazy("Status"), lambda c: c.get_status_display()),
    ExportColumn("likelihood", gettext_lazy("Inherent likelihood"), lambda c: c.likelihood),
    ExportColumn("impact", gettext_lazy("Inherent impact"), lambda c: c.impact),
    ExportColumn("inherent_level", gettext_lazy("Inherent level"), lambda c: _level_name(c.risk_score)),
    ExportColumn(
        "residual_likelihood",
        gettext_lazy("Residual likelihood"),
        lambda c: _residual(c, "residual_likelihood"),
    ),
    ExportColumn(
        "residual_impact", gettext_lazy("Residual impact"), lambda c: _residual(c, "residual_impact")
    ),
    ExportColumn(
        "residual_level",
        gettext_lazy("Residual level"),
        lambda c: _level_name(_residual(c, "residual_score")),
    ),
    *date_columns("review_on", gettext_lazy("Next review"), lambda c: _residual(c, "review_on")),
    ExportColumn("open_actions", gettext_lazy("Open treatment actions"), _open_actions),
    ExportColumn("note", gettext_lazy("Note"), lambda c: _residual(c, "note") or ""),
)


def _level_name(score: int | None) -> str:
    level = level_of(score)
    return str(LEVEL_NAMES[level]) if level else ""


def export_columns() -> tuple[ExportColumn, ...]:
    return EXPORT_COLUMNS


class RiskRatingImporter(TabularImporter[list[tuple[Case, RatingValues]]]):
    """Residual ratings and review dates read back from the register's spreadsheet (or a file
    with just these columns): rows are found by reference among the risks the person may rate.
    Every bad row is reported; nothing is written unless every row is good."""

    columns = (
        Column("reference", gettext_lazy("Reference"), required=True),
        Column("residual_likelihood", gettext_lazy("Residual likelihood"), required=True),
        Column("residual_impact", gettext_lazy("Residual impact"), required=True),
        Column("review_on", gettext_lazy("Next review")),
        Column("note", gettext_lazy("Note")),
    )
    ignored_columns = frozenset(
        {
            "title",
            "owner",
            "owner_name",
            "status",
            "likelihood",
            "impact",
            "inherent_level",
            "residual_level",
            "review_on_iso",
            "open_actions",
        }
    )

    def __init__(self, *, acting_user: User, now: Any = None) -> None:
        super().__init__(acting_user=acting_user)
        self.now = now

    def validate(self, table: Table, report: ImportReport) -> list[tuple[Case, RatingValues]]:
        from rasad.assessments.models import RiskRating

        references = [cell_text(row.cells.get("reference")).upper() for row in table.rows]
        # Risks the person may rate: those owned in their scope for risk ratings.
        writable = {
            case.reference: case
            for case in Case.objects.filter(kind=RISK, reference__in=references).select_related(
                "owner_organization"
            )
            if _may_rate(self.acting_user, case, RiskRating)
        }
        plan: list[tuple[Case, RatingValues]] = []
        seen: set[str] = set()
        for row, reference in zip(table.rows, references, strict=True):
            case = writable.get(reference)
            if case is None:
                report.add(row.number, "reference", _("No such risk, or you may not rate it."))
            elif reference in seen:
                report.add(row.number, "reference", _("This risk appears twice in the file."))
            seen.add(reference)
            values = RatingValues(
                _scale(row.cells.get("residual_likelihood"), row.number, "residual_likelihood", report),
                _scale(row.cells.get("residual_impact"), row.number, "residual_impact", report),
                read_date(row, "review_on", report),
                read_text(row, "note", report, max_length=4000),
            )
            reported = {error.column for error in report.errors if error.row == row.number}
            for name, messages in rating_errors(values, now=self.now).items():
                for message in messages if name not in reported else ():
                    report.add(row.number, name, message)
            if case is not None:
                plan.append((case, values))
        return plan

    def apply(self, plan: list[tuple[Case, RatingValues]], report: ImportReport) -> list[Any]:
        return do_import_risk_ratings(
            plan, acting_user=self.acting_user, sha256=report.sha256, file_name=report.file_name, now=self.now
        )


def _may_rate(user: User, case: Case, model: Any) -> bool:
    from rasad.core.access import can

    return can(user, "change", model(case=case))


def _scale(value: Any, row: int, name: str, report: ImportReport) -> int | None:
    if isinstance(value, bool):
        report.add(row, name, _("Choose a whole number from 1 to 5."))
        return None
    if isinstance(value, int | float):
        number = float(value)
    else:
        text = cell_text(value)
        if not text:
            return None
        try:
            number = float(parse_number(text))
        except TextParseError as error:
            report.add(row, name, str(error))
            return None
    if not number.is_integer() or not 1 <= number <= 5:
        report.add(row, name, _("Choose a whole number from 1 to 5."))
        return None
    return int(number)
