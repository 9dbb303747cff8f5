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
    empty: dict[str, Any] = {
        "count": 0,
        "count_is_exact": True,
        "next": None,
        "previous": None,
        "results": [],
    }
    assert fast == slow == (200, empty)


def _queries(cast: Cast, mine: Any, theirs: Any) -> list[dict[str, Any]]:
    """Parameters a client may send that the fast paths must judge as the filterset does: a
    filter repeated, empty, unknown, misspelt; ordering and paging; another province's
    organization named; digits in Persian; text the database refuses."""
    return [
        {"status": ["new", "triaged"]},
        {"status": ["approved", "draft"]},
        {"status": ""},
        {"status": ["", "new"]},
        {"status": "\x00"},
        {"unknown": "1"},
        {"ordering": "-id"},
        {"ordering": "-id", "status": "new"},
        {"status__in": "new"},
        {"limit": "abc"},
        {"limit": "0"},
        {"offset": "-1", "limit": "2"},
        {"limit": ["1", "3"]},
        {"format": "json"},
        {"organization": cast.kerman.code},
        {"organization_id": cast.kerman.pk},
        {"owner_organization_id": cast.kerman.pk},
        {"reporter_organization": cast.kerman.code},
        {"reporter_organization": [cast.isfahan.code, cast.kerman.code]},
        {"reporter_organization": [cast.kerman.code, cast.isfahan.code]},
        {"organization": [cast.kerman.code, cast.isfahan.code]},
        {"year": "١٤٠٣"},
        {"year": "abc"},
        {"year": "-5"},
        {"year": "0"},
        {"category_id": "1.5"},
        {"category_id": str(2**64)},
        {"indicator": "x' OR '1'='1"},
        {"category": "x' OR '1'='1"},
        {"category": "کد"},
    ]


@pytest.mark.parametrize("route", sorted(LEAN))
def test_awkward_parameters_answer_like_the_serializer(
    cast: Cast, monkeypatch: pytest.MonkeyPatch, route: str
):
    from rasad.api import lean

    endpoint = LEAN[route]
    assert endpoint.factory is not None
    mine = [endpoint.factory.make(cast, cast.isfahan) for _ in range(3)]
    theirs = [endpoint.factory.make(cast, cast.kerman) for _ in range(2)]
    client = verified_client(cast.alice)
    lean._PREPARED_LISTS.clear()
    queries = _queries(cast, mine[0], theirs[0])
    fast = [_answer(client.get(endpoint.list_url, query)) for query in queries + queries]
    with monkeypatch.context() as patch:
        patch.setattr(endpoint.viewset, "lean_list", None)
        slow = [_answer(client.get(endpoint.list_url, query)) for query in queries]
    for got, wanted, query in zip(fast, slow + slow, queries + queries, strict=True):
        assert got == wanted, query
    kerman = {obj.pk for obj in theirs}
    for status, body in fast:
        if status == 200:
            assert not kerman & {row["id"] for row in body["results"]}, "Kerman's rows stay hidden"


@pytest.mark.parametrize("route", sorted(LEAN))
def test_a_grant_changed_between_two_requests_counts_at_the_next(
    cast: Cast, monkeypatch: pytest.MonkeyPatch, route: str
):
    """The prepared statements are shared by every user with the same scope rules: a user whose
    grant is disabled, or who is granted another province, reads by the new rules at once, in
    lists (plain and filtered) and details."""
    from rasad.core.models import Grant

    endpoint = LEAN[route]
    assert endpoint.factory is not None
    mine = endpoint.factory.make(cast, cast.isfahan)
    theirs = endpoint.factory.make(cast, cast.kerman)
    client = verified_client(cast.alice)
    filtered = {"status": mine.status}

    def seen() -> tuple[set[int], set[int], int, int]:
        plain = client.get(endpoint.list_url).json()["results"]
        narrowed = client.get(endpoint.list_url, filtered).json()["results"]
        return (
            {row["id"] for row in plain},
            {row["id"] for row in narrowed},
            client.get(endpoint.detail_url(mine.pk)).status_code,
            client.get(endpoint.detail_url(theirs.pk)).status_code,
        )

    before = seen()
    assert mine.pk in before[0] and theirs.pk not in before[0]
    assert before[2:] == (200, 404)
    grants = Grant.objects.filter(user=cast.alice)
    held = list(grants.values_list("pk", flat=True))
    role = grants.order_by("pk")[0].role
    grants.update(is_enabled=False)
    revoked = seen()
    assert revoked == (set(), set(), 404, 404)
    Grant.objects.create(user=cast.alice, role=role, organization=cast.kerman)
    moved = seen()
    assert theirs.pk in moved[0] and mine.pk not in moved[0]
    assert moved[2:] == (404, 200)
    Grant.objects.filter(pk__in=held).update(is_enabled=True)
    both = seen()
    assert {mine.pk, theirs.pk} <= both[0]
    assert both[2:] == (200, 200)
