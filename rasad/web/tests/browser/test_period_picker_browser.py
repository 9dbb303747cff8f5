"""The period picker as a screen reader announces it, at desktop and phone widths: an energy
baseline's form has four pickers (the baseline's first and last months, the reporting's), and each
is a group named by its field («آغاز دورهٔ مبنا (ماه)») holding a month select and a year select
named by what they hold («ماه»، «سال»). Before, the eight selects were announced as four times
"month, year", whichever picker they belonged to. An analyst fills the form by those names alone."""

from __future__ import annotations

from typing import Any

import pytest

from rasad.indicators.models import Baseline
from rasad.indicators.testing import assign, indicator
from rasad.lib.jalali import from_jalali
from rasad.testing.browser import screenshot
from rasad.testing.cast import Cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PICKERS = [
    ("آغاز دورهٔ مبنا (ماه)", "فروردین", "۱۴۰۱"),
    ("پایان دورهٔ مبنا (ماه)", "اسفند", "۱۴۰۱"),
    ("آغاز دورهٔ گزارش (ماه)", "فروردین", "۱۴۰۲"),
    ("پایان دورهٔ گزارش (ماه)", "اسفند", "۱۴۰۲"),
]


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_each_period_picker_is_announced_by_its_field(journey: Any, cast: Cast, width):
    assign(cast.isfahan, "ELEC_CONS", "ORE_MILLED", since=from_jalali(1400, 1, 1))
    analyst = journey(width)
    page = analyst.page
    analyst.sign_in("alice")
    analyst.go("/indicators/baselines/new/")
    page.select_option("select[name=organization]", str(cast.isfahan_post.pk))
    page.fill("input[name=name]", "خط مبنای برق پاسگاه")
    page.select_option("select[name=energy_indicator]", str(indicator("ELEC_CONS").pk))
    page.select_option("select[name=drivers]", [str(indicator("ORE_MILLED").pk)])
    for field, month, year in PICKERS:
        picker = page.get_by_role("group", name=field, exact=True)
        assert picker.aria_snapshot().splitlines()[:2] == [
            f'- group "{field}":',
            '  - combobox "ماه":',
        ]
        picker.get_by_role("combobox", name="ماه", exact=True).select_option(label=month)
        picker.get_by_role("combobox", name="سال", exact=True).select_option(label=year)
    screenshot(page, f"period-pickers-fa-{width}")
    analyst.submit("[data-testid=save]")
    fields = ("baseline_start", "baseline_end", "reporting_start", "reporting_end")
    months = Baseline.objects.values_list(*fields)
    assert list(months) == [("1401-01", "1401-12", "1402-01", "1402-12")]
