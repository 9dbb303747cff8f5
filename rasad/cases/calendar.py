"""The SLA clock on data: the working calendar and holidays as stored rows, the policy table,
and the due time of a case (``rasad.cases.sla`` does the arithmetic)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from rasad.cases.choices import CaseKind, CaseStatus, Priority
from rasad.cases.sla import (
    FIXED_JALALI,
    TEHRAN,
    WorkingCalendar,
    WorkingDay,
    due_at,
    solar_holiday_days,
    tabular_lunar_holidays,
)
from rasad.lib import jalali

if TYPE_CHECKING:
    from rasad.cases.models import Case

K, P = CaseKind, Priority
# The seed of the SlaPolicy table (working hours to resolution), used when a row is missing.
DEFAULT_POLICY: dict[tuple[str, str], int] = {
    (K.CHALLENGE, P.CRITICAL): 8,
    (K.CHALLENGE, P.HIGH): 24,
    (K.CHALLENGE, P.MEDIUM): 40,
    (K.CHALLENGE, P.LOW): 80,
    (K.RISK, P.CRITICAL): 16,
    (K.RISK, P.HIGH): 40,
    (K.RISK, P.MEDIUM): 80,
    (K.RISK, P.LOW): 160,
    (K.INCIDENT, P.CRITICAL): 2,
    (K.INCIDENT, P.HIGH): 8,
    (K.INCIDENT, P.MEDIUM): 24,
    (K.INCIDENT, P.LOW): 40,
    (K.DIRECTIVE, P.CRITICAL): 16,
    (K.DIRECTIVE, P.HIGH): 40,
    (K.DIRECTIVE, P.MEDIUM): 80,
    (K.DIRECTIVE, P.LOW): 160,
}


# Jalali years around today whose lunar holidays the SLA clock needs: last year, this year and
# the next two. A year without entered lunar holidays uses tabular estimates meanwhile.
YEARS_BEHIND, YEARS_AHEAD = 1, 2
# Administrators are asked to enter a year's lunar holidays this many days before it starts.
LUNAR_WARNING_DAYS = 60


@dataclass(frozen=True)
class LunarYear:
    """Whether the lunar holidays of a Jalali year were entered, or are tabular estimates."""

    year: int
    entered: bool
    starts: date


def _jalali_year_range(year: int) -> tuple[date, date]:
    return jalali.from_jalali(year, 1, 1), jalali.from_jalali(year + 1, 1, 1)


def lunar_years(today: date | None = None) -> list[LunarYear]:
    """The Jalali years the SLA clock looks at, each with whether its lunar holidays exist."""
    from rasad.cases.choices import HolidayKind
    from rasad.cases.models import Holiday

    this_year = jalali.to_jalali(today or jalali.today_in_tehran()).year
    entered = {
        jalali.to_jalali(day).year
        for day in Holiday.objects.filter(kind=HolidayKind.LUNAR).values_list("date", flat=True)
    }
    return [
        LunarYear(year, year in entered, _jalali_year_range(year)[0])
        for year in range(this_year - YEARS_BEHIND, this_year + YEARS_AHEAD + 1)
    ]


def fixed_holidays_of(year: int) -> list[tuple[date, str, str]]:
    """The holidays fixed in the Jalali calendar in ``year``: (date, Persian name, English name)."""
    return [
        (jalali.from_jalali(year, named.month, named.day), named.name_fa, named.name_en)
        for named in FIXED_JALALI
    ]


def estimated_lunar_holidays(year: int) -> dict[date, str]:
    """Tabular estimates of the lunar holidays falling in Jalali ``year`` (date -> name)."""
    start, end = _jalali_year_range(year)
    # A Jalali year overlaps two or three Hijri years (a Hijri year is eleven days shorter).
    first_hijri = (start.year - 622) * 33 // 32
    estimates: dict[date, str] = {}
    for hijri_year in range(first_hijri - 1, first_hijri + 3):
        estimates.update(tabular_lunar_holidays(hijri_year))
    return {day: name for day, name in estimates.items() if start <= day < end}


def lunar_warning(today: date | None = None) -> LunarYear | None:
    """The next Jalali year, if it starts within ``LUNAR_WARNING_DAYS`` and has no lunar
    holidays entered: administrators should enter them before it starts."""
    today = today or jalali.today_in_tehran()
    for year in lunar_years(today):
        if not year.entered and today < year.starts <= today + timedelta(days=LUNAR_WARNING_DAYS):
            return year
    return None


def current_calendar(today: date | None = None) -> WorkingCalendar:
    """The working calendar as administrators keep it (settings row plus holiday rows), with
    the holidays fixed in the Jalali calendar in every year, and tabular estimates of the lunar
    holidays of the years around today that have none entered (see ``lunar_years``)."""
    from rasad.cases.models import Holiday, WorkingCalendarSettings

    holidays = set(Holiday.objects.values_list("date", flat=True))
    for year in lunar_years(today):
        if not year.entered:
            holidays |= set(estimated_lunar_holidays(year.year))
    solar = solar_holiday_days()
    row = WorkingCalendarSettings.objects.filter(code="default").first()
    if row is None:
        return WorkingCalendar.iran_default(holidays, solar_holidays=solar)
    thursday = (
        WorkingDay(row.thursday_start, row.thursday_end)
        if row.thursday_start is not None and row.thursday_end is not None
        else None
    )
    return WorkingCalendar.iran_default(
        holidays,
        thursday=thursday,
        workday=WorkingDay(row.workday_start, row.workday_end),
        solar_holidays=solar,
    )


def budget_for(kind: str, priority: str) -> timedelta:
    from rasad.cases.models import SlaPolicy

    hours = (
        SlaPolicy.objects.filter(kind=kind, priority=priority).values_list("working_hours", flat=True).first()
    )
    return timedelta(hours=hours if hours is not None else DEFAULT_POLICY[(kind, priority)])


def deadline_moment(case: Case) -> datetime | None:
    """A directive's deadline date ends at midnight Tehran time."""
    if case.deadline is None:
        return None
    return datetime.combine(case.deadline + timedelta(days=1), time(0, 0), tzinfo=TEHRAN)


def compute_due(case: Case, calendar: WorkingCalendar | None = None) -> datetime | None:
    """When the case falls due: the directive's deadline, or the SLA budget counted in working
    time from the start of the clock, minus the time it waited on the reporter. None while it
    waits, and for finished cases."""
    if case.status not in (
        CaseStatus.NEW,
        CaseStatus.TRIAGED,
        CaseStatus.ASSIGNED,
        CaseStatus.IN_PROGRESS,
        CaseStatus.REOPENED,
    ):
        return None
    if case.deadline is not None:
        return deadline_moment(case)
    pauses = [(p.started, p.ended) for p in case.pauses.filter(started__gte=case.sla_started_at)]
    return due_at(
        calendar or current_calendar(), case.sla_started_at, budget_for(case.kind, case.priority), pauses
    )
