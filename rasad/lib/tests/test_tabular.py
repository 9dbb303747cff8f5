"""The one tabular module: what it writes is safe to open and correct to read back, and what it
reads is bounded in time and memory whatever the file claims."""

from __future__ import annotations

import io
import time
import tracemalloc
import zipfile
from datetime import date, datetime
from typing import Any

import openpyxl
import pytest
from django.utils import translation
from openpyxl.worksheet.worksheet import Worksheet

from rasad.lib import display
from rasad.lib.tabular import (
    Column,
    ExportColumn,
    Limits,
    Sheet,
    TabularError,
    date_columns,
    export_xlsx,
    read_rows,
    read_table,
    write_csv,
    write_xlsx,
)
from rasad.testing.tabular import cached_bomb

FORMULA = '=HYPERLINK("http://x","y")'


class Thing:
    def __init__(self, name: str, when: date | None = None, amount: float = 1.5) -> None:
        self.name, self.when, self.amount = name, when, amount


COLUMNS = [
    ExportColumn("name", "نام", lambda t: t.name),
    ExportColumn("amount", "مقدار", lambda t: t.amount),
    *date_columns("when", "تاریخ", lambda t: t.when),
]


def _sheet(data: bytes) -> Worksheet:
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    assert isinstance(sheet, Worksheet)
    return sheet


def _xlsx(objects, **kwargs) -> bytes:
    buffer = io.BytesIO()
    with translation.override("fa"):
        export_xlsx(buffer, COLUMNS, objects, title="فهرست", **kwargs)
    return buffer.getvalue()


def test_xlsx_cells_that_look_like_formulas_stay_inert_text():
    sheet = _sheet(_xlsx([Thing(FORMULA), Thing("-5"), Thing("@x")]))
    cells = [sheet.cell(row=r, column=1) for r in (3, 4, 5)]
    assert [c.value for c in cells] == [FORMULA, "-5", "@x"]
    assert [c.data_type for c in cells] == ["s", "s", "s"]
    assert all(c.quotePrefix for c in cells)


def test_xlsx_drops_characters_a_workbook_cannot_hold():
    sheet = _sheet(_xlsx([Thing("زنگ\x07 خطر\x00\x1b\ufffe")]))
    assert sheet.cell(row=3, column=1).value == "زنگ خطر"


def test_xlsx_is_rtl_with_labels_keys_and_jalali_plus_iso_dates():
    sheet = _sheet(_xlsx([Thing("الف", date(2025, 3, 21), 2)]))
    assert sheet.title == "فهرست"
    assert sheet.sheet_view.rightToLeft is True
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("نام", "مقدار", "تاریخ", "تاریخ (ISO)")
    assert rows[1] == ("name", "amount", "when", "when_iso")
    assert rows[2] == ("الف", 2, "۱۴۰۴/۰۱/۰۱", "2025-03-21")
    assert sheet.freeze_panes == "A3"
    assert sheet.cell(row=1, column=1).font.b is True


def test_xlsx_numbers_stay_numbers_shown_in_persian_digits_for_a_persian_reader():
    token = display.activate(display.DisplayPreferences("fa", "jalali", persian_digits=True))
    try:
        sheet = _sheet(_xlsx([Thing("الف", amount=1234.5), Thing("ب", amount=7)]))
    finally:
        display.reset(token)
    cells = [sheet.cell(row=3, column=2), sheet.cell(row=4, column=2)]
    # Numbers a spreadsheet can sum, in a format whose locale prefix asks for Persian digits.
    assert [c.value for c in cells] == [1234.5, 7]
    assert [c.data_type for c in cells] == ["n", "n"]
    assert {c.number_format for c in cells} == {"[$-3000429]General"}
    # Text and headers keep the plain format.
    assert sheet.cell(row=3, column=1).number_format == "General"


def test_xlsx_numbers_keep_latin_digits_for_a_reader_who_wants_them():
    token = display.activate(display.DisplayPreferences("fa", "jalali", persian_digits=False))
    try:
        sheet = _sheet(_xlsx([Thing("الف", amount=12)]))
    finally:
        display.reset(token)
    assert sheet.cell(row=3, column=2).value == 12
    assert sheet.cell(row=3, column=2).number_format == "General"


def test_xlsx_columns_are_as_wide_as_their_labels_and_long_labels_wrap():
    columns = [
        ExportColumn("n", "نام", lambda t: t.name),
        ExportColumn("share", "میانگین امتیاز نهایی ارزیابی‌های پایان دوره (درصد)", lambda t: t.amount),
    ]
    buffer = io.BytesIO()
    with translation.override("fa"):
        export_xlsx(buffer, columns, [Thing("الف")], title="فهرست")
    sheet = _sheet(buffer.getvalue())
    short, long = sheet.column_dimensions["A"].width, sheet.column_dimensions["B"].width
    assert short == 12  # the least width: a one-word label still leaves room for its values
    assert 40 >= long > short
    assert sheet.cell(row=1, column=2).alignment.wrap_text is True


def test_csv_is_utf8_with_a_bom_and_a_row_of_labels_before_the_keys():
    buffer = io.BytesIO()
    with translation.override("fa"):
        write_csv(buffer, COLUMNS, [Thing("الف", date(2025, 3, 21), 2)], labels=True)
    data = buffer.getvalue()
    assert data.startswith(b"\xef\xbb\xbf")  # Excel reads UTF-8 only after a BOM
    lines = data.decode("utf-8-sig").splitlines()
    assert lines[:2] == ["نام,مقدار,تاریخ,تاریخ (ISO)", "name,amount,when,when_iso"]
    # Numbers keep Latin digits in CSV, which has no formats: a spreadsheet reads them as numbers.
    assert lines[2] == "الف,2,۱۴۰۴/۰۱/۰۱,2025-03-21"
    table, problems = read_table(
        data,
        "x.csv",
        [Column("name", "نام"), Column("amount", "مقدار")],
        Limits(),
        ignored=["when", "when_iso"],
    )
    assert problems == []
    assert [(r.number, r.cells["name"], r.cells["amount"]) for r in table.rows] == [(3, "الف", "2")]


def test_csv_neutralises_formulas_and_control_characters():
    buffer = io.BytesIO()
    write_csv(buffer, COLUMNS[:1], [Thing(FORMULA), Thing("a\x07b"), Thing("+1"), Thing("\tx")])
    text = buffer.getvalue().decode("utf-8")
    assert text.startswith("\ufeffname\r\n")
    assert text.splitlines()[1:] == ['"\'=HYPERLINK(""http://x"",""y"")"', "ab", "'+1", "'\tx"]


def test_what_is_written_reads_back_the_same():
    table, problems = read_table(
        _xlsx([Thing(FORMULA, date(2024, 1, 2), 3.25)]),
        "x.xlsx",
        [Column("name", "نام"), Column("amount", "مقدار")],
        Limits(),
        ignored=("when", "when_iso"),
    )
    assert problems == []
    assert [(r.number, r.cells["name"], r.cells["amount"]) for r in table.rows] == [(3, FORMULA, 3.25)]
    buffer = io.BytesIO()
    write_csv(buffer, COLUMNS[:2], [Thing(FORMULA)])
    table, problems = read_table(
        buffer.getvalue(), "x.csv", [Column("name", "نام")], Limits(), ignored=["amount"]
    )
    assert problems == []
    assert table.rows[0].cells["name"] == FORMULA


def test_reads_a_workbook_written_by_excel_style_tools():
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert isinstance(sheet, Worksheet)
    sheet.append(["code", "name", "opened_on", "count", "ok"])
    sheet.append(["ISF-1", "اصفهان", datetime(2024, 3, 20), 12, True])
    sheet.append([])
    sheet.append(["KER-1", "کرمان", None, 3.5, False])
    buffer = io.BytesIO()
    workbook.save(buffer)
    rows = list(read_rows(buffer.getvalue(), "a.xlsx", Limits()))
    assert rows == [
        ["code", "name", "opened_on", "count", "ok"],
        ["ISF-1", "اصفهان", datetime(2024, 3, 20), 12, True],
        [],
        ["KER-1", "کرمان", None, 3.5, False],
    ]


def test_reads_persian_csv_saved_by_excel_in_windows_1256():
    data = "code;name\r\nISF-1;اصفهان\r\n".encode("cp1256")
    assert list(read_rows(data, "a.csv", Limits())) == [["code", "name"], ["ISF-1", "اصفهان"]]


@pytest.mark.parametrize(
    ("limits", "message"),
    [
        (Limits(file_bytes=40), "larger than"),
        (Limits(rows=3), "more than 3 rows"),
        # The header's line is read within ``rows`` but not named: the refusal names the data rows.
        (Limits(rows=4, header_rows=1), "more than 3 rows"),
        (Limits(columns=2), "more than 2 columns"),
        (Limits(cell_chars=5), "longer than 5 characters"),
    ],
)
def test_limits_are_checked_while_reading(limits, message):
    rows = [[f"c{i}" for i in range(3)]] + [["abcdefgh", "b", "c"] for _ in range(5)]
    buffer = io.BytesIO()
    write_xlsx(buffer, [Sheet("s", rows)])
    token = display.activate(display.DisplayPreferences(language="en", persian_digits=False))
    try:
        for data, name in ((buffer.getvalue(), "x.xlsx"), (_csv_bytes(rows), "x.csv")):
            with translation.override("en"), pytest.raises(TabularError, match=message):
                list(read_rows(data, name, limits))
    finally:
        display.reset(token)


def test_a_limit_is_named_in_the_readers_digits():
    rows = [["c0", "c1", "c2"]] + [["abcdefgh", "b", "c"] for _ in range(5)]
    with translation.override("fa"), pytest.raises(TabularError) as refused:
        list(read_rows(_csv_bytes(rows), "x.csv", Limits(rows=3)))
    assert "۳" in str(refused.value) and "3" not in str(refused.value)


def _csv_bytes(rows) -> bytes:
    return "\r\n".join(",".join(row) for row in rows).encode()


@pytest.fixture(scope="module")
def bomb() -> bytes:
    return cached_bomb()  # the same bomb as the other import tests' (rasad.testing.tabular)


def test_a_decompression_bomb_is_refused_in_bounded_time_and_memory(bomb):
    assert len(bomb) < 400 * 1024
    tracemalloc.start()
    started = time.perf_counter()
    with translation.override("en"), pytest.raises(TabularError, match="unpacks to more than"):
        list(read_rows(bomb, "bomb.xlsx", Limits()))
    elapsed = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert elapsed < 1.0
    assert peak < 8 * 1024 * 1024


def test_a_workbook_that_lies_about_its_sizes_is_cut_off_at_the_declared_size(bomb):
    """Rewrite the declared uncompressed size of the bomb's sheet to 1 KiB: zipfile stops
    inflating there, the XML is cut short, and the file is refused as unreadable."""
    archive = zipfile.ZipFile(io.BytesIO(bomb))
    info = archive.getinfo("xl/worksheets/sheet1.xml")
    data = bytearray(bomb)
    name = info.filename.encode()
    offset = data.rfind(name)  # the central directory entry comes last
    header = offset - 46
    assert data[header : header + 4] == b"PK\x01\x02"
    if int.from_bytes(data[header + 24 : header + 28], "little") != 0xFFFFFFFF:
        data[header + 24 : header + 28] = (1024).to_bytes(4, "little")
    else:
        extra_length = int.from_bytes(data[header + 30 : header + 32], "little")
        extra = offset + len(name)
        position = 0
        while position < extra_length:
            kind = int.from_bytes(data[extra + position : extra + position + 2], "little")
            length = int.from_bytes(data[extra + position + 2 : extra + position + 4], "little")
            if kind == 1:  # zip64: the uncompressed size comes first
                data[extra + position + 4 : extra + position + 12] = (1024).to_bytes(8, "little")
            position += 4 + length
    assert zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo(info.filename).file_size == 1024
    tracemalloc.start()
    started = time.perf_counter()
    with translation.override("en"), pytest.raises(TabularError, match="not a readable"):
        list(read_rows(bytes(data), "liar.xlsx", Limits()))
    elapsed = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert elapsed < 1.0
    assert peak < 8 * 1024 * 1024


def test_a_document_type_declaration_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("xl/workbook.xml", '<!DOCTYPE x [<!ENTITY a "aaaa">]><workbook/>')
        archive.writestr("xl/worksheets/sheet1.xml", "<worksheet/>")
    with translation.override("en"), pytest.raises(TabularError, match="not a readable"):
        list(read_rows(buffer.getvalue(), "x.xlsx", Limits()))


def test_a_million_rows_are_written_in_flat_memory():
    tracemalloc.start()

    def rows():
        for index in range(50_000):
            yield [f"name {index % 97}", index, "۱۴۰۴/۰۱/۰۱"]

    buffer = io.BytesIO()
    write_xlsx(buffer, [Sheet("s", rows(), labels=["a", "b", "c"], keys=["a", "b", "c"])])
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    # The output buffer itself grows; everything else stays small.
    assert peak < len(buffer.getvalue()) + 8 * 1024 * 1024
    count = sum(
        1 for _ in read_rows(buffer.getvalue(), "big.xlsx", Limits(rows=60_000, uncompressed_bytes=10**9))
    )
    assert count == 50_002


def test_a_figure_in_a_unit_is_a_number_whose_format_shows_the_unit_cell_by_cell():
    from rasad.lib.tabular import Quantity, percent_cell, quantity_cell
    from rasad.testing.tabular import xlsx_workbook

    class Unit:
        def __init__(self, code: str, name: str, decimals: int | None) -> None:
            self.code, self.name, self.name_en, self.decimals = code, name, code, decimals

    tonne, share = Unit("t", "تن", 1), Unit("%", "درصد", None)
    rows = [[quantity_cell(12500, tonne)], [quantity_cell(47.25, share)], [percent_cell(8.0, sign="±")]]
    rows += [[Quantity(3, 'k"g', 0)], [quantity_cell(None, tonne)]]

    def workbook(language: str, persian_digits: bool) -> object:
        buffer = io.BytesIO()
        token = display.activate(
            display.DisplayPreferences(language, "jalali", persian_digits=persian_digits)
        )
        try:
            cells = [[quantity_cell(12500, tonne)]] if language == "en" else rows
            write_xlsx(buffer, [Sheet("s", cells)], rtl=True)
        finally:
            display.reset(token)
        return xlsx_workbook(buffer.getvalue()).active

    sheet: Any = workbook("fa", True)
    cells = [sheet.cell(row=r, column=1) for r in range(1, 5)]
    assert [(c.data_type, c.value) for c in cells] == [("n", 12500), ("n", 47.25), ("n", 8), ("n", 3)]
    # Each cell its own unit: one column may mix them. The places are the unit's (or by size).
    assert [c.number_format for c in cells] == [
        '[$-3000429]#,##0.0" تن"',
        '[$-3000429]#,##0.0"٪"',
        '[$-3000429]"±"#,##0.0"٪"',
        '[$-3000429]#,##0" kg"',
    ]
    assert sheet.cell(row=5, column=1).value is None
    english: Any = workbook("en", False)
    assert (english["A1"].value, english["A1"].number_format) == (12500, '#,##0.0" t"')


def test_a_quantity_is_its_number_in_csv_and_reads_back_as_a_number():
    from rasad.lib.tabular import Quantity

    columns = [ExportColumn("value", "مقدار", lambda t: Quantity(t.amount, "تن", 1))]
    buffer = io.BytesIO()
    write_csv(buffer, columns, [Thing("الف", amount=1234.5)])
    assert buffer.getvalue().decode("utf-8-sig").splitlines() == ["value", "1234.5"]
    sheet = io.BytesIO()
    export_xlsx(sheet, columns, [Thing("الف", amount=1234.5)], title="s", persian_digits=True)
    assert list(read_rows(sheet.getvalue(), "x.xlsx", Limits()))[2] == [1234.5]


def test_a_date_given_alone_is_written_in_the_reader_s_calendar_and_reads_back():
    """Session 24: a date that reached the workbook without ``date_columns`` (a report's «Prepared
    at», a sheet's own rows) was written as ISO text («2025-03-21T08:30:00+00:00»), Gregorian to a
    Persian reader. It is written as ``date_columns`` writes its first column, and an import reads
    it back, with the ISO column beside, in either calendar and either digits."""
    from datetime import UTC

    from rasad.lib.jalali import parse_date
    from rasad.lib.tabular import cell_text

    day, moment = date(2025, 3, 21), datetime(2025, 3, 21, 8, 30, tzinfo=UTC)
    columns = [*COLUMNS, ExportColumn("day", "روز", lambda t: t.when)]
    readers = {
        "fa": display.DisplayPreferences("fa", "jalali", persian_digits=True),
        "en": display.DisplayPreferences("en", "gregorian", persian_digits=False),
    }
    shown = {}
    for language, prefs in readers.items():
        token = display.activate(prefs)
        try:
            workbook, buffer = io.BytesIO(), io.BytesIO()
            export_xlsx(workbook, columns, [Thing("الف", day)], title="s")
            data = workbook.getvalue()
            write_xlsx(buffer, [Sheet("s", [["Prepared at", moment]])])
        finally:
            display.reset(token)
        row = list(_sheet(data).iter_rows(values_only=True))[2]
        shown[language] = (row[2], row[4], _sheet(buffer.getvalue()).cell(row=1, column=2).value)
        table, problems = read_table(
            data,
            "x.xlsx",
            [Column(key, key) for key in ("name", "when", "when_iso", "day")],
            Limits(),
            ignored=("amount",),
        )
        assert problems == []
        cells = table.rows[0].cells
        assert {parse_date(cell_text(cells[key])) for key in ("when", "when_iso", "day")} == {day}
    assert shown["fa"] == ("۱۴۰۴/۰۱/۰۱", "۱۴۰۴/۰۱/۰۱", "۱۴۰۴/۰۱/۰۱ ۱۲:۰۰")
    assert shown["en"][0] == shown["en"][1] and str(shown["en"][1]).startswith("2025")
