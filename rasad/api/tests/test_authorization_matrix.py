"""The authorization matrix, run on every endpoint under /api/v1/ (see rasad.testing.matrix).

Each (endpoint, operation, user) is its own test: anonymous, Charlie (no grant), Bob and Bahram
(grants in Kerman) and Alice, Ali, Nadia and Root (grants covering Isfahan) each list, read,
create, change and delete a record made in Isfahan, wherever the endpoint allows it. The expected
answer is computed from the user's grants; every refusal is shown to change and push nothing.
"""

from __future__ import annotations

import contextlib
from typing import Any

import pytest
from rest_framework.test import APIClient

from rasad.testing.api import assert_nothing_changed, error_without_request_id
from rasad.testing.cast import Cast, asked
from rasad.testing.matrix import (
    OPERATIONS,
    USERS,
    Endpoint,
    discover_endpoints,
    expected_in_list,
    expected_status,
    factories,
    organization_of,
    user_named,
)

ENDPOINTS = discover_endpoints()
FACTORIES = factories()
MISSING_PK = 2_000_000_000


@pytest.fixture
def cast(shared_cast: Cast) -> Cast:
    """Every test of this module reads one cast, built once (``shared_cast``, rasad/conftest.py)."""
    return shared_cast


def _matrix() -> list[Any]:
    cases: list[Any] = []
    for endpoint in ENDPOINTS:
        factory = endpoint.factory
        if factory is None:
            continue
        for operation in endpoint.operations:
            if operation == "create" and factory.create_payload is None:
                continue
            for user in asked(USERS):  # everyone on PostgreSQL, three on SQLite
                cases.append(
                    pytest.param(endpoint, operation, user, id=f"{endpoint.route}-{operation}-{user}")
                )
    return cases


def _client(user: object) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user=user)  # type: ignore[arg-type]
    return client


def test_discovers_the_core_endpoints():
    routes = {endpoint.route for endpoint in ENDPOINTS}
    assert {"provinces", "organizations", "audit-events"} <= routes


@pytest.mark.parametrize(
    "endpoint",
    [endpoint for endpoint in ENDPOINTS if endpoint.is_organization_scoped],
    ids=lambda endpoint: endpoint.route,
)
def test_every_scoped_endpoint_has_a_factory(endpoint: Endpoint):
    assert endpoint.factory is not None, (
        f"/api/v1/{endpoint.route}/ serves {endpoint.model_label}, which belongs to an organization, "
        f"but no matrix factory is registered for it. Add @register({endpoint.model_label!r}, "
        "create_payload=...) in the app's testing.py (see rasad/testing/factories.py), so that "
        "the authorization matrix covers the endpoint."
    )


@pytest.mark.parametrize(
    ("endpoint", "operation"),
    [
        pytest.param(endpoint, operation, id=f"{endpoint.route}-{operation}")
        for endpoint in ENDPOINTS
        for operation in endpoint.operations
    ],
)
def test_anonymous_is_refused_everywhere(cast: Cast, endpoint: Endpoint, operation: str):
    method, detail = OPERATIONS[operation]
    url = endpoint.detail_url(MISSING_PK) if detail else endpoint.list_url
    with assert_nothing_changed(endpoint.model_label):
        response = getattr(APIClient(), method)(url, {}, format="json")
    assert response.status_code == 401, response.content
    assert response.json()["error"]["code"] == "not_authenticated"


@pytest.mark.parametrize(("endpoint", "operation", "user_name"), _matrix())
def test_matrix(cast: Cast, endpoint: Endpoint, operation: str, user_name: str):
    factory = endpoint.factory
    assert factory is not None
    obj = factory.make(cast, cast.isfahan)
    organization = organization_of(obj)
    user = user_named(cast, user_name)
    client = _client(user)
    method, detail = OPERATIONS[operation]
    url = endpoint.detail_url(obj.pk) if detail else endpoint.list_url
    body: dict[str, object] = {}
    if operation == "create":
        assert factory.create_payload is not None
        body = factory.create_payload(cast, cast.isfahan)
        organization = cast.isfahan
    if operation == "list":
        body = {"limit": 1000}
    expected = expected_status(operation, user, endpoint.model, organization)
    denied = expected >= 400
    guard = assert_nothing_changed(endpoint.model_label) if denied else contextlib.nullcontext()
    with guard:
        response = getattr(client, method)(url, body, format=None if method == "get" else "json")
    assert response.status_code == expected, (
        f"{method.upper()} {url} as {user_name}: expected {expected}, got {response.status_code}: "
        f"{response.content[:500]!r}"
    )
    if denied:
        assert set(response.json()) == {"error"}
    if operation == "list" and not denied:
        listed = {row["id"] for row in response.json()["results"]}
        assert (obj.pk in listed) is expected_in_list(user, endpoint.model, organization)
    if expected == 404 and detail:
        # Out of scope reads exactly like missing: same status, same body.
        with assert_nothing_changed(endpoint.model_label):
            missing = getattr(client, method)(endpoint.detail_url(MISSING_PK), body, format="json")
        assert (missing.status_code, error_without_request_id(missing)) == (
            404,
            error_without_request_id(response),
        )
    if operation in ("retrieve", "partial_update") and not denied:
        assert response.json()["id"] == obj.pk
    if operation == "destroy" and not denied:
        assert not endpoint.model._default_manager.filter(pk=obj.pk).exists()
    if operation == "create" and not denied:
        assert endpoint.model._default_manager.filter(pk=response.json()["id"]).exists()
