"""The one formatting layer: numbers, quantities with units, periods, dates and deadlines, in
Persian and in English, with the reader's digits."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import pytest
from django.utils import translation

from rasad.lib import display, formatting
from rasad.lib.jalali import TEHRAN, JalaliPeriod, from_jalali

FA = display.DisplayPreferences(language="fa", persian_digits=True)
FA_LATIN = display.DisplayPreferences(language="fa", persian_digits=False)
EN = display.DisplayPreferences(language="en", persian_digits=False)


@dataclass
class Unit:
    code: str
    name: str
    name_en: str = ""
    decimals: int | None = None


def joined(text: str) -> str:
    """``text`` as the formatting layer writes it: a number bound to the unit after it by a no-break
    space (formatting.UNIT_JOIN); the tables below write plain spaces, to stay readable."""
    return re.sub("(?<=[0-9\u06f0-\u06f9]) ", formatting.UNIT_JOIN, text)


MWH = Unit("MWh", "مگاوات‌ساعت", "megawatt-hour")
PERCENT = Unit("%", "درصد", "percent", 1)
COUNT = Unit("count", "عدد", "count", 0)


@pytest.mark.parametrize(
    ("value", "places"),
    [(12345.678, 0), (100, 0), (47.85992578849722, 1), (3.4219, 2), (0.004567, 5), (0.5, 3), (0, 0)],
)
def test_places_follow_the_size_of_the_value(value, places):
    assert formatting.auto_decimals(value) == places


def test_a_breach_value_reads_as_a_person_writes_it():
    assert formatting.quantity(47.85992578849722, MWH, prefs=FA) == joined("۴۷٫۹ مگاوات‌ساعت")
    assert formatting.quantity(47.85992578849722, MWH, prefs=EN) == joined("47.9 MWh")


def test_a_whole_rounded_value_has_no_fraction():
    assert formatting.quantity(12000.4, MWH, prefs=FA) == joined("۱۲٬۰۰۰ مگاوات‌ساعت")
    assert formatting.quantity(2.0, MWH, prefs=FA) == joined("۲ مگاوات‌ساعت")


def test_the_units_own_places_win():
    assert formatting.quantity(12.0, COUNT, prefs=FA) == joined("۱۲ عدد")
    assert formatting.quantity(87.25, PERCENT, prefs=FA) == "۸۷٫۳٪"
    assert formatting.quantity(87.25, PERCENT, prefs=EN) == "87.3%"


def test_missing_values_are_a_dash_without_unit():
    assert formatting.quantity(None, MWH, prefs=FA) == "—"
    assert formatting.quantity(float("nan"), MWH, prefs=FA) == "—"


def test_persian_language_with_latin_digits_keeps_the_persian_unit_name():
    assert formatting.quantity(1234.5, MWH, prefs=FA_LATIN) == joined("1,235 مگاوات‌ساعت")


def test_numbers():
    assert formatting.number(1234567.891, decimals=2, prefs=FA) == "۱٬۲۳۴٬۵۶۷٫۸۹"
    assert formatting.number(47.85992578849722, rounded=True, prefs=FA) == "۴۷٫۹"
    assert formatting.number("۱۲۳۴", prefs=EN) == "1,234"
    assert formatting.number("ISO-9001", prefs=FA) == "ISO-۹۰۰۱"
    assert formatting.number(None, prefs=FA) == "—"


def test_percent_of_a_fraction():
    assert formatting.percent(0.875, prefs=FA) == "۸۸٪"
    assert formatting.percent(Decimal("0.5"), decimals=1, prefs=EN) == "50.0%"


@pytest.mark.parametrize(
    ("period", "persian", "english"),
    [
        (JalaliPeriod("month", 1405, 9), "آذر ۱۴۰۵", "Azar 1405"),
        (JalaliPeriod("season", 1405, 3), "پاییز ۱۴۰۵", "Autumn 1405"),
        (JalaliPeriod("half", 1405, 2), "نیمهٔ دوم ۱۴۰۵", "Second half 1405"),
        (JalaliPeriod("year", 1405), "۱۴۰۵", "1405"),
        ("1404-01", "فروردین ۱۴۰۴", "Farvardin 1404"),
        ("1404-H1", "نیمهٔ نخست ۱۴۰۴", "First half 1404"),
    ],
)
def test_periods_by_name(period, persian, english):
    assert formatting.period(period, prefs=FA) == persian
    assert formatting.period(period, prefs=EN) == english


def test_a_key_that_is_no_period_is_shown_with_the_readers_digits():
    assert formatting.period("1404-99", prefs=FA) == "۱۴۰۴-۹۹"


def test_dates_in_the_readers_calendar():
    day = from_jalali(1405, 9, 12)
    assert formatting.date_text(day, prefs=FA) == "۱۴۰۵/۰۹/۱۲"
    assert formatting.date_text(day, style="long", prefs=FA) == "۱۲ آذر ۱۴۰۵"
    assert formatting.date_text(day, style="long", prefs=EN) == "12 Azar 1405"
    gregorian = display.DisplayPreferences(language="en", calendar="gregorian", persian_digits=False)
    assert formatting.date_text(day, prefs=gregorian) == day.isoformat()


@pytest.mark.parametrize(
    ("offset", "persian", "english"),
    [
        (3, "مهلت ۳ روز دیگر", "due in 3 days"),
        (1, "مهلت فردا", "due tomorrow"),
        (0, "مهلت امروز", "due today"),
        (-5, "۵ روز از مهلت گذشته", "5 days overdue"),
    ],
)
def test_deadlines_from_today(offset, persian, english):
    today = date(2026, 12, 28)
    due = date.fromordinal(today.toordinal() + offset)
    with translation.override("fa"):
        assert formatting.due_text(due, today=today, prefs=FA) == joined(persian)
    with translation.override("en"):
        assert formatting.due_text(due, today=today, prefs=EN) == joined(english)


@pytest.mark.parametrize(
    ("start", "end", "persian", "english"),
    [
        ((1405, 9, 12), (1405, 9, 12), "۰ روز", "0 days"),
        ((1405, 9, 12), (1405, 11, 10), "۵۸ روز", "58 days"),  # 30 + 30 - 2
        ((1405, 9, 12), (1405, 12, 11), "۲ ماه", "2 months"),  # 89 days: not yet three months
        ((1405, 9, 12), (1405, 12, 12), "۳ ماه", "3 months"),
        ((1405, 9, 12), (1406, 9, 12), "۱ سال", "1 year"),
        ((1405, 9, 12), (1407, 9, 12), "۲ سال", "2 years"),  # a certificate's two years, not 730 days
        ((1405, 9, 12), (1406, 12, 20), "۱ سال و ۳ ماه", "1 year and 3 months"),
    ],
)
def test_a_span_reads_in_days_then_in_the_reader_s_months_and_years(start, end, persian, english):
    first, last = from_jalali(*start), from_jalali(*end)
    with translation.override("fa"):
        assert formatting.span_text(first, last, prefs=FA) == joined(persian)
        assert formatting.span_text(last, first, prefs=FA) == joined(persian)
    with translation.override("en"):
        assert formatting.span_text(first, last, prefs=EN) == joined(english)


def test_a_span_counts_the_months_of_the_reader_s_calendar():
    # 21 March to 21 May 2026 is two Gregorian months; in Jalali days, 1 Farvardin to 31
    # Ordibehesht 1405, one month and thirty days.
    first, last = date(2026, 3, 21), date(2026, 5, 21)
    gregorian = display.DisplayPreferences(language="en", calendar="gregorian", persian_digits=False)
    with translation.override("en"):
        assert formatting.span_text(first, last - timedelta(days=1), prefs=gregorian) == joined("1 month")
        assert formatting.span_text(first, last, prefs=gregorian) == joined("2 months")
        assert formatting.span_text(first, last, prefs=EN) == joined("1 month")


def test_a_far_deadline_reads_in_years_and_months():
    today = date(2026, 12, 28)
    with translation.override("fa"):
        assert (
            formatting.due_text(today + timedelta(days=730), today=today, prefs=FA)
            == joined("مهلت ۲ سال دیگر")  # 7 Dey 1405 to 7 Dey 1407
        )
        assert formatting.due_text(today - timedelta(days=400), today=today, prefs=FA) == joined(
            "۱ سال و ۱ ماه از مهلت گذشته"
        )


def test_digits_follow_the_preference():
    assert formatting.digits("CH-000012", prefs=FA) == "CH-۰۰۰۰۱۲"
    assert formatting.digits("CH-000012", prefs=EN) == "CH-000012"


def test_a_list_is_joined_in_the_reader_s_language():
    assert formatting.join(["سایت", "پاسگاه مرزی"], prefs=FA) == "سایت، پاسگاه مرزی"
    assert formatting.join(["site", "field post"], prefs=display.DisplayPreferences(language="en")) == (
        "site, field post"
    )


def test_a_deadline_set_as_a_date_reads_as_that_date_without_a_time():
    """A directive due on 14 Dey falls due at the midnight that ends it («۱۴۰۵/۱۰/۱۵ ۰۰:۰۰» read as
    the next day); a deadline counted in hours keeps its time."""
    day = from_jalali(1405, 10, 14)
    midnight = datetime.combine(day + timedelta(days=1), time(0, 0), tzinfo=TEHRAN)
    assert formatting.deadline_text(midnight, prefs=FA) == "۱۴۰۵/۱۰/۱۴"
    assert formatting.deadline_text(midnight.astimezone(UTC), prefs=FA) == "۱۴۰۵/۱۰/۱۴"
    assert formatting.deadline_text(midnight, style="long", prefs=FA) == "۱۴ دی ۱۴۰۵"
    assert formatting.deadline_text(day, prefs=FA) == "۱۴۰۵/۱۰/۱۴"
    afternoon = datetime.combine(day, time(14, 30), tzinfo=TEHRAN)
    assert formatting.deadline_text(afternoon, prefs=FA) == formatting.datetime_text(afternoon, prefs=FA)
    assert "۱۴:۳۰" in formatting.deadline_text(afternoon, prefs=FA)
    assert formatting.deadline_text(None, prefs=FA) == formatting.EMPTY


def test_a_code_is_written_with_the_readers_digits():
    assert formatting.code("CH-000012", prefs=FA) == "CH-۰۰۰۰۱۲"
    assert formatting.code("CH-000012", prefs=FA_LATIN) == "CH-000012"


def test_an_upload_over_its_limit_is_refused_with_the_limit_in_the_readers_digits():
    with translation.override("fa"):
        refusal = formatting.file_too_large(5 * 2**20)
        assert "۵" in refusal and "مگابایت" in refusal and "5" not in refusal
        assert formatting.megabytes(2**19) == "۰٫۵"
    token = display.activate(EN)
    try:
        with translation.override("en"):
            assert formatting.file_too_large(10 * 2**20) == "The file is larger than 10 MB."
    finally:
        display.reset(token)


def test_file_formats_by_the_names_people_know():
    with translation.override("fa"):
        assert formatting.file_format("xlsx") == "اکسل"
        assert formatting.file_format("CSV") == "CSV"
    with translation.override("en"):
        assert formatting.file_format("xlsx") == "Excel"
        assert formatting.file_format("pdf") == "PDF"


@dataclass
class Person:
    display_name: str = ""
    first_name: str = ""
    last_name: str = ""
    username: str = "erfan"
    latin_name: str = ""


@pytest.mark.parametrize(
    ("person", "persian", "english"),
    [
        # A Persian display name and an English name: each page calls them by its own.
        (Person("عرفان پیشین", "Erfan", "Pishin"), "عرفان پیشین", "Erfan Pishin"),
        # A display name already in Latin letters serves both.
        (Person("Erfan Pishin"), "Erfan Pishin", "Erfan Pishin"),
        # No name an English reader can read: nothing, and the page says "Welcome" alone.
        (Person("عرفان پیشین"), "عرفان پیشین", ""),
        (Person("", "عرفان", "پیشین"), "عرفان پیشین", ""),
        # The name they gave in Latin letters comes first on English pages.
        (
            Person("عرفان پیشین", "Erfan", "Pishin", latin_name="Erfan Pishin-Rad"),
            "عرفان پیشین",
            "Erfan Pishin-Rad",
        ),
        # No name at all: the username in Persian, as everywhere else.
        (Person(), "erfan", ""),
    ],
)
def test_a_person_is_called_by_the_name_the_reader_reads(person, persian, english):
    assert formatting.person_name(person, prefs=FA) == persian
    assert formatting.person_name(person, prefs=EN) == english


@pytest.mark.parametrize(
    ("count", "persian", "english"),
    [
        (323, "۳۲۳ بایت", "323 bytes"),
        (20480, "۲۰ کیلوبایت", "20 KB"),
        (3 * 2**20 + 2**19, "۳٫۵ مگابایت", "3.5 MB"),
        (150 * 2**20 + 1, "۱۵۰ مگابایت", "150 MB"),
        (5 * 2**30, "۵ گیگابایت", "5 GB"),
    ],
)
def test_a_file_size_in_the_readers_words_and_digits(count, persian, english):
    # Django's filesizeformat read «20.0 KB» on a Persian page (session 25).
    with translation.override("fa"):
        assert formatting.file_size(count, prefs=FA) == joined(persian)
    with translation.override("en"):
        assert formatting.file_size(count, prefs=EN) == joined(english)


def test_a_number_and_its_unit_never_part_at_the_end_of_a_line():
    # An alert's threshold at desktop width broke as «آستانهٔ هشدار ۱۲» / «ساعت» (session 27): the
    # layer binds a number to its unit with a no-break space, and leaves every other space as it is.
    nbsp = "\u00a0"
    assert formatting.quantity(12, formatting.HOUR, prefs=FA) == f"۱۲{nbsp}ساعت"
    assert formatting.quantity(12, formatting.HOUR, prefs=EN) == f"12{nbsp}h"
    assert formatting.quantity(250_000_000, formatting.RIAL, prefs=FA) == f"۲۵۰٬۰۰۰٬۰۰۰{nbsp}ریال"
    with translation.override("fa"):
        assert formatting.days_text(3, prefs=FA) == f"۳{nbsp}روز"
        today = date(2026, 12, 28)
        assert formatting.due_text(date(2026, 12, 31), today=today, prefs=FA) == f"مهلت ۳{nbsp}روز دیگر"
        span = formatting.span_text(date(2026, 1, 1), date(2027, 5, 1), prefs=FA)
        assert span == f"۱{nbsp}سال و ۴{nbsp}ماه"
        assert formatting.file_size(20480, prefs=FA) == f"۲۰{nbsp}کیلوبایت"
    with translation.override("en"):
        assert formatting.due_text(date(2026, 12, 23), today=today, prefs=EN) == f"5{nbsp}days overdue"
    # A percentage has no space to bind; a value with no unit has none either.
    assert formatting.quantity(87.25, PERCENT, prefs=FA) == "۸۷٫۳٪"
    assert formatting.quantity(12, None, prefs=FA) == "۱۲"


@pytest.mark.parametrize(
    ("template", "bound"),
    [("%(count)s days", "3\u00a0days"), ("days: %(count)s", "days:\u00a03"), ("%(count)s", "3")],
)
def test_a_unit_is_bound_on_the_side_a_language_writes_it(template, bound):
    assert formatting._with_unit(template, "count", "3") == bound


def test_a_count_of_things_is_bound_to_its_noun():
    with translation.override("fa"):
        assert formatting.counted("%(count)s ردیف", 1200, prefs=FA) == "۱٬۲۰۰\u00a0ردیف"
        assert formatting.counted_of("%(done)s از %(total)s ردیف", 500, 1200, prefs=FA) == (
            "۵۰۰ از ۱٬۲۰۰\u00a0ردیف"
        )
    assert formatting.counted_of("Step %(done)s of %(total)s", 2, 3, prefs=EN) == "Step 2 of 3"
