"""The site's calendar arithmetic (rasad.web.calendars), shared by training's events calendar and
the media calendar: the Iranian week from Saturday, the days a thing falls on, the month grid,
and a day's address; and the formatting of a week's days (rasad.lib.formatting)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import pytest
from django.utils import translation

from rasad.lib import display, formatting
from rasad.lib.jalali import TEHRAN, JalaliPeriod
from rasad.lib.persian import TextParseError
from rasad.web import calendars

PERSIAN = display.DisplayPreferences(language="fa", calendar="jalali", persian_digits=True)
ENGLISH = display.DisplayPreferences(language="en", calendar="jalali", persian_digits=False)
GREGORIAN = display.DisplayPreferences(language="en", calendar="gregorian", persian_digits=False)


@dataclass
class Thing:
    starts_at: datetime
    ends_at: datetime


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=TEHRAN)


@pytest.mark.parametrize("offset", range(7))
def test_every_day_of_a_week_belongs_to_its_saturday(offset: int) -> None:
    saturday = date(2025, 11, 29)
    assert calendars.week_start(saturday + timedelta(days=offset)) == saturday


def test_an_empty_week_is_this_week_and_a_bad_one_raises_the_reason() -> None:
    assert calendars.week_of("", date(2025, 12, 3)) == date(2025, 11, 29)
    assert calendars.week_of("۱۴۰۴/۰۹/۱۲", date(2030, 1, 1)) == date(2025, 11, 29)
    with pytest.raises(TextParseError):
        calendars.week_of("1404-02-32", date(2025, 12, 3))


def test_a_thing_falls_on_each_day_it_spans_within_the_days_asked() -> None:
    three_days = Thing(_at(date(2025, 11, 28), 9), _at(date(2025, 11, 30), 13))
    days = calendars.by_day([three_days], date(2025, 11, 29), date(2025, 11, 30))
    assert days == {date(2025, 11, 29): [three_days]}


def test_the_month_grid_starts_on_saturday_and_fills_whole_weeks() -> None:
    azar = JalaliPeriod("month", 1405, 9)  # 1 Azar 1405 is a Sunday
    weeks = calendars.month_grid(azar, [], date(2026, 12, 3))
    assert weeks[0][0] is None and weeks[0][1] is not None and weeks[0][1]["key"] == "1405-09-01"
    assert all(len(week) == 7 for week in weeks)
    assert [cell["number"] for week in weeks for cell in week if cell] == list(range(1, 31))
    assert [cell["key"] for week in weeks for cell in week if cell and cell["today"]] == ["1405-09-12"]


def test_the_weekday_headings_run_saturday_to_friday_with_their_initials() -> None:
    with translation.override("fa"):
        headings = calendars.weekday_headings()
    assert headings == [
        ("شنبه", "ش"),
        ("یکشنبه", "ی"),
        ("دوشنبه", "د"),
        ("سه‌شنبه", "س"),
        ("چهارشنبه", "چ"),
        ("پنجشنبه", "پ"),
        ("جمعه", "ج"),
    ]


@pytest.mark.parametrize(
    ("first", "prefs", "shown"),
    [
        (date(2025, 11, 29), PERSIAN, "۸ تا ۱۴ آذر ۱۴۰۴"),
        (date(2025, 12, 20), PERSIAN, "۲۹ آذر تا ۵ دی ۱۴۰۴"),
        (date(2027, 3, 20), PERSIAN, "۲۹ اسفند ۱۴۰۵ تا ۶ فروردین ۱۴۰۶"),
        (date(2025, 11, 29), ENGLISH, "8 to 14 Azar 1404"),
        (date(2025, 11, 29), GREGORIAN, "29 November 2025 to 5 December 2025"),
    ],
)
def test_a_weeks_days_are_named_without_repeating_month_or_year(
    first: date, prefs: display.DisplayPreferences, shown: str
) -> None:
    with translation.override(prefs.language):
        assert formatting.date_range_text(first, first + timedelta(days=6), prefs=prefs) == shown


def test_a_day_of_the_week_is_its_day_and_month() -> None:
    assert formatting.day_month_text(date(2025, 11, 29), prefs=PERSIAN) == "۸ آذر"
    assert formatting.day_month_text(date(2025, 11, 29), prefs=ENGLISH) == "8 Azar"
