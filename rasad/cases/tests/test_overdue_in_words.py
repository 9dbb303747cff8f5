"""An overdue case says so in words wherever it is coloured for it: the list's red row, the
board's red card and the case page's badge each carry «گذشته از مهلت» ("Overdue"), so that the
colour is never the only sign (a reader who does not see red, a printed page). The board's date
is named as the deadline, and the home page's numbers of open and overdue cases are headed."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from rasad.cases.actions import do_transition_case
from rasad.cases.models import Case
from rasad.cases.testing import open_challenge
from rasad.testing.cast import Cast

pytestmark = pytest.mark.django_db


def _overdue(cast: Cast) -> Case:
    case = open_challenge(cast, cast.isfahan_post, user=cast.ali)
    case = do_transition_case(case, "triage", acting_user=cast.alice)
    Case.objects.filter(pk=case.pk).update(due_at=timezone.now() - timedelta(days=2))
    return case


def _page(cast: Cast, path: str) -> str:
    client = Client()
    client.force_login(cast.alice)
    return client.get(path, {"lang": "fa"}).content.decode()


def _block(html: str, start: str, pk: int) -> str:
    """The row (``<tr``) or card (``<div class="card ``) of the page that links to case ``pk``: from
    its start to the next one's, or to the end of the page."""
    link = html.index(f'href="/cases/{pk}/"')
    end = html.find(start, link)
    return html[html.rindex(start, 0, link) : end if end > 0 else len(html)]


def test_the_list_row_and_the_board_card_of_an_overdue_case_say_it_in_words(cast: Cast):
    case = _overdue(cast)
    row = _block(_page(cast, "/cases/"), "<tr", case.pk)
    assert "table-danger" in row and "گذشته از مهلت" in row
    card = _block(_page(cast, "/cases/board/"), '<div class="card ', case.pk)
    assert "border-danger" in card and "گذشته از مهلت" in card
    # The card's date is named: «مهلت ۱۴۰۵/…», not a date alone.
    assert re.search(r"مهلت [۰-۹]{4}/[۰-۹]{2}/[۰-۹]{2}", card)
    assert "گذشته از مهلت" in _page(cast, f"/cases/{case.pk}/")


def test_the_home_table_of_cases_by_organization_heads_its_numbers(cast: Cast):
    _overdue(cast)
    html = _page(cast, "/")
    table = html[html.index('data-testid="cases-by-organization"') :]
    head = table[: table.index("</thead>")]
    assert "<thead" in head and '<thead class="visually-hidden"' not in head
    assert ">باز<" in head and ">گذشته از مهلت<" in head
