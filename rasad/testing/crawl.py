"""Find every page a person can reach: follow the links of each page from the home page, as the
signed-in user, with Django's test client. One page per route (``cases:case-detail`` is visited
once, not for every case), so that a demo of thousands of rows is crawled in seconds.

Used by the whole-site checks: every page found is then shown in Chromium at desktop and phone
widths and checked by ``rasad.testing.journey.check_page``.
"""

from __future__ import annotations

from collections import deque
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urldefrag, urlsplit

from django.urls import Resolver404, resolve

# Links that are not pages: they leave, download a file, switch the language or answer in JSON.
# ("/media/" is the media coordination app's pages: uploaded files have no public address.)
SKIPPED_PREFIXES = ("/logout", "/static/", "/api/", "/admin/")
SKIPPED_SUFFIXES = (".xlsx", ".csv", ".json", ".geojson", ".pdf", ".svg", ".png", ".zip")


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.links.append(href)


def links_of(html: str) -> list[str]:
    parser = _Links()
    parser.feed(html)
    return parser.links


def route_of(path: str) -> str | None:
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.view_name


def site_pages(client: Any, start: str = "/", *, limit: int = 300) -> list[str]:
    """Paths of the HTML pages reachable from ``start``: one per route, the first one found, plus
    each list page once more with the first query string found on it (a filtered list)."""
    seen_routes: set[str] = set()
    filtered_routes: set[str] = set()
    pages: list[str] = []
    queue: deque[str] = deque([start])
    while queue and len(pages) < limit:
        url = queue.popleft()
        parts = urlsplit(url)
        route = route_of(parts.path)
        if route is None:
            continue
        if parts.query:
            if route in filtered_routes or "lang=" in parts.query or "page=" in parts.query:
                continue
            filtered_routes.add(route)
        elif route in seen_routes:
            continue
        else:
            seen_routes.add(route)
        response = client.get(url)
        if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
            continue
        pages.append(url)
        for href in links_of(response.content.decode()):
            link, _fragment = urldefrag(href)
            if not link.startswith("/") or link.startswith("//"):
                continue
            if link.startswith(SKIPPED_PREFIXES) or urlsplit(link).path.endswith(SKIPPED_SUFFIXES):
                continue
            queue.append(link)
    return pages
