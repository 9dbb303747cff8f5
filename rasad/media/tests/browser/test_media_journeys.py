"""Media coordination in the browser, in Persian, at desktop and phone widths: the headquarters'
secretary drafts talking points, approves and issues them to a member agency; the agency's
officer acknowledges and reports the publication from the inbox; the board shows it, and (at
desktop width) its Excel export, prepared in the background, lists it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from rasad.core.actions.people import do_create_user, do_grant_role
from rasad.core.models import Role
from rasad.media.models import Recipient, Statement
from rasad.media.testing import ensure_member, issued_statement
from rasad.testing.browser import screenshot
from rasad.testing.cast import Cast
from rasad.testing.tabular import xlsx_rows

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SECRETARY_PASSWORD = "secretary-" * 2


@pytest.mark.parametrize("width", ["desktop", "phone", "narrow"])
def test_the_secretary_drafts_approves_and_issues_talking_points(journey: Any, cast: Cast, width: str):
    secretary = do_create_user(
        "isf.media",
        acting_user=None,
        password=SECRETARY_PASSWORD,
        display_name="پیمان فلاحی",
        organization=cast.isfahan,
        validate=False,
    )
    do_grant_role(
        secretary, Role.objects.get(slug="coordinator"), acting_user=None, organization=cast.isfahan
    )
    ensure_member(cast.isfahan, cast.isfahan_post)
    person = journey(width)
    person.sign_in("isf.media", SECRETARY_PASSWORD)
    person.go("/media/")
    person.click("[data-testid=nav-mediastatement-create]")
    page = person.page
    page.select_option("select[name=kind]", "talking_points")
    page.fill("input[name=title]", "محورهای پیام قطعی برق")
    page.fill("textarea[name=body]", "۱. خاموشی برنامه‌ریزی‌شده است.\n\n۲. جدول در وبگاه شرکت است.")
    person.submit("[data-testid=submit]")
    person.submit("[data-testid=submit-review]")
    person.submit("[data-testid=approve]")
    person.click("[data-testid=issue]")
    # No agency chosen, the hours typed in Latin digits: the form comes back with the hours in
    # Persian digits, as they will be read.
    page.check("input[name=deadline_basis][value=clock]")
    page.fill("input[name=deadline_hours]", "4")
    person.submit("[data-testid=submit]")
    assert page.locator("[data-field-error=agencies]").count() == 1
    assert page.input_value("input[name=deadline_hours]") == "۴"
    screenshot(page, f"media-issue-typed-back-{width}")
    page.check("input[name=agencies]")
    person.submit("[data-testid=submit]")
    assert page.inner_text("[data-testid=statement-state]") == "ابلاغ‌شده"
    assert page.locator("[data-testid=recipient-row]").count() == 1
    statement = Statement.objects.get(title="محورهای پیام قطعی برق")
    assert (statement.state, statement.recipients.get().agency) == ("issued", cast.isfahan_post)
    # On the board, the deadline («نزدیک‌ترین مهلت ۱۴۰۵/۰۹/۱۴ ۱۸:۳۰») is one piece on one line
    # at every width: the line breaks before it, never between the date and its time.
    person.go("/media/")
    deadline = page.locator("[data-testid=statement-row] [data-testid=next-deadline]")
    assert deadline.count() == 1
    # One rectangle per bidirectional run (the Persian words, the date, the time), all on one line.
    lines = "el => new Set(Array.from(el.getClientRects(), r => Math.round(r.top))).size"
    assert deadline.evaluate(lines) == 1, deadline.inner_text()


@pytest.mark.parametrize("width", ["desktop", "phone", "narrow"])
def test_an_agency_officer_acknowledges_and_reports_the_publication(journey: Any, cast: Cast, width: str):
    recipient = issued_statement(
        cast.isfahan, [cast.isfahan_post], title="پیام ایمنی زمستان"
    ).recipients.get()
    person = journey(width)
    person.sign_in("ali")
    person.go("/media/inbox/")
    person.submit("[data-testid=inbox-row] [data-testid=acknowledge]")
    page = person.page
    page.check("input[name=outcome][value=declined]")
    person.submit("[data-testid=respond-submit]", check=False)
    assert page.locator("[data-field-error=reason]").count() == 1
    person.check("errors")
    page.check("input[name=outcome][value=published]")
    page.select_option("select[name=channel]", "website")
    page.fill("input[name=evidence_url]", "https://isf-p1.example/news/winter")
    person.submit("[data-testid=respond-submit]")
    assert page.locator("[data-testid=evidence-link]").count() == 1
    recipient.refresh_from_db()
    assert (recipient.state, recipient.channel) == ("published", "website")
    person.go("/media/")
    assert page.locator("[data-testid=statement-row]").count() == 1
    assert Recipient.objects.filter(state="published").count() == 1
    if width == "desktop":  # one export is enough: the same pages at every width
        download = person.export("[data-testid=export]")
        assert download.suggested_filename.endswith(".xlsx")
        rows = xlsx_rows(Path(download.path()).read_bytes())
        cells = [str(cell) for row in rows for cell in row]
        assert "پیام ایمنی زمستان" in cells
