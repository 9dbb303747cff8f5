"""Sign in, switch language and calendar, and look at the Persian page as a person would."""

from __future__ import annotations

import re

import pytest

from rasad.testing.browser import screenshot
from rasad.testing.cast import PASSWORD, Cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PERSIAN_DIGITS = re.compile(r"[۰-۹]")


def sign_in(page, live_server, username="alice"):
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("[data-testid=login-submit]")
    page.wait_for_url(f"{live_server.url}/")


def test_persian_home_is_rtl_with_jalali_date_and_persian_digits(page, live_server, cast: Cast):
    sign_in(page, live_server)
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


def test_language_switch_to_english_and_back(page, live_server, cast: Cast):
    sign_in(page, live_server)
    page.click("[data-testid=lang-switch]")
    page.wait_for_load_state()
    assert page.evaluate("document.documentElement.dir") == "ltr"
    assert page.locator("h1").first.inner_text().startswith("Welcome")
    page.click("[data-testid=lang-switch]")
    page.wait_for_load_state()
    assert page.evaluate("document.documentElement.dir") == "rtl"


def test_calendar_switch_to_gregorian(page, live_server, cast: Cast):
    sign_in(page, live_server)
    page.goto(f"{live_server.url}/account/preferences/")
    page.select_option("select[name=calendar]", "gregorian")
    page.uncheck("input[name=persian_digits]")
    page.click("[data-testid=save-preferences]")
    page.goto(f"{live_server.url}/")
    today = page.inner_text("[data-testid=today-date]")
    assert re.search(r"20\d\d", today), today
    screenshot(page, "home-gregorian")


def test_bad_login_shows_a_persian_error(page, live_server, cast: Cast):
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", "alice")
    page.fill("input[name=password]", "wrong-password")
    page.click("[data-testid=login-submit]")
    assert "نام کاربری یا گذرواژه" in page.inner_text("[data-testid=form-errors]")


def test_map_draws_offline_provinces_and_only_visible_points(page, live_server, cast: Cast):
    sign_in(page, live_server)
    page.goto(f"{live_server.url}/organizations/map/")
    page.wait_for_selector("[data-testid=map][data-ready=points]")
    assert page.get_attribute("[data-testid=map]", "data-point-count") == "2"
    assert page.locator(".leaflet-overlay-pane path").count() >= 31
    screenshot(page, "map")
