"""Many-column lists on a phone (session 18): the indicator catalogue, reported values, intake's
documents and aliases, training compliance and the background-work schedules keep their title
column and put the rest under it (or become labelled cards), so that nothing is wider than the
window and no list scrolls sideways in its own box. At desktop width the same lists show every
column. Every page passes the journey checks (``rasad.testing.journey``); screenshots for the
record go to var/test-artifacts."""

from __future__ import annotations

from typing import Any

import pytest

from rasad.testing.browser import screenshot
from rasad.testing.cast import Cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# How many lists on the page scroll sideways inside their own box.
SCROLLING = (
    "() => [...document.querySelectorAll('.table-responsive')]"
    ".filter(box => box.getBoundingClientRect().width > 0 && box.scrollWidth > box.clientWidth + 1).length"
)
# The header cells a reader sees in a table.
SHOWN_HEADERS = (
    "(selector) => [...document.querySelectorAll(selector + ' thead th')]"
    ".filter(th => th.getBoundingClientRect().width > 0).map(th => th.innerText.trim())"
)


# Fills a labelled card cell (right to left) with a long value; whether every line of it stays
# clear of the label's column.
WRAPS_BESIDE_LABEL = """cell => {
  cell.textContent = "شرکت دانش‌بنیان خورشید انرژی ".repeat(6);
  const label = parseFloat(getComputedStyle(cell, '::before').width);
  const box = cell.getBoundingClientRect();
  const range = document.createRange();
  range.selectNodeContents(cell);
  const lines = [...range.getClientRects()];
  return lines.length > 1 && lines.every(line => line.right <= box.right - label + 1);
}"""


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_many_column_lists_reflow_on_a_phone(journey: Any, cast: Cast, width):
    from rasad.indicators.testing import make_observation
    from rasad.intake.testing import make_alias, submit
    from rasad.jobs.schedules import sync_schedules

    sync_schedules()
    make_observation(cast, cast.isfahan)
    submit(cast, cast.isfahan, title="صورتجلسهٔ نشست شورای فضای مجازی استان اصفهان")
    alias = make_alias(cast, cast.isfahan)
    # The factory numbers its aliases in Latin digits («نام دیگر 2»); a person would have written
    # an organization's other name, and the page shows it as written.
    type(alias).objects.filter(pk=alias.pk).update(alias="فرمانداری اصفهان")
    admin = journey(width)
    page = admin.page
    admin.sign_in("root")  # a platform administrator: sets up two-factor sign-in first
    for path, name in [
        ("/indicators/catalogue/", "catalogue"),
        ("/indicators/observations/", "observations"),
        ("/intake/", "intake-documents"),
        ("/intake/aliases/", "intake-aliases"),
        ("/training/compliance/", "training-compliance"),
        ("/background-work/", "background-work"),
    ]:
        admin.go(path)
        screenshot(page, f"reflow-{name}-fa-{width}")
        assert page.evaluate(SCROLLING) == 0, path

    admin.go("/indicators/catalogue/")
    headers = page.evaluate(SHOWN_HEADERS, "[data-testid=catalogue]")
    if width == "phone":
        # The name and its unit; the code, category, periodicity and formula under the name.
        assert headers == ["نام", "یکا"]
        first = page.locator("[data-testid=catalogue] tbody tr").first.inner_text()
        assert "ماهانه" in first or "سالانه" in first, first
    else:
        assert len(headers) == 7

    admin.go("/background-work/")
    # Schedules are called by what they do, in Persian; their internal name stays beside it.
    digest = page.locator("[data-testid=schedules] tr[data-schedule=cases-daily-digest] td").first
    assert digest.inner_text().splitlines()[:2] == ["خلاصهٔ روزانهٔ اعلان‌های پرونده", "cases-daily-digest"]

    admin.go("/indicators/observations/")
    # Each reported value is a card whose values sit beside their labels («مقدار ۱۰۰»).
    value = page.locator("[data-testid=observations-table] tbody td[data-label]").nth(2)
    if width == "phone":
        label = value.evaluate("cell => getComputedStyle(cell, '::before').content")
        assert label == '"مقدار"'
        assert value.evaluate("cell => getComputedStyle(cell).textAlign") == "start"
        # A value long enough to wrap (a business's long name) wraps beside its label: its second
        # line starts under its first, not under the label.
        assert value.evaluate(WRAPS_BESIDE_LABEL)
    # The period picker's empty choices say what is chosen in them, not «—».
    assert page.locator("select[name=period_0] option").first.inner_text() == "دوره"
    assert page.locator("select[name=period_1] option").first.inner_text() == "سال"
