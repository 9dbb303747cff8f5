"""Reading reported values from CSV, Excel or JSON rows into ``ObservationInput``s.

Every row is checked field by field; each problem becomes a ``RowError`` naming the row, the
column and the cause, in the reader's language. Codes are looked up only among what the user
may see, so an organization out of scope reads exactly like an unknown one. Nothing is written
here: ``do_import`` hands the rows to ``do_record_observations``, all or (on request) only the
valid ones.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, transaction
from django.utils.translation import gettext as _

from rasad.core.access import ObjectNotFound
from rasad.core.models import Organization, Province, User
from rasad.core.scope import organization_scope
from rasad.indicators.actions import (
    BatchClaim,
    BatchResult,
    ObservationInput,
    RowError,
    check_record_observations,
    do_record_observations,
)
from rasad.indicators.actions.reporting import recorded_batch
from rasad.indicators.models import Indicator, Unit
from rasad.lib import boundary, formatting, tabular
from rasad.lib.jalali import JalaliPeriod
from rasad.lib.persian import TextParseError, parse_number
from rasad.lib.prepared import Many, PreparedPair, PreparedQuery
from rasad.lib.progress import track

COLUMNS = ("organization", "indicator", "period", "value", "unit", "comment")
REQUIRED = ("organization", "indicator", "period", "value")
MAX_ROWS = 100_000
# Checked while the file is read (rasad.lib.tabular): a bomb is refused before it inflates.
LIMITS = tabular.Limits(
    file_bytes=20 * 1024 * 1024,
    uncompressed_bytes=150 * 1024 * 1024,
    rows=MAX_ROWS + 2,
    header_rows=2,
    columns=30,
    cell_chars=2000,
)


@dataclass
class ImportOutcome:
    valid: list[ObservationInput] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    total: int = 0
    applied: BatchResult | None = None
    rejected: list[dict[str, Any]] = field(default_factory=list)

    @property
    def error_rows(self) -> int:
        return len({e.row for e in self.errors})


def read_table(name: str, content: bytes | IO[bytes]) -> list[dict[str, Any]]:
    """Rows of a .xlsx or .csv file as dicts keyed by the header; raises ValidationError.
    Read through ``rasad.lib.tabular``, which checks the limits while it reads."""
    lower = name.lower()
    if not lower.endswith((".xlsx", ".csv")):
        raise ValidationError({"file": [_("Upload an .xlsx or .csv file.")]})
    try:
        rows = tabular.read_rows(content, name, LIMITS)
        first = next((row for row in rows if any(tabular.cell_text(v) for v in row)), None)
        if first is None:
            raise ValidationError({"file": [_("The file is empty.")]})
        header = [tabular.cell_text(h).lower() for h in first]
        result: list[dict[str, Any]] = []
        if any(c not in header for c in REQUIRED):
            # An export (``observations``) puts the labels in row 1 and the keys in row 2: the
            # keys are the header, and the data starts a row later.
            second = next(rows, None) or []
            keys = [tabular.cell_text(h).lower() for h in second]
            if all(c in keys for c in REQUIRED):
                header = keys
                result.append({})
        missing = [c for c in REQUIRED if c not in header]
        if missing:
            raise ValidationError(
                {"file": [_("The header lacks the columns: %(columns)s.") % {"columns": ", ".join(missing)}]}
            )
        for values in rows:
            if len(result) >= MAX_ROWS:
                raise ValidationError(
                    {"file": [_("At most %(count)s rows per file.") % {"count": formatting.number(MAX_ROWS)}]}
                )
            if all(v is None or str(v).strip() == "" for v in values):
                result.append({})
                continue
            result.append({header[i]: values[i] for i in range(min(len(header), len(values))) if header[i]})
    except tabular.TabularError as error:
        raise ValidationError({"file": [str(error)]}) from None
    return result


class Resolver:
    """Looks codes up once per batch, among the objects the user may see."""

    def __init__(self, user: User | None, rows: Sequence[Mapping[str, Any]]) -> None:
        # The distinct cells first, then each one's text: a batch names a few codes many times.
        org_codes = {str(c or "").strip() for c in {r.get("organization") for r in rows}}
        indicator_codes = {str(c or "").strip() for c in {r.get("indicator") for r in rows}}
        # Statements compiled once per process (``rasad.lib.prepared``); the organizations the
        # user may not see are left out here, by the same rules as ``visible_to``.
        scope = None if user is None else organization_scope(user, Organization, "view")
        organization_rows, indicator_rows = _LOOKUPS.rows({"codes": org_codes}, {"codes": indicator_codes})
        self.organizations = {
            o.code: o
            for o in (_organization(row) for row in organization_rows)
            if scope is None or scope.contains(o)
        }
        self.indicators = {i.code: i for i in map(_indicator, indicator_rows)}
        self._units: dict[str, Unit] | None = None

    @property
    def units(self) -> dict[str, Unit]:
        """Every unit by lower-case code, read on first use (most batches name no unit)."""
        if self._units is None:
            self._units = {u.code.lower(): u for u in Unit.objects.all()}
        return self._units


_ORGANIZATION_FIELDS = [f.attname for f in Organization._meta.concrete_fields]
_INDICATOR_FIELDS = [f.attname for f in Indicator._meta.concrete_fields]
_UNIT_FIELDS = [f.attname for f in Unit._meta.concrete_fields]
# The province's code comes along: the rollups need it (``rollups.province_codes``).
_ORGANIZATIONS = PreparedQuery(
    lambda codes: Organization.objects.filter(code__in=codes).values_list(
        *_ORGANIZATION_FIELDS, "province__code"
    ),
    codes=Many("\x00organization"),
)
_INDICATORS = PreparedQuery(
    lambda codes: Indicator.objects.filter(code__in=codes).values_list(
        *_INDICATOR_FIELDS, *(f"unit__{name}" for name in _UNIT_FIELDS)
    ),
    codes=Many("\x00indicator"),
)
# Both in one statement: one round trip a batch.
_LOOKUPS = PreparedPair(_ORGANIZATIONS, _INDICATORS)


def _organization(row: list[Any]) -> Organization:
    """An organization of ``_ORGANIZATIONS``, with its province: only the province's id and code
    (what the rollups read), not a query on first use."""
    organization = Organization.from_db(DEFAULT_DB_ALIAS, _ORGANIZATION_FIELDS, row[:-1])
    province_id = organization.province_id
    Organization.province.field.set_cached_value(
        organization, None if province_id is None else Province(pk=province_id, code=row[-1])
    )
    return organization


def _indicator(row: list[Any]) -> Indicator:
    """An indicator of ``_INDICATORS``, with its unit."""
    count = len(_INDICATOR_FIELDS)
    indicator = Indicator.from_db(DEFAULT_DB_ALIAS, _INDICATOR_FIELDS, row[:count])
    unit = None if indicator.unit_id is None else Unit.from_db(DEFAULT_DB_ALIAS, _UNIT_FIELDS, row[count:])
    Indicator.unit.field.set_cached_value(indicator, unit)
    return indicator


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def parse_rows(
    rows: Sequence[Mapping[str, Any]],
    *,
    user: User | None,
    first_row: int = 2,
    check: bool = True,
    text_checked: bool = False,
) -> tuple[list[ObservationInput], list[RowError]]:
    """Parse raw rows; ``first_row`` is the number of the first data row (2 below a header;
    0 for a JSON list). ``check=False`` leaves out ``check_record_observations`` (what the
    database says about the rows: scope, assignment, locked periods), for a caller that runs it
    in the transaction that records them. ``text_checked``: the caller has already applied the
    input boundary's text rule to every string of the rows and they hold no date (the API's JSON
    parser does, for the whole body), so the cells are not searched again."""
    # The input boundary, cell by cell (rasad.lib.boundary), before any code is looked up: the
    # bulk write bypasses pre_save, and PostgreSQL refuses a NUL even in a query's parameters.
    refused = (
        {}
        if text_checked
        else {
            offset: [RowError(first_row + offset, column, message) for column, message in problems]
            for offset, raw in enumerate(rows)
            if not boundary.cells_are_clean(raw) and (problems := list(boundary.cell_problems(raw)))
        }
    )
    resolver = Resolver(
        user, [{} if offset in refused else raw for offset, raw in enumerate(rows)] if refused else rows
    )
    organizations, indicators = resolver.organizations, resolver.indicators
    # Each distinct period key is read once a batch (``None``: not a key as it stands, which
    # ``_parse_row`` then reads or refuses): a batch names a few periods a thousand times.
    periods: dict[str, JalaliPeriod | None] = {}
    parsed: list[ObservationInput] = []
    errors: list[RowError] = []
    for offset, raw in enumerate(track(rows, total=len(rows), note=_("Checking rows"), every=200)):
        if not raw:
            continue
        if refused and offset in refused:
            errors.extend(refused[offset])
            continue
        # The common row of a bulk batch, read without the checks of ``_parse_row``: codes that
        # are known as they stand, a period key, a number a float holds, no unit. Anything else
        # (a code with spaces around it, a number as text, a unit, any error) takes
        # ``_parse_row``, which gives the same observation for such a row (``test_ingest_paths``).
        get = raw.get
        value = get("value")
        if (
            (type(value) is float or type(value) is int)
            and -_LARGEST <= value <= _LARGEST
            and not get("unit")
        ):
            org_code, indicator_code, key = get("organization"), get("indicator"), get("period")
            if type(org_code) is str and type(indicator_code) is str and type(key) is str:
                organization = organizations.get(org_code)
                indicator = indicators.get(indicator_code)
                if organization is not None and indicator is not None:
                    period = periods[key] if key in periods else periods.setdefault(key, _period_or_none(key))
                    if period is not None:
                        comment = get("comment")
                        parsed.append(
                            ObservationInput(
                                organization,
                                indicator,
                                period,
                                float(value),
                                "" if comment is None else str(comment).strip(),
                                first_row + offset,
                            )
                        )
                        continue
        row = _parse_row(raw, first_row + offset, resolver)
        if isinstance(row, ObservationInput):
            parsed.append(row)
        else:
            errors.extend(row)
    if check:
        errors.extend(check_record_observations(parsed, acting_user=user))
    return parsed, _in_order(errors)


def _period_or_none(key: str) -> JalaliPeriod | None:
    try:
        return JalaliPeriod.parse(key)
    except TextParseError:
        return None


def _parse_row(raw: Mapping[str, Any], number: int, resolver: Resolver) -> ObservationInput | list[RowError]:
    """One row as an observation, or every problem of the row (each field is checked, so that the
    reader learns all of them at once)."""
    row_errors: list[RowError] = []
    organization = resolver.organizations.get(_text(raw.get("organization")))
    if organization is None:
        row_errors.append(
            RowError(
                number,
                "organization",
                _("Unknown organization “%(code)s”, or you may not report for it.")
                % {"code": _text(raw.get("organization"))},
            )
        )
    indicator = resolver.indicators.get(_text(raw.get("indicator")))
    if indicator is None:
        row_errors.append(
            RowError(
                number,
                "indicator",
                _("Unknown indicator “%(code)s”.") % {"code": _text(raw.get("indicator"))},
            )
        )
    period: JalaliPeriod | None = None
    try:
        period = JalaliPeriod.parse(_text(raw.get("period")))
    except TextParseError as error:
        row_errors.append(RowError(number, "period", str(error)))
    value: float | None = None
    read = _number(raw.get("value"), number)
    if isinstance(read, RowError):
        row_errors.append(read)
    else:
        value = read
    unit_code = _text(raw.get("unit"))
    if indicator is not None and value is not None and unit_code:
        converted = _in_indicator_unit(value, unit_code, indicator, resolver, number)
        if isinstance(converted, RowError):
            row_errors.append(converted)
        elif not -_LARGEST <= converted <= _LARGEST:
            row_errors.append(RowError(number, "value", _("The number is too large.")))
        else:
            value = converted
    if row_errors:
        return row_errors
    assert organization is not None and indicator is not None and period is not None and value is not None
    return ObservationInput(
        organization=organization,
        indicator=indicator,
        period=period,
        value=value,
        comment=_text(raw.get("comment")),
        row=number,
    )


def _number(raw_value: Any, number: int) -> float | RowError:
    """The cell's value as a number: a number cell as it is, a text in any digits parsed (a
    spreadsheet's TRUE/FALSE is no number)."""
    if isinstance(raw_value, bool):
        raw_value = None
    try:
        # An integer as it is (no float takes one of hundreds of digits); a decimal as a float.
        read = raw_value if isinstance(raw_value, int | float) else float(_decimal(raw_value))
    except TextParseError as error:
        return RowError(
            number,
            "value",
            _("“%(text)s” is not a number: %(cause)s") % {"text": _text(raw_value), "cause": error},
        )
    # Past the largest float (a JSON number read as infinity, an integer of hundreds of digits):
    # no value to store, nor to add to a rollup.
    if not -_LARGEST <= read <= _LARGEST:
        return RowError(number, "value", _("The number is too large."))
    return float(read)


def _decimal(raw_value: Any) -> Decimal:
    return raw_value if isinstance(raw_value, Decimal) else parse_number(_text(raw_value))


# The largest float: a value past it (either way) is refused. Python compares an integer with it
# exactly, without converting it to a float (which fails).
_LARGEST = sys.float_info.max


def _in_indicator_unit(
    value: float, unit_code: str, indicator: Indicator, resolver: Resolver, number: int
) -> float | RowError:
    """``value``, given in the unit ``unit_code``, converted to the indicator's own unit."""
    unit = resolver.units.get(unit_code.lower())
    if unit is None:
        return RowError(number, "unit", _("Unknown unit “%(unit)s”.") % {"unit": unit_code})
    if unit.dimension != indicator.unit.dimension:
        return RowError(
            number,
            "unit",
            _("“%(indicator)s” is measured in %(expected)s; %(unit)s cannot be converted to it.")
            % {"indicator": indicator.code, "expected": indicator.unit.code, "unit": unit.code},
        )
    return unit.convert_to(value, indicator.unit)


def _in_order(errors: list[RowError]) -> list[RowError]:
    return sorted(errors, key=lambda e: (e.row, COLUMNS.index(e.column) if e.column in COLUMNS else 9))


def do_import(
    rows: Sequence[Mapping[str, Any]],
    *,
    acting_user: User | None,
    apply_valid_rows: bool = False,
    submit: bool = False,
    source: str = "import",
    first_row: int = 2,
    batch: BatchClaim | None = None,
    text_checked: bool = False,
) -> ImportOutcome:
    """Parse and, if every row is valid (or ``apply_valid_rows``), record the batch.

    Rows are parsed outside any transaction (on SQLite a transaction holds the writer lock);
    what the database says about them is checked once, in the transaction that records them.

    With ``batch`` (a client's batch id) the answer, rejected rows included, is stored under the
    batch id, and a batch id already recorded returns its stored answer (``applied.replayed``).
    ``text_checked``: as for ``parse_rows``."""
    total = sum(1 for r in rows if r)
    try:
        parsed, errors = parse_rows(
            rows, user=acting_user, first_row=first_row, check=False, text_checked=text_checked
        )
        with transaction.atomic():
            errors = _in_order(errors + check_record_observations(parsed, acting_user=acting_user, lock=True))
            bad_rows = {e.row for e in errors}
            outcome = ImportOutcome(
                valid=[r for r in parsed if r.row not in bad_rows], errors=errors, total=total
            )
            if errors and not apply_valid_rows:
                return _replayed(acting_user, batch, total) or outcome
            rejected = [{"row": e.row, "column": e.column, "message": e.message} for e in errors]
            if batch is not None:
                batch = BatchClaim(batch.batch_id, batch.digest, {**batch.extra, "rejected": rejected})
            outcome.applied = do_record_observations(
                outcome.valid,
                acting_user=acting_user,
                source=source,
                submit=submit,
                batch=batch,
                checked=True,
                # This transaction's only other work is the check: a refused or replayed batch
                # rolls it back whole, and nothing is sent in it after this call.
                savepoint=False,
            )
    except (ValidationError, ObjectNotFound):
        replayed = _replayed(acting_user, batch, total)
        if replayed is None:
            raise
        return replayed
    outcome.rejected = rejected
    return outcome


def _replayed(user: User | None, batch: BatchClaim | None, total: int) -> ImportOutcome | None:
    """A refused batch whose batch id was recorded before: the stored answer, not the refusal.
    A retry is answered as the first time even if the rows would be refused now (a period
    approved, a grant revoked since); the batch id is claimed only by a batch that records, so
    this is read only when a batch is refused."""
    if batch is None:
        return None
    stored = recorded_batch(user, batch.batch_id, batch.digest)
    if stored is None:
        return None
    return ImportOutcome(total=total, applied=BatchResult(replayed=stored))
