"""Dates: absolute Jalali and Gregorian forms, and relative ones against the document's date."""

from datetime import date

import pytest

from rasad.intake.extraction.dates import detect_document_date, find_dates
from rasad.intake.extraction.text import Document
from rasad.lib.persian import normalize_text

# 1404/05/21 is Tuesday 2025-08-12.
REFERENCE = date(2025, 8, 12)


def dates_in(text: str, reference: date | None = REFERENCE) -> list[tuple[str, str]]:
    document = Document(normalize_text(text))
    return [(document.text[m.start : m.end], m.value.isoformat()) for m in find_dates(document, reference)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("۱۳ اسفند ۱۴۰۳ - ۱۶:۲۱", [("۱۳ اسفند ۱۴۰۳", "2025-03-03")]),
        ("روز شنبه ۱۷ آبان ماه ۱۴۰۴ برگزار شد", [("روز شنبه ۱۷ آبان ماه ۱۴۰۴", "2025-11-08")]),
        ("مورخ ۱۴۰۳/۱۲/۳۰", [("۱۴۰۳/۱۲/۳۰", "2025-03-20")]),
        ("تاریخ 1404-1-1", [("1404-1-1", "2025-03-21")]),
        ("مورخ ۲۱/۰۵/۱۴۰۴", [("۲۱/۰۵/۱۴۰۴", "2025-08-12")]),
        ("date 2025-10-29 در راستای", [("2025-10-29", "2025-10-29")]),
        ("در ۳ مارس ۲۰۲۵", [("۳ مارس ۲۰۲۵", "2025-03-03")]),
        ("on 3 March 2025", [("3 March 2025", "2025-03-03")]),
        ("تا پایان اسفند ۱۴۰۴", [("پایان اسفند ۱۴۰۴", "2026-03-20")]),
    ],
)
def test_absolute_dates(text, expected):
    assert dates_in(text, None) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("امروز گفت", [("امروز", "2025-08-12")]),
        ("دیروز و فردا", [("دیروز", "2025-08-11"), ("فردا", "2025-08-13")]),
        ("پس‌فردا", [("پس‌فردا", "2025-08-14")]),
        ("روز شنبه گذشته", [("روز شنبه گذشته", "2025-08-09")]),
        ("شنبه هفته آینده", [("شنبه هفته آینده", "2025-08-16")]),
        ("تا پایان هفته جاری", [("پایان هفته جاری", "2025-08-15")]),
        ("تا پایان ماه جاری", [("پایان ماه جاری", "2025-08-22")]),
        ("تا پایان سال", [("پایان سال", "2026-03-20")]),
        ("تا پایان شهریور ماه", [("پایان شهریور ماه", "2025-09-22")]),
        ("از ابتدای مهر", [("ابتدای مهر", "2025-09-23")]),
        ("ظرف دو هفته", [("ظرف دو هفته", "2025-08-26")]),
        ("حداکثر ظرف ۴۵ روز", [("حداکثر ظرف ۴۵ روز", "2025-09-26")]),
        ("ظرف یک ماه", [("ظرف یک ماه", "2025-09-12")]),
        ("تا ۱۰ روز آینده", [("تا ۱۰ روز آینده", "2025-08-22")]),
        # A date without a year takes the year that puts it nearest the document's date.
        ("روز دوشنبه ۱۴ مهر", [("روز دوشنبه ۱۴ مهر", "2025-10-06")]),
        ("۲۵ اسفند", [("۲۵ اسفند", "2025-03-15")]),
    ],
)
def test_relative_dates(text, expected):
    assert dates_in(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "امروزه دشمن چهره جدیدی دارد",  # «nowadays», not «today»
        "ظرف ده روز کاری",  # working days need the working calendar
        "روز شنبه برگزار شد",  # a bare weekday depends on the tense
        "در ۲۴ ساعت گذشته",
        "سال ۱۴۰۳",
        "۱۳ اسفند",  # no year and no document date: nothing definite
    ],
)
def test_indefinite_expressions_are_not_dates(text):
    reference = None if text == "۱۳ اسفند" else REFERENCE
    assert dates_in(text, reference) == []


def test_relative_dates_need_the_document_date():
    assert dates_in("تا پایان سال جاری", None) == []


def test_a_weekday_that_contradicts_the_date_is_flagged():
    document = Document(normalize_text("جمعه ۱۳ اسفند ۱۴۰۳"))
    (mention,) = find_dates(document, None)
    assert mention.weekday_mismatch is True


def test_document_date_is_the_dateline():
    document = Document(normalize_text("کرمان، ۳ مرداد ۱۴۰۴\nنشست روز دوشنبه ۱۴ مهر برگزار شد"))
    mention = detect_document_date(document)
    assert mention is not None
    assert mention.value == date(2025, 7, 25)
