"""The compliance workbook writes its percentages as numbers shown with «٪» in the reader's
digits, on every sheet (docs/exports-and-background-work.md, "Figures in a unit"); in CSV the
number alone, as before."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace
from typing import Any

from rasad.assessments.compliance import Heat
from rasad.assessments.exports import compliance_columns, province_columns, trend_columns
from rasad.assessments.models import Section
from rasad.testing.tabular import shown_cells

RESULT: Any = SimpleNamespace(sections=[Section(code="A", title="رهبری", order=1)])


def test_every_sheet_s_percentages_are_numbers_shown_in_percent():
    row = SimpleNamespace(
        organization=SimpleNamespace(name="معدن", code="M1"),
        assessments=2,
        final=1,
        total=Heat(87.456, 1),
        sections=[Heat(None, 0)],
    )
    persian = shown_cells(compliance_columns(RESULT), row)
    # The section's column: its stable key for machines (row 2), its Persian label for people (row 1).
    assert [(c.key, c.label) for c in compliance_columns(RESULT)][-1] == ("section_A", "الف) رهبری")
    assert persian["total"] == (87.456, '[$-3000429]#,##0"٪"', "87.456")
    assert persian["section_A"] == (None, "General", "")  # no final assessment: an empty cell
    trend = SimpleNamespace(
        cycle=SimpleNamespace(name="۱۴۰۵", opens_on=date(2026, 3, 21)),
        assessments=3,
        total=Heat(50.0, 3),
        sections=[Heat(62.5, 3)],
    )
    assert shown_cells(trend_columns(RESULT), trend, "en")["section_A"][:2] == (62.5, '#,##0"%"')
    province = SimpleNamespace(name="کرمان", code="08", heat=Heat(90.0, 4))
    assert shown_cells(province_columns(), province)["total"][:2] == (90, '[$-3000429]#,##0"٪"')
