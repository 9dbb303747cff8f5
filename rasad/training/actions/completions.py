"""Past completions, imported from a spreadsheet: training people completed before Rasad kept
track (or elsewhere), so that compliance counts it.

Whoever may add completions (``training.add_completion``) over a person's organization records
them; the course must be one they may see. Every row is checked first and the rows are applied
all together or not at all; one audit event per file with its SHA-256. An imported completion
counts like one recorded at an event: its certificate expires after the course's validity, and
it gets a verification code."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rasad.core.models import Membership, User
from rasad.lib import formatting
from rasad.lib.actions import Errors
from rasad.lib.jalali import check_accepted_date, local_date
from rasad.training.actions.common import add_months, allowed, day
from rasad.training.audit import TrainingAuditEvent, audit
from rasad.training.choices import CompletionSource
from rasad.training.codes import new_code
from rasad.training.models import Completion, Course


@dataclass
class PastCompletion:
    """One row: a person completed a course on a day, with an optional score."""

    row: int
    person: User
    course: Course
    completed_on: date
    score: Decimal | None = None


def organization_of(person: User) -> Membership | None:
    """The membership a completion is recorded under: the primary one, else the first."""
    found: Membership | None = (
        Membership.objects.filter(user=person)
        .select_related("organization")
        .order_by("-is_primary", "pk")
        .first()
    )
    return found


def check_completions(
    rows: list[PastCompletion], *, acting_user: User | None, today: date
) -> tuple[Errors, dict[int, Membership | None]]:
    """Every problem of ``rows`` (``rows[<row>].<column>``), and each person's membership."""
    errors = Errors()
    memberships: dict[int, Membership | None] = {}
    seen: dict[tuple[int, int, date], int] = {}
    for row in rows:
        name = f"rows[{row.row}]"
        if row.person.pk not in memberships:
            memberships[row.person.pk] = organization_of(row.person)
        membership = memberships[row.person.pk]
        if membership is None or (
            acting_user is not None and not allowed(acting_user, Completion, "add", membership.organization)
        ):
            # Someone the importer may not record for reads like someone unknown.
            errors.add(f"{name}.username", _("Unknown person “%(name)s”.") % {"name": row.person.username})
        if row.completed_on > today:
            errors.add(
                f"{name}.completed_on",
                _("%(date)s is in the future; only completions already done are imported.")
                % {"date": day(row.completed_on)},
            )
        else:
            try:
                check_accepted_date(row.completed_on)
            except ValueError as error:
                errors.add(f"{name}.completed_on", str(error))
        if row.score is not None and not Decimal(0) <= row.score <= Decimal(100):
            errors.add(f"{name}.score", _("A score is from 0 to 100."))
        key = (row.person.pk, row.course.pk, row.completed_on)
        if key in seen:
            errors.add(
                f"{name}.username",
                _("The same completion is already on row %(row)s.") % {"row": formatting.number(seen[key])},
            )
        else:
            seen[key] = row.row
            if Completion.objects.filter(
                user=row.person, course=row.course, completed_on=row.completed_on
            ).exists():
                errors.add(
                    f"{name}.course",
                    _("%(person)s's completion of “%(course)s” on %(date)s is recorded already.")
                    % {"person": row.person, "course": row.course.title, "date": day(row.completed_on)},
                )
    return errors, memberships


@transaction.atomic
def do_import_completions(
    rows: list[PastCompletion], *, acting_user: User | None, sha256: str, today: date | None = None
) -> list[Completion]:
    """Record past completions, all rows or none; errors per row (``rows[<row>].<column>``)."""
    errors, memberships = check_completions(
        rows, acting_user=acting_user, today=today or local_date(timezone.now())
    )
    errors.raise_if_any()
    created = []
    for row in rows:
        membership = memberships[row.person.pk]
        assert membership is not None
        validity = row.course.validity_months
        created.append(
            Completion.objects.create(
                user=row.person,
                course=row.course,
                organization=membership.organization,
                completed_on=row.completed_on,
                expires_on=add_months(row.completed_on, validity) if validity else None,
                score=row.score,
                source=CompletionSource.IMPORT,
                recorded_by=acting_user,
                code=new_code(),
            )
        )
    audit(
        TrainingAuditEvent.COMPLETIONS_IMPORTED,
        acting_user=acting_user,
        organization=None,
        object_type="training.completion",
        new={
            "rows": len(rows),
            "completions": sorted(c.pk for c in created),
            "sha256": sha256,
        },
    )
    return created
