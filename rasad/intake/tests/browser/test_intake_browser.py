"""The intake journey in Chromium, at desktop and phone width: IMIDRO's coordinator pastes the
civil-defence report, sees the highlights beside the proposals, and accepts the directive as a
draft case; the case links back to its sentence. Every page is checked
(``rasad.testing.journey``)."""

from __future__ import annotations

from typing import Any

import pytest

from rasad.cases.models import Case
from rasad.intake.models import Proposal
from rasad.intake.tests.test_intake_api import IMIDRO_REPORT
from rasad.lib.persian import to_latin_digits
from rasad.testing.browser import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_world(db):
    from rasad.core.demo import load_demo
    from rasad.testing.cast import ensure_reference_data

    # Transactional tests flush every table, the data migrations' rows (categories) included.
    ensure_reference_data()
    load_demo()


def sign_in(journey: Any, width: str) -> Any:
    """IMIDRO's coordinator signed in at ``width``."""
    from rasad.core.demo import DEMO_PASSWORD

    coordinator = journey(width)
    coordinator.sign_in("imidro.coordinator", DEMO_PASSWORD)
    return coordinator


@pytest.mark.parametrize("name", ["desktop", "phone"])
def test_coordinator_reads_the_report_and_accepts_the_directive(journey: Any, demo_world: None, name: str):
    coordinator = sign_in(journey, name)
    page = coordinator.page
    coordinator.go("/intake/new/")
    assert page.evaluate("document.documentElement.dir") == "rtl"
    page.select_option("select[name=organization]", label="سازمان توسعه و نوسازی معادن و صنایع معدنی ایران")
    page.fill("[data-testid=intake-text]", IMIDRO_REPORT)
    screenshot(page, f"intake-form-{name}")
    coordinator.submit("[data-testid=intake-submit]")
    page.wait_for_selector("[data-testid=intake-text-pane]")
    assert page.locator("mark.ik-organization").count() >= 4
    assert page.locator("mark.ik-directive").count() >= 3
    headline = Proposal.objects.filter(field="directive").order_by("position").first()
    assert headline is not None
    card = page.locator(f"#proposal-{headline.pk}")
    assert "ایمیدرو چالش‌های صادرات و تامین انرژی" in card.inner_text()
    assert card.locator("select[name$=organization_code]").input_value() == "IMIDRO"
    # The deadline field is filled with a suggestion (30 days on); the reviewer keeps it.
    assert card.locator("input[name$=deadline]").input_value() != ""
    screenshot(page, f"intake-review-{name}")
    coordinator.submit(f"#proposal-{headline.pk} [data-testid=accept-{headline.pk}]")
    screenshot(page, f"intake-after-accept-{name}")
    page.wait_for_selector(f"[data-testid=decision-{headline.pk}]")
    case = Case.objects.get()
    assert (case.kind, case.owner_organization.code, case.source) == (
        "directive",
        "IMIDRO",
        Proposal.objects.get(pk=headline.pk),
    )
    decision = page.locator(f"[data-testid=decision-{headline.pk}]").inner_text()
    assert case.reference in to_latin_digits(decision)  # shown in the reader's digits
    screenshot(page, f"intake-accepted-{name}")
    # Clicking a highlight brings its proposal forward.
    page.locator("mark.ik-person").first.click()
    assert page.locator(".intake-card.is-active").count() == 1


def test_coordinator_uploads_the_report_as_a_pdf_on_a_phone(journey: Any, demo_world: None, tmp_path: Any):
    """The same report as a PDF with a text layer (made with WeasyPrint and Vazirmatn), uploaded
    from a phone: the text is read in reading order, so the same directive is proposed."""
    from rasad.intake.tests.test_pdf_intake import _persian_pdf

    report = tmp_path / "گزارش-ایمیدرو.pdf"
    report.write_bytes(_persian_pdf(IMIDRO_REPORT))
    coordinator = sign_in(journey, "phone")
    page = coordinator.page
    coordinator.go("/intake/new/")
    page.select_option("select[name=organization]", label="سازمان توسعه و نوسازی معادن و صنایع معدنی ایران")
    page.set_input_files("input[name=file]", str(report))
    coordinator.submit("[data-testid=intake-submit]")
    page.wait_for_selector("[data-testid=intake-text-pane]")
    pane = page.inner_text("[data-testid=intake-text-pane]")
    assert "۱۳ اسفند ۱۴۰۳" in pane and "سردار غلامرضا جلالی" in pane
    assert page.locator("mark.ik-directive").count() >= 3
    headline = Proposal.objects.filter(field="directive").order_by("position").first()
    assert headline is not None
    card = page.locator(f"#proposal-{headline.pk}")
    assert "ایمیدرو چالش" in card.inner_text()
    assert card.locator("select[name$=organization_code]").input_value() == "IMIDRO"
    screenshot(page, "intake-pdf-review-phone")
