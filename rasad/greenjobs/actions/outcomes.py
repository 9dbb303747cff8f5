"""What a funded business reports of its results (docs/greenjobs.md, "Outcomes"): six and
twelve months after its first payment, the jobs it created and the jobs it kept, and what it
saved in energy, water and waste over the last twelve months."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from rasad.core.models import User
from rasad.greenjobs.actions.certification import add_months
from rasad.greenjobs.actions.common import Errors, push, require, text
from rasad.greenjobs.audit import GreenAuditEvent, audit
from rasad.greenjobs.choices import Milestone, Stage
from rasad.greenjobs.models import Application, OutcomeReport

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
    require(acting_user, OutcomeReport, "add", application.organization)
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
