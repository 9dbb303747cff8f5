"""Items answered from approved indicator values (docs/assessments.md, "Answers from approved
indicator values").

An item that names an indicator is answered with the indicator's value for the assessed
organization over the cycle's Jalali year (``Cycle.year``), read from approved values only:

* the organization and every unit under it (the indicators app's rollups, so a company is
  answered from its sites' figures);
* every period of the year at each input's periodicity (twelve months, four seasons, two halves
  or the year) must have values, all of them approved; otherwise there is no figure;
* additive inputs are summed over the year, the others averaged over their values; a derived
  indicator (a formula) is computed from those yearly inputs, as the scorecards do
  (docs/reference/methods.md).

Nothing here writes: the actions store the answer (``do_fill_indicator_answers``) and refuse a
different value given without a reason.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from rasad.assessments.models import Assessment, Item
from rasad.lib.jalali import JalaliPeriod

PERIODS_PER_YEAR = {"month": 12, "season": 4, "half": 2, "year": 1}
# A typed value equal to the figure within this relative tolerance is the figure (the form
# offers it rounded to six significant digits).
TOLERANCE = 1e-4


@dataclass(frozen=True)
class Figure:
    """An indicator item's approved figure for one assessment. ``value`` is None when there is
    none; ``missing`` then names the periods without approved values (or is empty when the cycle
    names no year)."""

    item_id: int
    indicator: Any
    year: int | None
    value: float | None
    missing: tuple[str, ...] = ()

    @property
    def period_key(self) -> str:
        return f"{self.year:04d}" if self.year else ""

    @property
    def offered(self) -> float | None:
        """The figure as the form offers it (six significant digits)."""
        return None if self.value is None else float(f"{self.value:.6g}")

    def matches(self, value: float | None) -> bool:
        if self.value is None or value is None:
            return False
        return math.isclose(value, self.value, rel_tol=TOLERANCE, abs_tol=1e-9)


def _code(item: Item) -> str:
    indicator = item.indicator
    assert indicator is not None
    return str(indicator.code)


def figures(assessment: Assessment, items: Iterable[Item] | None = None) -> dict[int, Figure]:
    """The approved figure of every indicator item of the assessment's instrument (or of
    ``items``), by item id."""
    from rasad.indicators import rollups
    from rasad.indicators.catalogue import Catalogue

    cycle = assessment.cycle
    if items is None:
        items = Item.objects.filter(instrument_id=cycle.instrument_id, indicator__isnull=False)
    chosen = [item for item in items if item.indicator_id]
    if not chosen:
        return {}
    year = cycle.year
    if not year:
        return {item.pk: Figure(item.pk, item.indicator, None, None) for item in chosen}
    catalogue = Catalogue.load()
    inputs = {
        item.pk: catalogue.inputs_of(_code(item)) if _code(item) in catalogue.indicators else set()
        for item in chosen
    }
    codes = set().union(*inputs.values())
    ids = [catalogue.indicators[code].pk for code in codes]
    # (indicator code, period key) -> (approved total, approved count, count of every value)
    rows: dict[tuple[str, str], tuple[float, int, int]] = {}
    for row in rollups.sums(
        ("indicator__code", "period_key"),
        {"total": "approved_total", "approved": "approved_count", "count": "value_count"},
        organization_id=assessment.organization_id,
        indicator_id__in=ids,
        year=year,
    ):
        rows[(row["indicator__code"], row["period_key"])] = (
            float(row["total"] or 0),
            int(row["approved"] or 0),
            int(row["count"] or 0),
        )
    yearly: dict[str, float] = {}
    gaps: dict[str, list[str]] = {}
    for code in codes:
        indicator = catalogue.indicators[code]
        periodicity = indicator.periodicity if indicator.periodicity in PERIODS_PER_YEAR else "month"
        total, values, missing = 0.0, 0, []
        for index in range(1, PERIODS_PER_YEAR[periodicity] + 1):
            period = JalaliPeriod(periodicity, year, index)  # type: ignore[arg-type]
            amount, approved, count = rows.get((code, period.key), (0.0, 0, 0))
            if not approved or approved != count:
                missing.append(period.key)
                continue
            total += amount
            values += approved
        if missing:
            gaps[code] = missing
        elif values:
            yearly[code] = total if indicator.is_additive else total / values
    result = {}
    first_day = JalaliPeriod("year", year).start
    for item in chosen:
        missing = sorted({key for code in inputs[item.pk] for key in gaps.get(code, [])})
        value = None
        if inputs[item.pk] and not missing:
            value = catalogue.value(_code(item), yearly, first_day)
            if value is not None and not math.isfinite(value):
                value = None
        result[item.pk] = Figure(item.pk, item.indicator, year, value, tuple(missing))
    return result
