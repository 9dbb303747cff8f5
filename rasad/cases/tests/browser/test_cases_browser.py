"""A reporter files a challenge in the browser; a coordinator (analyst of the command centre)
sees it in the list and on the board. Every page is checked (``rasad.testing.journey``)."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from rasad.cases.models import Case
from rasad.testing.browser import screenshot
from rasad.testing.cast import Cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_reporter_files_a_challenge_and_the_coordinator_sees_it(journey: Any, cast: Cast):
    ali = journey("desktop")
    page = ali.page
    ali.sign_in("ali")
    ali.go("/cases/new/")
    assert page.evaluate("document.documentElement.dir") == "rtl"
    # The risk fields are hidden for a challenge (cases.js), shown for a risk.
    assert not page.is_visible("select[name=likelihood]")
    page.select_option("select[name=kind]", "risk")
    assert page.is_visible("select[name=likelihood]")
    page.select_option("select[name=kind]", "challenge")
    page.select_option("select[name=category]", label="تأمین انرژی (برق و گاز)")
    page.fill("input[name=title]", "قطع مکرر برق پاسگاه در شب")
    page.fill("textarea[name=description]", "ژنراتور پشتیبان سوخت کافی ندارد.")
    page.select_option("select[name=priority]", "high")
    page.select_option("select[name=reporter_organization]", label="پاسگاه مرزی یک")
    ali.submit("[data-testid=case-submit]")
    page.wait_for_selector("[data-testid=timeline]")
    case = Case.objects.get()
    assert page.url.endswith(f"/cases/{case.pk}/")
    assert page.inner_text("[data-testid=case-status]") == "جدید"
    screenshot(page, "case-filed")

    alice = journey("desktop")
    page = alice.page
    alice.sign_in("alice")
    alice.go("/cases/")
    assert "قطع مکرر برق پاسگاه در شب" in page.inner_text("[data-testid=case-table]")
    alice.go("/cases/board/")
    column = page.locator("[data-status=new]")
    assert "قطع مکرر برق پاسگاه در شب" in column.inner_text()
    alice.go(f"/cases/{case.pk}/")
    page.click("[data-testid=do-triage]")
    # The transition updates the page in place (htmx): wait for the new status.
    expect(page.locator("[data-testid=case-status]")).to_have_text("بررسی‌شده")
    alice.check("triaged")
    screenshot(page, "case-triaged")
