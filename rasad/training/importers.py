"""An event's roster from a spreadsheet (``rasad.core.importers``' pattern): read every row,
report every problem with its row and column, and apply all the rows or none.

Each row names a person by user name, says whether they attended (yes/no; empty: only enrol
them) and their score (0-100, optional). People not yet enrolled are enrolled (on the waiting
list when the event is full); attendance is then recorded, which completes the event's course.
The export of the roster (``training-roster``) has the same keys, so an organizer can download
the list, tick attendance in Excel and upload it back."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, ClassVar

from django.core.exceptions import ValidationError
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rasad.core.importers import ImportReport, TabularImporter, build_template, read_date, read_float
from rasad.core.models import Membership, User
from rasad.lib import formatting
from rasad.lib.jalali import local_date
from rasad.lib.persian import normalize_text, to_latin_digits
from rasad.lib.tabular import Column, Table
from rasad.training.actions import RosterRow, do_import_roster
from rasad.training.actions.completions import PastCompletion, check_completions, do_import_completions
from rasad.training.models import Course, Enrolment, Event

ROSTER_COLUMNS: tuple[Column, ...] = (
    Column("username", gettext_lazy("User name"), True, gettext_lazy("The person's user name in Rasad.")),
    Column(
        "attended",
        gettext_lazy("Attended"),
        False,
        gettext_lazy("yes or no (بله / خیر); empty: enrol only."),
    ),
    Column("score", gettext_lazy("Score"), False, gettext_lazy("From 0 to 100; optional.")),
)

YES = {"yes", "y", "1", "true", "بله", "آری", "بلی", "حاضر", "✓"}
NO = {"no", "n", "0", "false", "خیر", "نه", "غایب"}


def read_yes_no(text: str) -> bool | str | None:
    """``True``/``False``, ``None`` for an empty cell, or the text itself when it is neither."""
    cleaned = normalize_text(to_latin_digits(text)).strip().lower()
    if not cleaned:
        return None
    if cleaned in YES:
        return True
    if cleaned in NO:
        return False
    return cleaned


def people_by_name(people: Iterable[User]) -> Callable[[str], User | None]:
    """Who a file's user name names, whatever its letter case (user names are stored as they
    were written: ``rasad createuser Sara.K``): the one person of that name in any case, or the
    one written exactly so when names differ only in case; ``None`` when nobody (or no one
    person) is named so. ``people``: those whose ``Lower("username")`` is among the file's."""
    by_name: dict[str, dict[int, User]] = {}
    for person in people:
        by_name.setdefault(person.username.lower(), {})[person.pk] = person

    def find(written: str) -> User | None:
        found = list(by_name.get(written.lower(), {}).values())
        exact = [person for person in found if person.username == written]
        chosen = exact or found
        return chosen[0] if len(chosen) == 1 else None

    return find


def per_row(error: ValidationError, report: ImportReport) -> bool:
    """Put an action's errors (``rows[<row>].<field>``) on their rows; False when they are not
    per field."""
    if not hasattr(error, "error_dict"):
        return False
    for name, messages in error.message_dict.items():
        row, _dot, column = name.partition("].")
        number = int(row.removeprefix("rows[")) if row.startswith("rows[") else 0
        column = {"user": "username"}.get(column, column)
        for message in messages:
            report.add(number, column or name, message)
    return True


@dataclass
class RosterPlan:
    rows: list[RosterRow]


class RosterImporter(TabularImporter[RosterPlan]):
    columns: ClassVar[tuple[Column, ...]] = ROSTER_COLUMNS
    ignored_columns: ClassVar[frozenset[str]] = frozenset(
        {"person", "organization", "status", "completed_on", "completed_on_iso", "event"}
    )

    def __init__(self, event: Event, *, acting_user: User) -> None:
        super().__init__(acting_user=acting_user)
        self.event = event

    def validate(self, table: Table, report: ImportReport) -> RosterPlan:
        names = {row.text("username").strip().lower() for row in table.rows}
        # People of the audience only: anyone else reads as unknown, whether they exist or not.
        members = people_by_name(
            m.user
            for m in Membership.objects.alias(name=Lower("user__username"))
            .filter(organization__path__startswith=self.event.audience.path, name__in=names)
            .select_related("user")
        )
        seen: dict[str, int] = {}
        rows = []
        for row in table.rows:
            before = len(report.errors)
            person = members(row.text("username").strip())
            name = row.text("username").strip().lower()
            if not name:
                report.add(row.number, "username", _("This cell is required."))
            elif person is None:
                report.add(
                    row.number,
                    "username",
                    _("Unknown person “%(name)s” (not among the people this event is for).") % {"name": name},
                )
            elif name in seen:
                report.add(
                    row.number,
                    "username",
                    _("%(name)s is already on row %(row)s.")
                    % {"name": name, "row": formatting.number(seen[name])},
                )
            else:
                seen[name] = row.number
            attended = read_yes_no(row.text("attended"))
            if isinstance(attended, str):
                report.add(
                    row.number,
                    "attended",
                    _("Write yes or no (بله or خیر), not “%(value)s”.") % {"value": attended},
                )
            score = read_float(row, "score", report, minimum=0, maximum=100)
            if score is not None and attended is not True:
                report.add(row.number, "score", _("A score is given only to someone who attended."))
            if len(report.errors) == before and person is not None and not isinstance(attended, str):
                rows.append(
                    RosterRow(
                        row.number,
                        person,
                        attended,
                        Decimal(str(score)).quantize(Decimal("0.01")) if score is not None else None,
                    )
                )
        return RosterPlan(rows)

    def apply(self, plan: RosterPlan, report: ImportReport) -> list[Any]:
        enrolled: list[Enrolment] = do_import_roster(
            self.event, plan.rows, acting_user=self.acting_user, sha256=report.sha256
        )
        # The report counts the rows applied, enrolled or marked.
        return [*enrolled, *(r for r in plan.rows if r.person.pk not in {e.user_id for e in enrolled})]

    def report_apply_error(self, error: ValidationError, report: ImportReport) -> None:
        if not per_row(error, report):
            super().report_apply_error(error, report)


def roster_template(event: Event) -> bytes:
    return build_template(
        ROSTER_COLUMNS,
        title=str(_("Roster")),
        guide=[(str(_("Event")), event.title), (str(_("Audience")), event.audience.name)],
    )


COMPLETION_COLUMNS: tuple[Column, ...] = (
    Column("username", gettext_lazy("User name"), True, gettext_lazy("The person's user name in Rasad.")),
    Column("course", gettext_lazy("Course code"), True, gettext_lazy("The course's code, as on its page.")),
    Column(
        "completed_on",
        gettext_lazy("Completed on"),
        True,
        gettext_lazy("The Jalali day it was completed, e.g. 1403/08/15."),
    ),
    Column("score", gettext_lazy("Score"), False, gettext_lazy("From 0 to 100; optional.")),
)


@dataclass
class CompletionPlan:
    rows: list[PastCompletion]


class CompletionImporter(TabularImporter[CompletionPlan]):
    """Past completions (user name, course code, Jalali day, score): every bad row is reported
    with its column; all rows are recorded or none (``do_import_completions``)."""

    columns: ClassVar[tuple[Column, ...]] = COMPLETION_COLUMNS
    ignored_columns: ClassVar[frozenset[str]] = frozenset(
        {"person", "organization", "course_title", "completed_on_iso", "expires_on", "expires_on_iso", "code"}
    )

    def validate(self, table: Table, report: ImportReport) -> CompletionPlan:
        names = {row.text("username").strip().lower() for row in table.rows}
        codes = {row.text("course").strip().lower() for row in table.rows}
        # Only people and courses the importer may see are found; anyone else reads as unknown.
        people = people_by_name(
            User.objects.visible_to(self.acting_user, "view")
            .alias(name=Lower("username"))
            .filter(name__in=names)
        )
        courses = {
            c.code.lower(): c
            for c in Course.objects.visible_to(self.acting_user, "view").filter(code__in=codes)
        }
        rows = []
        for row in table.rows:
            before = len(report.errors)
            name = row.text("username").strip().lower()
            code = row.text("course").strip().lower()
            person = people(row.text("username").strip())
            course = courses.get(code)
            if not name:
                report.add(row.number, "username", _("This cell is required."))
            elif person is None:
                report.add(row.number, "username", _("Unknown person “%(name)s”.") % {"name": name})
            if not code:
                report.add(row.number, "course", _("This cell is required."))
            elif course is None:
                report.add(row.number, "course", _("Unknown course “%(code)s”.") % {"code": code})
            completed_on = read_date(row, "completed_on", report)
            if completed_on is None and len(report.errors) == before:
                report.add(row.number, "completed_on", _("This cell is required."))
            score = read_float(row, "score", report, minimum=0, maximum=100)
            if len(report.errors) == before and person is not None and course is not None and completed_on:
                rows.append(
                    PastCompletion(
                        row.number,
                        person,
                        course,
                        completed_on,
                        Decimal(str(score)).quantize(Decimal("0.01")) if score is not None else None,
                    )
                )
        # The action's own checks (who may record, future days, duplicates), on the rows read
        # well, so that every bad row is reported at once.
        problems, _memberships = check_completions(
            rows, acting_user=self.acting_user, today=local_date(timezone.now())
        )
        if problems.fields:
            per_row(ValidationError(problems.fields), report)
        return CompletionPlan(rows)

    def apply(self, plan: CompletionPlan, report: ImportReport) -> list[Any]:
        created: list[Any] = do_import_completions(
            plan.rows, acting_user=self.acting_user, sha256=report.sha256
        )
        return created

    def report_apply_error(self, error: ValidationError, report: ImportReport) -> None:
        if not per_row(error, report):
            super().report_apply_error(error, report)


def completion_template() -> bytes:
    return build_template(COMPLETION_COLUMNS, title=str(_("Past completions")))
