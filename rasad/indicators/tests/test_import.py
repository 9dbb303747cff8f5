"""CSV and Excel import: all-or-nothing by default, a per-row error report naming row, column
and cause, and "apply valid rows" on request."""

from __future__ import annotations

import pytest
from django.utils import translation

from rasad.indicators.importer import do_import, read_table
from rasad.indicators.models import Observation
from rasad.testing.cast import Cast
from rasad.testing.tabular import xlsx_bytes

HEADER = ["organization", "indicator", "period", "value", "unit", "comment"]


def xlsx(rows) -> bytes:
    return xlsx_bytes([HEADER, *rows])


def test_a_year_from_excel(assigned: Cast):
    rows = [["ISF-P1", "ELEC_CONS", f"1402-{m:02d}", 1000 + m, "MWh", ""] for m in range(1, 13)]
    outcome = do_import(read_table("year.xlsx", xlsx(rows)), acting_user=assigned.ali)
    assert outcome.errors == []
    assert outcome.applied is not None and outcome.applied.created == 12
    assert Observation.objects.filter(organization=assigned.isfahan_post).count() == 12


def test_units_are_converted(assigned: Cast):
    outcome = do_import(
        read_table("u.xlsx", xlsx([["ISF-P1", "ELEC_CONS", "1402-01", 3600, "GJ", ""]])),
        acting_user=assigned.ali,
    )
    assert outcome.errors == []
    assert Observation.objects.get().value == pytest.approx(1000.0)


BAD = [
    ["ISF-P1", "ELEC_CONS", "1402-01", 100, "MWh", ""],  # row 2: fine
    ["ISF-P1", "ELEC_CONS", "1402-02", 100, "t", ""],  # row 3: wrong unit
    ["ISF-P1", "ELEC_CONS", "1499-01", 100, "", ""],  # row 4: future period
    ["ISF-P1", "ELEC_CONS", "1402-03", "صد", "", ""],  # row 5: non-numeric
    ["ISF-P1", "ELEC_CONS", "1402-01", 101, "", ""],  # row 6: duplicate of row 2
    ["ISF-P1", "NO_SUCH", "1402-04", 1, "", ""],  # row 7: unknown indicator
    ["KER-P1", "ELEC_CONS", "1402-04", 1, "", ""],  # row 8: out of scope, reads as unknown
    ["ISF-P1", "ORE_MILLED", "1402-05", "۱۲٫۵", "", ""],  # row 9: fine, Persian digits
]


def test_bad_rows_are_reported_and_nothing_is_applied(assigned: Cast):
    with translation.override("en"):
        outcome = do_import(read_table("bad.xlsx", xlsx(BAD)), acting_user=assigned.ali)
    found = [(e.row, e.column) for e in outcome.errors]
    assert found == [
        (3, "unit"),
        (4, "period"),
        (5, "value"),
        (6, "period"),
        (7, "indicator"),
        (8, "organization"),
    ]
    messages = {e.row: e.message for e in outcome.errors}
    assert "cannot be converted" in messages[3]
    assert "future" in messages[4]
    assert "not a number" in messages[5]
    assert "Duplicate of row ۲" in messages[6]  # English words, the reader's (Persian) digits
    assert "NO_SUCH" in messages[7]
    assert "KER-P1" in messages[8]
    assert outcome.applied is None
    assert not Observation.objects.exists()


def test_apply_valid_rows_on_request(assigned: Cast):
    outcome = do_import(read_table("bad.xlsx", xlsx(BAD)), acting_user=assigned.ali, apply_valid_rows=True)
    assert outcome.applied is not None and outcome.applied.created == 2
    assert sorted(Observation.objects.values_list("period_key", "value")) == [
        ("1402-01", 100.0),
        ("1402-05", 12.5),
    ]


def test_csv_with_persian_error_messages(assigned: Cast):
    content = b"organization,indicator,period,value\nISF-P1,ELEC_CONS,1402-01,abc\n"
    outcome = do_import(read_table("data.csv", content), acting_user=assigned.ali)
    assert outcome.errors[0].row == 2
    assert any("\u0600" <= ch <= "\u06ff" for ch in outcome.errors[0].message)


def test_missing_columns_are_refused(assigned: Cast):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        read_table("data.csv", b"organization,value\nISF-P1,1\n")


def test_a_control_character_or_far_date_in_any_cell_is_a_row_error(assigned: Cast):
    """The input boundary, cell by cell: the bulk write bypasses pre_save, so the importer itself
    refuses what the boundary refuses, and reports every such row with its column."""
    import datetime

    content = (
        "organization,indicator,period,value,comment\n"
        "ISF-P1,ELEC_CONS,1402-01,100,خوب\tو روشن\n"  # row 2: a tab is allowed in a comment
        "ISF-P1,ELEC_CONS,1402-02,100,زنگ\x07\n"  # row 3: BEL
        "ISF-P1\x00,ELEC_CONS,1402-03,100,\n"  # row 4: NUL in a code
    ).encode()
    with translation.override("en"):
        outcome = do_import(read_table("cells.csv", content), acting_user=assigned.ali)
    assert [(e.row, e.column) for e in outcome.errors] == [(3, "comment"), (4, "organization")]
    assert all("control character" in e.message for e in outcome.errors)
    assert outcome.applied is None
    far = xlsx([["ISF-P1", "ELEC_CONS", "1402-01", 100, "", datetime.datetime(9999, 12, 31)]])
    outcome = do_import(read_table("far.xlsx", far), acting_user=assigned.ali)
    assert [(e.row, e.column) for e in outcome.errors] == [(2, "comment")]
    assert not Observation.objects.exists()
