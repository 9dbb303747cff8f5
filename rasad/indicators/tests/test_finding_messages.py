"""A finding's message shows its numbers as every number is shown to its reader: a reporter on a
phone read «(نمرهٔ z اصلاح‌شده -۱۲.۱۳؛ میانهٔ سوابق آن ۱۲,۹۲۴.۸ است)», Latin separators between
Persian digits, beside the value they had typed as «۱۲۳٫۵». The finding keeps its numbers as
Python writes them; the message formats them (rasad.lib.formatting.number)."""

from __future__ import annotations

from django.utils import translation

from rasad.indicators import validation
from rasad.lib import display
from rasad.lib.display import DisplayPreferences

OUTLIER = {
    "code": "outlier",
    "severity": "warning",
    "params": {"value": "123.5", "score": "-12.13", "median": "12,924.8"},
}
RULE = {
    "code": "rule",
    "severity": "error",
    "params": {
        "left": "ELEC_SELF",
        "left_value": "1,500",
        "operator": "<=",
        "factor": "1.2",
        "right": "ELEC_CONS",
        "right_value": "1,000",
    },
}


def test_a_findings_numbers_in_persian_have_persian_separators():
    with translation.override("fa"), display.in_persian():
        outlier = validation.message(OUTLIER)
        rule = validation.message(RULE)
    assert outlier == (
        "مقدار ۱۲۳٫۵ برای این سازمان نامعمول است (نمرهٔ z اصلاح‌شده \u200e−۱۲٫۱۳؛ میانهٔ سوابق آن ۱۲٬۹۲۴٫۸ است)."
    )
    for latin in (",", "."):
        assert latin not in outlier.removesuffix(".")
    # The indicators' codes stay as they are; their values and the factor are numbers.
    assert "ELEC_SELF (۱٬۵۰۰)" in rule and "۱٫۲" in rule and "ELEC_CONS (۱٬۰۰۰)" in rule


def test_in_english_with_latin_digits_they_read_as_before():
    english = DisplayPreferences(language="en", persian_digits=False, calendar="gregorian")
    token = display.activate(english)
    try:
        with translation.override("en"):
            text = validation.message(OUTLIER)
    finally:
        display.reset(token)
    assert (
        text
        == "The value 123.5 is unusual for this organization (modified z-score -12.13; the median of its "
        "history is 12,924.8)."
    )
