"""Tests for rasad.lib.jalali: formats, parsing, leap years, Nowruz and reporting periods."""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import django
import pytest
from django.conf import settings
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from rasad.lib.jalali import (
    JALALI_MONTH_NAMES,
    Calendar,
    DateStyle,
    JalaliDate,
    JalaliPeriod,
    PeriodKind,
    format_date,
    format_datetime,
    from_jalali,
    is_jalali_leap_year,
    jalali_month_length,
    jalali_month_names,
    local_date,
    parse_date,
    periods_between,
    to_jalali,
    to_tehran,
    today_in_tehran,
    today_jalali,
)
from rasad.lib.persian import TextParseError

# These tests need Django only for translated messages. Under pytest-django the project settings
# are already loaded; run on their own (``-p no:django``) they get the smallest settings that work.
if not settings.configured and not os.environ.get("DJANGO_SETTINGS_MODULE"):
    settings.configure(USE_I18N=True, INSTALLED_APPS=[])
    django.setup()

# 2025-03-03 12:51 UTC is 16:21 in Tehran (UTC+03:30), the time stamp of the first seed article.
SEED_MOMENT = datetime(2025, 3, 3, 12, 51, tzinfo=UTC)


# ---------------------------------------------------------------------------------------------
# The calendar
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("year", "is_leap"),
    [(1395, True), (1399, True), (1400, False), (1402, False), (1403, True), (1404, False), (1408, True)],
)
def test_is_jalali_leap_year(year: int, is_leap: bool) -> None:
    assert is_jalali_leap_year(year) is is_leap


@pytest.mark.parametrize(
    ("year", "month", "length"),
    [(1403, 1, 31), (1403, 6, 31), (1403, 7, 30), (1403, 11, 30), (1403, 12, 30), (1404, 12, 29)],
)
def test_jalali_month_length(year: int, month: int, length: int) -> None:
    assert jalali_month_length(year, month) == length


@pytest.mark.parametrize(
    ("jalali", "gregorian"),
    [
        ((1403, 1, 1), date(2024, 3, 20)),  # Nowruz 1403
        ((1402, 12, 29), date(2024, 3, 19)),  # last day of the common year 1402
        ((1403, 12, 30), date(2025, 3, 20)),  # leap day of 1403
        ((1404, 1, 1), date(2025, 3, 21)),  # Nowruz 1404
        ((1404, 12, 29), date(2026, 3, 20)),  # last day of the common year 1404
        ((1405, 1, 1), date(2026, 3, 21)),
        ((1403, 12, 13), date(2025, 3, 3)),
        ((1403, 7, 1), date(2024, 9, 22)),
    ],
)
def test_jalali_and_gregorian_days_match(jalali: tuple[int, int, int], gregorian: date) -> None:
    assert from_jalali(*jalali) == gregorian
    assert to_jalali(gregorian) == JalaliDate(*jalali)


def test_month_names_run_from_farvardin_to_esfand() -> None:
    assert jalali_month_names is JALALI_MONTH_NAMES
    assert (JALALI_MONTH_NAMES[0], JALALI_MONTH_NAMES[6], JALALI_MONTH_NAMES[11]) == (
        "فروردین",
        "مهر",
        "اسفند",
    )


# ---------------------------------------------------------------------------------------------
# Tehran time
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (date(2025, 3, 20), date(2025, 3, 20)),
        (datetime(2025, 3, 20, 20, 29, tzinfo=UTC), date(2025, 3, 20)),  # 23:59 in Tehran
        (datetime(2025, 3, 20, 20, 30, tzinfo=UTC), date(2025, 3, 21)),  # 00:00 in Tehran: Nowruz
        (datetime(2025, 3, 21, 0, 30, tzinfo=ZoneInfo("Asia/Tehran")), date(2025, 3, 21)),
        (datetime(2025, 3, 20, 23, 0), date(2025, 3, 20)),  # naive: taken as Tehran time
    ],
)
def test_local_date_is_the_day_in_tehran(value: date, expected: date) -> None:
    assert local_date(value) == expected


def test_to_tehran_converts_aware_datetimes() -> None:
    assert to_tehran(SEED_MOMENT).strftime("%H:%M") == "16:21"


def test_today_helpers_use_tehran_time() -> None:
    just_after_nowruz = datetime(2025, 3, 20, 21, 0, tzinfo=UTC)
    assert today_in_tehran(just_after_nowruz) == date(2025, 3, 21)
    assert today_jalali(just_after_nowruz) == JalaliDate(1404, 1, 1)
    assert isinstance(today_jalali(), JalaliDate)


# ---------------------------------------------------------------------------------------------
# Formatting
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "calendar", "persian_digits", "style", "expected"),
    [
        (date(2025, 3, 3), "jalali", True, "short", "۱۴۰۳/۱۲/۱۳"),
        (date(2025, 3, 3), "jalali", True, "long", "۱۳ اسفند ۱۴۰۳"),
        (date(2025, 3, 3), "jalali", False, "short", "1403/12/13"),
        (date(2025, 3, 3), "jalali", False, "long", "13 اسفند 1403"),
        (date(2025, 3, 3), "gregorian", False, "short", "2025-03-03"),
        (date(2025, 3, 3), "gregorian", False, "long", "3 March 2025"),
        (date(2025, 3, 3), "gregorian", True, "short", "۲۰۲۵-۰۳-۰۳"),
        (date(2025, 3, 3), "gregorian", True, "long", "۳ مارس ۲۰۲۵"),
        (date(2025, 3, 21), "jalali", True, "short", "۱۴۰۴/۰۱/۰۱"),
        (date(2025, 3, 21), "jalali", True, "long", "۱ فروردین ۱۴۰۴"),
        (date(2025, 3, 20), "jalali", True, "long", "۳۰ اسفند ۱۴۰۳"),
        (date(2024, 9, 22), "jalali", True, "long", "۱ مهر ۱۴۰۳"),
        (datetime(2025, 3, 20, 21, 0, tzinfo=UTC), "jalali", True, "short", "۱۴۰۴/۰۱/۰۱"),
        (datetime(2025, 3, 20, 21, 0, tzinfo=UTC), "gregorian", False, "short", "2025-03-21"),
        (None, "jalali", True, "short", "—"),
    ],
)
def test_format_date(
    value: date | None, calendar: Calendar, persian_digits: bool, style: DateStyle, expected: str
) -> None:
    assert format_date(value, calendar=calendar, persian_digits=persian_digits, style=style) == expected


@pytest.mark.parametrize(
    ("calendar", "persian_digits", "style", "expected"),
    [
        ("jalali", True, "short", "۱۴۰۳/۱۲/۱۳ ۱۶:۲۱"),
        ("jalali", True, "long", "۱۳ اسفند ۱۴۰۳، ساعت ۱۶:۲۱"),
        ("jalali", False, "short", "1403/12/13 16:21"),
        ("jalali", False, "long", "13 اسفند 1403، ساعت 16:21"),
        ("gregorian", False, "short", "2025-03-03 16:21"),
        ("gregorian", False, "long", "3 March 2025, 16:21"),
        ("gregorian", True, "long", "۳ مارس ۲۰۲۵، ساعت ۱۶:۲۱"),
    ],
)
def test_format_datetime_shows_tehran_time(
    calendar: Calendar, persian_digits: bool, style: DateStyle, expected: str
) -> None:
    text = format_datetime(SEED_MOMENT, calendar=calendar, persian_digits=persian_digits, style=style)
    assert text == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, "—"),
        (date(2025, 3, 3), "۱۴۰۳/۱۲/۱۳"),  # a plain date has no time to show
        (datetime(2025, 3, 20, 23, 45), "۱۴۰۳/۱۲/۳۰ ۲۳:۴۵"),  # naive: already Tehran time
    ],
)
def test_format_datetime_edge_values(value: datetime | None, expected: str) -> None:
    assert format_datetime(value) == expected


@pytest.mark.parametrize(("option", "value"), [("calendar", "hijri"), ("style", "medium")])
def test_format_date_rejects_unknown_options(option: str, value: str) -> None:
    with pytest.raises(ValueError, match=option):
        format_date(date(2025, 3, 3), **{option: value})  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------------------
# Parsing
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "calendar", "expected"),
    [
        ("1403/12/13", "jalali", date(2025, 3, 3)),
        ("۱۴۰۳/۱۲/۱۳", "jalali", date(2025, 3, 3)),
        ("۱۴۰۳-۱۲-۱۳", "jalali", date(2025, 3, 3)),
        ("١٤٠٣.١٢.١٣", "jalali", date(2025, 3, 3)),
        ("1403/1/1", "jalali", date(2024, 3, 20)),
        (" 1403 / 12 / 13 ", "jalali", date(2025, 3, 3)),
        ("\u200e1403/12/13", "jalali", date(2025, 3, 3)),
        ("1403/12/30", "jalali", date(2025, 3, 20)),  # 1403 is a leap year
        ("1404/01/01", "jalali", date(2025, 3, 21)),
        ("1404/12/29", "jalali", date(2026, 3, 20)),
        ("2025-03-03", "jalali", date(2025, 3, 3)),  # ISO is understood in either calendar
        ("2025-03-03", "gregorian", date(2025, 3, 3)),
        ("۲۰۲۵/۰۳/۰۳", "gregorian", date(2025, 3, 3)),
        ("2024-02-29", "gregorian", date(2024, 2, 29)),
    ],
)
def test_parse_date(text: str, calendar: Calendar, expected: date) -> None:
    assert parse_date(text, calendar=calendar) == expected


@pytest.mark.parametrize(
    ("text", "calendar", "code", "fragment"),
    [
        ("", "jalali", "empty", "empty"),
        ("  ", "jalali", "empty", "empty"),
        ("فردا", "jalali", "invalid_format", "“فردا” is not a date"),
        ("1403/12", "jalali", "invalid_format", "year/month/day"),
        ("1403/12/13 10:00", "jalali", "invalid_format", "year/month/day"),
        ("13/12/1403", "jalali", "year_last", "year first"),
        ("03/12/13", "jalali", "year_digits", "four digits"),
        ("1403/13/01", "jalali", "month_range", "Month 13 does not exist"),
        ("1403/00/10", "jalali", "month_range", "Month 0 does not exist"),
        ("1404/12/30", "jalali", "not_leap_year", "1404 is not a leap year"),
        ("1403/12/31", "jalali", "day_range", "Day 31 does not exist: month 12 of 1403 has 30 days"),
        ("1404/07/31", "jalali", "day_range", "Day 31 does not exist: month 7 of 1404 has 30 days"),
        ("1403/01/00", "jalali", "day_range", "Day 0 does not exist"),
        ("2025-02-29", "gregorian", "not_leap_year", "2025 is not a leap year"),
        ("2025-04-31", "gregorian", "day_range", "month 4 of 2025 has 30 days"),
        ("2025-13-01", "jalali", "month_range", "Month 13"),
        ("1403/12/13", "gregorian", "jalali_year", "1403 looks like a Jalali year"),
        # An invisible character pasted with the date is named (session 23: the message quoted
        # the text, in which the cause cannot be seen).
        ("1403/12/13\u200c", "jalali", "invalid_character", "U+200C"),
        ("1403/\u200b12/13", "jalali", "invalid_character", "U+200B"),
        ("\ufeff1403/12/13", "jalali", "invalid_character", "U+FEFF"),
    ],
)
def test_parse_date_error_names_the_cause(text: str, calendar: Calendar, code: str, fragment: str) -> None:
    with pytest.raises(TextParseError) as caught:
        parse_date(text, calendar=calendar)
    assert caught.value.code == code
    with translation.override("en"):
        assert fragment in str(caught.value)


def test_parse_date_error_is_a_value_error() -> None:
    with translation.override("en"), pytest.raises(ValueError, match="leap year"):
        parse_date("1404/12/30")


@given(st.dates(min_value=date(1950, 1, 1), max_value=date(2122, 3, 20)), st.booleans())
def test_parse_date_reads_what_format_date_writes(value: date, persian_digits: bool) -> None:
    for calendar in ("jalali", "gregorian"):
        text = format_date(value, calendar=calendar, persian_digits=persian_digits)
        assert parse_date(text, calendar=calendar) == value


# ---------------------------------------------------------------------------------------------
# Reporting periods
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("period", "start", "end"),
    [
        (JalaliPeriod("season", 1403, 1), date(2024, 3, 20), date(2024, 6, 21)),  # بهار
        (JalaliPeriod("season", 1403, 2), date(2024, 6, 21), date(2024, 9, 22)),  # تابستان
        (JalaliPeriod("season", 1403, 3), date(2024, 9, 22), date(2024, 12, 21)),  # پاییز
        (JalaliPeriod("season", 1403, 4), date(2024, 12, 21), date(2025, 3, 21)),  # زمستان, with the leap day
        (JalaliPeriod("month", 1403, 7), date(2024, 9, 22), date(2024, 10, 22)),
        (JalaliPeriod("month", 1403, 12), date(2025, 2, 19), date(2025, 3, 21)),  # 30 days
        (JalaliPeriod("month", 1404, 12), date(2026, 2, 20), date(2026, 3, 21)),  # 29 days
        (JalaliPeriod("half", 1403, 1), date(2024, 3, 20), date(2024, 9, 22)),  # فروردین-شهریور
        (JalaliPeriod("half", 1403, 2), date(2024, 9, 22), date(2025, 3, 21)),  # مهر-اسفند
        (JalaliPeriod("year", 1403), date(2024, 3, 20), date(2025, 3, 21)),  # 366 days
        (JalaliPeriod("year", 1404), date(2025, 3, 21), date(2026, 3, 21)),  # 365 days
    ],
)
def test_period_start_and_exclusive_end(period: JalaliPeriod, start: date, end: date) -> None:
    assert (period.start, period.end) == (start, end)


@pytest.mark.parametrize(
    ("period", "label", "latin_label", "key"),
    [
        (JalaliPeriod("month", 1403, 7), "مهر ۱۴۰۳", "مهر 1403", "1403-07"),
        (JalaliPeriod("month", 1404, 1), "فروردین ۱۴۰۴", "فروردین 1404", "1404-01"),
        (JalaliPeriod("season", 1403, 1), "بهار ۱۴۰۳", "بهار 1403", "1403-S1"),
        (JalaliPeriod("season", 1403, 2), "تابستان ۱۴۰۳", "تابستان 1403", "1403-S2"),
        (JalaliPeriod("season", 1403, 3), "پاییز ۱۴۰۳", "پاییز 1403", "1403-S3"),
        (JalaliPeriod("season", 1403, 4), "زمستان ۱۴۰۳", "زمستان 1403", "1403-S4"),
        (JalaliPeriod("half", 1403, 2), "نیمهٔ دوم ۱۴۰۳", "نیمهٔ دوم 1403", "1403-H2"),
        (JalaliPeriod("year", 1403), "۱۴۰۳", "1403", "1403"),
    ],
)
def test_period_label_and_key(period: JalaliPeriod, label: str, latin_label: str, key: str) -> None:
    assert period.label() == label
    assert period.label(persian_digits=False) == latin_label
    assert period.key == key
    assert str(period) == key


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("1403-07", JalaliPeriod("month", 1403, 7)),
        ("1403-7", JalaliPeriod("month", 1403, 7)),
        ("۱۴۰۳-۰۷", JalaliPeriod("month", 1403, 7)),
        ("1403/07", JalaliPeriod("month", 1403, 7)),
        ("1403-S2", JalaliPeriod("season", 1403, 2)),
        ("1403-s2", JalaliPeriod("season", 1403, 2)),
        ("۱۴۰۳-S۲", JalaliPeriod("season", 1403, 2)),
        ("1403-H1", JalaliPeriod("half", 1403, 1)),
        ("۱۴۰۳-h۲", JalaliPeriod("half", 1403, 2)),
        ("1403", JalaliPeriod("year", 1403)),
        ("١٤٠٣", JalaliPeriod("year", 1403)),
        (" 1404 ", JalaliPeriod("year", 1404)),
    ],
)
def test_period_parse(key: str, expected: JalaliPeriod) -> None:
    assert JalaliPeriod.parse(key) == expected


@pytest.mark.parametrize(
    ("key", "code", "fragment"),
    [
        ("", "invalid_period", "is not a period"),
        ("مهر ۱۴۰۳", "invalid_period", "“مهر ۱۴۰۳” is not a period"),
        ("1403-Q2", "invalid_period", "1403-S2 for a season"),
        ("1403-13", "month_range", "Month 13 does not exist"),
        ("1403-00", "month_range", "Month 0 does not exist"),
        ("1403-S5", "season_range", "Season 5 does not exist"),
        ("1403-H3", "half_range", "Half 3 does not exist"),
        ("0000", "year_range", "Year 0"),
    ],
)
def test_period_parse_error_names_the_cause(key: str, code: str, fragment: str) -> None:
    with pytest.raises(TextParseError) as caught:
        JalaliPeriod.parse(key)
    assert caught.value.code == code
    with translation.override("en"):
        assert fragment in str(caught.value)


@pytest.mark.parametrize(
    ("kind", "year", "index"),
    [("month", 1403, 13), ("month", 1403, 0), ("season", 1403, 5), ("year", 1403, 2), ("week", 1403, 1)],
)
def test_period_rejects_impossible_values(kind: str, year: int, index: int) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 - the message is for programmers
        JalaliPeriod(kind, year, index)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("value", "kind", "expected"),
    [
        (date(2024, 6, 20), "season", JalaliPeriod("season", 1403, 1)),  # 31 Khordad
        (date(2024, 6, 21), "season", JalaliPeriod("season", 1403, 2)),  # 1 Tir
        (date(2025, 3, 20), "season", JalaliPeriod("season", 1403, 4)),  # 30 Esfand
        (date(2025, 3, 21), "season", JalaliPeriod("season", 1404, 1)),  # Nowruz
        (date(2025, 3, 20), "month", JalaliPeriod("month", 1403, 12)),
        (date(2025, 3, 21), "month", JalaliPeriod("month", 1404, 1)),
        (date(2025, 3, 20), "year", JalaliPeriod("year", 1403)),
        (date(2025, 3, 21), "year", JalaliPeriod("year", 1404)),
        (date(2024, 9, 21), "half", JalaliPeriod("half", 1403, 1)),  # 31 Shahrivar
        (date(2024, 9, 22), "half", JalaliPeriod("half", 1403, 2)),  # 1 Mehr
        (datetime(2025, 3, 20, 21, 0, tzinfo=UTC), "year", JalaliPeriod("year", 1404)),  # Tehran time
    ],
)
def test_period_containing(value: date, kind: PeriodKind, expected: JalaliPeriod) -> None:
    period = JalaliPeriod.containing(value, kind)
    assert period == expected
    assert period.contains(value)


@pytest.mark.parametrize(
    ("period", "following"),
    [
        (JalaliPeriod("month", 1403, 7), JalaliPeriod("month", 1403, 8)),
        (JalaliPeriod("month", 1403, 12), JalaliPeriod("month", 1404, 1)),
        (JalaliPeriod("season", 1403, 4), JalaliPeriod("season", 1404, 1)),
        (JalaliPeriod("season", 1403, 1), JalaliPeriod("season", 1403, 2)),
        (JalaliPeriod("half", 1403, 2), JalaliPeriod("half", 1404, 1)),
        (JalaliPeriod("year", 1403), JalaliPeriod("year", 1404)),
    ],
)
def test_period_next_and_previous(period: JalaliPeriod, following: JalaliPeriod) -> None:
    assert period.next() == following
    assert following.previous() == period
    assert period.end == following.start


def test_periods_sort_by_start_then_length() -> None:
    periods = [
        JalaliPeriod("year", 1403),
        JalaliPeriod("month", 1403, 2),
        JalaliPeriod("season", 1403, 1),
        JalaliPeriod("month", 1402, 12),
        JalaliPeriod("month", 1403, 1),
    ]
    assert sorted(periods) == [
        JalaliPeriod("month", 1402, 12),
        JalaliPeriod("month", 1403, 1),
        JalaliPeriod("season", 1403, 1),
        JalaliPeriod("year", 1403),
        JalaliPeriod("month", 1403, 2),
    ]
    assert JalaliPeriod("month", 1403, 12) < JalaliPeriod("month", 1404, 1)
    assert JalaliPeriod("month", 1403, 1) <= JalaliPeriod("month", 1403, 1)


def test_periods_are_hashable_values() -> None:
    assert len({JalaliPeriod("month", 1403, 7), JalaliPeriod.parse("1403-07")}) == 1


@pytest.mark.parametrize(
    ("start", "end", "keys"),
    [
        ("1403-S3", "1404-S2", ["1403-S3", "1403-S4", "1404-S1", "1404-S2"]),
        ("1403-11", "1404-02", ["1403-11", "1403-12", "1404-01", "1404-02"]),
        ("1403-07", "1403-07", ["1403-07"]),
        ("1402", "1404", ["1402", "1403", "1404"]),
        ("1404-02", "1403-11", []),
    ],
)
def test_periods_between_includes_both_ends(start: str, end: str, keys: list[str]) -> None:
    periods = periods_between(JalaliPeriod.parse(start), JalaliPeriod.parse(end))
    assert [period.key for period in periods] == keys


def test_periods_between_needs_one_kind() -> None:
    with pytest.raises(ValueError, match="one kind"):
        periods_between(JalaliPeriod("month", 1403, 1), JalaliPeriod("season", 1403, 2))


_periods = st.builds(
    lambda kind, year, index: JalaliPeriod(
        kind, year, min(index, {"month": 12, "season": 4, "half": 2, "year": 1}[kind])
    ),
    st.sampled_from(["month", "season", "half", "year"]),
    st.integers(min_value=1300, max_value=1500),
    st.integers(min_value=1, max_value=12),
)


@given(_periods)
def test_period_key_round_trips_and_periods_tile_the_calendar(period: JalaliPeriod) -> None:
    assert JalaliPeriod.parse(period.key) == period
    assert period.next().previous() == period
    assert period.previous() < period < period.next()
    # Consecutive periods meet without gap or overlap, and contain their first and last days.
    assert period.end == period.next().start
    assert period.contains(period.start)
    assert period.contains(period.end - timedelta(days=1))
    assert not period.contains(period.end)
    assert JalaliPeriod.containing(period.start, period.kind) == period


# ---------------------------------------------------------------------------------------------
# Accepted dates, and dates stored before the range was enforced
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["1199/12/29", "1501/01/01", "2122-03-21", "1821-03-20", "9999-12-31"])
def test_parse_date_refuses_dates_outside_the_accepted_range(text: str) -> None:
    with pytest.raises(TextParseError) as caught:
        parse_date(text)
    assert caught.value.code == "date_range"
    with translation.override("en"):
        assert "1200/01/01 (1821-03-21)" in str(caught.value)


@pytest.mark.parametrize(
    ("text", "expected"), [("1200/01/01", date(1821, 3, 21)), ("1500/12/29", date(2122, 3, 20))]
)
def test_parse_date_accepts_the_ends_of_the_range(text: str, expected: date) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [(date(1, 1, 1), "0001-01-01"), (date(9999, 12, 31), "9999-12-31"), (date(622, 3, 21), "0622-03-21")],
)
def test_format_date_shows_a_date_with_no_jalali_day_in_iso_form(value: date, expected: str) -> None:
    assert format_date(value, persian_digits=False) == expected
    assert format_date(value, persian_digits=False, style="long") == expected


def test_format_datetime_survives_the_last_representable_moment() -> None:
    moment = datetime(9999, 12, 31, 23, 59, tzinfo=UTC)
    assert format_datetime(moment, persian_digits=False) == "9999-12-31 23:59"


def test_the_accepted_range_is_named_in_persian_digits_to_a_persian_reader() -> None:
    with pytest.raises(TextParseError) as caught:
        parse_date("1501/01/01")
    with translation.override("fa"):
        text = str(caught.value)
    assert "۱۲۰۰/۰۱/۰۱" in text and "۱۵۰۰/۱۲/۲۹" in text
    assert not any("0" <= character <= "9" for character in text), text
