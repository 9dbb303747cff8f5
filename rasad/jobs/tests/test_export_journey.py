"""A person exports a list on a phone: the list's export button, the confirmation with the row
count, the progress page, and the download link once a worker has prepared the file."""

from __future__ import annotations

from datetime import date

import pytest

from rasad.cases.tests.test_sla_cases import _directive, tehran
from rasad.jobs.testing import run_queued
from rasad.testing.browser import screenshot
from rasad.testing.cast import PASSWORD, Cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_a_case_export_on_a_phone(browser, live_server, cast: Cast):
    _directive(cast, opened=tehran(2026, 5, 2, 9, 0), deadline=date(2026, 5, 5))
    _directive(cast, opened=tehran(2026, 5, 3, 9, 0), deadline=date(2026, 5, 9))
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="fa-IR")
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/login/")
        page.fill("input[name=username]", "alice")
        page.fill("input[name=password]", PASSWORD)
        page.click("[data-testid=login-submit]")
        page.wait_for_url(f"{live_server.url}/")
        page.goto(f"{live_server.url}/cases/")
        page.click("[data-testid=export]")
        page.wait_for_selector("[data-testid=export-start]")
        assert "۲" in page.inner_text("main")  # the row count, in Persian digits
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        screenshot(page, "export-request-fa-phone")
        page.click("[data-testid=export-start]")
        page.wait_for_selector("[data-testid=export-progress]")
        assert page.locator("[data-testid=export-download]").is_hidden()
        assert run_queued() == 1
        page.locator("[data-testid=export-download]").wait_for(state="visible", timeout=30_000)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        screenshot(page, "export-ready-fa-phone")
        with page.expect_download() as download:
            page.click("[data-testid=export-download]")
        assert download.value.suggested_filename.endswith(".xlsx")
    finally:
        context.close()
