"""Sign in, switch language and calendar, and look at the Persian page as a person would. Every
page is checked (``rasad.testing.journey``)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from rasad.testing.browser import screenshot
from rasad.testing.cast import Cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PERSIAN_DIGITS = re.compile(r"[۰-۹]")


def test_persian_home_is_rtl_with_jalali_date_and_persian_digits(journey: Any, cast: Cast):
    j = journey("desktop")
    page = j.page
    j.sign_in("alice")
    assert page.evaluate("document.documentElement.dir") == "rtl"
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
    assert page.evaluate("document.fonts.check('16px Vazirmatn')")
    font = page.evaluate("getComputedStyle(document.body).fontFamily")
    assert font.startswith("Vazirmatn")
    today = page.inner_text("[data-testid=today-date]")
    assert re.search(
        r"(فروردین|اردیبهشت|خرداد|تیر|مرداد|شهریور|مهر|آبان|آذر|دی|بهمن|اسفند) [۰-۹]{4}", today
    ), today
    counts = page.locator("[data-testid=count]").all_inner_texts()
    assert counts[0] == "۲" and all(PERSIAN_DIGITS.fullmatch(c) for c in counts)
    # In RTL the brand sits at the right edge of the navbar.
    brand = page.locator(".navbar-brand").bounding_box()
    assert brand["x"] > 1280 / 2
    screenshot(page, "home-fa")


def test_language_switch_to_english_and_back(journey: Any, cast: Cast):
    j = journey("desktop")
    page = j.page
    j.sign_in("alice")
    # The English page is checked for its layout only.
    j.persian = False
    j.click("[data-testid=lang-switch]")
    assert page.evaluate("document.documentElement.dir") == "ltr"
    assert page.locator("h1").first.inner_text().startswith("Welcome")
    j.persian = True
    j.click("[data-testid=lang-switch]")
    assert page.evaluate("document.documentElement.dir") == "rtl"


def test_calendar_switch_to_gregorian(journey: Any, cast: Cast):
    j = journey("desktop")
    page = j.page
    j.sign_in("alice")
    j.go("/account/preferences/")
    page.select_option("select[name=calendar]", "gregorian")
    page.uncheck("input[name=persian_digits]")
    # Latin digits are what this person chose: from here pages are checked for their layout only.
    j.persian = False
    j.submit("[data-testid=save-preferences]")
    j.go("/")
    today = page.inner_text("[data-testid=today-date]")
    assert re.search(r"20\d\d", today), today
    screenshot(page, "home-gregorian")


def test_bad_login_shows_a_persian_error(journey: Any, cast: Cast):
    j = journey("phone")
    page = j.page
    j.go("/login/")
    page.fill("input[name=username]", "alice")
    page.fill("input[name=password]", "wrong-password")
    j.submit("[data-testid=login-submit]")
    assert "نام کاربری یا گذرواژه" in page.inner_text("[data-testid=form-errors]")


def test_map_draws_offline_provinces_and_only_visible_points(journey: Any, cast: Cast):
    j = journey("desktop")
    page = j.page
    j.sign_in("alice")
    j.go("/organizations/map/", check=False)
    page.wait_for_selector("[data-testid=map][data-ready=points]")
    assert page.get_attribute("[data-testid=map]", "data-point-count") == "2"
    assert page.locator(".leaflet-overlay-pane path").count() >= 31
    j.check("map drawn")
    screenshot(page, "map")
