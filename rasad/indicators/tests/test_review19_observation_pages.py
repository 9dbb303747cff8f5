"""Review 19: the reported values' table keeps its filters on its page links, as the case list
does (``query``): the next page of values filtered by organization is the next page of those
values, not of every value (the links were ``?page=2`` alone)."""

from __future__ import annotations

import re

import pytest

from rasad.indicators.testing import assign, record
from rasad.indicators.tests.conftest import SINCE
from rasad.indicators.views import ObservationTableView
from rasad.testing.cast import Cast
from rasad.testing.web import verified_client


def test_the_page_links_keep_the_filters(cast: Cast, monkeypatch: pytest.MonkeyPatch):
    assign(cast.isfahan, "ELEC_CONS", since=SINCE)
    for month in (1, 2, 3):
        record(cast.isfahan_post, "ELEC_CONS", f"1402-{month:02d}", 10.0 + month)
    monkeypatch.setattr(ObservationTableView, "paginate_by", 1)
    page = verified_client(cast.root).get(
        "/indicators/observations/", {"organization": "ISF-P1", "page": "2"}
    )
    assert page.status_code == 200
    links = re.findall(r'href="\?([^"]*page=\d+)"', page.content.decode())
    assert len(links) == 2  # previous and next
    assert all("organization=ISF-P1" in link for link in links), links
