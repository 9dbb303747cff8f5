"""The public directory in the browser, in Persian: a visitor who is not signed in opens it on a
desktop and on phones (390 and 360 px), sees the certified businesses on the map and in the
lists, filters by sector and opens a business's page; a signed-in analyst reaches it from the
menu and exports it to Excel."""

from __future__ import annotations

import re
from typing import Any

import pytest

from rasad.greenjobs.testing import make_business, make_certified_business
from rasad.testing.cast import Cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fits(page: Any) -> bool:
    return bool(page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth + 1"))


def test_a_visitor_finds_certified_businesses_by_sector_on_the_map(journey: Any, cast: Cast):
    solar = make_certified_business(cast.isfahan, knowledge_based=True)
    recycler = make_certified_business(cast.kerman, sector_code="3830", occupations=("recycling-sorter",))
    hidden = make_business(cast.isfahan)

    for width in ("desktop", "phone", "narrow"):
        visitor = journey(width)
        visitor.go("/green/directory/")
        visitor.page.wait_for_selector("[data-testid=map][data-ready=points]")
        assert visitor.page.get_attribute("[data-testid=map]", "data-point-count") == "2"
        rows = visitor.page.locator("[data-testid=directory-row]")
        assert rows.count() == 2
        text = visitor.page.inner_text("[data-testid=directory-table]")
        assert hidden.organization.name not in text
        assert fits(visitor.page)
        visitor.check("map drawn")

        # The recycling sector only (section E of ISIC Rev.4).
        visitor.page.select_option("select[name=sector]", "E")
        visitor.submit("[data-testid=directory-filter]")
        visitor.page.wait_for_selector("[data-testid=map][data-ready=points]")
        assert visitor.page.get_attribute("[data-testid=map]", "data-point-count") == "1"
        assert visitor.page.inner_text("[data-testid=directory-table]").count(recycler.organization.name) == 1
        assert solar.organization.name not in visitor.page.inner_text("[data-testid=directory-table]")
        assert "۱" in visitor.page.inner_text("[data-testid=directory-total]")

        visitor.click(f"[data-testid=directory-row] a[href='/green/directory/{recycler.pk}/']")
        assert visitor.page.inner_text("h1") == recycler.organization.name
        number = visitor.page.inner_text("[data-testid=directory-certificate]")
        assert number.startswith("GC-۰") and not re.search("[0-9]", number)
        assert fits(visitor.page)
    assert visitor.page.locator("[data-testid=directory-export]").count() == 0


def test_an_analyst_reaches_the_directory_from_the_menu_and_exports_it(journey: Any, cast: Cast):
    make_certified_business(cast.isfahan)
    desk = journey("desktop")
    desk.sign_in("alice")
    desk.go("/green/")
    # The menu group that holds the directory opens first, as a person opens it.
    entry = "a.dropdown-item[href='/green/directory/']"
    group = desk.page.locator("nav li.dropdown", has=desk.page.locator(entry))
    group.locator(".dropdown-toggle").click()
    desk.click(f"nav {entry}")
    desk.page.wait_for_selector("[data-testid=map][data-ready=points]")
    download = desk.export("[data-testid=directory-export]")
    assert download.suggested_filename.endswith(".xlsx")
