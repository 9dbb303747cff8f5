"""Programme actions: the quarterly status reports parties owe on their action items.

After each Jalali season, the periodic job asks every party for one report on each of its open
action items of each active programme (``do_request_status_reports``). Each request is a directive
case owned by the party, reported by the lead, raised for the report and due
``RASAD_PROGRAMME_REPORT_DAYS`` days after the season ends: a report that does not come is overdue
and escalates like any case, by the cases app's own escalation job. Submitting the report
(``do_submit_status_report``) answers that case (``rasad.cases.actions.do_answer_case``); the lead
then verifies (closes) it or reopens it to ask again.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rasad.cases.actions import CaseValues, do_answer_case, do_open_case
from rasad.cases.choices import OPEN_STATUSES, CaseKind, Priority
from rasad.core.access import refusal
from rasad.core.models import User
from rasad.jobs.engine import claim_effect
from rasad.lib import display, formatting
from rasad.lib.actions import Errors, text
from rasad.lib.jalali import JalaliPeriod, local_date
from rasad.programs.actions.common import lock, push
from rasad.programs.audit import audit_report_submitted, audit_reports_requested
from rasad.programs.choices import ProgrammeStatus, ReportState
from rasad.programs.models import ActionItem, Programme, StatusReport


def report_days() -> int:
    return int(getattr(settings, "RASAD_PROGRAMME_REPORT_DAYS", 15))


def reporting_season(today: date) -> JalaliPeriod:
    """The season a report asked for on ``today`` is about: the one that ended last."""
    return JalaliPeriod.containing(today, "season").previous()


def due_date(season: JalaliPeriod) -> date:
    """A season's reports are due ``report_days()`` days after it ends (its last day counted in)."""
    return season.end + timedelta(days=report_days() - 1)


def items_owing(programme: Programme, season: JalaliPeriod) -> list[ActionItem]:
    """The action items that owe a report on ``season``: started before it ended, their case still
    open, and no report asked for yet."""
    return list(
        programme.action_items.filter(
            starts_on__lt=season.end,
            case__status__in=OPEN_STATUSES,
        )
        .exclude(status_reports__period_key=season.key)
        .select_related("case", "party__organization", "objective")
        .order_by("pk")
    )


@transaction.atomic
def do_request_status_reports(
    programme: Programme, *, today: date | None = None, now: datetime | None = None
) -> list[StatusReport]:
    """Ask the parties of an active programme for their reports on the season that ended last.
    Idempotent: each (action item, season) is asked once, under a lock of the programme and an
    effect key, however often and on however many workers it runs."""
    moment = now or timezone.now()
    day = today or local_date(moment)
    locked = lock(programme)
    if locked.status != ProgrammeStatus.ACTIVE:
        return []
    season = reporting_season(day)
    if season.end <= locked.starts_on:
        return []
    due = due_date(season)
    if due < day:
        return []  # too late to ask: the season after next is nearer
    created: list[StatusReport] = []
    for item in items_owing(locked, season):
        if not claim_effect(f"programs-report:{item.pk}:{season.key}"):
            continue
        report = StatusReport.objects.create(
            programme=locked, action_item=item, period_key=season.key, due_on=due
        )
        with display.in_persian():
            title = _("Quarterly status report, %(season)s: %(item)s") % {
                "season": season.label(),
                "item": item.case.title,
            }
            description = _(
                "%(party)s reports on “%(item)s” (%(reference)s) for %(season)s: done, on track, at "
                "risk or blocked, with a note. Submit it on the programme's page by %(due)s."
            ) % {
                "party": item.party.organization.name,
                "item": item.case.title,
                "reference": item.case.reference,
                "season": season.label(),
                "due": formatting.date_text(due, style="long"),
            }
        case = do_open_case(
            CaseValues(
                kind=CaseKind.DIRECTIVE,
                category=item.case.category,
                title=title[:300],
                reporter_organization=locked.organization,
                owner_organization=item.party.organization,
                description=description,
                priority=Priority.MEDIUM,
                deadline=due,
                origin=locked.title[:300],
            ),
            acting_user=None,
            now=moment,
            source=report,
        )
        report.case = case
        report.save(update_fields=["case", "last_updated"])
        created.append(report)
    if created:
        ids = [report.pk for report in created]
        audit_reports_requested(
            organization=locked.organization,
            period_key=season.key,
            report_ids=ids,
            digest=hashlib.sha256(",".join(map(str, ids)).encode()).hexdigest(),
        )
        push("programme.reports_requested", locked, season=season.key)
    return created


@dataclass
class ReportValues:
    state: str
    note: str = ""


def may_submit(report: StatusReport, user: User) -> bool:
    return StatusReport.objects.visible_to(user, "submit").filter(pk=report.pk).exists()


@transaction.atomic
def do_submit_status_report(
    report: StatusReport, values: ReportValues, *, acting_user: User, now: datetime | None = None
) -> StatusReport:
    """The party's answer for one action item and season. It answers the report's case, which the
    lead then verifies; when the lead reopens it, the party may submit again."""
    moment = now or timezone.now()
    if not may_submit(report, acting_user):
        raise refusal()
    locked: StatusReport = (
        StatusReport.objects.select_for_update(of=("self",))
        .select_related("case", "action_item__case", "action_item__party__organization")
        .get(pk=report.pk)
    )
    lock(locked.programme)
    errors = Errors()
    if values.state not in ReportState.values:
        errors.add("state", _("Choose done, on track, at risk or blocked."))
    note = text(values.note)
    if values.state in (ReportState.AT_RISK, ReportState.BLOCKED) and not note:
        errors.add("note", _("Say what puts it at risk or blocks it."))
    case = locked.case
    if case is not None and case.status not in OPEN_STATUSES:
        errors.add(
            "state",
            _("This report was submitted already; the lead can reopen its case to ask again."),
        )
    errors.raise_if_any()
    locked.state = values.state
    locked.note = note
    locked.submitted_by = acting_user
    locked.submitted_at = moment
    locked.save(update_fields=["state", "note", "submitted_by", "submitted_at", "last_updated"])
    if case is not None:
        label = ReportState(values.state).label
        summary = f"{label}: {note}" if note else str(label)
        try:
            do_answer_case(case, locked, acting_user=acting_user, note=summary, now=moment)
        except ValidationError as error:
            raise ValidationError({"state": error.messages}) from None
    audit_report_submitted(
        locked, acting_user=acting_user, organization=locked.action_item.party.organization
    )
    push("programme.report_submitted", locked.programme, report=locked.pk)
    return locked
