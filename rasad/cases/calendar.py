"""The SLA clock on data: the working calendar and holidays as stored rows, the policy table,
and the due time of a case (``rasad.cases.sla`` does the arithmetic)."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING

from rasad.cases.choices import CaseKind, CaseStatus, Priority
from rasad.cases.sla import TEHRAN, WorkingCalendar, WorkingDay, due_at

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


def current_calendar() -> WorkingCalendar:
    """The working calendar as administrators keep it (settings row plus holiday rows)."""
    from rasad.cases.models import Holiday, WorkingCalendarSettings

    holidays = list(Holiday.objects.values_list("date", flat=True))
    row = WorkingCalendarSettings.objects.filter(code="default").first()
    if row is None:
        return WorkingCalendar.iran_default(holidays)
    thursday = (
        WorkingDay(row.thursday_start, row.thursday_end)
        if row.thursday_start is not None and row.thursday_end is not None
        else None
    )
    return WorkingCalendar.iran_default(
        holidays, thursday=thursday, workday=WorkingDay(row.workday_start, row.workday_end)
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
