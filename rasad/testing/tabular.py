"""Helpers for the spreadsheet safety tests of every export and import."""

from __future__ import annotations

import csv
import io
import time
import tracemalloc
import zipfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from openpyxl import Workbook, load_workbook

from rasad.lib import display
from rasad.lib.tabular import ExportColumn, Sheet, export_xlsx, write_csv, write_xlsx

FORMULA = '=HYPERLINK("http://x","y")'
BELL = "زنگ\x07خطر"
BELL_CLEAN = "زنگخطر"


def xlsx_rows(content: bytes | Iterator[bytes]) -> list[tuple[Any, ...]]:
    """The values of a workbook's first sheet, row by row, as a spreadsheet program reads them.

    openpyxl, not :mod:`rasad.lib.tabular`'s own reader: the tests of every export check the
    file with an independent reader, so that a fault shared by our writer and our reader cannot
    hide. A streamed download's chunks are joined first."""
    return xlsx_sheets(content)[0]


def xlsx_sheets(content: bytes | Iterator[bytes]) -> list[list[tuple[Any, ...]]]:
    """The values of every sheet of a workbook, in order, row by row (openpyxl, as ``xlsx_rows``)."""
    return [list(sheet.iter_rows(values_only=True)) for sheet in xlsx_workbook(content).worksheets]


def xlsx_workbook(content: bytes | Iterator[bytes]) -> Any:
    """The workbook itself, for what the values do not show: sheet names and direction, number
    formats, widths (openpyxl, as ``xlsx_rows``)."""
    data = content if isinstance(content, bytes) else b"".join(content)
    return load_workbook(io.BytesIO(data))


def shown_cells(
    columns: Sequence[ExportColumn], row: Any, language: str = "fa"
) -> dict[str, tuple[Any, str, str]]:
    """One object's row as ``columns`` export it for a reader of ``language`` (Persian digits in
    Persian), by key: the cell's value and number format in the workbook (openpyxl, as
    ``xlsx_rows``) and the cell in CSV. For the tests of a figure in a unit without a database."""
    with display.speaking(None, language):
        workbook, text = io.BytesIO(), io.BytesIO()
        export_xlsx(workbook, columns, [row], title="s")
        write_csv(text, columns, [row])
    sheet = xlsx_workbook(workbook.getvalue()).active
    keys = [cell.value for cell in sheet[2]]
    cells = sheet[3]
    csv_row = list(csv.reader(io.StringIO(text.getvalue().decode("utf-8-sig"))))[1]
    return {
        key: (cell.value, cell.number_format, csv_row[index])
        for index, (key, cell) in enumerate(zip(keys, cells, strict=True))
    }


def csv_records(content: bytes) -> list[dict[str, str]]:
    """The rows of an exported CSV file keyed by its English keys. Asserts what every CSV export
    is: UTF-8 with a BOM, a row of labels, then the row of keys (``rasad.lib.tabular.write_csv``)."""
    assert content.startswith(b"\xef\xbb\xbf"), "a CSV export starts with a UTF-8 BOM"
    lines = io.StringIO(content.decode("utf-8-sig"))
    labels = next(csv.reader(lines))
    records = list(csv.DictReader(lines))
    assert records == [] or len(labels) == len(records[0]), "the label row names every column"
    return records


def xlsx_bytes(rows: list[list[Any]]) -> bytes:
    """A workbook made by a spreadsheet library (openpyxl), for the tests of every import: the
    uploaded file comes from an independent writer, like a user's."""
    workbook = Workbook()
    sheet: Any = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_cells(content: bytes) -> Iterator[Any]:
    """Every non-empty cell of every sheet of a workbook."""
    workbook = load_workbook(io.BytesIO(content))
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.value is not None:
                    yield cell


def assert_xlsx_safe(content: bytes, *, expect_formula: bool = True, expect_bell: bool = True) -> None:
    """The formula text is there, unchanged, as an inert string with Excel's quote prefix; the
    bell character is gone and the text around it kept; no cell is a formula."""
    cells = list(xlsx_cells(content))
    assert not [c for c in cells if c.data_type == "f"], "a cell is a live formula"
    formula_cells = [c for c in cells if c.value == FORMULA]
    if expect_formula:
        assert formula_cells, "the formula-like text is missing"
    for cell in formula_cells:
        assert cell.data_type == "s"
        assert cell.quotePrefix
    assert not [c for c in cells if isinstance(c.value, str) and "\x07" in c.value]
    if expect_bell:
        assert [c for c in cells if isinstance(c.value, str) and BELL_CLEAN in c.value]


def assert_csv_safe(content: bytes) -> None:
    text = content.decode("utf-8-sig")
    assert "\x07" not in text
    cells = [cell for row in csv.reader(io.StringIO(text)) for cell in row]
    assert "'" + FORMULA in cells
    assert not [c for c in cells if c.startswith(("=", "+", "@"))]


def bomb_xlsx(size: int = 150 * 1024 * 1024) -> bytes:
    """A ~150 KiB workbook whose one cell inflates to ``size`` bytes."""
    buffer = io.BytesIO()
    write_xlsx(buffer, [Sheet("s", [["x"]])])
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                archive.writestr(info, source.read(info))
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            member.write(b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')
            member.write(b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>')
            chunk = b"a" * (1024 * 1024)
            for _ in range(size // len(chunk)):
                member.write(chunk)
            member.write(b"</t></is></c></row></sheetData></worksheet>")
    return out.getvalue()


_bomb_cache: dict[int, bytes] = {}


def cached_bomb() -> bytes:
    if 0 not in _bomb_cache:
        _bomb_cache[0] = bomb_xlsx()
    return _bomb_cache[0]


@contextmanager
def bounded(seconds: float = 1.0, megabytes: float = 20.0) -> Iterator[Callable[[], tuple[float, int]]]:
    """Measure the block's processor time and peak Python allocation, and fail beyond the
    bounds. Processor time, not wall time: the machine running the suite is shared, and other
    processes' load must not fail the test (the work itself is what is bounded)."""
    tracemalloc.start()
    started = time.process_time()
    result: dict[str, Any] = {}
    try:
        yield lambda: (result["elapsed"], result["peak"])
    finally:
        result["elapsed"] = time.process_time() - started
        _, result["peak"] = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    assert result["elapsed"] < seconds, f"took {result['elapsed']:.2f} s"
    assert result["peak"] < megabytes * 1024 * 1024, f"peak {result['peak'] / 2**20:.1f} MiB"
