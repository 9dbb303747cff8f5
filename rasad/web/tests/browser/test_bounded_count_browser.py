"""A long list's count, bounded (``rasad.web.pagination``), as a person reads it at desktop and
phone widths: Isfahan's analyst sees 1,001 cases counted only to 1,000, «بیش از ۱٬۰۰۰ پرونده»,
on pages «صفحهٔ ۱ از بیش از ۲۰»; the next page says the same; the twenty-first page, past the bound,
counts to its end and is exact («۱٬۰۰۱ پرونده», «صفحهٔ ۲۱ از ۲۱»). The bound is the real one (1,000
rows, 50 to a page): one case is opened through its action, the other thousand are its copies."""

from __future__ import annotations

from typing import Any

import pytest

from rasad.cases.models import Case
from rasad.cases.testing import open_challenge
from rasad.lib.persian import to_persian_digits
from rasad.testing.browser import screenshot
from rasad.testing.cast import Cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

COUNT = ".d-flex > span.text-muted"  # the list's count, above the table
PAGES = ".pagination .page-item.disabled"  # «صفحهٔ ۱ از بیش از ۲۰» between Previous and Next


def _thousand_more(case: Case) -> None:
    """A thousand copies of ``case`` (the rows a list counts and pages; nothing else is needed)."""
    copies = []
    for number in range(1, 1001):
        copy = Case.objects.get(pk=case.pk)
        copy.pk = None
        copy.reference = f"{case.reference}-{number}"
        copy.title = f"{case.title} {to_persian_digits(str(number))}"  # as a person writes it
        copies.append(copy)
    Case.objects.bulk_create(copies, batch_size=500)


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_a_list_of_more_than_a_thousand_cases_says_more_than(journey: Any, cast: Cast, width):
    _thousand_more(open_challenge(cast, cast.isfahan_post, user=cast.ali, title="قطعی برق پاسگاه"))
    analyst = journey(width)
    page = analyst.page
    analyst.sign_in("alice")
    analyst.go("/cases/")
    assert page.locator(COUNT).inner_text() == "بیش از ۱٬۰۰۰ پرونده"
    assert page.locator(PAGES).inner_text() == "صفحهٔ ۱ از بیش از ۲۰"
    assert page.locator("[data-testid=case-table] tbody tr").count() == 50
    screenshot(page, f"bounded-count-cases-fa-{width}")
    analyst.click(".pagination a.page-link >> text=بعدی")
    assert page.locator(PAGES).inner_text() == "صفحهٔ ۲ از بیش از ۲۰"
    assert page.locator(COUNT).inner_text() == "بیش از ۱٬۰۰۰ پرونده"
    analyst.go("/cases/?page=21")
    assert page.locator(COUNT).inner_text() == "۱٬۰۰۱ پرونده"
    assert page.locator(PAGES).inner_text() == "صفحهٔ ۲۱ از ۲۱"
    assert page.locator("[data-testid=case-table] tbody tr").count() == 1
