"""An empty list says what is not there and what to do next, or, with filters on, that nothing
matches them and how to clear them: one piece (``{% empty_list %}``) used by every list."""

from __future__ import annotations

from pathlib import Path

from rasad.testing.cast import Cast
from rasad.testing.web import signed_in_client


def test_an_empty_list_says_what_is_missing_and_offers_to_add_it_to_whoever_may(cast: Cast):
    page = signed_in_client(cast.ali).get("/cases/").content.decode()
    assert "هنوز پرونده‌ای ثبت نشده است." in page
    link = '<a href="/cases/new/" data-testid="empty-list-action"><i class="bi bi-plus-lg"></i> ثبت پرونده'
    assert link in page
    # A viewer may file nothing: the words, no link.
    viewer = signed_in_client(cast.wali).get("/cases/").content.decode()
    assert "هنوز پرونده‌ای ثبت نشده است." in viewer and 'data-testid="empty-list-action"' not in viewer


def test_a_filtered_empty_list_says_so_and_clears_the_filters(cast: Cast):
    page = signed_in_client(cast.ali).get("/cases/?q=ناموجود&page=1").content.decode()
    assert "با این فیلترها موردی نیست." in page
    assert '<a href="/cases/" data-testid="clear-filters">' in page
    assert "هنوز پرونده‌ای" not in page and 'data-testid="empty-list-action"' not in page
    # An empty filter is no filter.
    assert "هنوز پرونده‌ای ثبت نشده است." in signed_in_client(cast.ali).get("/cases/?q=").content.decode()


def test_no_list_writes_its_own_nothing_found():
    templates = Path(__file__).resolve().parents[2].glob("*/templates/**/*.html")
    own = [
        str(path)
        for path in templates
        if "Nothing matches" in path.read_text(encoding="utf-8") and path.name != "empty_list.html"
    ]
    assert own == []
