"""The agencies' figures export writes the median hours and the share of deadlines met as numbers
shown with their unit in the reader's digits and names, with the places the figures page shows
(docs/exports-and-background-work.md, "Figures in a unit"); in CSV the number alone."""

from __future__ import annotations

from types import SimpleNamespace

from rasad.media.exports import figure_columns
from rasad.media.figures import AgencyFigures
from rasad.testing.tabular import shown_cells


def test_hours_and_shares_are_numbers_in_their_unit():
    figures = AgencyFigures(
        agency=SimpleNamespace(name="خبرگزاری", code="NA"),  # type: ignore[arg-type]
        issued=4,
        on_time=3,
        due=4,
        ack_hours_list=[1.25, 2.5, 30.0],
        score=71.234,
        rank=1,
    )
    persian = shown_cells(figure_columns(), figures)
    assert persian["ack_hours"] == (2.5, '[$-3000429]#,##0.0" ساعت"', "2.5")
    assert persian["response_hours"] == (None, "General", "")  # nothing answered: an empty cell
    assert persian["met_share"] == (75, '[$-3000429]#,##0"٪"', "75.0")
    assert shown_cells(figure_columns(), figures, "en")["ack_hours"][:2] == (2.5, '#,##0.0" h"')
