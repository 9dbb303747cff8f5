"""The applications export writes its amounts as numbers in rials, shown with the unit after them
in the reader's digits and names (docs/exports-and-background-work.md, "Figures in a unit"); in
CSV the number alone, as before."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from types import SimpleNamespace

from rasad.greenjobs.exports import application_columns
from rasad.testing.tabular import shown_cells


def _application(approved: Decimal | None) -> SimpleNamespace:
    return SimpleNamespace(
        number="GJ-1",
        organization=SimpleNamespace(name="کارگاه", code="W1"),
        scheme=SimpleNamespace(title="طرح", code="S1"),
        get_stage_display=lambda: "تأیید",
        stage="approved",
        amount_requested=Decimal(1_500_000_000),
        approved_amount=approved,
        disbursed_amount=Decimal(0),
        jobs_planned=4,
        priority_points=2,
        submitted_at=datetime(2026, 12, 1, 8, tzinfo=UTC),
    )


def test_amounts_are_numbers_in_rials_for_each_reader():
    persian = shown_cells(application_columns(), _application(Decimal(1_200_000_000)))
    assert persian["amount_requested"] == (1_500_000_000, '[$-3000429]#,##0" ریال"', "1500000000")
    assert persian["approved_amount"][:2] == (1_200_000_000, '[$-3000429]#,##0" ریال"')
    assert persian["disbursed_amount"][:2] == (0, '[$-3000429]#,##0" ریال"')
    english = shown_cells(application_columns(), _application(None), "en")
    assert english["amount_requested"][:2] == (1_500_000_000, '#,##0" IRR"')
    assert english["approved_amount"] == (None, "General", "")  # not approved yet: an empty cell
