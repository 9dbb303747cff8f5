"""Action items of a programme from a spreadsheet (``rasad.core.importers``' pattern): read every
row, report every problem with its row and column, and add all the rows or none.

Each row names the axis and objective by title (they must exist in the programme), the party by
its organization's code, the category by its code, and the deadline in the Jalali calendar
(1405/06/31) or ISO form. The rows are added by ``do_import_action_items``, one transaction that
opens each item's directive case through the same action as the form."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rasad.cases.choices import Priority
from rasad.cases.models import Category
from rasad.core.importers import ImportReport, TabularImporter, build_template, read_date, read_text
from rasad.core.models import User
from rasad.lib.persian import search_key, to_latin_digits
from rasad.lib.tabular import Column, Table
from rasad.programs.actions import ActionItemValues, do_import_action_items
from rasad.programs.models import ActionItem, Objective, Party, Programme

ACTION_ITEM_COLUMNS: tuple[Column, ...] = (
    Column("axis", gettext_lazy("Axis"), True, gettext_lazy("The title of an axis of the programme.")),
    Column(
        "objective",
        gettext_lazy("Objective"),
        True,
        gettext_lazy("The title of an objective under that axis."),
    ),
    Column("party", gettext_lazy("Party"), True, gettext_lazy("The code of a party's organization.")),
    Column("title", gettext_lazy("Title"), True, gettext_lazy("What the party must do.")),
    Column("description", gettext_lazy("Description")),
    Column(
        "category", gettext_lazy("Category"), True, gettext_lazy("A case category code, e.g. environment.")
    ),
    Column(
        "priority",
        gettext_lazy("Priority"),
        False,
        gettext_lazy("low, medium, high or critical; medium if empty."),
    ),
    Column(
        "starts_on",
        gettext_lazy("Starts on"),
        False,
        gettext_lazy("Jalali (1405/01/15) or ISO (2026-04-04)."),
    ),
    Column(
        "deadline", gettext_lazy("Deadline"), True, gettext_lazy("Jalali (1405/06/31) or ISO (2026-09-22).")
    ),
    Column(
        "weight", gettext_lazy("Weight"), False, gettext_lazy("A whole number from 1 to 100; 1 if empty.")
    ),
)


@dataclass
class PlannedItem:
    row: int
    values: ActionItemValues


class ActionItemImporter(TabularImporter[list[PlannedItem]]):
    columns: ClassVar[tuple[Column, ...]] = ACTION_ITEM_COLUMNS
    ignored_columns: ClassVar[frozenset[str]] = frozenset({"deadline_iso", "starts_on_iso", "reference"})

    def __init__(self, programme: Programme, *, acting_user: User) -> None:
        super().__init__(acting_user=acting_user)
        self.programme = programme

    def validate(self, table: Table, report: ImportReport) -> list[PlannedItem]:
        objectives: dict[tuple[str, str], Objective] = {
            (search_key(o.axis.title), search_key(o.title)): o
            for o in self.programme.objectives.select_related("axis")
        }
        parties: dict[str, Party] = {
            p.organization.code.upper(): p for p in self.programme.parties.select_related("organization")
        }
        categories = {c.code: c for c in Category.objects.filter(is_active=True)}
        planned = []
        for row in table.rows:
            errors_before = len(report.errors)
            axis = read_text(row, "axis", report, max_length=300, required=True)
            objective_title = read_text(row, "objective", report, max_length=300, required=True)
            objective = objectives.get((search_key(axis), search_key(objective_title)))
            if axis and objective_title and objective is None:
                report.add(
                    row.number,
                    "objective",
                    _("The programme has no objective “%(objective)s” under the axis “%(axis)s”.")
                    % {"objective": objective_title, "axis": axis},
                )
            # Codes are Latin; a Persian keyboard types their digits in Persian.
            code = to_latin_digits(row.text("party")).strip().upper()
            party = parties.get(code)
            if not code:
                report.add(row.number, "party", _("This cell is required."))
            elif party is None:
                report.add(
                    row.number, "party", _("%(code)s is not a party of this programme.") % {"code": code}
                )
            title = read_text(row, "title", report, max_length=300, required=True)
            description = read_text(row, "description", report, max_length=5000)
            category = categories.get(row.text("category"))
            if category is None:
                report.add(
                    row.number, "category", _("Unknown category “%(code)s”.") % {"code": row.text("category")}
                )
            priority = row.text("priority") or Priority.MEDIUM
            if priority not in Priority.values:
                report.add(
                    row.number,
                    "priority",
                    _("Unknown priority “%(priority)s”: write low, medium, high or critical.")
                    % {"priority": priority},
                )
            starts_on = read_date(row, "starts_on", report)
            deadline = read_date(row, "deadline", report)
            if deadline is None and not any(
                e.row == row.number and e.column == "deadline" for e in report.errors
            ):
                report.add(row.number, "deadline", _("This cell is required."))
            weight = _weight(row.text("weight"))
            if weight is None:
                report.add(row.number, "weight", _("A weight is a whole number from 1 to 100."))
            if len(report.errors) == errors_before:
                assert objective is not None and party is not None and category is not None
                planned.append(
                    PlannedItem(
                        row.number,
                        ActionItemValues(
                            objective=objective,
                            party=party,
                            title=title,
                            description=description,
                            deadline=deadline,
                            category=category,
                            priority=priority,
                            starts_on=starts_on,
                            weight=weight or 1,
                        ),
                    )
                )
        return planned

    def apply(self, plan: list[PlannedItem], report: ImportReport) -> list[Any]:
        items: list[ActionItem] = do_import_action_items(
            self.programme,
            [(p.row, p.values) for p in plan],
            acting_user=self.acting_user,
            sha256=report.sha256,
        )
        return items

    def report_apply_error(self, error: ValidationError, report: ImportReport) -> None:
        """Errors of the action come back per row (``rows[<row>].<field>``)."""
        if not hasattr(error, "error_dict"):
            super().report_apply_error(error, report)
            return
        for name, messages in error.message_dict.items():
            row, _dot, column = name.partition("].")
            number = int(row.removeprefix("rows[")) if row.startswith("rows[") else 0
            for message in messages:
                report.add(number, column or name, message)


def _weight(text: str) -> int | None:
    if not text:
        return 1
    cleaned = to_latin_digits(text).strip()
    if not cleaned.isdecimal():  # isdigit() also takes «²», which int() refuses
        return None
    value = int(cleaned)
    return value if 1 <= value <= 100 else None


def action_item_template(programme: Programme) -> bytes:
    """The empty workbook: the columns with their help, and this programme's axes and objectives,
    parties and the category codes in the guide sheet."""
    guide: list[tuple[str, str]] = [
        (str(_("Axis")) + " / " + str(_("Objective")), f"{objective.axis.title} / {objective.title}")
        for objective in programme.objectives.select_related("axis").order_by(
            "axis__position", "position", "pk"
        )
    ]
    guide += [
        (str(_("Party")), f"{party.organization.code}: {party.organization.name}")
        for party in programme.parties.select_related("organization")
    ]
    guide += [
        (str(_("Category")), f"{category.code}: {category.name}")
        for category in Category.objects.filter(is_active=True).order_by("code")
    ]
    return build_template(ACTION_ITEM_COLUMNS, title=str(_("Action items")), guide=guide)
