"""Messages about an instrument's parts name them by their codes, and show codes and numbers in
the reader's digits (``rasad.lib.formatting``), like the page around them: «بند ۲.۱» on a Persian
page, "Item 2.1" on an English one."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from rasad.assessments.choices import ItemType
from rasad.assessments.scoring import ItemRule, score_answer
from rasad.assessments.structure import weight_problem
from rasad.lib import display

PERSIAN = display.DisplayPreferences(language="fa", calendar="jalali", persian_digits=True)
ENGLISH = display.DisplayPreferences(language="en", calendar="gregorian", persian_digits=False)


@pytest.mark.parametrize(
    ("preferences", "expected"),
    [
        (PERSIAN, "Section S۲: the item weights sum to ۱۲٫۵, not to the section's ۱۰ points."),
        (ENGLISH, "Section S2: the item weights sum to 12.5, not to the section's 10 points."),
    ],
)
def test_a_weight_problem_shows_numbers_in_the_readers_digits(preferences, expected):
    token = display.activate(preferences)
    try:
        with translation.override("en"):  # the English text, to compare digits alone
            assert weight_problem("S2", Decimal(10), [Decimal("7.5"), Decimal(5)]) == expected
    finally:
        display.reset(token)


@pytest.mark.parametrize(
    ("preferences", "expected"),
    [
        (PERSIAN, "Item ۲.۱-B: ۱۲۰ is outside the range ۰ to ۱۰۰."),
        (ENGLISH, "Item 2.1-B: 120 is outside the range 0 to 100."),
    ],
)
def test_a_refused_answer_names_the_item_by_its_code_in_the_readers_digits(preferences, expected):
    rule = ItemRule(code="2.1-B", item_type=ItemType.NUMBER, weight=Decimal(1), minimum=0, maximum=100)
    token = display.activate(preferences)
    try:
        with translation.override("en"), pytest.raises(ValidationError) as refused:
            score_answer(rule, value=120)
    finally:
        display.reset(token)
    assert refused.value.messages == [expected]
