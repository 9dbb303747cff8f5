"""Bulk imports from spreadsheets: parse → validate every row → apply all rows, or none.

The pattern every app follows (the organization importer below is the reference):

1. **Parse.** :func:`read_table` reads CSV (UTF-8, or Windows-1256 as Excel saves Persian CSV) or
   Excel ``.xlsx`` into a :class:`Table`: the column keys and each data row with the row number a
   spreadsheet program shows. The header may be the English keys, the translated labels, or the
   labels followed by a row of keys (the downloadable template has both).
2. **Validate all.** The importer's ``validate`` looks at every row and reports every problem as
   a :class:`RowError` (row number, column key, translated cause). Nothing is written.
3. **Apply all.** Only when no row has a problem, ``apply`` calls the app's bulk action, which
   runs in one transaction and writes one audit event for the batch with the file's SHA-256.

``TabularImporter.run`` strings the three steps together and returns an :class:`ImportReport`
that the UI renders as a table and the API returns as JSON.
"""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import IO, TYPE_CHECKING, Any, ClassVar, Generic, TypeVar

from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rasad.lib import boundary, formatting, jalali, tabular
from rasad.lib.persian import TextParseError, normalize_text, parse_number, search_key, to_latin_digits
from rasad.lib.progress import track
from rasad.lib.tabular import Column, Table, TableRow, TabularError, cell_text

if TYPE_CHECKING:
    from rasad.core.models import Organization, User

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000
# What a bulk import of reference records accepts (rasad.lib.tabular checks it while reading).
LIMITS = tabular.Limits(
    file_bytes=MAX_FILE_BYTES,
    uncompressed_bytes=40 * 1024 * 1024,
    rows=MAX_ROWS + 3,
    header_rows=3,
    columns=60,
    cell_chars=2000,
)
FILE_COLUMN = "file"

_Plan = TypeVar("_Plan")


@dataclass(frozen=True)
class RowError:
    """A problem with one cell: ``row`` as a spreadsheet numbers it (0 for the file itself)."""

    row: int
    column: str
    message: str
    # The column as its reader names it («نام کاربری»), beside its key; "" for the file itself.
    label: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": self.message}


@dataclass
class ImportReport:
    """What happened to one uploaded file."""

    file_name: str
    sha256: str
    row_count: int = 0
    errors: list[RowError] = field(default_factory=list)
    created: list[Any] = field(default_factory=list)
    applied: bool = False
    dry_run: bool = False
    # The translated label of each column by its key, for the page that lists the problems.
    labels: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors

    def add(self, row: int, column: str, message: str) -> None:
        self.errors.append(RowError(row, column, message))

    def sorted_errors(self) -> list[RowError]:
        """The problems by row, each with its column's label (``labels``)."""
        ordered = sorted(self.errors, key=lambda e: (e.row, e.column, e.message))
        return [replace(e, label=e.label or self.labels.get(e.column, "")) for e in ordered]

    @property
    def bad_rows(self) -> list[int]:
        return sorted({error.row for error in self.errors if error.row})

    def summary(self) -> str:
        # Counts in the reader's digits (rasad.lib.formatting), as everywhere a person reads.
        if self.applied:
            return _("%(count)s rows imported.") % {"count": formatting.number(len(self.created))}
        if self.errors:
            return _("%(count)s problems in %(rows)s rows; nothing was imported.") % {
                "count": formatting.number(len(self.errors)),
                "rows": formatting.number(len(self.bad_rows)),
            }
        return _("All %(count)s rows are valid.") % {"count": formatting.number(self.row_count)}

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.file_name,
            "sha256": self.sha256,
            "rows": self.row_count,
            "applied": self.applied,
            "dry_run": self.dry_run,
            "created": len(self.created),
            "message": self.summary(),
            "errors": [error.as_dict() for error in self.sorted_errors()],
        }

    def error_fields(self) -> dict[str, list[str]]:
        """The errors in the API's ``fields`` form: ``rows[<row>].<column>``."""
        fields: dict[str, list[str]] = {}
        for error in self.sorted_errors():
            name = f"rows[{error.row}].{error.column}" if error.row else error.column
            fields.setdefault(name, []).append(error.message)
        return fields


class ImportFileError(Exception):
    """The file as a whole cannot be read (wrong format, too big, empty, no header)."""


def read_table(
    data: bytes | IO[bytes],
    file_name: str,
    columns: Sequence[Column],
    *,
    ignored: Iterable[str] = (),
    limits: tabular.Limits = LIMITS,
) -> tuple[Table, list[RowError]]:
    """Read a CSV or xlsx file into a :class:`Table` (``rasad.lib.tabular``); header problems come
    back as RowErrors, and a file that cannot be read or is beyond the limits raises
    ImportFileError."""
    try:
        table, problems = tabular.read_table(data, file_name, columns, limits, ignored=ignored)
    except TabularError as error:
        raise ImportFileError(str(error)) from None
    if len(table.rows) > MAX_ROWS:
        raise ImportFileError(
            _("The file has more than %(count)s rows.") % {"count": formatting.number(MAX_ROWS)}
        )
    return table, [RowError(p.row, p.column, p.message) for p in problems]


class TabularImporter(Generic[_Plan]):
    """Base of every importer: subclasses declare ``columns`` and implement ``validate`` (collect
    every problem into the report and return a plan) and ``apply`` (call the bulk action)."""

    columns: ClassVar[tuple[Column, ...]] = ()
    # Columns an export writes for people (names, ISO dates) that an import may meet and skips.
    ignored_columns: ClassVar[frozenset[str]] = frozenset()

    def __init__(self, *, acting_user: User) -> None:
        self.acting_user = acting_user

    def run(self, data: bytes, *, file_name: str, dry_run: bool = False) -> ImportReport:
        report = ImportReport(
            file_name=file_name[:200],
            sha256=hashlib.sha256(data).hexdigest(),
            dry_run=dry_run,
            labels={column.key: str(column.label) for column in self.columns},
        )
        try:
            table, header_errors = read_table(data, file_name, self.columns, ignored=self.ignored_columns)
        except ImportFileError as error:
            report.add(0, FILE_COLUMN, str(error))
            return report
        report.row_count = len(table.rows)
        report.errors.extend(header_errors)
        if header_errors:
            return report
        # The input boundary, cell by cell (rasad.lib.boundary), before any code is looked up
        # (PostgreSQL refuses a NUL even in a query's parameters); every refused cell is named.
        for row in table.rows:
            for column, message in boundary.cell_problems(row.cells):
                report.add(row.number, column, message)
        if report.errors:
            return report
        if not table.rows:
            report.add(0, FILE_COLUMN, _("The file has a header but no rows."))
            return report
        plan = self.validate(table, report)
        if report.errors or dry_run:
            return report
        try:
            report.created = self.apply(plan, report)
        except ValidationError as error:
            self.report_apply_error(error, report)
            report.created = []
            return report
        report.applied = True
        return report

    def validate(self, table: Table, report: ImportReport) -> _Plan:
        raise NotImplementedError

    def apply(self, plan: _Plan, report: ImportReport) -> list[Any]:
        raise NotImplementedError

    def report_apply_error(self, error: ValidationError, report: ImportReport) -> None:
        for message in error.messages:
            report.add(0, FILE_COLUMN, message)


# ---------------------------------------------------------------------------------------------
# Shared cell readers: each returns the value or records a RowError and returns None.
# ---------------------------------------------------------------------------------------------


def read_date(row: TableRow, key: str, report: ImportReport) -> date | None:
    value = row.cells.get(key)
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = cell_text(value)
    if not text:
        return None
    try:
        return jalali.parse_date(text, calendar="jalali")
    except ValueError as error:
        report.add(row.number, key, str(error))
        return None


def read_float(
    row: TableRow, key: str, report: ImportReport, *, minimum: float, maximum: float
) -> float | None:
    value = row.cells.get(key)
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = float(value)
    else:
        text = cell_text(value)
        if not text:
            return None
        try:
            number = float(parse_number(text))
        except TextParseError as error:
            report.add(row.number, key, str(error))
            return None
    if not minimum <= number <= maximum:
        # The value and the bounds in the reader's digits (rasad.lib.formatting), as every number
        # of the report is: «۹۵ بین -۹۰ و ۹۰ نیست.»
        report.add(
            row.number,
            key,
            _("%(value)s is not between %(min)s and %(max)s.")
            % {
                "value": formatting.number(number),
                "min": formatting.number(minimum),
                "max": formatting.number(maximum),
            },
        )
        return None
    return number


def read_text(
    row: TableRow, key: str, report: ImportReport, *, max_length: int, required: bool = False
) -> str:
    text = normalize_text(row.text(key))
    if required and not text:
        report.add(row.number, key, _("This cell is required."))
    if len(text) > max_length:
        report.add(row.number, key, too_long(max_length))
    return text


def too_long(max_length: int) -> str:
    """A cell's text is over ``max_length`` characters (the limit in the reader's digits)."""
    return _("The text is longer than %(max)s characters.") % {"max": formatting.number(max_length)}


def build_template(columns: Sequence[Column], *, title: str, guide: Sequence[tuple[str, str]] = ()) -> bytes:
    """An empty workbook with the translated labels in row 1, the English keys in row 2 (the
    importer reads either), and a second sheet explaining each column."""
    notes: list[list[Any]] = [
        [str(column.label), column.key, _("yes") if column.required else "", str(column.help)]
        for column in columns
    ]
    notes.extend(["", key, "", text] for key, text in guide)
    buffer = io.BytesIO()
    tabular.write_xlsx(
        buffer,
        [
            tabular.Sheet(
                title,
                [],
                labels=[column.label for column in columns],
                keys=[column.key for column in columns],
            ),
            tabular.Sheet(
                _("Guide"),
                notes,
                labels=[_("Column"), _("Key"), _("Required"), _("What to write")],
                widths=(24, 18, 10, 60),
            ),
        ],
    )
    return buffer.getvalue()


# ---------------------------------------------------------------------------------------------
# Organizations
# ---------------------------------------------------------------------------------------------

ORGANIZATION_COLUMNS: tuple[Column, ...] = (
    Column("code", gettext_lazy("Code"), True, gettext_lazy("Unique code, for example ISF-P2.")),
    Column("name", gettext_lazy("Name"), True, gettext_lazy("Persian name.")),
    Column("name_en", gettext_lazy("English name")),
    Column("kind", gettext_lazy("Kind"), True, gettext_lazy("One of the kind keys listed below.")),
    Column(
        "parent_code",
        gettext_lazy("Parent code"),
        False,
        gettext_lazy("An existing organization you may add under, or a code defined in this file."),
    ),
    Column("province_code", gettext_lazy("Province code"), False, gettext_lazy("Two-digit code, e.g. 10.")),
    Column("county_code", gettext_lazy("County code")),
    Column("latitude", gettext_lazy("Latitude"), False, gettext_lazy("Decimal degrees; inside Iran.")),
    Column("longitude", gettext_lazy("Longitude")),
    Column("sector_tags", gettext_lazy("Sector tags"), False, gettext_lazy("Separated by commas.")),
    Column(
        "opened_on",
        gettext_lazy("Opened on"),
        False,
        gettext_lazy("Jalali (1403/01/15) or ISO (2024-04-03)."),
    ),
    Column("closed_on", gettext_lazy("Closed on")),
)
_COLUMN_OF_FIELD = {
    "code": "code",
    "name": "name",
    "name_en": "name_en",
    "kind": "kind",
    "parent": "parent_code",
    "province": "province_code",
    "county": "county_code",
    "latitude": "latitude",
    "longitude": "longitude",
    "sector_tags": "sector_tags",
    "opened_on": "opened_on",
    "closed_on": "closed_on",
    "description": "name",
}
_TAG_SEPARATORS = re.compile(r"[,،;؛]")


@dataclass
class _OrganizationRow:
    number: int
    code: str
    parent_code: str
    values: Any  # OrganizationValues


@dataclass
class _KnownRecords:
    """What the rows of an organization file are checked against: the kinds by code and label,
    the provinces and counties by code, the parents the user may add under by code, and the codes
    of the file itself with their first row."""

    kinds: dict[str, str]
    provinces: dict[str, Any]
    counties: dict[str, Any]
    parents: dict[str, Any]
    codes_in_file: dict[str, int]


class OrganizationImporter(TabularImporter[list[_OrganizationRow]]):
    """Organizations from a spreadsheet (columns: :data:`ORGANIZATION_COLUMNS`).

    Parents may be existing organizations in which the importer may add (``core.add_organization``
    in scope), or rows of the same file, before or after the row that names them. Every bad row is
    reported; nothing is created unless every row is valid.
    """

    columns = ORGANIZATION_COLUMNS
    ignored_columns = frozenset(
        {
            "id",
            "parent_name",
            "province_name",
            "county_name",
            "kind_label",
            "opened_on_iso",
            "closed_on_iso",
            "depth",
        }
    )

    def validate(self, table: Table, report: ImportReport) -> list[_OrganizationRow]:
        from rasad.core.choices import OrganizationKind
        from rasad.core.models import County, Organization, Province

        codes_in_file = self._codes_in_file(table, report)
        parent_codes = {row.text("parent_code") for row in table.rows} - {""}
        known = _KnownRecords(
            kinds=self._kind_lookup(OrganizationKind.choices),
            provinces={p.code: p for p in Province.objects.all()},
            counties={c.code: c for c in County.objects.all()},
            parents={
                o.code: o
                for o in Organization.objects.visible_to(self.acting_user, "add").filter(
                    code__in=parent_codes
                )
            },
            codes_in_file=codes_in_file,
        )
        planned = [self._plan_row(row, report, known) for row in table.rows]
        return self._order(planned, report)

    @staticmethod
    def _codes_in_file(table: Table, report: ImportReport) -> dict[str, int]:
        """Each code of the file and the first row it is on; a code on a second row is an error."""
        codes_in_file: dict[str, int] = {}
        for row in track(table.rows, note=_("Checking rows"), every=200):
            code = to_latin_digits(row.text("code"))
            if code and code in codes_in_file:
                report.add(
                    row.number,
                    "code",
                    _("The code “%(code)s” also appears on row %(row)s.")
                    % {"code": code, "row": formatting.number(codes_in_file[code])},
                )
            elif code:
                codes_in_file[code] = row.number
        return codes_in_file

    def _plan_row(self, row: TableRow, report: ImportReport, known: _KnownRecords) -> _OrganizationRow:
        """One row read into organization values (every cell's problem reported), then checked as
        the create action checks them."""
        from rasad.core.actions.organizations import OrganizationValues

        errors_before = len(report.errors)
        code = to_latin_digits(read_text(row, "code", report, max_length=40, required=True))
        name = read_text(row, "name", report, max_length=200, required=True)
        name_en = row.text("name_en")[:200]
        kind = self._read_kind(row, report, known.kinds)
        parent_code = row.text("parent_code")
        parent = self._read_parent(row, report, known)
        province = self._lookup(
            row, "province_code", known.provinces, report, _("Unknown province code “%(code)s”.")
        )
        county = self._lookup(
            row, "county_code", known.counties, report, _("Unknown county code “%(code)s”.")
        )
        latitude = read_float(row, "latitude", report, minimum=-90, maximum=90)
        longitude = read_float(row, "longitude", report, minimum=-180, maximum=180)
        tags = [normalize_text(tag) for tag in _TAG_SEPARATORS.split(row.text("sector_tags")) if tag.strip()]
        opened_on = read_date(row, "opened_on", report)
        closed_on = read_date(row, "closed_on", report)
        values = OrganizationValues(
            code=code,
            name=name,
            kind=kind,
            parent=parent,
            name_en=name_en,
            province=province,
            county=county,
            latitude=latitude,
            longitude=longitude,
            sector_tags=tags,
            opened_on=opened_on,
            closed_on=closed_on,
        )
        flagged = {(e.column) for e in report.errors[errors_before:]}
        if {"latitude", "longitude"} & flagged:
            values.latitude = values.longitude = None
        self._check_values(row, values, report, flagged=flagged, codes_in_file=known.codes_in_file)
        return _OrganizationRow(row.number, code, parent_code if parent is None else "", values)

    @staticmethod
    def _read_kind(row: TableRow, report: ImportReport, kinds: dict[str, str]) -> str:
        """The kind's code, from its code or its label."""
        from rasad.core.choices import OrganizationKind

        kind_text = row.text("kind")
        kind = kinds.get(search_key(kind_text), kind_text)
        if not kind_text:
            report.add(row.number, "kind", _("This cell is required."))
        elif kind not in OrganizationKind.values:
            report.add(
                row.number,
                "kind",
                _("Unknown organization kind “%(kind)s”; use one of: %(choices)s.")
                # The kinds by the names the reader reads (the importer takes them as well
                # as the codes), so that the message asks for words a person knows.
                % {"kind": kind_text, "choices": formatting.join(OrganizationKind.labels)},
            )
        return kind

    def _read_parent(self, row: TableRow, report: ImportReport, known: _KnownRecords) -> Organization | None:
        """The existing parent the row names (``None`` for a parent in the file, placed by
        ``_order``); only a platform administrator may leave the parent out."""
        parent_code = row.text("parent_code")
        parent = known.parents.get(parent_code) if parent_code not in known.codes_in_file else None
        if parent_code and parent is None and parent_code not in known.codes_in_file:
            report.add(
                row.number,
                "parent_code",
                _("No organization with the code “%(code)s” exists in the file or where you may add.")
                % {"code": parent_code},
            )
        if not parent_code and not self.acting_user.is_superuser:
            report.add(
                row.number,
                "parent_code",
                _("Only a platform administrator may create a top-level organization; give a parent code."),
            )
        return parent

    @staticmethod
    def _check_values(
        row: TableRow, values: Any, report: ImportReport, *, flagged: set[str], codes_in_file: dict[str, int]
    ) -> None:
        """The create action's own checks, reported on the row's columns, except where a cell's
        problem (or the duplicate code) was already reported."""
        from rasad.core.actions.organizations import check_organization_values

        try:
            check_organization_values(values)
        except ValidationError as error:
            for field_name, messages in error.message_dict.items():
                column = _COLUMN_OF_FIELD.get(field_name, field_name)
                if column in flagged or (field_name == "kind" and "kind" in flagged):
                    continue
                code = values.code
                if field_name == "code" and code in codes_in_file and codes_in_file[code] != row.number:
                    continue
                for message in messages:
                    report.add(row.number, column, message)

    def apply(self, plan: list[_OrganizationRow], report: ImportReport) -> list[Organization]:
        from rasad.core.actions.organizations import ImportedOrganization, do_import_organizations

        return do_import_organizations(
            [ImportedOrganization(row.values, row.parent_code or None) for row in plan],
            acting_user=self.acting_user,
            digest=report.sha256,
            file_name=report.file_name,
        )

    def report_apply_error(self, error: ValidationError, report: ImportReport) -> None:
        if not hasattr(error, "error_dict"):
            super().report_apply_error(error, report)
            return
        for name, messages in error.message_dict.items():
            code, _sep, field_name = name.rpartition(".")
            row = self._rows_by_code.get(code, 0)
            for message in messages:
                report.add(row, _COLUMN_OF_FIELD.get(field_name, field_name or FILE_COLUMN), message)

    def _order(self, planned: list[_OrganizationRow], report: ImportReport) -> list[_OrganizationRow]:
        """Parents before children (Kahn's algorithm); rows on a cycle are reported."""
        by_code = {row.code: row for row in planned if row.code}
        self._rows_by_code = {code: row.number for code, row in by_code.items()}
        ordered: list[_OrganizationRow] = []
        done: set[str] = set()
        pending = list(planned)
        while pending:
            ready = [
                r
                for r in pending
                if not r.parent_code or r.parent_code in done or r.parent_code not in by_code
            ]
            if not ready:
                break
            for row in ready:
                ordered.append(row)
                done.add(row.code)
            pending = [r for r in pending if r not in ready]
        reported: set[int] = set()
        for row in pending:
            chain = [row.code]
            current = row
            while current.parent_code in by_code and current.parent_code not in chain:
                current = by_code[current.parent_code]
                chain.append(current.code)
            if current.parent_code not in chain:
                continue
            cycle = chain[chain.index(current.parent_code) :]
            if row.code not in cycle or row.number in reported:
                continue
            loop = " → ".join([*cycle, cycle[0]])
            for code in cycle:
                member = by_code[code]
                if member.number not in reported:
                    reported.add(member.number)
                    report.add(
                        member.number,
                        "parent_code",
                        _("The parents form a cycle: %(cycle)s.") % {"cycle": loop},
                    )
        return ordered

    _rows_by_code: dict[str, int]

    @staticmethod
    def _kind_lookup(choices: Sequence[tuple[str, Any]]) -> dict[str, str]:
        lookup: dict[str, str] = {}
        for value, label in choices:
            lookup[search_key(value)] = value
            for language in ("fa", "en"):
                with translation.override(language):
                    lookup[search_key(str(label))] = value
        return lookup

    @staticmethod
    def _lookup(row: TableRow, key: str, known: dict[str, Any], report: ImportReport, message: str) -> Any:
        code = to_latin_digits(row.text(key))
        if not code:
            return None
        found = known.get(code) or (known.get(code.zfill(2)) if code.isdigit() else None)
        if found is None:
            report.add(row.number, key, message % {"code": code})
        return found


def organization_template() -> bytes:
    from rasad.core.choices import OrganizationKind

    return build_template(
        ORGANIZATION_COLUMNS,
        title=_("Organizations"),
        guide=[(value, str(label)) for value, label in OrganizationKind.choices],
    )


# ---------------------------------------------------------------------------------------------
# People's names
# ---------------------------------------------------------------------------------------------

PEOPLE_COLUMNS: tuple[Column, ...] = (
    Column("username", gettext_lazy("Username"), True, gettext_lazy("The person's username, as on People.")),
    Column(
        "display_name",
        gettext_lazy("Display name"),
        False,
        gettext_lazy("The name Persian pages call the person by; an empty cell leaves it as it is."),
    ),
    Column(
        "latin_name",
        gettext_lazy("Name in Latin letters"),
        False,
        gettext_lazy("For English pages, for example Erfan Pishin; an empty cell leaves it as it is."),
    ),
)
# What the people export writes besides the import's columns (``rasad.core.exports``).
PEOPLE_EXPORT_ONLY: frozenset[str] = frozenset(
    {"email", "organizations", "titles", "is_active", "joined", "joined_iso"}
)


class PeopleImporter(TabularImporter[list[Any]]):
    """Names in bulk: the people export, with display names or names in Latin letters filled in,
    read back. Only people the importer may change are found (anyone else reads as unknown, the
    same answer as for a username nobody has); people are not created here (``rasad
    createuser``), since an account needs a first password given in person."""

    columns = PEOPLE_COLUMNS
    ignored_columns = PEOPLE_EXPORT_ONLY

    def validate(self, table: Table, report: ImportReport) -> list[Any]:
        from rasad.core.actions.people import ImportedNames, clean_latin_name
        from rasad.core.models import User

        # A username as it is written, among the people the importer may change only: which
        # person a row names, and what the importer is told, depend on nothing out of her reach
        # (review 21: reading «ali۳» as «ali3» only when nobody anywhere had «ali۳» told her
        # whether an account out of her reach has it). Digits typed in Persian for a Latin
        # username are not read as Latin ones (the file may name «ali۳» of another organization,
        # review 19): the row is refused, naming the username with Latin digits she may change.
        written = {row.text("username") for row in table.rows}
        usernames = written | {to_latin_digits(name) for name in written}
        people = {
            person.username: person
            for person in User.objects.visible_to(self.acting_user, "change").filter(username__in=usernames)
        }
        if not self.acting_user.is_superuser:
            # As on the administrators' form: a platform administrator's names are theirs to keep.
            people = {name: p for name, p in people.items() if not p.is_superuser or p == self.acting_user}
        seen: dict[int, int] = {}
        plan: list[ImportedNames] = []
        for row in table.rows:
            as_written = row.text("username")
            if not as_written:
                report.add(row.number, "username", _("This cell is required."))
                continue
            person = people.get(as_written)
            if person is None:
                latin = to_latin_digits(as_written)
                if latin in people:
                    message = _(
                        "Nobody you may change has the username “%(name)s”; did you mean “%(latin)s”?"
                    )
                else:
                    message = _("Nobody you may change has the username “%(name)s”.")
                report.add(row.number, "username", message % {"name": as_written, "latin": latin})
                continue
            if person.pk in seen:
                report.add(
                    row.number,
                    "username",
                    _("The username “%(name)s” is already on row %(row)s.")
                    % {"name": as_written, "row": formatting.number(seen[person.pk])},
                )
                continue
            seen[person.pk] = row.number
            display_name = read_text(row, "display_name", report, max_length=150)
            latin_name = row.text("latin_name")
            if latin_name:
                try:
                    latin_name = clean_latin_name(latin_name)
                except ValidationError as error:
                    for message in error.message_dict["latin_name"]:
                        report.add(row.number, "latin_name", message)
                    continue
                if len(latin_name) > 150:
                    report.add(row.number, "latin_name", too_long(150))
            plan.append(ImportedNames(person, display_name or None, latin_name or None))
        return plan

    def apply(self, plan: list[Any], report: ImportReport) -> list[Any]:
        from rasad.core.actions.people import do_import_user_names

        return do_import_user_names(
            plan, acting_user=self.acting_user, digest=report.sha256, file_name=report.file_name
        )


def people_template() -> bytes:
    return build_template(PEOPLE_COLUMNS, title=_("People"))
