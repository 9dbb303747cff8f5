"""Pages at an office monitor's width (1366 px), as a coordinator reads them: a moment in the
audit trail stays on one line beside a long subject (it broke into «۱۴۰۵/۰۹/۱۵» over «۱۸:۵۱»,
doubling every row, session 27); the map's zoom buttons are named in the page's language
(Leaflet's tooltips read "Zoom in")."""

from __future__ import annotations

from typing import Any

import pytest

from rasad.core.audit import audit_organization_changed
from rasad.core.models import Organization
from rasad.testing.cast import Cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# How many lines each cell's text takes: the distinct tops of its text's boxes.
_LINES_JS = """selector => [...document.querySelectorAll(selector)].map(cell => {
  const range = document.createRange();
  range.selectNodeContents(cell);
  return new Set([...range.getClientRects()].map(box => Math.round(box.top))).size;
})"""


def test_an_audit_moment_stays_on_one_line_beside_a_long_subject(journey: Any, cast: Cast):
    post = cast.isfahan_post
    long_name = "پاسگاه مرزی یک " + "با نامی بسیار بلند که در ستون موضوع ردپای ممیزی جای زیادی می‌گیرد " * 2
    Organization.objects.filter(pk=post.pk).update(name=long_name.strip())
    post.refresh_from_db()
    audit_organization_changed(post, acting_user=cast.alice, old={}, new={})
    person = journey("desktop")
    person.sign_in("alice")
    person.page.set_viewport_size({"width": 1366, "height": 768})
    person.go("/audit/")
    lines = person.page.evaluate(_LINES_JS, "main table tbody td[data-label]:first-child")
    assert lines and set(lines) == {1}, lines


def test_the_map_s_zoom_buttons_are_named_in_persian(journey: Any, cast: Cast):
    person = journey("desktop")
    person.sign_in("alice")
    person.go("/cases/map/")
    person.page.wait_for_selector(".leaflet-control-zoom-in")
    titles = [person.page.get_attribute(f".leaflet-control-zoom-{way}", "title") for way in ("in", "out")]
    assert titles == ["بزرگ‌نمایی", "کوچک‌نمایی"]


# The cards of each row of the home page's counts, from the top.
_COUNT_ROWS_JS = """() => {
  const rows = new Map();
  document.querySelectorAll('[data-testid=counts] > *').forEach(card => {
    const top = Math.round(card.getBoundingClientRect().top);
    rows.set(top, (rows.get(top) || 0) + 1);
  });
  return [...rows.entries()].sort((a, b) => a[0] - b[0]).map(entry => entry[1]);
}"""


@pytest.mark.parametrize("username", ["alice", "nadia", "bob"])
def test_the_home_counts_stand_in_even_rows(journey: Any, cast: Cast, username: str):
    """Ten counts stood nine over one at 1366 px (a ministry's coordinator, session 27): the rows
    now differ by one card at most."""
    person = journey("desktop")
    person.sign_in(username)
    person.page.set_viewport_size({"width": 1366, "height": 768})
    person.go("/")
    rows = person.page.evaluate(_COUNT_ROWS_JS)
    assert rows and max(rows) - min(rows) <= 1, rows
