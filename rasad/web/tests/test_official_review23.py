"""What an official frowned at in the screenshots of session 23 (Persian, desktop and phone)."""

from __future__ import annotations

import re

from django.urls import resolve, reverse

from rasad.testing.cast import Cast
from rasad.testing.templates import template_source
from rasad.testing.web import signed_in_client
from rasad.web.navigation import menu_groups


def test_a_parent_held_to_this_day_reads_since_its_start_not_a_dash_for_its_end(cast: Cast):
    page = signed_in_client(cast.alice).get(f"/organizations/{cast.isfahan_post.pk}/").content.decode()
    history = page.split("سابقهٔ سازمان بالادست", 1)[1].split("</ul>", 1)[0]
    assert "تاکنون" in history
    assert "— —" not in history and "—</li>" not in history


# A page's sub-navigation: its app's tabs (``{% app_nav %}``, or an app's own nav include).
_SUB_NAVIGATION = re.compile(r'{% app_nav |{% include "[\w/]*(?:_nav|includes/nav)\.html"')


def test_every_page_of_the_menu_shows_its_title_above_its_tabs():
    """As on every other app's pages, a menu page's title comes first and its app's tabs under
    it: the indicators' pages had the tabs above the title, alone of all the apps."""
    tabs_first = []
    for group in menu_groups():
        for item in group.items:
            view = getattr(resolve(reverse(item.url_name)).func, "view_class", None)
            name = getattr(view, "template_name", None)
            if item.is_action or not name:
                continue
            source = template_source(name)
            tabs, title = _SUB_NAVIGATION.search(source), source.find("<h1")
            if tabs is not None and title != -1 and tabs.start() < title:
                tabs_first.append(item.url_name)
    assert tabs_first == []


def test_no_trouble_counted_is_not_shown_as_an_alarm(cast: Cast):
    # Ali has no overdue case: the count says «۰» in green, not in the red of trouble.
    home = signed_in_client(cast.ali).get("/").content.decode()
    assert 'text-success" data-testid="count">۰</span>' in home
    assert not re.search(r'text-(?:danger|warning)" data-testid="count">۰<', home)
