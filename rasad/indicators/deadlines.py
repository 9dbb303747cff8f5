"""When an organization's report for a period is due, and which reports are still owed.

A period's values are collected after it ends: the report for آذر ۱۴۰۵ is due on the
``REPORT_GRACE_DAYS``-th day after آذر ends (``RASAD_REPORT_GRACE_DAYS``, ten by default, so on
۱۰ دی ۱۴۰۵). A report is owed while some indicator assigned to the organization for that
period's kind has no submitted or approved value. ``docs/indicators.md`` describes the rule.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings

from rasad.core.models import Organization
from rasad.indicators.choices import ObservationStatus
from rasad.indicators.models import Assignment, Indicator, Observation
from rasad.lib.jalali import JalaliPeriod, PeriodKind

# How many past periods an owed report is still shown for (older ones are a matter for the
# observations table, not for a daily queue).
LOOKBACK_PERIODS = 3


def grace_days() -> int:
    return int(getattr(settings, "REPORT_GRACE_DAYS", 10))


def due_date(period: JalaliPeriod) -> date:
    """The last day on which the report of ``period`` is on time."""
    return period.end + timedelta(days=grace_days() - 1)


def collecting_period(kind: PeriodKind, today: date) -> JalaliPeriod:
    """The period whose report is being collected today: the last one that has ended."""
    return JalaliPeriod.containing(today, kind).previous()


@dataclass(frozen=True)
class OwedReport:
    """An organization still owes values for a period: ``missing`` of ``expected`` indicators."""

    organization: Organization
    period: JalaliPeriod
    due: date
    expected: int
    missing: int

    def is_overdue(self, today: date) -> bool:
        return today > self.due


def _indicators_by_organization(organizations: Iterable[Organization]) -> dict[int, list[Indicator]]:
    """Input indicators assigned to each organization (own and inherited subtree assignments)."""
    result: dict[int, list[Indicator]] = {}
    for organization in organizations:
        ancestors = organization.ancestor_ids()
        assignments = Assignment.objects.filter(organization_id=organization.pk) | Assignment.objects.filter(
            organization_id__in=ancestors, include_descendants=True
        )
        indicator_ids = assignments.values("indicator_id")
        result[organization.pk] = list(Indicator.objects.filter(pk__in=indicator_ids, formula=""))
    return result


def owed_reports(organizations: Iterable[Organization], today: date) -> list[OwedReport]:
    """Reports the organizations still owe, for the period being collected and a few before it."""
    organizations = list(organizations)
    indicators = _indicators_by_organization(organizations)
    wanted: dict[tuple[int, str], tuple[Organization, JalaliPeriod, set[int]]] = {}
    for organization in organizations:
        by_kind: dict[str, set[int]] = defaultdict(set)
        for indicator in indicators[organization.pk]:
            by_kind[indicator.periodicity].add(indicator.pk)
        # Older periods are owed only if the organization existed when they began.
        founded = organization.created.date()
        for kind, ids in by_kind.items():
            period = collecting_period(kind, today)  # type: ignore[arg-type]
            for step in range(LOOKBACK_PERIODS):
                if step and period.start < founded:
                    break
                wanted[(organization.pk, period.key)] = (organization, period, ids)
                period = period.previous()
    if not wanted:
        return []
    reported: dict[tuple[int, str], set[int]] = defaultdict(set)
    rows = Observation.objects.filter(
        organization_id__in={pk for pk, _key in wanted},
        period_key__in={key for _pk, key in wanted},
        status__in=[ObservationStatus.SUBMITTED, ObservationStatus.APPROVED],
    ).values_list("organization_id", "period_key", "indicator_id")
    for organization_id, period_key, indicator_id in rows:
        reported[(organization_id, period_key)].add(indicator_id)
    owed = []
    for key, (organization, period, ids) in wanted.items():
        missing = len(ids - reported[key])
        if missing:
            owed.append(OwedReport(organization, period, due_date(period), len(ids), missing))
    return sorted(owed, key=lambda report: (report.due, report.organization.name))
