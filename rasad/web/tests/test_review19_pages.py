"""Review 19: the UI's bounded pages (``rasad.web.pagination.BoundedPaginator``) for a page
number Django's paginator reads as "the last page" (zero, negative) or one too large for the
database's LIMIT: the rows that exist are shown, never an empty page nor a 500."""

from __future__ import annotations

import pytest
from django.test import Client

from rasad.cases.testing import open_challenge
from rasad.cases.views import CaseListView
from rasad.testing.cast import Cast
from rasad.web import pagination as web_pagination
from rasad.web.pagination import BoundedPaginator

ROWS = list(range(7))


@pytest.mark.parametrize("wanted", ["0", "-3"])
def test_a_page_django_reads_as_the_last_shows_rows(wanted: str):
    # Seven rows counted up to four (a whole number of pages of two): Django's paginator
    # answers page 0 with its last page; the last page known here is the third (rows 4-5,
    # known to exist: a fifth row was counted), not an empty page cut at the bound.
    paginator = BoundedPaginator(ROWS, 2, wanted, limit=4)
    page = paginator.get_page(wanted)
    assert (page.number, list(page)) == (3, [4, 5])


@pytest.mark.parametrize("wanted", ["99999999999999999999", str(2**62)])
def test_a_page_number_past_any_limit_is_the_last_page_known(wanted: str):
    paginator = BoundedPaginator(ROWS, 2, wanted, limit=3)
    page = paginator.get_page(wanted)
    assert list(page) == [6]


@pytest.mark.parametrize("wanted", ["0", "99999999999999999999", str(2**62 // 2)])
def test_the_case_list_answers_every_page_number(cast: Cast, monkeypatch: pytest.MonkeyPatch, wanted: str):
    for index in range(5):
        open_challenge(cast, cast.isfahan_post, user=cast.ali, title=f"پرونده {index}")
    browser = Client(HTTP_ACCEPT_LANGUAGE="fa")
    browser.force_login(cast.alice)
    monkeypatch.setattr(web_pagination, "COUNT_LIMIT", 4)
    monkeypatch.setattr(CaseListView, "paginate_by", 2)
    response = browser.get("/cases/", {"page": wanted})
    assert response.status_code == 200
    page = response.content.decode()
    assert any(f"پرونده {index}" in page for index in range(5))
