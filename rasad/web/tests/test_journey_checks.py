"""The text checks every browser journey runs on a Persian page (rasad.testing.journey): what they
let pass and what they catch, without a browser."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from rasad.testing.journey import (
    FILE_EXTENSION_NAME,
    GREGORIAN_DATE,
    MIDDLE_DOT,
    MIDNIGHT,
    RIGHTWARD_ARROW,
    SOURCE_PATH,
    a_moment_of_the_last_midnight,
    foreign_text,
)


@pytest.mark.parametrize(
    "text",
    [
        "امروز: ۱۳ آذر ۱۴۰۵",
        "۲۳:۴۹ ۱۴۰۵/۰۹/۱۳",
        "مهلت ۱۴۰۵/۱۰/۱۴",
        "CH-۰۰۰۰۲۰",
        "۱۲۰۲۶/۱۲/۰۴",  # not a year: a longer number
        "کمترین: ۴۱۸٬۹۳۵ گیگاژول",
    ],
)
def test_jalali_dates_and_numbers_pass(text):
    assert not GREGORIAN_DATE.search(text)


@pytest.mark.parametrize("text", ["۴ دسامبر ۲۰۲۶", "ثبت در ۲۰۲۶/۱۲/۰۴", "۲۰۲۶-۱۲-۴", "ژوئن"])
def test_gregorian_dates_are_caught(text):
    assert GREGORIAN_DATE.search(text)


def test_a_middle_dot_is_caught_and_the_persian_comma_passes():
    assert MIDDLE_DOT.search("نسخه ۳ · ۱۴۰۵/۰۹/۱۲")
    assert MIDDLE_DOT.search("برخط: ۲ • قطع: ۱")
    assert not MIDDLE_DOT.search("نسخه ۳، ۱۴۰۵/۰۹/۱۲")


def test_a_rightward_arrow_is_caught_and_a_leftward_one_passes():
    assert RIGHTWARD_ARROW.search("باز شدن → جدید")
    assert not RIGHTWARD_ARROW.search("باز شدن ← جدید")


@pytest.mark.parametrize(
    "text",
    ["سررسید ۱۴۰۵/۱۰/۱۵ ۰۰:۰۰", "۱۴۰۵/۱۰/۱۵ 00:00", "از ۰۰:۰۰"],
)
def test_a_date_with_the_time_midnight_is_caught(text):
    assert MIDNIGHT.search(text)


@pytest.mark.parametrize("text", ["۱۴۰۵/۰۹/۱۱ ۱۴:۳۰", "۱۰:۰۰", "۱۲:۰۰:۰۰", "۲۰:۰۰"])
def test_other_times_pass(text):
    assert not MIDNIGHT.search(text)


def test_a_moment_of_the_midnight_just_past_passes_only_in_the_days_first_two_hours():
    # The demo's moments are relative to the clock: at 00:58 in Tehran (21:28 UTC the day before)
    # one of the last hour's events is rightly «today ۰۰:۰۰»; a date of another day is still caught.
    just_after = datetime(2026, 12, 5, 21, 28, tzinfo=UTC)  # 1405/09/15 00:58 in Tehran
    assert a_moment_of_the_last_midnight("رویداد ۱۴۰۵/۰۹/۱۵ ۰۰:۰۰", just_after)
    assert not a_moment_of_the_last_midnight("مهلت ۱۴۰۵/۰۹/۱۴ ۰۰:۰۰", just_after)
    assert not a_moment_of_the_last_midnight("مهلت ۱۴۰۵/۰۹/۱۶ ۰۰:۰۰", just_after)
    later = datetime(2026, 12, 5, 23, 0, tzinfo=UTC)  # 02:30 in Tehran
    assert not a_moment_of_the_last_midnight("رویداد ۱۴۰۵/۰۹/۱۵ ۰۰:۰۰", later)


def test_codes_in_the_readers_digits_pass():
    codes = ["پرونده CH-۰۰۰۰۱۲", "ISF-CC", "ELEC_CONS", "IMIDRO", "IMIDRO-M۱", "GHG_SCOPE۱", "E۱.۳. انرژی"]
    assert foreign_text(codes) == []
    assert foreign_text(["پرونده ۱۲ from"]) == ["پرونده ۱۲ from"]


@pytest.mark.parametrize(
    "text",
    ["پرونده CH-000012", "IMIDRO-M1", "GHG_SCOPE1", "E1.3. انرژی", "بخش A1", "دستگاه SN-0042", "ISF-BP5"],
)
def test_a_code_in_latin_digits_is_caught(text):
    # Organization, device and indicator codes and a checklist's outline codes are shown in the
    # reader's digits (rasad.lib.formatting.code), like every other number on a Persian page.
    assert foreign_text([text]) == [text]


@pytest.mark.parametrize(
    "text", ["ISIC Rev.4", "ISCO-08", "ISO 50006", "گزارش E1.3.pdf", "info@rasad.ir", "غلظت PM10 محیطی"]
)
def test_standards_files_and_addresses_keep_their_latin_digits(text):
    assert foreign_text([text]) == []


def test_file_formats_by_name_and_no_source_paths():
    assert FILE_EXTENSION_NAME.search("۱۲ ردیف در یک فایل XLSX نوشته می‌شود.")
    assert not FILE_EXTENSION_NAME.search("۱۲ ردیف در یک فایل اکسل نوشته می‌شود؛ یا CSV، یا PDF")
    assert SOURCE_PATH.search("راهنما در docs/greenjobs.md")
    assert not SOURCE_PATH.search("فایلی با قالب ‎.xlsx‎ یا ‎.csv‎")
