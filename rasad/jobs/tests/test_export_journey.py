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
        # What the file holds, in words as the script writes them (not «۲ / ۲», session 27).
        assert page.inner_text("[data-testid=export-progress-text]").startswith("آماده؛ ۲\u00a0ردیف، ")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        screenshot(page, "export-ready-fa-phone")
        with page.expect_download() as download:
            page.click("[data-testid=export-download]")
        assert download.value.suggested_filename.endswith(".xlsx")
    finally:
        context.close()


def test_the_progress_page_follows_the_live_stream_instead_of_polling(journey, cast: Cast, monkeypatch):
    """With push (Redis between the worker and the web processes; here the worker runs in the
    live server's process, so the in-process bus carries its events), the page opens the live
    stream, reads the status once, and is told by the worker when the file is ready."""
    from rasad.jobs import views as job_views

    monkeypatch.setattr(job_views, "progress_is_pushed", lambda: True)
    _directive(cast, opened=tehran(2026, 5, 2, 9, 0), deadline=date(2026, 5, 5))
    j = journey("desktop")
    status_reads: list[str] = []

    def count_status_reads(request) -> None:
        if "/status/" in request.url:
            status_reads.append(request.url)

    j.page.on("request", count_status_reads)
    j.sign_in("alice")
    j.go("/cases/")
    j.click("[data-testid=export]")
    j.submit("[data-testid=export-start]")
    j.page.wait_for_selector("[data-testid=export-progress][data-live=on]")
    j.page.wait_for_timeout(3000)  # a polling page would have read the status twice by now
    reads_while_waiting = len(status_reads)
    assert reads_while_waiting <= 1
    assert j.page.locator("[data-testid=export-download]").is_hidden()
    assert run_queued() == 1
    j.page.locator("[data-testid=export-download]").wait_for(state="visible", timeout=30_000)
    assert j.page.get_attribute("[data-role=bar]", "style") == "width: 100%;"
    # In words, not «۱ / ۱» (session 27).
    assert j.page.inner_text("[data-role=label]").startswith("آماده؛ ۱\u00a0ردیف، ")
    j.page.wait_for_timeout(700)  # the bar's width transition (0.6 s), for the screenshot
    j.check("file ready, pushed")
    screenshot(j.page, "export-ready-pushed-fa-desktop")
    assert len(status_reads) == reads_while_waiting + 1  # one read, on the worker's jobs.state
