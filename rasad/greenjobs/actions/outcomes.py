"""What a funded business reports of its results (docs/greenjobs.md, "Outcomes"): six and
twelve months after its first payment, the jobs it created and the jobs it kept, and what it
saved in energy, water and waste over the last twelve months."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import Min, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from rasad.core.access import require_scope
from rasad.core.models import User
from rasad.greenjobs.actions.certification import add_months
from rasad.greenjobs.actions.common import push
from rasad.greenjobs.audit import GreenAuditEvent, audit
from rasad.greenjobs.choices import Milestone, ReminderKind, Stage
from rasad.greenjobs.models import Application, OutcomeReminder, OutcomeReport
from rasad.greenjobs.savings import record_savings
from rasad.lib.actions import Errors, text
from rasad.lib.site import absolute_url
from rasad.lib.stored_text import Code, LongDate, StoredText, Words

FUNDED = (Stage.APPROVED, Stage.DISBURSED, Stage.CLOSED)
MAX_JOBS = 100_000
MAX_SAVING = Decimal(10) ** 12


@dataclass
class OutcomeValues:
    milestone: str
    jobs_created: Any
    jobs_retained: Any
    energy_saved: Any = 0
    water_saved: Any = 0
    waste_diverted: Any = 0
    note: str = ""


def _count(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return number if 0 <= number <= MAX_JOBS else None


def _saving(value: Any) -> Decimal | None:
    if value in (None, ""):
        return Decimal(0)
    try:
        amount = Decimal(str(value).strip())
    except (InvalidOperation, ValueError, TypeError):
        return None
    if not amount.is_finite() or not 0 <= amount < MAX_SAVING:
        return None
    return amount.quantize(Decimal("0.1"))


def due_on(application: Application, milestone: str) -> Any:
    """The day a report is due: its months after the first payment (None before any payment)."""
    first = application.instalments.order_by("paid_on").values_list("paid_on", flat=True).first()
    return add_months(first, int(milestone)) if first is not None else None


@transaction.atomic
def do_report_outcome(
    application: Application, values: OutcomeValues, *, acting_user: User | None
) -> OutcomeReport:
    """The business reports its outcomes at a milestone of a funded application (once each)."""
    require_scope(acting_user, OutcomeReport, "add", application.organization)
    locked: Application = Application.objects.select_for_update().get(pk=application.pk)
    errors = Errors()
    if locked.stage not in FUNDED or not locked.disbursed_amount:
        errors.add("application", _("Outcomes are reported once the application has been paid."))
    if values.milestone not in Milestone.values:
        errors.add("milestone", _("Choose six or twelve months."))
    elif OutcomeReport.objects.filter(application=locked, milestone=values.milestone).exists():
        errors.add("milestone", _("The outcomes at this milestone have already been reported."))
    created, retained = _count(values.jobs_created), _count(values.jobs_retained)
    if created is None:
        errors.add("jobs_created", _("Give a whole number from 0 to 100,000."))
    if retained is None:
        errors.add("jobs_retained", _("Give a whole number from 0 to 100,000."))
    savings: dict[str, Decimal | None] = {}
    for name in ("energy_saved", "water_saved", "waste_diverted"):
        amount = _saving(getattr(values, name))
        if amount is None:
            errors.add(name, _("Give a number of zero or more."))
        savings[name] = amount
    errors.raise_if_any()
    assert created is not None and retained is not None
    report = OutcomeReport.objects.create(
        application=locked,
        organization_id=locked.organization_id,
        milestone=values.milestone,
        due_on=due_on(locked, values.milestone),
        jobs_created=created,
        jobs_retained=retained,
        note=text(values.note, 2000),
        reported_by=acting_user,
        **savings,
    )
    # The savings go to the indicators app in this transaction: a refusal there (the year is
    # approved and locked) refuses the report too, and nothing is written.
    report.indicator_period = record_savings(report, acting_user=acting_user)
    report.save(update_fields=["indicator_period", "last_updated"])
    audit(
        GreenAuditEvent.OUTCOME_REPORTED,
        acting_user=acting_user,
        organization=locked.organization,
        obj=report,
        new={
            "application": locked.number,
            "milestone": values.milestone,
            "jobs_created": created,
            "jobs_retained": retained,
            **{name: str(amount) for name, amount in savings.items()},
            "indicator_period": report.indicator_period,
        },
    )
    scheme = locked.scheme
    push(
        "greenjobs.outcome",
        {locked.organization_id, scheme.organization_id, scheme.labour_office_id},
        id=report.pk,
        application=locked.pk,
    )
    return report


# A business is told this many days before an outcome report falls due (and again, once, when
# its day has passed); docs/greenjobs.md, "Reminders".
OUTCOME_NOTICE_DAYS = 14


@dataclass(frozen=True)
class DueMilestone:
    """A milestone of a funded application whose report has not been sent, with its due day."""

    application: Application
    milestone: str
    due_on: date

    def is_overdue(self, today: date) -> bool:
        return self.due_on < today


def due_milestones(applications: QuerySet[Application], *, today: date) -> list[DueMilestone]:
    """The unreported milestones of ``applications`` (already scoped by the caller) that fall due
    within ``OUTCOME_NOTICE_DAYS`` or have passed, earliest first. Two queries however many rows."""
    horizon = today + timedelta(days=OUTCOME_NOTICE_DAYS)
    funded = list(
        applications.filter(stage__in=FUNDED, disbursed_amount__gt=0)
        .annotate(first_paid=Min("instalments__paid_on"))
        .select_related("organization", "scheme")
        .order_by("pk")
    )
    reported = set(
        OutcomeReport.objects.filter(application_id__in=[a.pk for a in funded]).values_list(
            "application_id", "milestone"
        )
    )
    found = []
    for application in funded:
        first_paid: date | None = getattr(application, "first_paid", None)
        if first_paid is None:
            continue
        for milestone in Milestone.values:
            if (application.pk, milestone) in reported:
                continue
            due = add_months(first_paid, int(milestone))
            if due <= horizon:
                found.append(DueMilestone(application, milestone, due))
    return sorted(found, key=lambda item: (item.due_on, item.application.pk, int(item.milestone)))


def workshop_people(application: Application) -> list[User]:
    """Who is told of a business's outcome report: its own people who may report it; where the
    business has nobody in Rasad, the people of the scheme's offices who may report for it (the
    labour office's analysts enter a business's paper forms); only when neither exists, everyone
    who may report for it (which reaches national coordinators too)."""
    from rasad.core.scope import users_who_can

    may_report = users_who_can(OutcomeReport, application.organization, "add")
    scheme = application.scheme
    for members_of in (
        [application.organization_id],
        [scheme.labour_office_id, scheme.environment_office_id, scheme.training_office_id],
    ):
        people = list(may_report.filter(memberships__organization_id__in=members_of).distinct())
        if people:
            return people
    return list(may_report)


def _reminder_kind(due: date, today: date) -> str | None:
    """Overdue once the day has passed, due within ``OUTCOME_NOTICE_DAYS`` days of it, else None."""
    if due < today:
        return ReminderKind.OVERDUE
    if due <= today + timedelta(days=OUTCOME_NOTICE_DAYS):
        return ReminderKind.DUE
    return None


def _reminder_message(application: Application, milestone: str, due: date, kind: str) -> StoredText:
    """The reminder: the outcome report is due on a day, or is overdue. Kept as a message id and
    parameters (``rasad.lib.stored_text``): each reader reads the milestone, the number and the
    day in their own language, calendar and digits."""
    values: dict[str, Any] = {
        "milestone": Words.of(Milestone(milestone).label),
        "number": Code(application.number),
        "day": LongDate(due),
    }
    if kind == ReminderKind.OVERDUE:
        return StoredText(
            gettext_noop(
                "The outcome report of application %(number)s (%(milestone)s) was due on %(day)s "
                "and has not been sent. Report the jobs and savings now."
            ),
            values,
        )
    return StoredText(
        gettext_noop(
            "The outcome report of application %(number)s (%(milestone)s) is due on %(day)s. "
            "Report the jobs created and kept and what was saved."
        ),
        values,
    )


@transaction.atomic
def do_remind_outcome(application: Application, milestone: str, *, today: date) -> OutcomeReminder | None:
    """Tell the business that its report at ``milestone`` falls due within
    ``OUTCOME_NOTICE_DAYS`` days, or, once the day has passed, that it is overdue: each once per
    milestone, however many times the job runs (checked again under the application's lock, kept
    as an ``OutcomeReminder`` row and claimed as an effect key). None when there is nothing to
    send: not funded, reported, not yet time, or told already."""
    from rasad.cases.choices import NotificationKind
    from rasad.cases.notifications import notify
    from rasad.jobs.engine import claim_effect

    locked: Application | None = (
        Application.objects.select_for_update(of=("self",))
        .select_related("organization")
        .filter(pk=application.pk)
        .first()
    )
    if locked is None or locked.stage not in FUNDED or not locked.disbursed_amount:
        return None
    if milestone not in Milestone.values:
        return None
    due = due_on(locked, milestone)
    if due is None or OutcomeReport.objects.filter(application=locked, milestone=milestone).exists():
        return None
    kind = _reminder_kind(due, today)
    if kind is None:
        return None
    if OutcomeReminder.objects.filter(application=locked, milestone=milestone, kind=kind).exists():
        return None
    if not claim_effect(f"greenjobs-outcome-{kind}:{locked.pk}:{milestone}"):
        return None
    people = workshop_people(locked)
    message = _reminder_message(locked, milestone, due, kind)
    notify(
        people,
        None,
        NotificationKind.STATUS,
        message,
        link=absolute_url(reverse("greenjobs:application-outcome", args=[locked.pk])),
    )
    reminder = OutcomeReminder.objects.create(
        application=locked,
        organization_id=locked.organization_id,
        milestone=milestone,
        kind=kind,
        due_on=due,
        sent_on=today,
        recipients=len(people),
    )
    audit(
        GreenAuditEvent.OUTCOME_OVERDUE_NOTIFIED
        if kind == ReminderKind.OVERDUE
        else GreenAuditEvent.OUTCOME_DUE_NOTIFIED,
        acting_user=None,
        organization=locked.organization,
        obj=reminder,
        new={
            "application": locked.number,
            "milestone": milestone,
            "due_on": due,
            "people": sorted(user.username for user in people),
        },
    )
    push(
        "greenjobs.outcome-reminder",
        {locked.organization_id},
        id=reminder.pk,
        application=locked.pk,
        milestone=milestone,
        notice=str(kind),
    )
    return reminder
