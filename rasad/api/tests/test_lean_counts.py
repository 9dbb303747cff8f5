"""A list's count is bounded (``rasad.api.pagination``): counted up to ``count_limit`` rows, or to
the end of the page asked for when that is further; ``count_is_exact`` says whether it is the
number of rows; ``next`` is there whenever rows follow the page; ``?count=exact`` counts every
row. The lean lists' prepared statements (``rasad.api.lean``) answer as the serializer's path,
filtered or not, for every page around the bound. The UI's long lists say "more than"
(``rasad.web.pagination``). The limit is lowered here to a few rows, so that a handful of
Isfahan's rows are "many"."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from rest_framework.test import APIClient

from rasad.api import lean
from rasad.api.filters import _filters
from rasad.api.pagination import Pagination
from rasad.cases.testing import open_challenge
from rasad.cases.views import CaseListView
from rasad.testing.cast import Cast
from rasad.testing.matrix import Endpoint, discover_endpoints, factories
from rasad.testing.web import verified_client
from rasad.web import pagination as web_pagination
from rasad.web.pagination import BoundedPaginator

FACTORIES = factories()
LEAN = [endpoint for endpoint in discover_endpoints() if getattr(endpoint.viewset, "lean_list", None)]
LIMIT = 3
ROWS = 5


def _answer(response: Any) -> tuple[int, Any]:
    body = response.json()
    if isinstance(body, dict) and "error" in body:
        body["error"].pop("request_id", None)
    return response.status_code, body


def _pages(client: Client, url: str, filters: dict[str, Any]) -> list[tuple[int, Any]]:
    """Every page around the bound: before it, across it, past it, the end, past the end, all,
    exact, and a count the API refuses."""
    asked: list[dict[str, Any]] = [
        {"limit": 2},
        {"limit": 2, "offset": 2},
        {"limit": 2, "offset": 4},
        {"limit": 1, "offset": 4},
        {"limit": 2, "offset": 6},
        {"limit": 1000},
        {"limit": 2, "count": "exact"},
        {"limit": 2, "count": "all"},
    ]
    return [_answer(client.get(url, {**filters, **page})) for page in asked]


@pytest.mark.parametrize("endpoint", LEAN, ids=lambda endpoint: endpoint.route)
@pytest.mark.parametrize("filtered", [False, True], ids=["all", "by-status"])
def test_bounded_counts_of_lean_lists_equal_the_serializers(
    cast: Cast, endpoint: Endpoint, filtered: bool, monkeypatch: pytest.MonkeyPatch
):
    factory = endpoint.factory
    assert factory is not None
    objects = [factory.make(cast, cast.isfahan) for _ in range(ROWS)]
    # Kerman's row is not Isfahan's analyst's to count.
    factory.make(cast, cast.kerman)
    filters: dict[str, Any] = {}
    if filtered:
        assert "status" in _filters(endpoint.viewset.filterset_class)
        filters = {"status": objects[0].status}
        assert all(obj.status == objects[0].status for obj in objects)
    monkeypatch.setattr(Pagination, "count_limit", LIMIT)
    client = verified_client(cast.alice)
    lean._PREPARED_LISTS.clear()
    fast = _pages(client, endpoint.list_url, filters)
    again = _pages(client, endpoint.list_url, filters)
    prepared = [value for value in lean._PREPARED_LISTS.values() if value is not None]
    assert prepared, "the shape is read by its prepared statements"
    with monkeypatch.context() as patch:
        patch.setattr(endpoint.viewset, "lean_list", None)
        slow = _pages(client, endpoint.list_url, filters)
    assert fast == again == slow

    first, across, exact, refused = fast[0], fast[1], fast[6], fast[7]
    summary = [
        (body["count"], body["count_is_exact"], body["next"] is not None, len(body["results"]))
        for _, body in fast[:7]
    ]
    assert summary == [
        (LIMIT, False, True, 2),  # 3 counted of 5: "more than 3"
        (4, False, True, 2),  # counted to the page's end (4): more follow
        (ROWS, True, False, 1),
        (ROWS, True, False, 1),
        (ROWS, True, False, 0),
        (ROWS, True, False, ROWS),
        (ROWS, True, True, 2),
    ]
    assert "offset=2" in first[1]["next"] and "offset=4" in across[1]["next"]
    assert "count=exact" in exact[1]["next"]
    assert refused[0] == 400 and list(refused[1]["error"]["fields"]) == ["count"]
    assert {row["id"] for _, body in fast[:3] for row in body["results"]} == {obj.pk for obj in objects}


def test_a_list_under_the_bound_is_counted_exactly(cast: Cast, monkeypatch: pytest.MonkeyPatch):
    endpoint = next(endpoint for endpoint in LEAN if endpoint.route == "cases")
    assert endpoint.factory is not None
    for _ in range(LIMIT):
        endpoint.factory.make(cast, cast.isfahan)
    monkeypatch.setattr(Pagination, "count_limit", LIMIT)
    body = verified_client(cast.alice).get(endpoint.list_url).json()
    assert (body["count"], body["count_is_exact"], body["next"]) == (LIMIT, True, None)


def test_lists_without_a_lean_path_are_bounded_alike(cast: Cast, monkeypatch: pytest.MonkeyPatch):
    # The organizations' list is read through DRF's serializer: the same bound, the same links.
    monkeypatch.setattr(Pagination, "count_limit", 2)
    client = verified_client(cast.root)
    exact = client.get("/api/v1/organizations/", {"limit": "1", "count": "exact"}).json()
    assert exact["count_is_exact"] and exact["count"] > 3
    bounded = client.get("/api/v1/organizations/", {"limit": 1}).json()
    assert (bounded["count"], bounded["count_is_exact"]) == (2, False)
    assert bounded["next"] and bounded["results"] == exact["results"]
    last = int(exact["count"]) - 1
    deep = client.get("/api/v1/organizations/", {"limit": 1, "offset": last}).json()
    assert (deep["count"], deep["count_is_exact"], deep["next"]) == (exact["count"], True, None)


def test_the_schema_says_what_count_means(db: None):
    schema = APIClient().get("/api/schema/", {"format": "json"}).json()
    page = schema["components"]["schemas"]["PaginatedCaseList"]
    assert page["required"] == ["count", "count_is_exact", "results"]
    assert page["properties"]["count_is_exact"]["type"] == "boolean"
    assert "1,000" in page["properties"]["count"]["description"]
    operation = schema["paths"]["/api/v1/cases/"]["get"]
    parameters = {parameter["name"]: parameter for parameter in operation["parameters"]}
    assert parameters["count"]["schema"] == {"type": "string", "enum": ["exact"]}


def test_the_bounded_paginator_counts_so_far():
    rows = list(range(7))
    first = BoundedPaginator(rows, 2, "1", limit=3)
    assert (first.count, first.count_is_exact, first.num_pages) == (3, False, 2)
    assert first.get_page("1").has_next()
    # The third page reaches past the limit: counted to its end (6), and more follow.
    third = BoundedPaginator(rows, 2, "3", limit=3)
    assert (third.count, third.count_is_exact, third.get_page("3").has_next()) == (6, False, True)
    last = BoundedPaginator(rows, 2, "4", limit=3)
    assert (last.count, last.count_is_exact, last.num_pages) == (7, True, 4)
    assert list(last.get_page("4")) == [6] and not last.get_page("4").has_next()
    # A page past the end (or not a number) is answered as Django's paginator answers it.
    assert list(BoundedPaginator(rows, 2, "99", limit=3).get_page("99")) == [6]
    assert list(BoundedPaginator(rows, 2, "x", limit=3).get_page("x")) == [0, 1]


def test_the_case_list_says_more_than_in_the_readers_digits(cast: Cast, monkeypatch: pytest.MonkeyPatch):
    for index in range(ROWS):
        open_challenge(cast, cast.isfahan_post, user=cast.ali, title=f"پرونده {index}")
    browser = Client(HTTP_ACCEPT_LANGUAGE="fa")
    browser.force_login(cast.alice)
    monkeypatch.setattr(web_pagination, "COUNT_LIMIT", LIMIT)
    monkeypatch.setattr(CaseListView, "paginate_by", 2)
    page = browser.get("/cases/").content.decode()
    # Three of five counted (the limit, past this page of two): more than three, and more than
    # one page of two.
    assert "بیش از ۳ پرونده" in page and "صفحه\u0654 ۱ از بیش از ۱" in page
    monkeypatch.setattr(web_pagination, "COUNT_LIMIT", 1000)
    page = browser.get("/cases/").content.decode()
    assert "بیش از" not in page and "۵ پرونده" in page
