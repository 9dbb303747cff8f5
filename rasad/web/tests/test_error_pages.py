"""Error pages: the site's page for people, a static page needing no database while it is away,
and the boundary's refusals of bad form input."""

from __future__ import annotations

import psycopg
import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.db import OperationalError, connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from rasad.testing.cast import Cast


@pytest.fixture
def alice_client(cast: Cast) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(cast.alice)
    return client


def _connection_refused(*args, **kwargs):
    error = OperationalError("connection failed: Connection refused")
    error.__cause__ = psycopg.OperationalError("connection failed: Connection refused")
    raise error


def test_a_missing_page_is_the_persian_error_page(alice_client: Client):
    response = alice_client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert '<html lang="fa" dir="rtl"' in html
    assert "۴۰۴" in html


def test_while_the_database_is_away_pages_answer_a_static_503(
    monkeypatch: pytest.MonkeyPatch, alice_client: Client
):
    # The first query of a signed-in page is the session's; it fails before any view runs.
    monkeypatch.setattr(SessionStore, "load", _connection_refused)
    response = alice_client.get("/")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response["Cache-Control"] == "no-store"
    html = response.content.decode()
    assert "Rasad is temporarily unavailable" in html
    assert "موقتاً" in html  # the Persian half comes first
    assert html.index('lang="fa"') < html.index('lang="en"')


def test_the_unavailable_page_itself_runs_no_query(monkeypatch: pytest.MonkeyPatch, alice_client: Client):
    from rasad.web.errors import unavailable_page

    request = alice_client.get("/login/").wsgi_request
    with CaptureQueriesContext(connection) as queries:
        response = unavailable_page(request)
    assert response.status_code == 503
    assert len(queries) == 0


def test_a_control_character_in_a_form_field_is_refused_with_a_400_page(alice_client: Client):
    response = alice_client.post("/preferences/", {"language": "fa\x07", "calendar": "jalali"})
    assert response.status_code == 400
    assert "U+0007" in response.content.decode()


def test_a_nul_in_a_page_query_is_a_400_page(alice_client: Client):
    response = alice_client.get("/", {"q": "x\x00"})
    assert response.status_code == 400
    assert "U+0000" in response.content.decode()
