"""An administrator who has not passed two-factor this session can do nothing with it: every
page redirects to the two-factor set-up, and every API route answers 401."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from rasad.core.actions.people import do_grant_role
from rasad.core.models import Role
from rasad.testing.cast import Cast


def _routes():
    def walk(patterns, prefix):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                yield prefix + str(pattern.pattern)

    for route in walk(get_resolver().url_patterns, ""):
        path = "/" + route.replace("^", "").replace("$", "").replace("\\Z", "").replace("\\", "")
        for converter, value in (
            ("<int:pk>", "1"),
            ("<int:attachment_id>", "1"),
            ("<str:period>", "1403-01"),
        ):
            path = path.replace(converter, value)
        if "<" in path or "(?P" in path or "format" in path:
            continue
        yield path


@pytest.fixture
def unverified_admin(cast: Cast) -> Client:
    do_grant_role(
        cast.alice, Role.objects.get(slug="administrator"), acting_user=None, organization=cast.isfahan
    )
    client = Client()
    client.force_login(cast.alice)
    return client


ROUTES = sorted(set(_routes()))


def test_every_page_sends_an_unverified_administrator_to_two_factor(unverified_admin: Client):
    allowed = ("/account/two-factor/", "/login/", "/logout/", "/static/", "/api/")
    for path in ROUTES:
        if path.startswith(allowed):
            continue
        response = unverified_admin.get(path)
        assert response.status_code == 302, path
        assert response["Location"] == "/account/two-factor/", path


def test_every_api_route_answers_401_to_an_unverified_session(unverified_admin: Client):
    checked = 0
    for path in ROUTES:
        if not path.startswith("/api/v1/"):
            continue
        response = unverified_admin.get(path)
        assert response.status_code == 401, (path, response.status_code)
        checked += 1
    assert checked > 20


def test_a_verified_administrator_reads_the_api(cast: Cast, unverified_admin: Client):
    from rasad.testing.web import verified_client

    assert verified_client(cast.alice).get("/api/v1/organizations/").status_code == 200


def test_users_without_two_factor_duty_are_not_redirected(cast: Cast):
    client = Client()
    client.force_login(cast.ali)
    assert client.get("/cases/").status_code == 200
    assert client.get("/api/v1/cases/").status_code == 200
