"""Every page makes a fixed number of queries, however many rows it shows: each routed page is
opened with 2 records of every model that has a matrix factory, then with 4, and the two
counts must be equal (growth, not an absolute count, is what this holds pages to). A query per
row shows as growth at 4 rows as at 10: a list that shows at most k rows grows between 2 and any
larger count exactly when k > 2, so the 6 rows more that 10 made (6 s of the test's 49 s on SQLite)
showed nothing 4 does not.

Pages are discovered from the URL resolver (``rasad.testing.routes``): a page whose URL needs
an object gets one of its view's model (an organization page gets the Isfahan command centre,
where the rows are made); a page whose URL needs anything else we cannot fill is listed in
``SKIPPED`` with the reason, and a test fails if a new page falls through without one.
"""

from __future__ import annotations

import time
from types import SimpleNamespace
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from rasad.core.models import Organization
from rasad.core.scope import clear_scope_cache
from rasad.testing.cast import Cast
from rasad.testing.factories import FACTORIES, load_all
from rasad.testing.routes import Page, discover_pages
from rasad.testing.web import signed_in_client

load_all()
PAGES = discover_pages()
PERIOD = "1395-06"  # a period the observation factory reports in

# Pages this test cannot open with made-up arguments, and why.
SKIPPED = {
    "healthz": "no database",
    "web:login": "signed out",
    "web:two-factor": "signed out",
    "web:logout": "ends the session",
    "web:two-factor-setup": "an administrator's set-up flow, no rows",
    "jobs:retry": "a task run id (uuid)",
    "jobs:progress": "a task run id (uuid)",
    "jobs:export-request": "an export kind and format",
    "indicators:import-template": "a file format",
    "indicators:period-action": "a verb: POST only",
    "cases:attachment-download": "a file, not a page",
    "programs:attachment-download": "a file, not a page",
    "assessments:evidence-download": "a file, not a page",
    "assessments:instrument-spreadsheet": "a file, not a page",
    "assessments:cycle-results": "a file, not a page",
    "training:certificate": "a file, not a page",
    "media:attachment-download": "a file, not a page",
    "training:check-in": "a check-in code from the event's QR",
    "training:calendar-feed": "a calendar address's secret, no session",
    "comms:attachment": "a file, not a page",
    "comms:federation-bundle": "a centre code: another node's endpoint, no session",
    "reports:form": "a report name",
    "live:stream": "an endless stream (server-sent events)",
}


def _arguments(page: Page, cast: Cast) -> dict[str, Any] | None:
    """The URL arguments for ``page`` over the rows made in Isfahan, or ``None``."""
    kwargs: dict[str, Any] = {}
    for name in page.arguments:
        if name == "period":
            kwargs[name] = PERIOD
        elif name == "pk" and page.model is Organization:
            kwargs[name] = cast.isfahan.pk
        elif name == "pk" and page.model is not None:
            found = page.model._default_manager.order_by("pk").first()
            if found is None:
                return None
            kwargs[name] = found.pk
        else:
            return None
    return kwargs


def _make_rows(cast: Cast, count: int) -> None:
    for factory in FACTORIES.values():
        for _ in range(count):
            factory.make(cast, cast.isfahan)


def _counts(client: Client, user: Any, urls: dict[str, str]) -> dict[str, tuple[int, int]]:
    counts = {}
    for name, url in urls.items():
        clear_scope_cache(user)
        with CaptureQueriesContext(connection) as captured:
            status = client.get(url).status_code
        counts[name] = (status, len(captured))
    return counts


def test_every_page_is_opened_or_skipped_with_a_reason():
    unknown = [
        page.name
        for page in PAGES
        if page.name not in SKIPPED and any(name not in {"pk", "period"} for name in page.arguments)
    ]
    assert not unknown, f"pages this test cannot open: {unknown}; give their arguments or a reason"


@pytest.fixture
def still_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """Two things happen by the clock, not by the rows: the session middleware saves the session
    when 30 s have passed since the last save (three queries), and a refusal is audited as an
    event once per actor, object type and minute (the others only count). The clocks they read
    stand still here, so the counts compare like with like."""
    now = time.time()
    moment = timezone.now()
    monkeypatch.setattr("rasad.core.middleware.time", SimpleNamespace(time=lambda: now))
    monkeypatch.setattr("rasad.core.audit.timezone", SimpleNamespace(now=lambda: moment))


@pytest.mark.usefixtures("still_clock")
def test_page_query_count_does_not_grow_with_rows(cast: Cast):
    """A staff member's pages and the superuser's, over the same rows: the rows are made once for
    both (a third of each one's time when each made its own, session 24), and each person's
    pages are warmed, then counted, with 2 rows and again with 4."""
    people = {name: getattr(cast, name) for name in ("nadia", "root")}
    clients = {name: signed_in_client(user) for name, user in people.items()}
    _make_rows(cast, 2)
    urls = {}
    for page in PAGES:
        if page.name in SKIPPED:
            continue
        kwargs = _arguments(page, cast)
        if kwargs is not None:  # None: no row of the page's model exists (no factory makes one)
            urls[page.name] = page.url(**kwargs)
    few = {}
    for name, client in clients.items():
        for url in urls.values():  # warm caches (content types, sessions, menus) outside the count
            client.get(url)
        few[name] = _counts(client, people[name], urls)
    _make_rows(cast, 2)
    many = {name: _counts(client, people[name], urls) for name, client in clients.items()}
    for name in people:
        # A page that fails the same way twice counts the same twice: a failure is no count.
        failed = {page: status for page, (status, _queries) in few[name].items() if status >= 500}
        assert not failed, f"{name}: pages answered with a server error: {failed}"
        opened = [page for page, (status, _queries) in few[name].items() if status == 200]
        assert len(opened) >= 40, f"{name}: only {len(opened)} pages answered 200: {few[name]}"
        grown = {
            page: f"{few[name][page][1]} queries with 2 rows, {many[name][page][1]} with 4"
            for page in urls
            if many[name][page][1] > few[name][page][1]
        }
        changed = {
            page: (few[name][page][0], many[name][page][0])
            for page in urls
            if few[name][page][0] != many[name][page][0]
        }
        assert not changed, f"{name}: answers changed between the runs: {changed}"
        assert not grown, f"{name}: queries grow with rows: {grown}"
