"""List endpoints make a fixed number of queries, however many rows they return (NetBox
``query_counts``): each endpoint with a matrix factory is listed with 3 records, then with 13."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from rasad.core.scope import clear_scope_cache
from rasad.testing.cast import Cast
from rasad.testing.matrix import Endpoint, discover_endpoints, factories, user_named

FACTORIES = factories()
LISTED = [endpoint for endpoint in discover_endpoints() if "list" in endpoint.operations and endpoint.factory]


def _count_queries(client: APIClient, endpoint: Endpoint, user: object) -> tuple[int, int]:
    clear_scope_cache(user)  # type: ignore[arg-type]
    with CaptureQueriesContext(connection) as captured:
        response = client.get(endpoint.list_url, {"limit": 1000})
    assert response.status_code == 200, response.content
    return len(captured), response.json()["count"]


@pytest.mark.parametrize("user_name", ["nadia", "root"])
@pytest.mark.parametrize("endpoint", LISTED, ids=lambda endpoint: endpoint.route)
def test_list_query_count_does_not_grow_with_rows(cast: Cast, endpoint: Endpoint, user_name: str):
    factory = endpoint.factory
    assert factory is not None
    user = user_named(cast, user_name)
    client = APIClient()
    client.force_authenticate(user=user)
    for _ in range(3):
        factory.make(cast, cast.isfahan)
    client.get(endpoint.list_url)  # warm caches (content types, sessions) outside the count
    few, few_rows = _count_queries(client, endpoint, user)
    for _ in range(10):
        factory.make(cast, cast.isfahan)
    many, many_rows = _count_queries(client, endpoint, user)
    assert many_rows >= few_rows + 10
    assert many == few, f"{endpoint.list_url}: {few} queries for {few_rows} rows, {many} for {many_rows}"


@pytest.mark.parametrize(
    ("route", "filters"),
    [
        ("observations", {"organization": "ISF-CC", "status": "draft"}),
        ("cases", {"owner_organization": "ISF-CC", "status": ["new", "triaged"]}),
    ],
)
def test_filtered_list_query_count_does_not_grow_with_rows(cast: Cast, route: str, filters: dict[str, Any]):
    """The hot lists filtered by an organization's code (``CodeFilter``: its key read by a
    subquery) and a status: the same statements for 3 rows as for 13, and every row is the
    organization's."""
    endpoint = next(endpoint for endpoint in LISTED if endpoint.route == route)
    factory = endpoint.factory
    assert factory is not None and cast.isfahan.code == "ISF-CC"
    client = APIClient()
    client.force_authenticate(user=cast.nadia)
    counts = []
    for made in (3, 10):
        for _ in range(made):
            factory.make(cast, cast.isfahan)
        factory.make(cast, cast.kerman)
        client.get(endpoint.list_url, filters)  # the shape prepared outside the count
        clear_scope_cache(cast.nadia)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(endpoint.list_url, {**filters, "limit": 1000})
        assert response.status_code == 200, response.content
        rows = response.json()["results"]
        owner = "organization" if route == "observations" else "owner_organization"
        assert {row[owner] for row in rows} == {"ISF-CC"}
        counts.append((len(captured), len(rows)))
    (few, few_rows), (many, many_rows) = counts
    assert many_rows == few_rows + 10
    assert many == few, f"{endpoint.list_url}: {few} queries for {few_rows} rows, {many} for {many_rows}"
