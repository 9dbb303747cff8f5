"""The whole site in Persian, at desktop and the narrowest phone width (360 px, the hardest of
the phone widths: a page that fits it fits 390 and 414): every page of the demo a national
coordinator and a mine's reporter can reach passes the journey checks (no Latin digit or English
word outside codes, e-mail addresses and URLs; no sideways scroll; styled controls; tap targets;
no request outside the server)."""

from __future__ import annotations

import os
from typing import Any

import pytest
from django.test import Client

from rasad.core.models import User
from rasad.testing.browser import ARTIFACTS
from rasad.testing.crawl import site_pages

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.slow]


# Other people and widths on demand, to look at what they see (RASAD_SCREENSHOTS=1 photographs
# every page): RASAD_CRAWL_USERS=copper.analyst,jandaq.operator RASAD_CRAWL_WIDTHS=phone,desktop.
def _listed(variable: str, default: list[str]) -> list[str]:
    return [name for name in os.environ.get(variable, "").split(",") if name] or default


USERS = _listed("RASAD_CRAWL_USERS", ["national.coordinator", "chadormalu.reporter"])
WIDTHS = _listed("RASAD_CRAWL_WIDTHS", ["desktop", "narrow"])


# The lines the navigation bar's entries (brand, sections, language, person) stand on.
_MENU_LINES_JS = """() => new Set(
  [...document.querySelectorAll('nav.navbar .navbar-brand, #mainnav .navbar-nav > li')]
    .map(item => item.getBoundingClientRect())
    .map(box => Math.round(box.top + box.height / 2))
).size"""


# The narrowest window the bar is laid out in a line (Bootstrap's xl, navbar-expand-xl), and the
# office monitor's.
MENU_WIDTHS = (1200, 1280)


def _check_the_menu_stands_on_one_line(person: Any, username: str) -> None:
    """The main menu (its sections, the language and the person) fits one line in Persian and in
    English from 1200 px, where it unfolds, the national coordinator's too, who has every
    section. The page is left in Persian at 1280 px, as the crawl goes on."""
    wrapped = []
    for language in ("en", "fa"):
        person.page.goto(person.url(f"/?lang={language}"))
        for menu_width in MENU_WIDTHS:
            person.page.set_viewport_size({"width": menu_width, "height": 860})
            if (lines := person.page.evaluate(_MENU_LINES_JS)) != 1:
                wrapped.append(f"{lines} lines in {language} at {menu_width} px")
    assert wrapped == [], f"{username}'s menu: {wrapped}"


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("username", USERS)
@pytest.mark.usefixtures("whole_demo")
def test_every_page_of_the_demo_passes_the_checks(journey, username, width, settings):
    client = Client()
    client.force_login(User.objects.get(username=username))
    pages = site_pages(client)
    assert len(pages) > 10, pages
    person = journey(width, strict=False)
    person.page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": person.base_url,
            }
        ]
    )
    for path in pages:
        person.go(path)
        if path == "/" and width == "desktop":
            _check_the_menu_stands_on_one_line(person, username)
    problems = person.problems
    report = ARTIFACTS / f"whole-site-{username}-{width}.txt"
    report.parent.mkdir(parents=True, exist_ok=True)
    report.write_text("\n".join(["pages:", *pages, "", "problems:", *problems]) + "\n", encoding="utf-8")
    assert problems == [], f"{len(problems)} problems on {len(pages)} pages (see {report}):\n" + "\n".join(
        problems
    )
