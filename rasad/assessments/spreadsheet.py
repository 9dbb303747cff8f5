"""An instrument's structure as a spreadsheet: one row per item, with its section's and
criterion's columns repeated (and agreeing) on every row. Reading goes through
``rasad.core.importers`` (``rasad.lib.tabular`` underneath) and checks every row before anything
is written; the export writes exactly these columns, so an exported instrument is a valid import
(and the five starter instruments are shipped as such files, ``data/instruments/*.csv``)."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Final

from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rasad.assessments.choices import ItemType, RankingRole
from rasad.assessments.structure import (
    CriterionSpec,
    ItemSpec,
    SectionSpec,
    StructureSpec,
    structure_problems,
)
from rasad.core.importers import ImportReport
from rasad.lib import formatting, tabular
from rasad.lib.persian import TextParseError, normalize_text, parse_number, search_key
from rasad.lib.tabular import Column, ExportColumn, Table, TableRow

COLUMNS: tuple[Column, ...] = (
    Column("section_code", gettext_lazy("Section code"), True, gettext_lazy("Short code, such as A or 1.")),
    Column("section_title", gettext_lazy("Section title"), True),
    Column("section_title_en", gettext_lazy("Section title (English)")),
    Column(
        "section_points", gettext_lazy("Section points"), True, gettext_lazy("The item weights sum to it.")
    ),
    Column(
        "section_role",
        gettext_lazy("Role in ranking"),
        False,
        gettext_lazy("level, improvement or none (default: level)."),
    ),
    Column(
        "section_category", gettext_lazy("Case category"), False, gettext_lazy("Code of a case category.")
    ),
    Column("criterion_code", gettext_lazy("Criterion code"), True),
    Column("criterion_title", gettext_lazy("Criterion title"), True),
    Column("criterion_title_en", gettext_lazy("Criterion title (English)")),
    Column("item_code", gettext_lazy("Item code"), True, gettext_lazy("Unique in the instrument.")),
    Column("question", gettext_lazy("Question"), True),
    Column("question_en", gettext_lazy("Question (English)")),
    Column(
        "answer_type",
        gettext_lazy("Answer type"),
        True,
        gettext_lazy("compliance, radar, number, choice or file."),
    ),
    Column("weight", gettext_lazy("Weight"), True, gettext_lazy("Points of the item.")),
    Column("guidance", gettext_lazy("Guidance")),
    Column("evidence_required", gettext_lazy("Evidence required"), False, gettext_lazy("yes or no.")),
    Column("required_evidence", gettext_lazy("Evidence expected")),
    Column(
        "indicator", gettext_lazy("Indicator"), False, gettext_lazy("Code of the indicator that answers it.")
    ),
    Column("minimum", gettext_lazy("Smallest value")),
    Column("maximum", gettext_lazy("Largest value")),
    Column("threshold", gettext_lazy("Value scoring nothing")),
    Column("target", gettext_lazy("Value scoring full marks")),
    Column(
        "options",
        gettext_lazy("Options"),
        False,
        gettext_lazy("For a choice: code:score:label, separated by “;”."),
    ),
)
COLUMN_KEYS = tuple(column.key for column in COLUMNS)
TRUE_WORDS = {"yes", "y", "true", "1", "بله", "بلی", "آری", "دارد", "x", "✓"}
FALSE_WORDS = {"no", "n", "false", "0", "خیر", "نه", "ندارد", ""}


def _lookup(choices: Any) -> dict[str, str]:
    """Keys of a TextChoices by their value and by their labels in both languages."""
    table: dict[str, str] = {}
    for value, label in choices.choices:
        table[search_key(value)] = value
        for language in ("fa", "en"):
            with translation.override(language):
                table[search_key(str(label))] = value
    return table


@dataclass
class ParsedRow:
    row: TableRow
    section: SectionSpec
    criterion: CriterionSpec
    item: ItemSpec


def parse_options(text: str) -> tuple[list[dict[str, Any]], list[str]]:
    """A choice item's options written as ``code:score:label`` separated by ``;`` (the
    spreadsheet's column and the item form's box): the options, and a message per bad one."""
    text = normalize_text(text).replace("؛", ";")
    options: list[dict[str, Any]] = []
    problems: list[str] = []
    for part in (p.strip() for p in text.split(";")):
        if not part:
            continue
        pieces = [p.strip() for p in part.replace("：", ":").split(":", 2)]
        if len(pieces) != 3:
            problems.append(str(_("Write each option as code:score:label.")))
            continue
        code, score_text, label = pieces
        try:
            score = float(parse_number(score_text))
        except TextParseError as error:
            problems.append(str(error))
            continue
        options.append({"code": code, "label": label, "score": int(score) if score.is_integer() else score})
    return options, problems


class StructureReader:
    """Reads a table of rows into a ``StructureSpec``, adding every problem to ``report``.
    ``indicator_exists`` says whether an indicator code is known."""

    def __init__(self, report: ImportReport, indicator_exists: Callable[[str], bool]) -> None:
        self.report = report
        self.indicator_exists = indicator_exists
        self.types = _lookup(ItemType)
        self.roles = _lookup(RankingRole)

    def add(self, row: int, column: str, message: str) -> None:
        self.report.add(row, column, message)

    def text(self, row: TableRow, key: str, *, required: bool = False, max_length: int = 300) -> str:
        text = normalize_text(tabular.unneutralise(row.text(key)))
        if required and not text:
            self.add(row.number, key, _("This cell is required."))
        if len(text) > max_length:
            self.add(
                row.number,
                key,
                _("The text is longer than %(max)s characters.") % {"max": formatting.number(max_length)},
            )
        return text[:max_length]

    def decimal(self, row: TableRow, key: str, *, required: bool = False) -> Decimal | None:
        value = row.cells.get(key)
        if isinstance(value, int | float) and not isinstance(value, bool):
            number = Decimal(str(value))
        else:
            text = tabular.cell_text(value)
            if not text:
                if required:
                    self.add(row.number, key, _("This cell is required."))
                return None
            try:
                number = parse_number(text)
            except TextParseError as error:
                self.add(row.number, key, str(error))
                return None
        try:
            quantized = number.quantize(Decimal("0.01"))
        except InvalidOperation:
            self.add(row.number, key, _("The number is too large."))
            return None
        if quantized != number:
            self.add(row.number, key, _("Use at most two decimal places."))
            return None
        if abs(quantized) >= Decimal("10000000"):
            self.add(row.number, key, _("The number is too large."))
            return None
        return quantized

    def real(self, row: TableRow, key: str) -> float | None:
        number = self.decimal_any(row, key)
        return float(number) if number is not None else None

    def decimal_any(self, row: TableRow, key: str) -> Decimal | None:
        value = row.cells.get(key)
        if isinstance(value, int | float) and not isinstance(value, bool):
            return Decimal(str(value))
        text = tabular.cell_text(value)
        if not text:
            return None
        try:
            return parse_number(text)
        except TextParseError as error:
            self.add(row.number, key, str(error))
            return None

    def flag(self, row: TableRow, key: str) -> bool:
        word = search_key(row.text(key))
        if word in TRUE_WORDS:
            return True
        if word not in FALSE_WORDS:
            self.add(row.number, key, _("Write yes or no."))
        return False

    def options(self, row: TableRow) -> list[dict[str, Any]]:
        options, problems = parse_options(row.text("options"))
        for problem in problems:
            self.add(row.number, "options", problem)
        return options

    def read(self, table: Table) -> StructureSpec:
        spec = StructureSpec()
        sections: dict[str, SectionSpec] = {}
        criteria: dict[str, tuple[str, CriterionSpec]] = {}
        items: set[str] = set()
        for row in table.rows:
            section_code = self.text(row, "section_code", required=True, max_length=20)
            criterion_code = self.text(row, "criterion_code", required=True, max_length=20)
            item_code = self.text(row, "item_code", required=True, max_length=20)
            section = self._section(row, section_code, sections, spec)
            criterion = self._criterion(row, criterion_code, section, criteria)
            if item_code in items:
                self.add(
                    row.number,
                    "item_code",
                    _("The item code “%(code)s” is used twice.") % {"code": formatting.code(item_code)},
                )
            items.add(item_code)
            criterion.items.append(self._item(row, item_code))
        return spec

    def _section(
        self, row: TableRow, section_code: str, sections: dict[str, SectionSpec], spec: StructureSpec
    ) -> SectionSpec:
        """The row's section: new on its first row (added to ``spec``); on a later row, its title
        and points, where given, must be the same."""
        section = sections.get(section_code)
        title = self.text(row, "section_title", required=section is None)
        points = self.decimal(row, "section_points", required=section is None)
        role_text = row.text("section_role")
        role = self.roles.get(search_key(role_text)) if role_text else RankingRole.LEVEL
        if role is None:
            self.add(row.number, "section_role", _("Write level, improvement or none."))
            role = RankingRole.LEVEL
        category = self.text(row, "section_category", max_length=50)
        if section is None:
            section = SectionSpec(
                code=section_code,
                title=title,
                title_en=self.text(row, "section_title_en"),
                points=points if points is not None else Decimal(0),
                ranking_role=role,
                case_category=category,
                row=row.number,
            )
            sections[section_code] = section
            spec.sections.append(section)
            return section
        if title and title != section.title:
            self.add(
                row.number,
                "section_title",
                _("Section %(code)s has another title on an earlier row.")
                % {"code": formatting.code(section_code)},
            )
        if points is not None and points != section.points:
            self.add(
                row.number,
                "section_points",
                _("Section %(code)s has other points on an earlier row.")
                % {"code": formatting.code(section_code)},
            )
        return section

    def _criterion(
        self,
        row: TableRow,
        criterion_code: str,
        section: SectionSpec,
        criteria: dict[str, tuple[str, CriterionSpec]],
    ) -> CriterionSpec:
        """The row's criterion: new on its first row (added to its section); on a later row it
        must be under the same section."""
        known = criteria.get(criterion_code)
        if known is None:
            criterion = CriterionSpec(
                code=criterion_code,
                title=self.text(row, "criterion_title", required=True),
                title_en=self.text(row, "criterion_title_en"),
                row=row.number,
            )
            criteria[criterion_code] = (section.code, criterion)
            section.criteria.append(criterion)
            return criterion
        owner, criterion = known
        if owner != section.code:
            self.add(
                row.number,
                "criterion_code",
                _("Criterion %(code)s belongs to section %(section)s on an earlier row.")
                % {"code": formatting.code(criterion_code), "section": formatting.code(owner)},
            )
        return criterion

    def _item(self, row: TableRow, item_code: str) -> ItemSpec:
        """The row's item: its question, answer type, weight, indicator and the rest."""
        type_text = row.text("answer_type")
        item_type = self.types.get(search_key(type_text))
        if item_type is None:
            self.add(
                row.number,
                "answer_type",
                _("Unknown answer type “%(type)s”: write compliance, radar, number, choice or file.")
                % {"type": type_text},
            )
            item_type = ItemType.COMPLIANCE
        weight = self.decimal(row, "weight", required=True)
        indicator = self.text(row, "indicator", max_length=40).upper()
        if indicator and not self.indicator_exists(indicator):
            self.add(
                row.number,
                "indicator",
                _("Unknown indicator “%(code)s”.") % {"code": formatting.code(indicator)},
            )
        return ItemSpec(
            code=item_code,
            text=self.text(row, "question", required=True, max_length=2000),
            text_en=self.text(row, "question_en", max_length=2000),
            item_type=item_type,
            weight=weight if weight is not None else Decimal(0),
            guidance=self.text(row, "guidance", max_length=4000),
            evidence_required=self.flag(row, "evidence_required"),
            required_evidence=self.text(row, "required_evidence", max_length=2000),
            indicator=indicator,
            minimum=self.real(row, "minimum"),
            maximum=self.real(row, "maximum"),
            threshold=self.real(row, "threshold"),
            target=self.real(row, "target"),
            options=self.options(row),
            row=row.number,
        )

    def check(self, spec: StructureSpec, total_points: Decimal | None) -> None:
        """The rules of a usable structure, reported at the row they concern."""
        for problem in structure_problems(spec, total_points):
            column = {
                "points": "section_points",
                "ranking_role": "section_role",
                "weight": "weight",
                "item_type": "answer_type",
                "code": "item_code",
                "sections": "section_code",
            }.get(problem.field, problem.field if problem.field in COLUMN_KEYS else "file")
            self.add(problem.row, column, problem.message)


# ---------------------------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------------------------


def _options_text(options: Iterable[dict[str, Any]]) -> str:
    return "; ".join(f"{o.get('code')}:{o.get('score')}:{o.get('label')}" for o in options)


def _plain(value: float | Decimal | None) -> Any:
    if value is None:
        return ""
    number = float(value)
    return int(number) if number.is_integer() else number


def structure_rows(spec: StructureSpec) -> list[list[Any]]:
    rows: list[list[Any]] = []
    for section in spec.sections:
        for criterion in section.criteria:
            for item in criterion.items:
                rows.append(
                    [
                        section.code,
                        section.title,
                        section.title_en,
                        _plain(section.points),
                        section.ranking_role,
                        section.case_category,
                        criterion.code,
                        criterion.title,
                        criterion.title_en,
                        item.code,
                        item.text,
                        item.text_en,
                        item.item_type,
                        _plain(item.weight),
                        item.guidance,
                        "yes" if item.evidence_required else "no",
                        item.required_evidence,
                        item.indicator,
                        _plain(item.minimum),
                        _plain(item.maximum),
                        _plain(item.threshold),
                        _plain(item.target),
                        _options_text(item.options),
                    ]
                )
    return rows


def export_columns() -> list[ExportColumn]:
    def cell(index: int) -> Callable[[Sequence[Any]], Any]:
        return lambda row: row[index]

    return [ExportColumn(column.key, column.label, cell(index)) for index, column in enumerate(COLUMNS)]


def structure_xlsx(spec: StructureSpec, *, title: str) -> bytes:
    buffer = io.BytesIO()
    tabular.export_xlsx(buffer, export_columns(), structure_rows(spec), title=title)
    return buffer.getvalue()


def structure_csv(spec: StructureSpec) -> bytes:
    buffer = io.BytesIO()
    tabular.write_csv(buffer, export_columns(), structure_rows(spec), labels=True)
    return buffer.getvalue()


def read_structure(
    data: bytes, file_name: str, *, total_points: Decimal | None, indicator_exists: Callable[[str], bool]
) -> tuple[StructureSpec | None, ImportReport]:
    """Read and check a file; the spec is returned only when every row is valid."""
    import hashlib

    from rasad.core.importers import FILE_COLUMN, ImportFileError, read_table

    report = ImportReport(file_name=file_name[:200], sha256=hashlib.sha256(data).hexdigest())
    try:
        table, header_errors = read_table(data, file_name, COLUMNS)
    except ImportFileError as error:
        report.add(0, FILE_COLUMN, str(error))
        return None, report
    report.row_count = len(table.rows)
    report.errors.extend(header_errors)
    if header_errors:
        return None, report
    if not table.rows:
        report.add(0, FILE_COLUMN, _("The file has a header but no rows."))
        return None, report
    reader = StructureReader(report, indicator_exists)
    spec = reader.read(table)
    if not report.errors:
        reader.check(spec, total_points)
    return (None if report.errors else spec), report


def guide_rows() -> Sequence[tuple[str, str]]:
    return [(key, str(label)) for key, label in ItemType.choices]


FILE_TYPES: Final = ("xlsx", "csv")


def file_type_of(value: str | None) -> str:
    """The ``file_type`` parameter of a spreadsheet download: "xlsx" (the default) or "csv";
    anything else is a ValidationError naming it, not a workbook the caller did not ask for."""
    if value in (None, ""):
        return FILE_TYPES[0]
    if value not in FILE_TYPES:
        raise ValidationError({"file_type": [_("Give the file type as xlsx or csv.")]})
    return value


def instrument_file(instrument: Any, file_type: str) -> tuple[bytes, str, str]:
    """An instrument's structure as a spreadsheet in the import format: (content, content type,
    file name). ``file_type`` is "csv" or "xlsx" (:func:`file_type_of`)."""
    from rasad.assessments.structure import spec_of

    spec = spec_of(instrument)
    name = f"{instrument.code}-v{instrument.version}"
    if file_type == "csv":
        return structure_csv(spec), "text/csv; charset=utf-8", f"{name}.csv"
    return structure_xlsx(spec, title=instrument.code), tabular.XLSX_TYPE, f"{name}.xlsx"


def results_xlsx(cycle: Any, assessments: Iterable[Any], sections: Sequence[Any]) -> bytes:
    """A cycle's results as a workbook: one row per assessment the reader may see, with its
    stage, scores, band, rank within its peer group and the final points of every section."""
    ranks: dict[int, Any] = {}
    for group in (cycle.results or {}).get("groups", []):
        for member in group.get("members", []):
            ranks[member.get("assessment")] = member.get("rank")

    def section_points(code: str) -> Any:
        def value(assessment: Any) -> Any:
            earned = (
                (assessment.result or {}).get("final", {}).get("sections", {}).get(code, {}).get("earned")
            )
            return "" if earned is None else earned

        return value

    columns = [
        ExportColumn("organization_code", gettext_lazy("Organization code"), lambda a: a.organization.code),
        ExportColumn("organization", gettext_lazy("Organization"), lambda a: a.organization.name),
        ExportColumn("status", gettext_lazy("Stage"), lambda a: str(a.get_status_display())),
        ExportColumn("peer_group", gettext_lazy("Peer group"), lambda a: a.peer_group),
        ExportColumn("self_score", gettext_lazy("Self-assessed score"), lambda a: _plain(a.self_score)),
        ExportColumn("final_score", gettext_lazy("Final score"), lambda a: _plain(a.final_score)),
        ExportColumn("band", gettext_lazy("Band"), lambda a: a.band.name if a.band_id else ""),
        ExportColumn("rank", gettext_lazy("Rank"), lambda a: ranks.get(a.pk) or ""),
        *tabular.date_columns("finalized_at", gettext_lazy("Finalized"), lambda a: a.finalized_at),
        *(ExportColumn(f"section_{s.code}", s.heading, section_points(s.code)) for s in sections),
    ]
    buffer = io.BytesIO()
    tabular.export_xlsx(buffer, columns, assessments, title=str(cycle.name)[:31])
    return buffer.getvalue()


# ---------------------------------------------------------------------------------------------
# Bands: a file of their own (one row per band), exported and imported on the bands page
# ---------------------------------------------------------------------------------------------

BAND_COLUMNS: tuple[Column, ...] = (
    Column("name", gettext_lazy("Band"), True, gettext_lazy("Such as three stars or commendation.")),
    Column("name_en", gettext_lazy("Band (English)")),
    Column(
        "minimum",
        gettext_lazy("From (points)"),
        True,
        gettext_lazy("The lowest total that reaches the band; between 0 and the instrument's total."),
    ),
)


def band_columns() -> list[ExportColumn]:
    return [
        ExportColumn("name", BAND_COLUMNS[0].label, lambda band: band.name),
        ExportColumn("name_en", BAND_COLUMNS[1].label, lambda band: band.name_en),
        ExportColumn("minimum", BAND_COLUMNS[2].label, lambda band: _plain(band.minimum)),
    ]


def bands_file(instrument: Any, file_type: str) -> tuple[bytes, str, str]:
    """An instrument version's bands, lowest first, in the format the bands import reads."""
    bands = sorted(instrument.bands.all(), key=lambda band: band.minimum)
    name = f"{instrument.code}-v{instrument.version}-bands"
    buffer = io.BytesIO()
    if file_type == "csv":
        tabular.write_csv(buffer, band_columns(), bands, labels=True)
        return buffer.getvalue(), "text/csv; charset=utf-8", f"{name}.csv"
    tabular.export_xlsx(buffer, band_columns(), bands, title=str(_("Bands")))
    return buffer.getvalue(), tabular.XLSX_TYPE, f"{name}.xlsx"


def read_bands(
    data: bytes, file_name: str, *, total_points: Decimal
) -> tuple[list[Any] | None, ImportReport]:
    """Read and check a bands file: every bad row is reported; the bands are returned only when
    every row is valid (the same rules as ``do_set_bands``)."""
    import hashlib

    from rasad.assessments.actions.instruments import BandValues
    from rasad.core.importers import FILE_COLUMN, ImportFileError, read_table

    report = ImportReport(file_name=file_name[:200], sha256=hashlib.sha256(data).hexdigest())
    try:
        table, header_errors = read_table(data, file_name, BAND_COLUMNS)
    except ImportFileError as error:
        report.add(0, FILE_COLUMN, str(error))
        return None, report
    report.row_count = len(table.rows)
    report.errors.extend(header_errors)
    if header_errors:
        return None, report
    from rasad.assessments.actions.instruments import MAX_BANDS

    if len(table.rows) > MAX_BANDS:
        report.add(0, FILE_COLUMN, _("At most %(count)s bands.") % {"count": formatting.number(MAX_BANDS)})
        return None, report
    reader = StructureReader(report, lambda _code: False)
    bands: list[Any] = []
    seen: dict[Decimal, int] = {}
    for row in table.rows:
        name = reader.text(row, "name", required=True, max_length=120)
        name_en = reader.text(row, "name_en", max_length=120)
        minimum = reader.decimal(row, "minimum", required=True)
        if minimum is not None:
            if minimum < 0 or minimum > total_points:
                reader.add(
                    row.number,
                    "minimum",
                    _("A band starts between 0 and the total, %(total)s.")
                    % {"total": formatting.number(_plain(total_points))},
                )
            elif minimum in seen:
                reader.add(
                    row.number,
                    "minimum",
                    _("Row %(row)s starts at the same number.") % {"row": formatting.number(seen[minimum])},
                )
            else:
                seen[minimum] = row.number
        if name and minimum is not None:
            bands.append(BandValues(name=name, minimum=minimum, name_en=name_en))
    return (None if report.errors else bands), report
