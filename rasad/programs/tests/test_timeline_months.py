"""The timeline's month columns: a long span names only the seasons' first months, and the year
goes to the first named column, so that a span starting mid-season does not write «اردیبهشت ۱۴۰۴»
over the columns before Tir and into Tir's name."""

from __future__ import annotations

from rasad.lib.jalali import JalaliPeriod
from rasad.programs.views import DENSE_MONTHS, timeline_months


def _months(year: int, month: int, count: int) -> list[JalaliPeriod]:
    first = JalaliPeriod("month", year, month)
    months = [first]
    while len(months) < count:
        months.append(months[-1].next())
    return months


def test_a_long_span_starting_mid_season_names_its_first_season_with_the_year():
    context = timeline_months(_months(1404, 2, 23))  # Ordibehesht 1404 to Esfand 1405
    assert context["timeline_dense"]
    named = [(m["short"], m["season"]) for m in context["timeline_months"][:4]]
    assert named == [("اردیبهشت", False), ("خرداد", False), ("تیر ۱۴۰۴", True), ("مرداد", False)]
    with_year = [m["short"] for m in context["timeline_months"] if " " in m["short"]]
    assert with_year == ["تیر ۱۴۰۴", "فروردین ۱۴۰۵"]
    assert round(sum(m["width"] for m in context["timeline_months"])) == 100


def test_a_short_span_names_every_month_and_its_first_with_the_year():
    context = timeline_months(_months(1404, 2, DENSE_MONTHS))
    assert not context["timeline_dense"]
    assert [m["short"] for m in context["timeline_months"][:2]] == ["اردیبهشت ۱۴۰۴", "خرداد"]
    assert context["timeline_months"][0]["season"]
