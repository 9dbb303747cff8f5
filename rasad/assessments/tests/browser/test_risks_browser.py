"""The risk register in the browser, in Persian: on a phone, Isfahan's analyst opens the register,
sees both heat maps fit the screen, opens a risk, gives a review date in the past (refused, named
on its field, nothing saved), rates it after treatment and adds a treatment action; at desktop
width the register shows the risk in its residual cell, and Kerman's analyst sees none of it.
Every page is checked (``rasad.testing.journey``)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from rasad.assessments.models import RiskAction, RiskRating
from rasad.assessments.testing import matrix_risk
from rasad.lib.jalali import to_jalali, today_in_tehran
from rasad.lib.persian import to_latin_digits, to_persian_digits
from rasad.testing.browser import screenshot
from rasad.testing.cast import Cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _jalali(days: int) -> str:
    day = to_jalali(today_in_tehran() + timedelta(days=days))
    return to_persian_digits(f"{day.year}/{day.month:02d}/{day.day:02d}")


def _set_date(page: Any, name: str, value: str) -> None:
    """Type a Jalali date without focusing the field: on a phone the date picker it opens covers
    the form's button."""
    page.eval_on_selector(f"input[name={name}]", "(field, value) => { field.value = value; }", value)


def test_an_analyst_rates_a_risk_on_a_phone_and_the_register_shows_it(journey: Any, cast: Cast):
    risk = matrix_risk(cast, cast.isfahan)
    alice = journey("phone")
    page = alice.page
    alice.sign_in("alice")
    alice.go("/assessments/risks/")  # both heat maps fit the screen
    assert page.evaluate("document.documentElement.dir") == "rtl"
    assert page.get_attribute("[data-testid=heat-map-inherent] [data-cell='4-5']", "data-count") == "1"
    screenshot(page, "risk-register-phone")
    alice.click(f"a[href='/assessments/risks/{risk.pk}/']")
    alice.click("[data-testid=rate]")
    page.select_option("[name=residual_likelihood]", "2")
    page.select_option("[name=residual_impact]", "3")
    _set_date(page, "review_on", _jalali(-3))
    alice.submit("[data-testid=submit]")
    assert "گذشته" in page.inner_text("[data-testid=assessment-form]")
    assert not RiskRating.objects.exists()
    screenshot(page, "risk-rating-error-phone")
    _set_date(page, "review_on", _jalali(60))
    alice.submit("[data-testid=submit]")
    page.wait_for_selector("[data-testid=residual-level]")
    assert "متوسط" in page.inner_text("[data-testid=residual-level]")
    alice.click("[data-testid=add-action]")
    page.fill("input[name=title]", "آزمون ماهانه دیزل‌ژنراتور")
    _set_date(page, "due_on", _jalali(30))
    alice.submit("[data-testid=submit]")
    page.wait_for_selector("[data-testid=risk-action]")
    assert RiskAction.objects.get(case=risk).owner == cast.isfahan
    screenshot(page, "risk-detail-phone")

    at_desk = journey("desktop")
    page = at_desk.page
    at_desk.sign_in("alice")
    at_desk.go("/assessments/risks/")
    assert page.get_attribute("[data-testid=heat-map-residual] [data-cell='2-3']", "data-count") == "1"
    at_desk.click("[data-testid=heat-map-residual] [data-cell='2-3'] a")
    assert risk.reference in to_latin_digits(page.inner_text("[data-testid=risk-table]"))
    screenshot(page, "risk-register-desktop")

    bob = journey("desktop")
    page = bob.page
    bob.sign_in("bob")
    bob.go("/assessments/risks/")
    assert risk.reference not in to_latin_digits(page.inner_text("[data-testid=risk-table]"))
    assert page.get_attribute("[data-testid=heat-map-inherent] [data-cell='4-5']", "data-count") == "0"
