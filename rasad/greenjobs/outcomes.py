"""The outcomes dashboard's sums (docs/greenjobs.md, "Outcomes"): funded applications grouped by
province or by scheme, with what was approved and paid, the jobs planned, and from each
application's latest outcome report (twelve months over six) the jobs created and kept and the
energy, water and waste saved. Pure Python over rows already read, so the page's queries do not
grow with the rows."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from rasad.greenjobs.actions.certification import add_months
from rasad.greenjobs.choices import Milestone, ReminderKind


@dataclass
class Totals:
    key: str
    name: str
    applications: int = 0
    approved: Decimal = Decimal(0)
    disbursed: Decimal = Decimal(0)
    jobs_planned: int = 0
    reported: int = 0
    jobs_created: int = 0
    jobs_retained: int = 0
    energy_saved: Decimal = Decimal(0)
    water_saved: Decimal = Decimal(0)
    waste_diverted: Decimal = Decimal(0)
    certified: int = 0

    @property
    def paid_percent(self) -> int:
        """The share of the approved amount paid, in whole per cent (for the bar)."""
        return int(self.disbursed * 100 / self.approved) if self.approved else 0


def latest_reports(reports: Iterable[Mapping[str, Any]]) -> dict[int, Mapping[str, Any]]:
    """Each application's latest report: twelve months over six."""
    latest: dict[int, Mapping[str, Any]] = {}
    for report in reports:
        held = latest.get(report["application_id"])
        if held is None or int(report["milestone"]) > int(held["milestone"]):
            latest[report["application_id"]] = report
    return latest


def totals(
    applications: Iterable[Mapping[str, Any]],
    latest: Mapping[int, Mapping[str, Any]],
    *,
    key: str,
    name: str,
) -> tuple[list[Totals], Totals]:
    """Rows grouped by ``key`` (named by ``name``), largest paid first, and the grand total."""
    groups: dict[str, Totals] = {}
    grand = Totals("", "")
    for row in applications:
        group_key = str(row[key] or "")
        group = groups.setdefault(group_key, Totals(group_key, row[name] or "—"))
        for target in (group, grand):
            target.applications += 1
            target.approved += row["approved_amount"] or Decimal(0)
            target.disbursed += row["disbursed_amount"] or Decimal(0)
            target.jobs_planned += row["jobs_planned"]
            report = latest.get(row["pk"])
            if report is not None:
                target.reported += 1
                target.jobs_created += report["jobs_created"]
                target.jobs_retained += report["jobs_retained"]
                target.energy_saved += report["energy_saved"]
                target.water_saved += report["water_saved"]
                target.waste_diverted += report["waste_diverted"]
    ordered = sorted(groups.values(), key=lambda t: (-t.disbursed, t.name))
    return ordered, grand


def milestones_of(
    instalments: Iterable[Any], outcomes: Iterable[Any], reminders: Iterable[Any]
) -> list[dict[str, Any]]:
    """An application's two outcome milestones, from its instalments, reports and reminders
    (already read): the day each falls due (None before the first payment), whether it was
    reported, and when the business was told it was due soon and overdue."""
    paid = [instalment.paid_on for instalment in instalments]
    first = min(paid) if paid else None
    reported = {report.milestone for report in outcomes}
    notices = {(reminder.milestone, reminder.kind): reminder.sent_on for reminder in reminders}
    return [
        {
            "milestone": milestone,
            "label": Milestone(milestone).label,
            "due_on": add_months(first, int(milestone)) if first is not None else None,
            "reported": milestone in reported,
            "due_notice_on": notices.get((milestone, ReminderKind.DUE)),
            "overdue_notice_on": notices.get((milestone, ReminderKind.OVERDUE)),
        }
        for milestone in Milestone.values
    ]
