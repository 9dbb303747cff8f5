"""One module that reads and writes every spreadsheet Rasad exchanges (CSV and Excel .xlsx).

Writing (exports, templates, reports):

* ``ExportColumn(key, label, value)`` describes a column; ``date_columns`` gives the pair every
  date gets: the reader's calendar (Jalali by default) and ISO 8601 (Gregorian) for machines.
  A date given to the workbook alone is written as the first of the pair (text in the reader's
  calendar and digits); in CSV as ISO 8601 (docs/exports-and-background-work.md, "Why a Jalali
  date is text").
* ``write_xlsx`` streams rows into a workbook: RTL sheet in Persian, a row of translated labels
  and a row of English keys (so an export can be imported again), frozen header, inline strings,
  constant memory however many rows. ``write_csv`` writes UTF-8 with a BOM (Excel reads Persian).
* A figure in a unit is a ``Quantity`` (``quantity_cell``, ``percent_cell``): in .xlsx a number
  whose number format shows the unit after it («۱۲٬۵۰۰٫۰ تن», "12,500.0 t"), so that it sums and
  charts; each cell has its own format, so one column may hold several units. In CSV the number.
* Every text cell goes through ``clean_text``: characters a workbook cannot hold (C0 controls
  other than tab and newline, U+FFFE/U+FFFF, lone surrogates) are removed, and text a spreadsheet
  would run as a formula (starting with ``=``, ``+``, ``-``, ``@``, tab or CR) is neutralised: in
  .xlsx it is stored as a string with Excel's "quote prefix" (shown unchanged, never evaluated,
  and still text after an edit); in CSV it gets a leading apostrophe.

Reading (imports):

* ``read_rows`` yields the rows of the first sheet of an .xlsx, or of a CSV file (UTF-8, or
  Windows-1256 as Excel saves Persian CSV), one at a time, checking ``Limits`` while it reads: the
  file size first; for .xlsx the zip directory (members, declared sizes, compression ratio) before
  anything is inflated; then rows, columns and cell length as the XML streams by. A decompression
  bomb is refused from the zip directory in milliseconds; a workbook that lies about its sizes is
  cut off by ``zipfile`` at the declared size. XML with a document type declaration is refused.
* ``read_table`` adds the header: English keys, translated labels, or labels followed by a row of
  keys (what ``write_xlsx`` and the templates produce).
"""

from __future__ import annotations

import codecs
import csv
import io
import math
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from itertools import chain
from typing import IO, Any
from xml.etree.ElementTree import XMLPullParser
from xml.sax.saxutils import escape

from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rasad.lib import display, formatting, jalali
from rasad.lib.persian import search_key

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
EXCEL_MAX_CELL = 32767

# C0 controls except tab, newline and carriage return; the two non-characters; lone surrogates.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


# ---------------------------------------------------------------------------------------------
# Cells
# ---------------------------------------------------------------------------------------------


def clean_text(value: str) -> str:
    """Text without the characters a workbook cannot hold, cut to Excel's cell limit."""
    return _ILLEGAL.sub("", value)[:EXCEL_MAX_CELL]


def is_formula_like(text: str) -> bool:
    return text.startswith(FORMULA_START)


def safe_cell(value: Any) -> Any:
    """A value as a CSV cell: text cleaned and, when it looks like a formula, prefixed with an
    apostrophe (the convention spreadsheet programs read as "this is text")."""
    if isinstance(value, str):
        text = clean_text(value)
        return "'" + text if is_formula_like(text) else text
    return value


def unneutralise(text: str) -> str:
    """Undo ``safe_cell`` on import: an apostrophe before a formula character is dropped."""
    if text.startswith("'") and is_formula_like(text[1:]):
        return text[1:]
    return text


# ---------------------------------------------------------------------------------------------
# Columns
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExportColumn:
    """One exported column: its English key (row 2, for machines and re-import), its translated
    label (row 1), and how to get the value from a row object."""

    key: str
    label: str | Promise
    value: Callable[[Any], Any]


@dataclass(frozen=True)
class Quantity:
    """A figure in a unit, written to a workbook as a number (it sums, sorts and charts) whose
    number format shows the unit after it, in the reader's digits: «۱۲٬۵۰۰٫۰ تن», "12,500.0 t".

    ``unit`` is the unit as the reader names it (``formatting.unit_name``), or ``"%"`` for a value
    already in percent (shown «۱۲٫۵٪»: the format adds the sign, it does not multiply by 100);
    ``decimals`` the places shown (the cell keeps every digit); ``sign`` a mark before the number
    («±»). In CSV a quantity is its number alone, as before: the unit is in a column or label."""

    value: int | float | Decimal
    unit: str = ""
    decimals: int = 0
    sign: str = ""


def quantity_cell(
    value: int | float | Decimal | None, unit: formatting.UnitLike | None, *, decimals: int | None = None
) -> Quantity | None:
    """``value`` in ``unit`` as a cell: the unit by the reader's name for it, with the places the
    pages show it with (``decimals``, else the unit's, else by the value's size:
    ``formatting.round_for_unit``). ``None`` (no value) stays an empty cell."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return None
    places = decimals if decimals is not None else getattr(unit, "decimals", None)
    if places is None:
        places = formatting.auto_decimals(value)
    name = "%" if unit is not None and unit.code == "%" else formatting.unit_name(unit)
    return Quantity(value, name, places)


def percent_cell(
    value: int | float | Decimal | None, *, decimals: int = 1, sign: str = ""
) -> Quantity | None:
    """A value already in percent (12.5 for 12.5 %) as a cell shown «۱۲٫۵٪»."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return None
    return Quantity(value, "%", decimals, sign)


def person_date(value: date | datetime | None) -> str:
    """A date as the current reader wants it (calendar and digits from their preferences)."""
    if value is None:
        return ""
    prefs = display.current()
    if isinstance(value, datetime):
        return jalali.format_datetime(value, calendar=prefs.calendar, persian_digits=prefs.persian_digits)
    return jalali.format_date(value, calendar=prefs.calendar, persian_digits=prefs.persian_digits)


def iso(value: date | datetime | None) -> str:
    return value.isoformat() if value is not None else ""


def date_columns(key: str, label: str | Promise, getter: Callable[[Any], Any]) -> list[ExportColumn]:
    """The pair every exported date gets: the reader's calendar, and ISO (Gregorian)."""
    return [
        ExportColumn(key, label, lambda obj: person_date(getter(obj))),
        ExportColumn(
            f"{key}_iso", gettext_lazy("%(label)s (ISO)") % {"label": label}, lambda obj: iso(getter(obj))
        ),
    ]


def rows_of(columns: Sequence[ExportColumn], objects: Iterable[Any]) -> Iterator[list[Any]]:
    for obj in objects:
        yield [column.value(obj) for column in columns]


# ---------------------------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sheet:
    """One sheet to write: a title, its header rows, and its data rows (any iterable, consumed
    once, so a generator over a database cursor keeps memory flat)."""

    title: str
    rows: Iterable[Sequence[Any]]
    labels: Sequence[str | Promise] = ()
    keys: Sequence[str] = ()
    widths: Sequence[float] = ()


def write_csv(
    target: IO[bytes],
    columns: Sequence[ExportColumn],
    objects: Iterable[Any],
    *,
    labels: bool = False,
    on_row: Callable[[], None] | None = None,
) -> int:
    """UTF-8 with a BOM; a header row of English keys (preceded by translated labels when
    ``labels``). Returns the number of data rows."""
    text = io.TextIOWrapper(target, encoding="utf-8", newline="", write_through=True)
    try:
        text.write("\ufeff")
        writer = csv.writer(text)
        if labels:
            writer.writerow([clean_text(str(column.label)) for column in columns])
        writer.writerow([column.key for column in columns])
        count = 0
        for row in rows_of(columns, objects):
            writer.writerow([_csv_value(value) for value in row])
            count += 1
            if on_row is not None:
                on_row()
        text.flush()
        return count
    finally:
        text.detach()


def _csv_value(value: Any) -> Any:
    if isinstance(value, Quantity):
        value = value.value
    if value is None:
        return ""
    if isinstance(value, float) and not math.isfinite(value):
        return ""
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, Promise):
        value = str(value)
    return safe_cell(value)


def write_xlsx(
    target: IO[bytes],
    sheets: Sequence[Sheet],
    *,
    rtl: bool | None = None,
    persian_digits: bool | None = None,
) -> None:
    """Stream a workbook of ``sheets`` into ``target`` (a file opened for binary writing).

    ``rtl`` (default: the active language is right-to-left) sets every sheet right-to-left;
    ``persian_digits`` (default: the reader's preference, ``display.current()``) shows numeric
    cells in Persian digits through their number format, so that they stay numbers a
    spreadsheet can sum (docs/exports-and-background-work.md, "What an exported file looks like")."""
    if rtl is None:
        rtl = bool(translation.get_language_bidi())
    if persian_digits is None:
        persian_digits = display.current().persian_digits
    styles = _Styles(persian_digits)
    names = _sheet_names([sheet.title for sheet in sheets])
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=5) as archive:
        archive.writestr("[Content_Types].xml", _content_types(len(sheets)))
        archive.writestr("_rels/.rels", _ROOT_RELS)
        archive.writestr("xl/workbook.xml", _workbook_xml(names))
        archive.writestr("xl/_rels/workbook.xml.rels", _workbook_rels(len(sheets)))
        for index, sheet in enumerate(sheets, start=1):
            with archive.open(f"xl/worksheets/sheet{index}.xml", "w", force_zip64=True) as member:
                _write_sheet(member, sheet, rtl=rtl, styles=styles)
        # Last, once the rows have named every quantity's format (the parts of a package may come
        # in any order: readers find them through the zip's directory).
        archive.writestr("xl/styles.xml", styles.xml())


def export_xlsx(
    target: IO[bytes],
    columns: Sequence[ExportColumn],
    objects: Iterable[Any],
    *,
    title: str,
    rtl: bool | None = None,
    persian_digits: bool | None = None,
    on_row: Callable[[], None] | None = None,
) -> None:
    """The common case: one sheet, labels and keys as headers, a row per object."""

    def rows() -> Iterator[list[Any]]:
        for row in rows_of(columns, objects):
            yield row
            if on_row is not None:
                on_row()

    write_xlsx(
        target,
        [Sheet(title, rows(), labels=[c.label for c in columns], keys=[c.key for c in columns])],
        rtl=rtl,
        persian_digits=persian_digits,
    )


# Style indexes in the styles' cellXfs (``_Styles``: these five, then one per quantity format).
_STYLE_TEXT, _STYLE_LABEL, _STYLE_KEY, _STYLE_QUOTED, _STYLE_NUMBER_FA = 0, 1, 2, 3, 4
# A number shown in Persian digits: the locale prefix [$-NNCCLLLL] names the numeral shape
# (03: Perso-Arabic digits), the calendar (00: as the locale) and the language (0429: Persian).
# Excel and LibreOffice show ۱۲۳۴٫۵ and keep the cell a number (it sums, sorts and charts).
PERSIAN_LOCALE = "[$-3000429]"
PERSIAN_NUMBER_FORMAT = f"{PERSIAN_LOCALE}General"


def quantity_format(quantity: Quantity, *, persian_digits: bool) -> str:
    """The number format of a ``Quantity``: grouped thousands, its places, its unit in quotes
    after it, and the Persian locale prefix for a reader of Persian digits (whose separators then
    show as «٬» and «٫»): ``[$-3000429]#,##0.0" تن"``, ``#,##0.0" t"``, ``[$-3000429]0.0"٪"``."""
    body = "#,##0" + ("." + "0" * quantity.decimals if quantity.decimals > 0 else "")
    # A quote or backslash would end or escape the literal: a unit's name never needs them.
    unit = re.sub(r'["\\]', "", clean_text(quantity.unit)).strip()
    if unit == "%":
        body += '"٪"' if persian_digits else '"%"'
    elif unit:
        body += f'" {unit}"'
    sign = re.sub(r'["\\]', "", quantity.sign)
    if sign:
        body = f'"{sign}"{body}'
    return PERSIAN_LOCALE + body if persian_digits else body


class _Styles:
    """A workbook's cell formats: the fixed five, then one per number format its quantities
    need, numbered as the rows ask for them (the styles part is written after the sheets)."""

    def __init__(self, persian_digits: bool) -> None:
        self.persian_digits = persian_digits
        self.number = _STYLE_NUMBER_FA if persian_digits else _STYLE_TEXT
        self.formats: dict[str, int] = {}
        self._known: dict[tuple[str, int, str], int] = {}

    def of(self, quantity: Quantity) -> int:
        key = (quantity.unit, quantity.decimals, quantity.sign)
        index = self._known.get(key)
        if index is None:
            code = quantity_format(quantity, persian_digits=self.persian_digits)
            index = self.formats.get(code)
            if index is None:
                index = self.formats[code] = _STYLE_NUMBER_FA + 1 + len(self.formats)
            self._known[key] = index
        return index

    def xml(self) -> str:
        codes = [PERSIAN_NUMBER_FORMAT, *self.formats]
        formats = "".join(
            f'<numFmt numFmtId="{164 + i}" formatCode="{escape(code, {chr(34): "&quot;"})}"/>'
            for i, code in enumerate(codes)
        )
        extra = "".join(
            f'<xf numFmtId="{165 + i}" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
            for i in range(len(self.formats))
        )
        return _STYLES.format(
            count=len(codes), formats=formats, xf_count=_STYLE_NUMBER_FA + 1 + len(self.formats), extra=extra
        )


# Columns are as wide as their label asks, within these bounds (in characters).
_WIDTH_MIN, _WIDTH_MAX = 12.0, 40.0


def column_width(label: str, key: str = "") -> float:
    """A column's width from its header: the longer of the label and the key, with a margin,
    at least ``_WIDTH_MIN`` and at most ``_WIDTH_MAX`` (a longer label wraps in its cell)."""
    longest = max(len(label), len(key))
    return min(max(round(longest * 1.2 + 3, 1), _WIDTH_MIN), _WIDTH_MAX)


def _write_sheet(member: IO[bytes], sheet: Sheet, *, rtl: bool, styles: _Styles) -> None:
    out = io.BufferedWriter(member, buffer_size=1 << 16)
    header_rows = int(bool(sheet.labels)) + int(bool(sheet.keys))
    width = max(len(sheet.labels), len(sheet.keys), len(sheet.widths))
    direction = ' rightToLeft="1"' if rtl else ""
    parts = [
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f'<sheetViews><sheetView workbookViewId="0"{direction}>'
    ]
    if header_rows:
        parts.append(
            f'<pane ySplit="{header_rows}" topLeftCell="A{header_rows + 1}" activePane="bottomLeft" '
            'state="frozen"/>'
        )
    parts.append('</sheetView></sheetViews><sheetFormatPr defaultRowHeight="15"/>')
    if width:
        parts.append("<cols>")
        for index in range(width):
            if index < len(sheet.widths):
                width_of = float(sheet.widths[index])
            else:
                label = str(sheet.labels[index]) if index < len(sheet.labels) else ""
                width_of = column_width(label, sheet.keys[index] if index < len(sheet.keys) else "")
            parts.append(f'<col min="{index + 1}" max="{index + 1}" width="{width_of}" customWidth="1"/>')
        parts.append("</cols>")
    parts.append("<sheetData>")
    out.write("".join(parts).encode())
    number = 0
    if sheet.labels:
        number += 1
        out.write(_row_xml(number, [str(label) for label in sheet.labels], _STYLE_LABEL).encode())
    if sheet.keys:
        number += 1
        out.write(_row_xml(number, list(sheet.keys), _STYLE_KEY).encode())
    for values in sheet.rows:
        number += 1
        out.write(_row_xml(number, values, _STYLE_TEXT, styles).encode())
    out.write(b"</sheetData></worksheet>")
    out.flush()
    out.detach()


def _column_letters(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


_LETTERS = [_column_letters(i) for i in range(256)]


def _row_xml(number: int, values: Sequence[Any], style: int, styles: _Styles | None = None) -> str:
    numeric_style = f' s="{styles.number}"' if styles is not None and styles.number else ""
    cells = []
    for index, value in enumerate(values):
        ref = (_LETTERS[index] if index < 256 else _column_letters(index)) + str(number)
        if value is None or value == "":
            continue
        if isinstance(value, bool):
            cells.append(f'<c r="{ref}" t="b"><v>{int(value)}</v></c>')
            continue
        if isinstance(value, int | Decimal) or (isinstance(value, float) and math.isfinite(value)):
            cells.append(f'<c r="{ref}"{numeric_style}><v>{value}</v></c>')
            continue
        if type(value) is Quantity and styles is not None:
            amount = value.value
            if isinstance(amount, int | Decimal) or (isinstance(amount, float) and math.isfinite(amount)):
                cells.append(f'<c r="{ref}" s="{styles.of(value)}"><v>{amount}</v></c>')
            continue
        if isinstance(value, date | datetime):
            # A date given alone (not through ``date_columns``: a report's «Prepared at») is for
            # a person to read: as ``date_columns``' first column writes it, in the reader's
            # calendar and digits, which ``jalali.parse_date`` reads back.
            value = person_date(value)
        elif isinstance(value, time):
            value = value.isoformat()
        text = clean_text(value if isinstance(value, str) else str(value))
        if not text:
            continue
        cell_style = _STYLE_QUOTED if style == _STYLE_TEXT and is_formula_like(text) else style
        style_attr = f' s="{cell_style}"' if cell_style else ""
        space = ' xml:space="preserve"' if text != text.strip() or "\n" in text else ""
        cells.append(f'<c r="{ref}" t="inlineStr"{style_attr}><is><t{space}>{escape(text)}</t></is></c>')
    return f'<row r="{number}">{"".join(cells)}</row>'


def _sheet_names(titles: Sequence[str]) -> list[str]:
    names: list[str] = []
    for title in titles:
        name = re.sub(r"[\[\]:*?/\\]", " ", clean_text(str(title))).strip().strip("'")[:31] or "Sheet"
        base, suffix = name, 2
        while name.lower() in (n.lower() for n in names):
            name = f"{base[: 31 - len(str(suffix)) - 1]} {suffix}"
            suffix += 1
        names.append(name)
    return names


def _content_types(count: int) -> str:
    sheets = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for i in range(1, count + 1)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/styles.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        f"{sheets}</Types>"
    )


_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>'
)


def _workbook_xml(names: Sequence[str]) -> str:
    sheets = "".join(
        f'<sheet name="{escape(name, {chr(34): "&quot;"})}" sheetId="{i}" r:id="rId{i}"/>'
        for i, name in enumerate(names, start=1)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        f"<bookViews><workbookView/></bookViews><sheets>{sheets}</sheets></workbook>"
    )


def _workbook_rels(count: int) -> str:
    sheets = "".join(
        f'<Relationship Id="rId{i}" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
        f'Target="worksheets/sheet{i}.xml"/>'
        for i in range(1, count + 1)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'{sheets}<Relationship Id="rId{count + 1}" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" '
        'Target="styles.xml"/></Relationships>'
    )


# Fonts: 0 plain, 1 bold (the labels, wrapped), 2 italic grey (the keys). Tahoma has Persian
# glyphs on every Windows machine.
_STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<numFmts count="{count}">{formats}</numFmts>'
    '<fonts count="3"><font><sz val="11"/><name val="Tahoma"/></font>'
    '<font><b/><sz val="11"/><name val="Tahoma"/></font>'
    '<font><i/><sz val="10"/><color rgb="FF666666"/><name val="Tahoma"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="{xf_count}">'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1" applyAlignment="1">'
    '<alignment vertical="top" wrapText="1"/></xf>'
    '<xf numFmtId="0" fontId="2" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1" quotePrefix="1"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>{extra}'
    "</cellXfs>"
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)


# ---------------------------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------------------------


class TabularError(Exception):
    """The file as a whole cannot be read, or is beyond a limit. The message is translated."""


@dataclass(frozen=True)
class Limits:
    """What an import accepts. Checked while reading, before the limit is passed."""

    file_bytes: int = 5 * 1024 * 1024
    uncompressed_bytes: int = 50 * 1024 * 1024
    rows: int = 5000
    columns: int = 60
    cell_chars: int = 4000
    compression_ratio: int = 200
    zip_members: int = 500
    # Lines a header may take above the data (labels, keys, a title): counted in ``rows`` while
    # reading, but not in the number of rows the refusal names, which is what a person may send.
    header_rows: int = 0


def read_rows(source: bytes | IO[bytes], file_name: str, limits: Limits) -> Iterator[list[Any]]:
    """Yield the rows of the first sheet (.xlsx) or of the CSV file, as lists of cell values
    (str, int, float, bool, datetime or None). Raises ``TabularError`` as soon as the file
    breaks a limit or cannot be read."""
    stream = io.BytesIO(source) if isinstance(source, bytes | bytearray) else source
    size = _size_of(stream)
    if size > limits.file_bytes:
        raise TabularError(formatting.file_too_large(limits.file_bytes))
    head = stream.read(8)
    stream.seek(0)
    lower = file_name.lower()
    if head.startswith(b"PK\x03\x04") or lower.endswith((".xlsx", ".xlsm")):
        return _xlsx_rows(stream, limits)
    if head.startswith(b"\xd0\xcf\x11\xe0") or lower.endswith(".xls"):
        raise TabularError(_("Old Excel files (.xls) are not read; save the file as .xlsx or CSV."))
    return _csv_rows(stream, limits)


def _size_of(stream: IO[bytes]) -> int:
    position = stream.tell()
    stream.seek(0, io.SEEK_END)
    size = stream.tell()
    stream.seek(position)
    return size


def _too_many_rows(limits: Limits) -> TabularError:
    count = formatting.number(limits.rows - limits.header_rows)
    return TabularError(_("The file has more than %(count)s rows.") % {"count": count})


def _too_many_columns(limits: Limits) -> TabularError:
    count = formatting.number(limits.columns)
    return TabularError(_("The file has more than %(count)s columns.") % {"count": count})


def _too_long(limits: Limits, row: int) -> TabularError:
    return TabularError(
        _("A cell in row %(row)s is longer than %(count)s characters.")
        % {"row": formatting.number(row), "count": formatting.number(limits.cell_chars)}
    )


# ---- CSV ----------------------------------------------------------------------------------------


def _csv_rows(stream: IO[bytes], limits: Limits) -> Iterator[list[Any]]:
    sample = stream.read(8192)
    stream.seek(0)
    encoding = "utf-8-sig"
    try:
        codecs.getincrementaldecoder("utf-8-sig")().decode(sample[:-4] if len(sample) > 4 else sample)
    except UnicodeDecodeError:
        encoding = "cp1256"
    text = io.TextIOWrapper(stream, encoding=encoding, errors="strict", newline="")
    try:
        dialect: Any = csv.Sniffer().sniff(text.read(4096), delimiters=",;\t")
    except (csv.Error, UnicodeDecodeError):
        dialect = csv.excel
    text.seek(0)
    return _csv_iter(text, dialect, limits)


def _csv_iter(text: io.TextIOWrapper, dialect: Any, limits: Limits) -> Iterator[list[Any]]:
    # The csv module's own field limit is global; a line-length guard keeps one field from
    # growing without bound, and each cell is checked against the import's own limit.
    reader = csv.reader(_bounded_lines(text, limits), dialect)
    count = 0
    try:
        for row in reader:
            count += 1
            if count > limits.rows:
                raise _too_many_rows(limits)
            if len(row) > limits.columns and any(cell.strip() for cell in row[limits.columns :]):
                raise _too_many_columns(limits)
            for cell in row:
                if len(cell) > limits.cell_chars:
                    raise _too_long(limits, count)
            yield [unneutralise(cell) for cell in row[: limits.columns]]
    except UnicodeDecodeError:
        raise TabularError(_("The file is neither UTF-8 text nor an Excel workbook.")) from None
    except csv.Error as error:
        raise TabularError(_("The CSV file cannot be read: %(cause)s") % {"cause": error}) from None
    finally:
        text.detach()


def _bounded_lines(text: io.TextIOWrapper, limits: Limits) -> Iterator[str]:
    longest = limits.cell_chars * limits.columns + limits.columns * 4 + 2
    while True:
        line = text.readline(longest + 1)
        if not line:
            return
        if len(line) > longest:
            raise TabularError(
                _("A line of the file is longer than %(count)s characters.")
                % {"count": formatting.number(longest)}
            )
        yield line


# ---- xlsx ---------------------------------------------------------------------------------------

_MAIN_NS = (
    "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "http://purl.oclc.org/ooxml/spreadsheetml/main",
)
_REL_ATTR = re.compile(r"^\{[^}]*relationships\}id$")
_CELL_REF = re.compile(r"^([A-Z]{1,3})(\d+)$")
_DATE_FORMAT_IDS = set(range(14, 23)) | set(range(45, 48)) | {27, 30, 36, 50, 57}


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _unreadable() -> TabularError:
    return TabularError(_("The file is not a readable Excel (.xlsx) workbook."))


def _xlsx_rows(stream: IO[bytes], limits: Limits) -> Iterator[list[Any]]:
    try:
        archive = zipfile.ZipFile(stream)
    except (zipfile.BadZipFile, OSError, ValueError):
        raise _unreadable() from None
    members = archive.infolist()
    if len(members) > limits.zip_members:
        raise _unreadable()
    total = 0
    for member in members:
        total += member.file_size
        if member.file_size > 64 * 1024 and member.file_size > limits.compression_ratio * max(
            member.compress_size, 1
        ):
            raise _bomb(limits)
    if total > limits.uncompressed_bytes:
        raise _bomb(limits)
    return _xlsx_iter(archive, limits)


def _bomb(limits: Limits) -> TabularError:
    return TabularError(
        _("The workbook unpacks to more than %(size)s MB, or is compressed suspiciously well; it is refused.")
        % {"size": formatting.megabytes(limits.uncompressed_bytes)}
    )


def _xlsx_iter(archive: zipfile.ZipFile, limits: Limits) -> Iterator[list[Any]]:
    try:
        with archive:
            names = set(archive.namelist())
            sheet_path, date1904 = _first_sheet(archive, names)
            strings = _shared_strings(archive, names, limits) if "xl/sharedStrings.xml" in names else []
            date_styles = _date_styles(archive) if "xl/styles.xml" in names else set()
            yield from _sheet_rows(archive, sheet_path, strings, date_styles, date1904, limits)
    except (zipfile.BadZipFile, KeyError, EOFError, OSError, ValueError, IndexError):
        raise _unreadable() from None
    except SyntaxError:  # xml.etree.ElementTree.ParseError
        raise _unreadable() from None


def _events(archive: zipfile.ZipFile, name: str) -> Iterator[tuple[str, Any]]:
    """Stream (event, element) pairs of one XML member. A document type declaration (the way to
    entity expansion) is refused; in a workbook's XML, text never holds a literal ``<!``."""
    parser: Any = XMLPullParser(events=("start", "end"))
    tail = b""
    with archive.open(name) as member:
        while True:
            chunk = member.read(64 * 1024)
            if not chunk:
                break
            window = tail + chunk
            if b"<!DOCTYPE" in window or b"<!ENTITY" in window:
                raise _unreadable()
            tail = chunk[-16:]
            parser.feed(chunk)
            yield from parser.read_events()
    parser.close()
    yield from parser.read_events()


def _first_sheet(archive: zipfile.ZipFile, names: set[str]) -> tuple[str, bool]:
    relation_id = None
    date1904 = False
    for event, element in _events(archive, "xl/workbook.xml"):
        if event != "end":
            continue
        tag = _local(element.tag)
        if tag == "workbookPr":
            date1904 = element.get("date1904") in ("1", "true")
        elif tag == "sheet" and relation_id is None:
            relation_id = next((v for k, v in element.attrib.items() if _REL_ATTR.match(k)), None)
    target = None
    if relation_id and "xl/_rels/workbook.xml.rels" in names:
        for event, element in _events(archive, "xl/_rels/workbook.xml.rels"):
            if event == "end" and _local(element.tag) == "Relationship" and element.get("Id") == relation_id:
                target = element.get("Target", "")
    if not target:
        candidates = sorted(n for n in names if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", n))
        if not candidates:
            raise _unreadable()
        return candidates[0], date1904
    path = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    path = re.sub(r"[^/]+/\.\./", "", path)
    if path not in names:
        raise _unreadable()
    return path, date1904


def _shared_strings(archive: zipfile.ZipFile, names: set[str], limits: Limits) -> list[str]:
    strings: list[str] = []
    parts: list[str] = []
    depth_phonetic = 0
    for event, element in _events(archive, "xl/sharedStrings.xml"):
        tag = _local(element.tag)
        if tag == "rPh":
            depth_phonetic += 1 if event == "start" else -1
        if event != "end":
            continue
        if tag == "t" and not depth_phonetic:
            parts.append(element.text or "")
        elif tag == "si":
            text = "".join(parts)
            parts = []
            # A shared string longer than a cell may be is refused when a cell uses it.
            strings.append(text if len(text) <= limits.cell_chars else _TOO_LONG)
            element.clear()
    return strings


_TOO_LONG = "\x00too-long\x00"


def _date_styles(archive: zipfile.ZipFile) -> set[int]:
    """Indexes of the cell formats (cellXfs) that show numbers as dates."""
    from openpyxl.styles.numbers import is_date_format

    custom: dict[int, str] = {}
    formats: list[int] = []
    in_cell_xfs = False
    for event, element in _events(archive, "xl/styles.xml"):
        tag = _local(element.tag)
        if tag == "cellXfs":
            in_cell_xfs = event == "start"
        if event != "end":
            if event == "start" and tag == "xf" and in_cell_xfs:
                formats.append(int(element.get("numFmtId", "0") or 0))
            continue
        if tag == "numFmt":
            try:
                custom[int(element.get("numFmtId", "0"))] = element.get("formatCode", "")
            except ValueError:
                continue
    return {
        index
        for index, format_id in enumerate(formats)
        if format_id in _DATE_FORMAT_IDS or (format_id in custom and is_date_format(custom[format_id]))
    }


def _column_index(letters: str) -> int:
    index = 0
    for char in letters:
        index = index * 26 + (ord(char) - 64)
    return index - 1


def _sheet_rows(
    archive: zipfile.ZipFile,
    path: str,
    strings: list[str],
    date_styles: set[int],
    date1904: bool,
    limits: Limits,
) -> Iterator[list[Any]]:
    row: dict[int, Any] = {}
    row_number = 0
    emitted = 0
    next_column = 0
    cell_type = ""
    cell_style = 0
    cell_column = 0
    value_text: str | None = None
    inline_parts: list[str] = []
    in_inline = False
    sheet_data: Any = None
    for event, element in _events(archive, path):
        tag = _local(element.tag)
        if event == "start":
            if tag == "sheetData":
                sheet_data = element
            elif tag == "row":
                declared = element.get("r")
                row_number = int(declared) if declared and declared.isdecimal() else row_number + 1
                if row_number > limits.rows:
                    raise _too_many_rows(limits)
                # Rows a sheet leaves out are empty rows: yield them (bounded by the row limit).
                while emitted < row_number - 1:
                    emitted += 1
                    yield []
                row = {}
                next_column = 0
            elif tag == "c":
                ref = element.get("r") or ""
                match = _CELL_REF.match(ref)
                cell_column = _column_index(match.group(1)) if match else next_column
                next_column = cell_column + 1
                if cell_column >= limits.columns:
                    raise _too_many_columns(limits)
                cell_type = element.get("t", "n")
                try:
                    cell_style = int(element.get("s", "0") or 0)
                except ValueError:
                    cell_style = 0
                value_text = None
                inline_parts = []
            elif tag == "is":
                in_inline = True
            continue
        # end events
        if tag == "v":
            value_text = element.text or ""
        elif tag == "t" and in_inline:
            inline_parts.append(element.text or "")
        elif tag == "is":
            in_inline = False
        elif tag == "c":
            value = _cell_value(
                cell_type, value_text, inline_parts, strings, cell_style in date_styles, date1904
            )
            if isinstance(value, str):
                if value == _TOO_LONG or len(value) > limits.cell_chars:
                    raise _too_long(limits, row_number)
                value = unneutralise(value)
            if value is not None and value != "":
                row[cell_column] = value
            element.clear()
        elif tag == "row":
            emitted = row_number
            width = max(row) + 1 if row else 0
            yield [row.get(index) for index in range(width)]
            if sheet_data is not None:
                sheet_data.clear()  # drop the finished rows: memory stays flat


def _cell_value(
    cell_type: str,
    text: str | None,
    inline_parts: list[str],
    strings: list[str],
    is_date: bool,
    date1904: bool,
) -> Any:
    if cell_type == "inlineStr":
        return "".join(inline_parts)
    if text is None:
        return None
    if cell_type == "s":
        return strings[int(text)]
    if cell_type in ("str", "e"):
        return text
    if cell_type == "b":
        return text.strip() in ("1", "true")
    if cell_type == "d":
        try:
            return datetime.fromisoformat(text.strip())
        except ValueError:
            return text
    try:
        number = float(text) if any(c in text for c in ".eE") else int(text)
    except ValueError:
        return text
    if is_date and isinstance(number, int | float) and 0 <= number < 2958466:
        # A spreadsheet's serial date has no zone: the cell's value is naive, like openpyxl's.
        epoch = datetime(1904, 1, 1) if date1904 else datetime(1899, 12, 30)  # noqa: DTZ001
        moment = epoch + timedelta(days=float(number))
        return moment.replace(microsecond=0)
    return number


# ---------------------------------------------------------------------------------------------
# A table with a header
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """One column an importer reads: its key (the English key row), label and whether required."""

    key: str
    label: str | Promise
    required: bool = False
    help: str | Promise = ""


@dataclass(frozen=True)
class HeaderProblem:
    """A problem with the header: the spreadsheet row number, the column key or text, the cause."""

    row: int
    column: str
    message: str


@dataclass
class TableRow:
    number: int
    cells: dict[str, Any]

    def text(self, key: str) -> str:
        return cell_text(self.cells.get(key))


@dataclass
class Table:
    columns: list[str]
    rows: list[TableRow] = field(default_factory=list)


def cell_text(value: Any) -> str:
    """A cell as text: integers stored as floats by Excel lose their ".0"; dates become ISO."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def _label_lookup(columns: Sequence[Column], ignored: Iterable[str]) -> dict[str, str]:
    lookup: dict[str, str] = {}
    for column in columns:
        lookup[search_key(column.key)] = column.key
        for language in ("fa", "en"):
            with translation.override(language):
                lookup[search_key(str(column.label))] = column.key
    for key in ignored:
        lookup[search_key(key)] = key
    return lookup


def read_table(
    source: bytes | IO[bytes],
    file_name: str,
    columns: Sequence[Column],
    limits: Limits,
    *,
    ignored: Iterable[str] = (),
) -> tuple[Table, list[HeaderProblem]]:
    """Read a CSV or .xlsx file into a ``Table`` keyed by column key. The header may be the
    English keys, the translated labels, or labels followed by a row of keys. Header problems
    (unknown, doubled or missing columns) come back as ``HeaderProblem``s; a file beyond the
    limits raises ``TabularError``."""
    lookup = _label_lookup(columns, ignored)
    rows = read_rows(source, file_name, limits)
    header_number, header = _first_filled_row(rows)
    keys: list[str | None] = [lookup.get(search_key(text)) if text else None for text in header]
    # The template and exports put translated labels in row 1 and the English keys in row 2.
    buffered: list[tuple[int, list[Any]]] = []
    second = next(rows, None)
    data_number = header_number + 1
    if second is not None:
        key_row = _key_row(second, keys, lookup)
        if key_row is not None:
            header_number, (header, keys) = data_number, key_row
        else:
            buffered.append((data_number, second))
        data_number += 1
    problems = _header_problems(header_number, header, keys, columns)
    table = Table([k for k in keys if k is not None])
    for row_number, values in chain(buffered, enumerate(rows, start=data_number)):
        if any(cell_text(c) for c in values):
            cells = {
                key: values[position]
                for position, key in enumerate(keys)
                if key is not None and position < len(values)
            }
            table.rows.append(TableRow(row_number, cells))
    return table, problems


def _first_filled_row(rows: Iterator[list[Any]]) -> tuple[int, list[str]]:
    """The number and texts of the first row with any text (the header); the file is empty
    without one."""
    for number, values in enumerate(rows, start=1):
        if any(cell_text(c) for c in values):
            return number, [cell_text(c) for c in values]
    raise TabularError(_("The file is empty."))


def _key_row(
    second: list[Any], keys: list[str | None], lookup: dict[str, str]
) -> tuple[list[str], list[str | None]] | None:
    """The texts and keys of the row after the header when it is a row of keys (each text a
    known key, naming at least as many columns as the header did); else ``None``."""
    second_text = [cell_text(c) for c in second]
    second_keys = [lookup.get(text.lower()) if text else None for text in second_text]
    named = [text for text in second_text if text]
    if (
        named
        and all(key is not None for text, key in zip(second_text, second_keys, strict=False) if text)
        and sum(k is not None for k in second_keys) >= sum(k is not None for k in keys)
    ):
        return second_text, second_keys
    return None


def _header_problems(
    header_number: int, header: list[str], keys: list[str | None], columns: Sequence[Column]
) -> list[HeaderProblem]:
    """Unknown columns, columns that appear twice, and required columns that are missing."""
    problems: list[HeaderProblem] = []
    for position, (text, key) in enumerate(zip(header, keys, strict=True)):
        if text and key is None:
            problems.append(
                HeaderProblem(
                    header_number,
                    text,
                    _("Unknown column “%(name)s” (column %(position)s).")
                    % {"name": text, "position": formatting.number(position + 1)},
                )
            )
    seen: set[str] = set()
    for key in keys:
        if key is not None and key in seen:
            problems.append(
                HeaderProblem(header_number, key, _("The column “%(name)s” appears twice.") % {"name": key})
            )
        if key is not None:
            seen.add(key)
    for column in columns:
        if column.required and column.key not in seen:
            problems.append(
                HeaderProblem(
                    header_number, column.key, _("The column “%(name)s” is missing.") % {"name": column.key}
                )
            )
    return problems
