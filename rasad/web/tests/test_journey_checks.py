"""The text checks every browser journey runs on a Persian page (rasad.testing.journey): what they
let pass and what they catch, without a browser."""

from __future__ import annotations

import pytest

from rasad.testing.journey import GREGORIAN_DATE, RIGHTWARD_ARROW


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


def test_a_rightward_arrow_is_caught_and_a_leftward_one_passes():
    assert RIGHTWARD_ARROW.search("باز شدن → جدید")
    assert not RIGHTWARD_ARROW.search("باز شدن ← جدید")
