"""When an organization's report for a period is due, and which reports are still owed.

A period's values are collected after it ends: the report for آذر ۱۴۰۵ is due on the
``REPORT_GRACE_DAYS``-th day after آذر ends (``RASAD_REPORT_GRACE_DAYS``, ten by default, so on
۱۰ دی ۱۴۰۵). A report is owed while some indicator assigned to the organization for that
period's kind has no submitted or approved value. A period that ended before the assignment's
first day of reporting (``Assignment.reports_from``; by default the day in Tehran the assignment
was made) is not owed for it: a business assigned a yearly indicator in آذر ۱۴۰۵ owes the year
۱۴۰۵, not ۱۴۰۴, unless its assignment says it reports from an earlier day. ``docs/indicators.md``
describes the rule; ``assigned_since`` is the one place that says which indicators an
organization reports from when (the owed reports here, the completeness dashboard, and the
overdue reminders use it).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import cast

from django.conf import settings
from django.db.models import Q

from rasad.core.models import Organization
from rasad.indicators.choices import ObservationStatus
from rasad.indicators.models import Assignment, Indicator, Observation
from rasad.lib.jalali import JalaliPeriod, PeriodKind, from_jalali, local_date, to_jalali

# How many past periods an owed report is still shown for (older ones are a matter for the
# observations table, not for a daily queue).
LOOKBACK_PERIODS = 3

# How far back and ahead an assignment's first day of reporting may lie: the Jalali years the
# period picker offers for data entry (``rasad.web.forms.PeriodField``), from ten years back to
# the next one. Every kind of period begins on 1 Farvardin of some year, so the first day of that
# range starts the indicator's first period that can be reported, whatever its periodicity.
REPORTS_FROM_YEARS_BACK = 10


def grace_days() -> int:
    return int(getattr(settings, "REPORT_GRACE_DAYS", 10))


def due_date(period: JalaliPeriod) -> date:
    """The last day on which the report of ``period`` is on time."""
    return period.end + timedelta(days=grace_days() - 1)


def collecting_period(kind: PeriodKind, today: date) -> JalaliPeriod:
    """The period whose report is being collected today: the last one that has ended."""
    return JalaliPeriod.containing(today, kind).previous()


def first_reportable_period(indicator: Indicator, today: date) -> JalaliPeriod:
    """The first period of ``indicator`` that can be reported (as far back as the period picker
    offers)."""
    year = to_jalali(today).year
    kind = cast(PeriodKind, indicator.periodicity)  # Periodicity's values are the period kinds
    return JalaliPeriod.containing(from_jalali(year - REPORTS_FROM_YEARS_BACK, 1, 1), kind)


def reports_from_range(indicator: Indicator, today: date) -> tuple[date, date]:
    """The first and last day an assignment of ``indicator`` may report from (both included):
    the start of its first period that can be reported, and the last day of the next year."""
    year = to_jalali(today).year
    return first_reportable_period(indicator, today).start, from_jalali(year + 2, 1, 1) - timedelta(days=1)


@dataclass(frozen=True)
class OwedReport:
    """An organization still owes values for a period: ``missing`` of ``expected`` indicators."""

    organization: Organization
    period: JalaliPeriod
    due: date
    expected: int
    missing: int
    missing_ids: frozenset[int] = frozenset()  # the indicators not yet submitted

    def is_overdue(self, today: date) -> bool:
        return today > self.due


def assigned_since(organizations: Iterable[Organization]) -> dict[int, dict[int, tuple[str, date]]]:
    """Per organization: its input indicators (own assignments and its ancestors' subtree ones),
    each with its periodicity and the earliest first day of reporting of those assignments.
    One query whatever the number of organizations."""
    organizations = list(organizations)
    result: dict[int, dict[int, tuple[str, date]]] = {organization.pk: {} for organization in organizations}
    if not organizations:
        return result
    reach = {organization.pk: set(organization.ancestor_ids()) for organization in organizations}
    ancestors = {pk for ids in reach.values() for pk in ids}
    rows = (
        Assignment.objects.filter(
            Q(organization_id__in=result) | Q(organization_id__in=ancestors, include_descendants=True),
            indicator__formula="",
        )
        .values_list(
            "organization_id", "indicator_id", "include_descendants", "reports_from", "indicator__periodicity"
        )
        .order_by()
    )
    by_owner: dict[int, list[tuple[int, bool, str, date]]] = defaultdict(list)
    for owner_id, indicator_id, subtree, reports_from, kind in rows:
        by_owner[owner_id].append((indicator_id, subtree, kind, reports_from))
    for organization_id, above in reach.items():
        held = result[organization_id]
        for owner_id in (organization_id, *above):
            for indicator_id, subtree, kind, day in by_owner.get(owner_id, ()):
                if owner_id != organization_id and not subtree:
                    continue
                if indicator_id not in held or day < held[indicator_id][1]:
                    held[indicator_id] = (kind, day)
    return result


def expected_in(assigned: dict[int, tuple[str, date]], period: JalaliPeriod) -> set[int]:
    """The indicators of ``assigned`` (one organization's ``assigned_since``) owed for ``period``:
    of its kind, and reported from on or before its last day (``end`` is the day after it)."""
    return {pk for pk, (kind, day) in assigned.items() if kind == period.kind and day < period.end}


def owed_reports(organizations: Iterable[Organization], today: date) -> list[OwedReport]:
    """Reports the organizations still owe, for the period being collected and a few before it."""
    organizations = list(organizations)
    assigned = assigned_since(organizations)
    wanted: dict[tuple[int, str], tuple[Organization, JalaliPeriod, set[int]]] = {}
    for organization in organizations:
        # Older periods are owed only if the organization existed when they began.
        founded = local_date(organization.created)
        for kind in sorted({kind for kind, _day in assigned[organization.pk].values()}):
            period = collecting_period(kind, today)  # type: ignore[arg-type]
            for step in range(LOOKBACK_PERIODS):
                if step and period.start < founded:
                    break
                ids = expected_in(assigned[organization.pk], period)
                if not ids:  # reported from after this period ended, so after every earlier one too
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
        missing = ids - reported[key]
        if missing:
            owed.append(
                OwedReport(organization, period, due_date(period), len(ids), len(missing), frozenset(missing))
            )
    return sorted(owed, key=lambda report: (report.due, report.organization.name))
