"""The independent authorization table (``rasad/testing/authz.py``), run over every page (GET and
POST) and every API operation of the schema, for anonymous and for each member of the cast.

Each test reads the module's cast and the row's subject (made in the Isfahan command centre, once
for the tests that name it: ``made``), then asks as everyone: the anonymous are sent to sign in
(401 from the API); those the table refuses get its status, and a 404 is the very answer of the
same route naming an object that does not exist; a refusal writes no audit event but its own
``access denied`` and pushes nothing. Those the table
lets through get their page (GET 200) or get past the gate (a POST is answered by the view
itself: done, or the form again with its errors); each of them asks inside a savepoint rolled
back afterwards, so one person's change does not decide the next person's answer.

A route or an operation without a row fails ``test_every_*_has_a_row``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from rasad.testing.api import assert_nothing_changed, error_without_request_id
from rasad.testing.authz import API, PAGES, SUBJECTS, USERS, Operation, Page, Rule
from rasad.testing.cast import Cast, asked, refetched
from rasad.testing.routes import API_OPERATIONS_PREFIX, discover_api_operations, discover_pages
from rasad.testing.web import signed_in_client

# What a view answers to a request it accepted: its page, its redirect after the action, or its
# form again with the field errors (a POST with no or partial data).
# 422: what a node's federation endpoint answers an envelope it read and could not process.
# 302 on GET: an old address that leads on (a list's direct export now leads to the request for a
# background file, with the same filters); never to sign in, which is checked below.
GOT_THROUGH = {"get": {200, 302}, "post": {200, 201, 204, 302, 400, 422}}
# 202: a request accepted for background work (an export).
API_GOT_THROUGH = {"get": {200}, "post": {200, 201, 202, 204, 400, 415}}
# Whose refusals are compared, byte for byte, with the answer for a missing object: one without
# any grant that counts, one with grants elsewhere, and one who reads but may not act (each
# request costs; these three stand for the ways a refusal could give something away).
COMPARED = ("erfan", "bob", "wali")
# Everyone on PostgreSQL; three people on SQLite (rasad.testing.cast.asked).
ASKED = asked(USERS)


@pytest.fixture
def cast(shared_cast: Cast) -> Cast:
    """Every test of this module reads one cast, built once (``shared_cast``, rasad/conftest.py)."""
    return shared_cast


def page_names() -> set[str]:
    return {page.name for page in discover_pages(exclude=API_OPERATIONS_PREFIX)}


def test_every_page_has_a_row():
    routes = page_names()
    missing = sorted(routes - set(PAGES))
    assert not missing, (
        f"pages without a row in rasad/testing/authz.py PAGES: {missing}. Write who may GET and "
        "POST each one (docs/development/conventions.md, 'The authorization table')."
    )
    from django.apps import apps

    # Rows may be written ahead for an app that is landing: a page of an app that is not
    # installed is not a stale row.
    installed = {config.label for config in apps.get_app_configs()}
    stale = [name for name in set(PAGES) - routes if name.split(":")[0] in installed or ":" not in name]
    assert not sorted(stale), f"rows for pages that no longer exist: {sorted(stale)}"


def test_every_api_operation_has_a_row():
    operations = discover_api_operations()
    missing = sorted(operations - set(API))
    assert not missing, (
        f"API operations without a row in rasad/testing/authz.py API: {missing}. Write who may "
        "call each one (docs/development/conventions.md, 'The authorization table')."
    )
    # As for pages: rows of a whole resource that is not routed (an app landing) are not stale.
    resources = {key.split(" ")[1].split("/")[3] for key in operations}
    stale = [key for key in set(API) - operations if key.split(" ")[1].split("/")[3] in resources]
    assert not sorted(stale), f"rows for operations that no longer exist: {sorted(stale)}"


def test_the_table_names_only_known_people_and_subjects():
    rows: list[Page | Operation] = [*PAGES.values(), *API.values()]
    rules: list[Rule] = [r for p in PAGES.values() for r in (p.get, p.post)]
    rules += [o.rule for o in API.values()]
    assert all(set(rule.allowed) | set(rule.others) <= set(USERS) for rule in rules)
    assert all(row.subject is None or row.subject in SUBJECTS for row in rows)


@contextmanager
def rolled_back() -> Iterator[None]:
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def _body_text(response: Any) -> str:
    """The page, without what differs between two requests of the same person (CSRF tokens)."""
    text = response.content.decode(errors="replace")
    return re.sub(r'(name="csrfmiddlewaretoken" value=|"X-CSRFToken": )"[^"]*"', r"\1", text)


# ---- pages ---------------------------------------------------------------------------------------


def _page_params() -> list[Any]:
    return [
        pytest.param(name, method, PAGES[name].subject, id=f"{name}-{method}")
        for name in sorted(set(PAGES) & page_names())  # rows written ahead wait for their app
        for method in ("get", "post")
    ]


@pytest.fixture(scope="module")
def _sessions(_module_cast: Cast, django_db_blocker: Any) -> dict[str, str]:
    """Each person's session, signed in once for the module (in its transaction, like the cast):
    signing nine people in for each of a thousand tests cost more than many of the tests."""
    with django_db_blocker.unblock():
        return {
            name: signed_in_client(getattr(_module_cast, name)).cookies[settings.SESSION_COOKIE_NAME].value
            for name in ASKED
        }


@pytest.fixture
def clients(_sessions: dict[str, str]) -> dict[str, Client]:
    """A fresh client per person holding the module's session: a request that changes the session
    (signing out, two-factor) does it inside the test's transaction, which is rolled back."""
    made = {}
    for name, key in _sessions.items():
        client = Client()
        client.cookies[settings.SESSION_COOKIE_NAME] = key
        made[name] = client
    return made


@pytest.fixture(scope="module")
def made(
    request: pytest.FixtureRequest, _module_cast: Cast, django_db_blocker: Any
) -> Iterator[dict[str, Any]]:
    """The URL's keyword arguments of the row's subject (``request.param``, a key of ``SUBJECTS``),
    made once for the tests that name it: in a savepoint of the module's transaction, rolled back
    when the next test names another subject (pytest groups a module-scoped parameter's tests), so
    each test still finds only the cast and its own subject. Making it for each test was about a
    tenth of the module's processor time (session 23)."""
    if request.param is None:
        yield {}
        return
    with django_db_blocker.unblock(), rolled_back():
        yield SUBJECTS[request.param].make(refetched(_module_cast))


@pytest.mark.parametrize(("name", "method", "made"), _page_params(), indirect=["made"], scope="module")
def test_page(cast: Cast, clients: dict[str, Client], name: str, method: str, made: dict[str, Any]):
    row = PAGES[name]
    rule = row.get if method == "get" else row.post
    subject = SUBJECTS[row.subject] if row.subject else None
    kwargs = dict(made)
    url = reverse(name, kwargs=kwargs or None)
    if not row.public:
        with assert_nothing_changed():
            response = getattr(Client(), method)(url)
        assert response.status_code == 302, f"{method.upper()} {url} anonymous: {response.status_code}"
        assert response["Location"].startswith(reverse("web:login")), response["Location"]
    for user in ASKED:
        expected = rule.expected(user)
        if expected is None:
            continue
        with assert_nothing_changed():
            response = getattr(clients[user], method)(url, dict(row.data))
        assert response.status_code == expected, (
            f"{method.upper()} {url} as {user}: the table says {expected}, got {response.status_code}"
        )
        if expected == 404 and subject is not None and user in COMPARED:
            missing_url = reverse(name, kwargs=subject.missing(kwargs))
            missing = getattr(clients[user], method)(missing_url, dict(row.data))
            assert missing.status_code == 404
            assert _body_text(missing) == _body_text(response), f"{url} as {user} differs from missing"
    for user in ASKED:
        if rule.expected(user) is not None:
            continue
        with rolled_back():
            response = getattr(clients[user], method)(url, dict(row.data))
        assert response.status_code in GOT_THROUGH[method], (
            f"{method.upper()} {url} as {user}: the table lets them through, got {response.status_code}"
        )
        # Nothing a signed-in person is shown (pages, exports, downloads) is kept by a cache.
        assert "no-store" in response.get("Cache-Control", ""), f"{method.upper()} {url}: no no-store"
        # Got through means not sent to sign in (signing out, of course, lands there).
        if response.status_code == 302 and name != "web:logout":
            assert not response["Location"].startswith(("/login", "/account/two-factor")), response[
                "Location"
            ]


# ---- API -----------------------------------------------------------------------------------------


def _api_client(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user=user)
    return client


@pytest.mark.parametrize(
    ("key", "made"),
    [pytest.param(key, API[key].subject, id=key) for key in sorted(set(API) & discover_api_operations())],
    indirect=["made"],
    scope="module",
)
def test_api(cast: Cast, key: str, made: dict[str, Any]):
    row = API[key]
    method_name, template = key.split(" ", 1)
    method = method_name.lower()
    subject = SUBJECTS[row.subject] if row.subject else None
    kwargs = dict(made)
    detail = "{id}" in template
    url = template.replace("{id}", str(kwargs["pk"])) if detail else template
    for name, value in kwargs.items():  # other parts of the path the subject names ({index})
        url = url.replace("{" + name + "}", str(value))
    body: dict[str, Any] = row.body(cast) if row.body else {}
    if method == "get" and not detail:
        body = {"limit": 1000, **row.query}
    fmt = None if method == "get" else "json"
    with assert_nothing_changed():
        response = getattr(APIClient(), method)(url, body, format=fmt)
    assert response.status_code == 401, f"{key} anonymous: {response.status_code}"
    for user in ASKED:
        expected = row.rule.expected(user)
        if expected is None:
            continue
        client = _api_client(getattr(cast, user))
        with assert_nothing_changed():
            response = getattr(client, method)(url, body, format=fmt)
        assert response.status_code == expected, (
            f"{key} as {user}: the table says {expected}, got {response.status_code}: "
            f"{response.content[:300]!r}"
        )
        assert set(response.json()) == {"error"}
        if expected == 404 and detail and subject is not None and user in COMPARED:
            missing_url = url.replace(f"/{kwargs['pk']}/", f"/{subject.missing(kwargs)['pk']}/", 1)
            missing = getattr(client, method)(missing_url, body, format=fmt)
            assert (missing.status_code, error_without_request_id(missing)) == (
                404,
                error_without_request_id(response),
            )
    for user in ASKED:
        if row.rule.expected(user) is not None:
            continue
        client = _api_client(getattr(cast, user))
        with rolled_back():
            response = getattr(client, method)(url, body, format=fmt)
            assert response.status_code in API_GOT_THROUGH.get(method, {200, 201, 204, 400}), (
                f"{key} as {user}: the table lets them through, got {response.status_code}: "
                f"{response.content[:300]!r}"
            )
            assert "no-store" in response.get("Cache-Control", ""), f"{key}: no no-store"
            if row.listed is not None and subject is not None:
                listed = {item["id"] for item in response.json()["results"]}
                assert (kwargs["pk"] in listed) is (user in row.listed), f"{key}: {user} and the subject"
