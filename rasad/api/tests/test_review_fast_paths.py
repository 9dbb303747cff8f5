"""Adversarial checks of the lean lists' fast paths (session 16 review): each request is
answered as the serializer's list answers it, whatever the parameters."""

from __future__ import annotations

from typing import Any

import pytest

from rasad.testing.cast import Cast
from rasad.testing.matrix import Endpoint, discover_endpoints, factories
from rasad.testing.web import verified_client

FACTORIES = factories()
LEAN = {
    endpoint.route: endpoint
    for endpoint in discover_endpoints()
    if getattr(endpoint.viewset, "lean_list", None)
}


def _answer(response: Any) -> tuple[int, Any]:
    body = response.json()
    if isinstance(body, dict) and "error" in body:
        body["error"].pop("request_id", None)
    return response.status_code, body


def _both(
    client: Any, endpoint: Endpoint, query: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> tuple[Any, Any]:
    from rasad.api import lean

    lean._PREPARED_LISTS.clear()
    fast = _answer(client.get(endpoint.list_url, query))
    again = _answer(client.get(endpoint.list_url, query))
    with monkeypatch.context() as patch:
        patch.setattr(endpoint.viewset, "lean_list", None)
        slow = _answer(client.get(endpoint.list_url, query))
    assert fast == again
    return fast, slow


@pytest.mark.parametrize("year", [40_000, 2**31, 2**63 - 1])
def test_an_out_of_range_value_prepared_first_answers_like_the_serializer(
    cast: Cast, monkeypatch: pytest.MonkeyPatch, year: int
):
    """A filter's value outside its column's range (a Jalali year of 40000) is no parameter
    for Django (an empty result): when it is the request that prepares the shape, the list still
    answers as the serializer's does, not with a 500."""
    endpoint = LEAN["observations"]
    assert endpoint.factory is not None
    endpoint.factory.make(cast, cast.isfahan)
    fast, slow = _both(verified_client(cast.alice), endpoint, {"year": year}, monkeypatch)
    assert fast == slow
    assert fast[0] == 200 and fast[1]["count"] == 0


def test_an_out_of_range_value_after_the_shape_is_prepared_answers_like_the_serializer(
    cast: Cast, monkeypatch: pytest.MonkeyPatch
):
    from rasad.api import lean

    endpoint = LEAN["observations"]
    assert endpoint.factory is not None
    obj = endpoint.factory.make(cast, cast.isfahan)
    client = verified_client(cast.alice)
    lean._PREPARED_LISTS.clear()
    first = _answer(client.get(endpoint.list_url, {"year": obj.year}))
    assert first[0] == 200 and first[1]["count"] == 1
    # (Prepared on SQLite; on PostgreSQL Django wraps a small integer's value in Int2, which the
    # count's slot is not found by, and the shape is read through the ORM.)
    fast = _answer(client.get(endpoint.list_url, {"year": 40_000}))
    with monkeypatch.context() as patch:
        patch.setattr(endpoint.viewset, "lean_list", None)
        slow = _answer(client.get(endpoint.list_url, {"year": 40_000}))
    assert fast == slow == (200, {"count": 0, "next": None, "previous": None, "results": []})
