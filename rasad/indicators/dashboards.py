"""What the dashboards read, always from the rollup table (never a scan of raw observations),
and always through the reader's scope.

A subtree's figure is its organization's rollup row, which sums every organization below it, so
it is shown only to users who see that whole subtree. National and provincial views sum the rows
of the reader's scope roots (the organizations their subtree grants start at), which are disjoint.
Derived indicators are computed from the summed inputs (a ratio of sums, not a mean of ratios).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rasad.core.models import Organization
from rasad.core.scope import organization_scope, subtree_roots
from rasad.indicators import rollups
from rasad.indicators.catalogue import Catalogue
from rasad.indicators.choices import ObservationStatus
from rasad.indicators.deadlines import assigned_since, expected_in
from rasad.indicators.models import Indicator, Observation, Rollup, Target
from rasad.lib import formatting
from rasad.lib.jalali import JalaliPeriod

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from rasad.core.models import User


def sees_subtree(user: User | AnonymousUser, organization: Organization) -> bool:
    return organization_scope(user, Rollup, "view").covers_subtree(organization)


def scope_roots(user: User | AnonymousUser) -> list[int]:
    """The organizations whose subtrees make up the reader's whole (subtree) scope, disjoint."""
    return list(subtree_roots(user, Rollup).values_list("pk", flat=True))


def _inputs(catalogue: Catalogue, code: str) -> list[int]:
    return [catalogue.indicators[c].pk for c in catalogue.inputs_of(code) if c in catalogue.indicators]


@dataclass
class Series:
    indicator: Indicator
    periods: list[JalaliPeriod]
    values: list[float | None]
    target: Target | None

    def to_dict(self, *, persian_digits: bool = True) -> dict[str, Any]:
        return {
            "code": self.indicator.code,
            "name": self.indicator.name,
            "unit": formatting.unit_name(self.indicator.unit),
            "labels": [formatting.period(p) for p in self.periods],
            "keys": [p.key for p in self.periods],
            "values": [None if v is None else round(v, 4) for v in self.values],
            "target": self.target.target if self.target else None,
            "warning": self.target.warning_threshold if self.target else None,
            "critical": self.target.critical_threshold if self.target else None,
        }


def organization_series(
    organization: Organization,
    code: str,
    periods: list[JalaliPeriod],
    *,
    catalogue: Catalogue,
    approved_only: bool = False,
) -> Series:
    """One indicator's values per period for an organization's subtree (from its rollup rows)."""
    indicator = catalogue.indicators[code]
    field = "approved_total" if approved_only else "total"
    rows = rollups.sums(
        ("indicator__code", "period_key"),
        {"total": field, "n": "approved_count" if approved_only else "value_count"},
        organization_id=organization.pk,
        indicator_id__in=_inputs(catalogue, code),
        period_key__in=[p.key for p in periods],
    )
    by_period: dict[str, dict[str, float]] = defaultdict(dict)
    for row in rows:
        if row["n"]:
            by_period[row["period_key"]][row["indicator__code"]] = row["total"]
    values = [catalogue.value(code, by_period.get(p.key, {}), p.start) for p in periods]
    years = {p.year for p in periods}
    target = (
        Target.objects.filter(organization=organization, indicator=indicator, year__in=years)
        .order_by("-year")
        .first()
    )
    return Series(indicator, periods, values, target)


def last_months(count: int, *, until: JalaliPeriod | None = None) -> list[JalaliPeriod]:
    from rasad.lib.jalali import today_in_tehran

    end = until or JalaliPeriod.containing(today_in_tehran(), "month").previous()
    periods = [end]
    while len(periods) < count:
        periods.append(periods[-1].previous())
    return list(reversed(periods))


def province_values(
    user: User | AnonymousUser, code: str, year: int, *, catalogue: Catalogue
) -> dict[str, float]:
    """{province code: value} of an indicator over a Jalali year, across the reader's scope."""
    roots = scope_roots(user)
    if not roots:
        return {}
    rows = rollups.sums(
        ("province", "indicator__code"),
        {"total": "total", "n": "value_count"},
        exclude={"province": ""},
        organization_id__in=roots,
        indicator_id__in=_inputs(catalogue, code),
        year=year,
    )
    by_province: dict[str, dict[str, float]] = defaultdict(dict)
    for row in rows:
        if row["n"]:
            by_province[row["province"]][row["indicator__code"]] = row["total"]
    start = JalaliPeriod("year", year).start
    result = {}
    for province, inputs in by_province.items():
        value = catalogue.value(code, inputs, start)
        if value is not None:
            result[province] = round(value, 4)
    return result


@dataclass
class Completeness:
    organization: Organization
    period: JalaliPeriod
    expected: int
    reported: int
    submitted: int
    approved: int

    @property
    def rate(self) -> float:
        return self.reported / self.expected if self.expected else 1.0

    @property
    def submitted_rate(self) -> float:
        return (self.submitted + self.approved) / self.expected if self.expected else 1.0


def completeness(organizations: list[Organization], period: JalaliPeriod) -> list[Completeness]:
    """Per organization: how many assigned indicators of this period's kind were reported,
    submitted and approved; an indicator assigned after the period ended is not expected of it
    (``deadlines.assigned_since``). Three queries whatever the number of organizations."""
    if not organizations:
        return []
    assigned = assigned_since(organizations)  # the owed-reports rule (deadlines.py)
    counts: dict[tuple[int, str], int] = defaultdict(int)
    for org_id, status in Observation.objects.filter(
        organization__in=organizations, period_key=period.key
    ).values_list("organization_id", "status"):
        counts[(org_id, status)] += 1
    result = []
    for org in organizations:
        expected = expected_in(assigned[org.pk], period)
        drafts = counts[(org.pk, ObservationStatus.DRAFT)]
        submitted = counts[(org.pk, ObservationStatus.SUBMITTED)]
        approved = counts[(org.pk, ObservationStatus.APPROVED)]
        if expected:
            result.append(
                Completeness(org, period, len(expected), drafts + submitted + approved, submitted, approved)
            )
    return result
