"""Lean lists (``rasad.api.lean``) write every row exactly as the endpoint's serializer would:
each endpoint with a ``lean_list`` is listed, and every row is compared with the serializer's
output for the same object (URLs, dates, choices, nulls and computed fields included)."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from rest_framework.renderers import JSONRenderer
from rest_framework.test import APIClient

from rasad.api.filters import _filters
from rasad.cases.choices import CaseStatus
from rasad.cases.models import Case
from rasad.testing.cast import Cast
from rasad.testing.matrix import Endpoint, discover_endpoints, factories
from rasad.testing.web import verified_client

FACTORIES = factories()
LEAN = [endpoint for endpoint in discover_endpoints() if getattr(endpoint.viewset, "lean_list", None)]
# Lean lists filtered by a year (a small integer column).
YEARLY = [endpoint for endpoint in LEAN if "year" in _filters(endpoint.viewset.filterset_class)]


def test_the_hot_lists_are_lean():
    assert {endpoint.route for endpoint in LEAN} >= {"cases", "observations"}
    assert {endpoint.route for endpoint in YEARLY} >= {"observations"}


def _vary(cast: Cast, endpoint: Endpoint, objects: list[Any]) -> None:
    """Give the rows the values that are easy to get wrong: nulls, an overdue clock, a risk."""
    if endpoint.model is Case:
        late, risky = objects[0], objects[1]
        Case.objects.filter(pk=late.pk).update(due_at=timezone.now() - timedelta(hours=1))
        Case.objects.filter(pk=risky.pk).update(likelihood=3, impact=4, latitude=32.65, longitude=51.67)
        if len(objects) > 2:
            # Past its due time, but waiting: its clock is stopped, so it is not overdue.
            Case.objects.filter(pk=objects[2].pk).update(
                status=CaseStatus.WAITING, assignee=cast.alice, due_at=timezone.now() - timedelta(hours=1)
            )
        if len(objects) > 3:
            Case.objects.filter(pk=objects[3].pk).update(due_at=timezone.now() + timedelta(days=1))


@pytest.mark.parametrize("endpoint", LEAN, ids=lambda endpoint: endpoint.route)
def test_lean_rows_equal_the_serializer(cast: Cast, endpoint: Endpoint):
    factory = endpoint.factory
    assert factory is not None
    objects = [factory.make(cast, cast.isfahan) for _ in range(4)]
    _vary(cast, endpoint, objects)
    client: APIClient = verified_client(cast.root)  # type: ignore[assignment]
    response = client.get(endpoint.list_url, {"limit": 1000})
    assert response.status_code == 200, response.content
    rows = response.json()["results"]
    assert len(rows) >= 4
    serializer_class = endpoint.viewset.serializer_class
    by_pk = endpoint.viewset.queryset.in_bulk([row["id"] for row in rows])
    for row in rows:
        data = serializer_class(by_pk[row["id"]], context={"request": response.wsgi_request}).data
        assert row == json.loads(JSONRenderer().render(data)), row["id"]
    assert list(rows[0]) == list(serializer_class().fields), "fields in the serializer's order"


@pytest.mark.parametrize("endpoint", LEAN, ids=lambda endpoint: endpoint.route)
def test_lean_lists_filter_and_page_like_the_serializer(cast: Cast, endpoint: Endpoint):
    factory = endpoint.factory
    assert factory is not None
    for _ in range(3):
        factory.make(cast, cast.isfahan)
    client = verified_client(cast.root)
    first = client.get(endpoint.list_url, {"limit": 2}).json()
    second = client.get(endpoint.list_url, {"limit": 2, "offset": 2}).json()
    assert first["count"] == second["count"] >= 3
    assert len(first["results"]) == 2
    assert {row["id"] for row in first["results"]}.isdisjoint(row["id"] for row in second["results"])
    assert first["next"] and "offset=2" in first["next"]


@pytest.mark.parametrize("endpoint", LEAN, ids=lambda endpoint: endpoint.route)
def test_lean_detail_equals_the_serializer(cast: Cast, endpoint: Endpoint):
    """A lean list's detail is one row of the same plan: the same JSON as the serializer's."""
    factory = endpoint.factory
    assert factory is not None
    objects = [factory.make(cast, cast.isfahan) for _ in range(2)]
    _vary(cast, endpoint, objects)
    client = verified_client(cast.alice)
    for obj in objects:
        response = client.get(endpoint.detail_url(obj.pk))
        assert response.status_code == 200, response.content
        fresh = endpoint.viewset.queryset.get(pk=obj.pk)
        data = endpoint.viewset.serializer_class(fresh, context={"request": response.wsgi_request}).data
        assert response.json() == json.loads(JSONRenderer().render(data))
        assert list(response.json()) == list(endpoint.viewset.serializer_class().fields)


@pytest.mark.parametrize("endpoint", LEAN, ids=lambda endpoint: endpoint.route)
def test_lean_detail_out_of_scope_reads_like_missing_and_is_audited(cast: Cast, endpoint: Endpoint):
    # Bob (Kerman) may not see Isfahan's object: the same 404 as a missing one, and the refusal
    # is recorded as for every other detail (access_object).
    from rasad.core.audit import CoreAuditEvent
    from rasad.core.models import AuditEvent

    factory = endpoint.factory
    assert factory is not None
    obj = factory.make(cast, cast.isfahan)
    client = verified_client(cast.bob)
    denied_before = AuditEvent.objects.filter(event_type=CoreAuditEvent.ACCESS_DENIED).count()
    hidden = client.get(endpoint.detail_url(obj.pk))
    missing = client.get(endpoint.detail_url(2**62))
    malformed = client.get(endpoint.detail_url("x"))
    assert hidden.status_code == missing.status_code == 404
    assert malformed.status_code == 404
    answers = [answer.json()["error"] for answer in (hidden, missing)]
    for answer in answers:
        del answer["request_id"]
    assert answers[0] == answers[1]
    assert AuditEvent.objects.filter(event_type=CoreAuditEvent.ACCESS_DENIED).count() == denied_before + 1


def _answers(client: Any, url: str, pages: list[dict[str, Any]]) -> list[Any]:
    return [(response.status_code, response.json()) for response in (client.get(url, page) for page in pages)]


PAGES = [{}, {"limit": 2}, {"limit": 2, "offset": 2}, {"limit": 1000}, {"offset": 10_000}]


@pytest.mark.parametrize("endpoint", LEAN, ids=lambda endpoint: endpoint.route)
def test_prepared_pages_equal_the_serializer_for_every_scope(
    cast: Cast, endpoint: Endpoint, monkeypatch: pytest.MonkeyPatch
):
    """A list that names no filter is read by statements prepared per scope (``rasad.api.lean``):
    for a scoped user of each province (who must not see each other's rows), a national one and
    a platform administrator, every page (count, links, rows) is what the serializer's list
    answers, the first time (when the shape is prepared) and after."""
    from rasad.api import lean

    factory = endpoint.factory
    assert factory is not None
    for organization in (cast.isfahan, cast.kerman):
        objects = [factory.make(cast, organization) for _ in range(3)]
        _vary(cast, endpoint, objects)
    lean._PREPARED_LISTS.clear()
    seen: dict[str, set[int]] = {}
    for user in (cast.alice, cast.bob, cast.nadia, cast.root):
        client = verified_client(user)
        prepared = _answers(client, endpoint.list_url, PAGES + PAGES)
        assert any(
            isinstance(key, tuple) and key[0][0] is endpoint.viewset for key in lean._PREPARED_LISTS
        ), "the lists were prepared"
        monkeypatch.setattr(endpoint.viewset, "lean_list", None)
        serialized = _answers(client, endpoint.list_url, PAGES)
        monkeypatch.undo()
        assert prepared == serialized + serialized, user.username
        seen[user.username] = {row["id"] for row in prepared[3][1]["results"]}
    assert seen["alice"] and seen["bob"]
    assert seen["alice"].isdisjoint(seen["bob"]), "the provinces see none of each other's rows"


@pytest.mark.parametrize("endpoint", LEAN, ids=lambda endpoint: endpoint.route)
def test_prepared_detail_equals_the_serializer_and_refuses_like_it(
    cast: Cast, endpoint: Endpoint, monkeypatch: pytest.MonkeyPatch
):
    factory = endpoint.factory
    assert factory is not None
    mine, theirs = factory.make(cast, cast.isfahan), factory.make(cast, cast.kerman)
    _vary(cast, endpoint, [mine, theirs])
    client = verified_client(cast.alice)
    keys = [mine.pk, theirs.pk, 2**62, 2**64, -1, "x", f"{mine.pk} "]
    prepared = [client.get(endpoint.detail_url(key)) for key in keys + keys]
    monkeypatch.setattr(endpoint.viewset, "lean_list", None)
    serialized = [client.get(endpoint.detail_url(key)) for key in keys]
    assert [answer.status_code for answer in prepared] == [answer.status_code for answer in serialized] * 2
    assert prepared[0].status_code == 200
    assert prepared[1].status_code == 404, "Kerman's object reads like a missing one"
    for answer, expected in zip(prepared, serialized + serialized, strict=True):
        body, wanted = answer.json(), expected.json()
        if answer.status_code != 200:
            body["error"].pop("request_id", None), wanted["error"].pop("request_id", None)
        assert body == wanted


def _value_of(obj: Any, path: str) -> Any:
    """The value a filter on ``path`` finds ``obj`` by; a key no row has when ``obj`` holds
    none (no assignee) or many (its dossiers)."""
    for part in path.split("__"):
        obj = getattr(obj, part, None)
    return obj if isinstance(obj, str | int) else 2**40


def _filtered_queries(endpoint: Endpoint, mine: Any, theirs: Any) -> list[dict[str, Any]]:
    """Queries naming the filterset's plain filters (those ``FilterBackend.filtering`` gives
    slots), with the values of an object of each province, several values at once, a repeated
    value, an empty one, every plain filter together, and values the fields refuse."""
    from rasad.api.filters import _filters, _slot_kind

    filters = {
        name: declared
        for name, declared in _filters(endpoint.viewset.filterset_class).items()
        if _slot_kind(declared) is not None
    }
    assert filters, "the list has plain filters"
    queries: list[dict[str, Any]] = [{}]
    together: dict[str, Any] = {}
    for name, declared in filters.items():
        value, other = _value_of(mine, declared.field_name), _value_of(theirs, declared.field_name)
        if _slot_kind(declared) == "many":
            choices = [choice for choice, _label in declared.extra["choices"]]
            queries += [
                {name: [value]},
                {name: [value, value]},
                {name: [value, *(choice for choice in choices if choice != value)][:3]},
                {name: [*(choice for choice in choices if choice != value)][:2]},
                {name: ["no-such-choice"]},
            ]
            together[name] = [value]
        else:
            queries += [{name: value}, {name: other}, {name: ""}]
            together[name] = value
    queries += [together, {**together, "limit": 1, "offset": 1}]
    return queries


@pytest.mark.parametrize("endpoint", LEAN, ids=lambda endpoint: endpoint.route)
def test_prepared_filtered_pages_equal_the_serializer_for_every_scope(
    cast: Cast, endpoint: Endpoint, monkeypatch: pytest.MonkeyPatch
):
    """A list naming plain filters is read by statements prepared per scope and filters named,
    the values in their slots: for each province's user (who must not see each other's rows,
    filtered or not), a national one and a platform administrator, every filtered page (count,
    links, rows, refusals) is what the serializer's list answers, the first time and after."""
    from rasad.api import lean

    factory = endpoint.factory
    assert factory is not None
    made = {
        organization.code: [factory.make(cast, organization) for _ in range(3)]
        for organization in (cast.isfahan, cast.kerman)
    }
    for objects in made.values():
        _vary(cast, endpoint, objects)
    manager = endpoint.model._default_manager
    mine, theirs = (
        manager.get(pk=made[organization.code][0].pk) for organization in (cast.isfahan, cast.kerman)
    )
    queries = _filtered_queries(endpoint, mine, theirs)
    lean._PREPARED_LISTS.clear()
    seen: dict[str, set[int]] = {}
    for user in (cast.alice, cast.bob, cast.nadia, cast.root):
        client = verified_client(user)
        prepared = _answers(client, endpoint.list_url, queries + queries)
        monkeypatch.setattr(endpoint.viewset, "lean_list", None)
        serialized = _answers(client, endpoint.list_url, queries)
        monkeypatch.undo()
        for got, wanted, query in zip(prepared, serialized + serialized, queries + queries, strict=True):
            if got[0] != 200:
                got[1]["error"].pop("request_id", None), wanted[1]["error"].pop("request_id", None)
            assert got == wanted, (user.username, query)
        seen[user.username] = {
            row["id"] for status, body in prepared if status == 200 for row in body["results"]
        }
    filtered = [
        key
        for key in lean._PREPARED_LISTS
        if isinstance(key, tuple) and len(key[0]) == 5 and key[0][0] is endpoint.viewset
    ]
    assert any(lean._PREPARED_LISTS[key] is not None for key in filtered), "filtered lists were prepared"
    assert seen["alice"] and seen["bob"]
    assert seen["alice"].isdisjoint(seen["bob"]), "the provinces see none of each other's rows"
    assert {obj.pk for obj in made[cast.isfahan.code]} <= seen["alice"]


def test_lean_case_pages_tell_overdue_cases_like_the_serializer(cast: Cast, monkeypatch: pytest.MonkeyPatch):
    """``is_overdue`` is computed once a page (the time read once): a late open case, a late
    waiting one (its clock stopped), one due tomorrow and one without a due time read as the
    serializer reads them, on prepared pages, filtered pages and through the ORM."""
    from rasad.cases.api.views import CaseViewSet
    from rasad.cases.testing import make_case

    endpoint = next(endpoint for endpoint in LEAN if endpoint.model is Case)
    objects = [make_case(cast, cast.isfahan) for _ in range(5)]
    _vary(cast, endpoint, objects)
    Case.objects.filter(pk=objects[4].pk).update(due_at=None)
    queries: list[dict[str, Any]] = [{}, {"status": ["new", "waiting"]}, {"is_open": "true"}, {"limit": 2}]
    client = verified_client(cast.alice)
    got = _answers(client, "/api/v1/cases/", queries)
    monkeypatch.setattr(CaseViewSet, "lean_list", None)
    assert got == _answers(client, "/api/v1/cases/", queries)
    overdue = {row["id"]: row["is_overdue"] for row in got[0][1]["results"]}
    assert [overdue[case.pk] for case in objects] == [True, False, False, False, False]


@pytest.mark.parametrize("endpoint", YEARLY, ids=lambda endpoint: endpoint.route)
def test_year_filtered_pages_are_prepared_and_equal_the_serializer(
    cast: Cast, endpoint: Endpoint, monkeypatch: pytest.MonkeyPatch
):
    """A list filtered by a year (a small integer column: Django sends its value as psycopg's
    ``Int2`` on PostgreSQL) is prepared like any plain filter, and answers as the serializer."""
    from rasad.api import lean

    factory = endpoint.factory
    assert factory is not None
    made = [factory.make(cast, cast.isfahan) for _ in range(3)]
    year = endpoint.model._default_manager.values_list("year", flat=True).get(pk=made[0].pk)
    queries: list[dict[str, Any]] = [
        {"year": year},
        {"year": year, "limit": 1, "offset": 1},
        {"year": year + 1},
        {"year": 40_000},
    ]
    lean._PREPARED_LISTS.clear()
    client = verified_client(cast.alice)
    got = _answers(client, endpoint.list_url, queries + queries)
    monkeypatch.setattr(endpoint.viewset, "lean_list", None)
    wanted = _answers(client, endpoint.list_url, queries)
    assert got == wanted + wanted
    assert got[0][1]["count"] >= 1
    shapes: dict[Any, Any] = dict(lean._PREPARED_LISTS)
    by_year = [
        prepared
        for key, prepared in shapes.items()
        if len(key[0]) == 5 and [given[0] for given in key[0][4][1]] == ["year"]
    ]
    assert by_year and all(prepared is not None for prepared in by_year), "the year's shape was prepared"


def test_filtered_case_pages_are_read_by_their_keys_first(cast: Cast, monkeypatch: pytest.MonkeyPatch):
    """A filtered case page (prepared or through the ORM) picks its keys first and reads their
    columns after (``rasad.api.lean._late_query``); its rows, count and links are the
    serializer's list for each province's user (who see none of each other's rows), the national
    body and a platform administrator, with filters that are prepared, filters that are methods
    (through the ORM) and a filter through a to-many join (read in one query, as before)."""
    from rasad.api import lean
    from rasad.cases.api.views import CaseViewSet
    from rasad.cases.testing import make_case

    made = {
        organization.code: [make_case(cast, organization) for _ in range(4)]
        for organization in (cast.isfahan, cast.kerman)
    }
    Case.objects.filter(pk=made[cast.isfahan.code][0].pk).update(due_at=timezone.now() - timedelta(hours=1))
    late_reads: list[int] = []
    read = lean._late_page

    def counted(*args: Any) -> Any:
        late_reads.append(1)
        return read(*args)

    monkeypatch.setattr(lean, "_late_page", counted)
    queries: list[dict[str, Any]] = [
        {"status": ["new", "triaged"], "reporter_organization": cast.isfahan.code},
        {"status": "new", "limit": 2, "offset": 1},
        {"is_open": "true"},
        {"is_open": "true", "limit": 3, "offset": 2},
        {"overdue": "true"},
        {"within_id": cast.isfahan.pk, "limit": 2},
        {"dossier_id": 2**40},
        {"kind": ["challenge"], "offset": 10_000},
    ]
    lean._PREPARED_LISTS.clear()
    seen: dict[str, set[int]] = {}
    for user in (cast.alice, cast.bob, cast.nadia, cast.root):
        client = verified_client(user)
        got = _answers(client, "/api/v1/cases/", queries + queries)
        with monkeypatch.context() as serializer_only:
            serializer_only.setattr(CaseViewSet, "lean_list", None)
            wanted = _answers(client, "/api/v1/cases/", queries)
        for answer, expected, query in zip(got, wanted + wanted, queries + queries, strict=True):
            assert answer == expected, (user.username, query)
        seen[user.username] = {row["id"] for _, body in got for row in body["results"]}
    assert late_reads, "the ORM's filtered pages were read by their keys first"
    assert any(prepared is not None and prepared.marker for prepared in lean._PREPARED_LISTS.values()), (
        "a prepared filtered page was read by its keys first"
    )
    assert seen["alice"] and seen["bob"]
    assert seen["alice"].isdisjoint(seen["bob"]), "the provinces see none of each other's rows"


# Instants around the changes of Iran's clocks (its zone's local mean time until 1946, +04:00
# in 1977-1979, summer time until 2022, none since), and UTC's midnight: a value a second or a
# microsecond either side of each.
_INSTANTS = [
    "1945-12-31T20:34:15+00:00",
    "1945-12-31T20:34:16+00:00",
    "1977-10-31T20:29:59.999999+00:00",
    "1977-10-31T20:30:00+00:00",
    "1979-01-01T00:00:00+00:00",
    "2008-03-20T20:29:59+00:00",
    "2008-03-20T20:30:00.000001+00:00",
    "2022-09-21T19:29:59.999999+00:00",
    "2022-09-21T19:30:00+00:00",
    "2023-03-21T20:30:00+00:00",
    "2026-12-05T00:00:00+00:00",
]


@pytest.mark.parametrize("zone", ["Asia/Tehran", "UTC", "Europe/London"])
def test_lean_date_times_equal_the_serializer_across_clock_changes(cast: Cast, zone: str):
    """Each date-time column is moved to the request's zone and written in ISO 8601 as DRF
    writes it (UTC as ``Z``), at instants either side of Iran's former clock changes."""
    from datetime import datetime

    from rest_framework.request import Request
    from rest_framework.test import APIRequestFactory

    from rasad.cases.api.serializers import CASE_LIST, CaseSerializer
    from rasad.cases.testing import make_case

    cases = [make_case(cast, cast.isfahan) for _ in range(len(_INSTANTS))]
    for index, (made, instant) in enumerate(zip(cases, _INSTANTS, strict=True)):
        moment = datetime.fromisoformat(instant)
        later = datetime.fromisoformat(_INSTANTS[-1 - index])
        Case.objects.filter(pk=made.pk).update(
            opened_at=moment, created=moment, last_updated=later, due_at=later, resolved_at=moment
        )
    request = Request(APIRequestFactory().get("/api/v1/cases/"))
    context = {"request": request, "format": None, "view": None}
    plan = CASE_LIST.plan(CaseSerializer(context=context))
    keys = [made.pk for made in cases]
    rows = list(Case.objects.filter(pk__in=keys).order_by("pk").values_list(*plan.paths))
    with timezone.override(zone):
        written = CASE_LIST.write(plan, rows, context)
        objects = Case.objects.in_bulk(keys)
        expected = [
            json.loads(JSONRenderer().render(CaseSerializer(objects[key], context=context).data))
            for key in keys
        ]
    assert json.loads(JSONRenderer().render(written)) == expected
    assert {row["opened_at"][-6:] for row in written} >= (
        {"+03:30", "+04:30"} if zone == "Asia/Tehran" else set()
    )


@pytest.mark.postgres
def test_pages_filtered_by_choices_and_codes_are_prepared_on_the_server_with_their_choices_written_in(
    cast: Cast,
):
    """A case list filtered by statuses (choices) and an organization's code (read after
    planning) is prepared on the server: its count and page are sent under one text for that
    set of statuses, the statuses written into it and the code a parameter, so PostgreSQL may
    plan it once per connection. The same list filtered by the organization's id (whose plan may
    depend on the value) is planned for its values each time, as the ORM sends it."""
    from django.db import connection

    from rasad.api import lean
    from rasad.cases.testing import make_case

    def runs() -> dict[str, int]:
        # Statements a connection prepared stay with it from test to test: what this test ran
        # is what it adds.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT statement, generic_plans + custom_plans FROM pg_prepared_statements"
                " WHERE statement LIKE '%%\"cases_case\"%%'"
            )
            return dict(cursor.fetchall())

    cases = [make_case(cast, cast.isfahan) for _ in range(3)]
    lean._PREPARED_LISTS.clear()
    client = verified_client(cast.alice)
    by_code: dict[str, Any] = {"status": ["triaged", "new"], "reporter_organization": cast.isfahan.code}
    by_id: dict[str, Any] = {"status": ["triaged", "new"], "reporter_organization_id": cast.isfahan.pk}
    before = runs()
    answers = [client.get("/api/v1/cases/", query) for query in [by_code] * 7 + [by_id] * 3]
    assert all(answer.status_code == 200 for answer in answers)
    assert all(answer.json()["count"] == len(cases) for answer in answers)
    added = {text: count - before.get(text, 0) for text, count in runs().items()}
    prepared = {text: count for text, count in added.items() if count}
    # The page from the first request (which prepared the shape, its count through the ORM), the
    # count from the second; nothing else: filtered by the id, the list is not prepared on the
    # server.
    assert sorted(prepared.values()) == [6, 7], prepared
    for text in prepared:
        assert "'triaged'" in text and "'new'" in text, "the statuses are written in"
        assert '"reporter_organization_id" = (SELECT' in text
        assert cast.isfahan.code not in text, "the code is a parameter"


@pytest.mark.postgres
def test_a_detail_is_sent_with_its_scope_written_in_and_runs_on_a_generic_plan(cast: Cast):
    """A case's detail is one statement per scope: the scope's organization paths written into
    its text (so that a generic plan reads them by the path index, not every organization), the
    key its only parameter, no sort of its one row; PostgreSQL keeps its generic plan after five
    runs. Another scope's detail has its own text."""
    from django.db import connection

    from rasad.api import lean
    from rasad.cases.testing import make_case

    sent: list[tuple[str, list[Any]]] = []

    def record(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        if '"cases_case"' in sql:
            sent.append((sql, list(params or ())))
        return execute(sql, params, many, context)

    case, other = make_case(cast, cast.isfahan), make_case(cast, cast.kerman)
    lean._PREPARED_DETAILS.clear()
    with connection.execute_wrapper(record):
        assert verified_client(cast.alice).get(f"/api/v1/cases/{case.pk}/").json()["id"] == case.pk
        assert verified_client(cast.bob).get(f"/api/v1/cases/{other.pk}/").json()["id"] == other.pk
    [(alices, alices_params), (bobs, bobs_params)] = sent
    assert f"LIKE '{cast.isfahan.path}%%'" in alices and f"LIKE '{cast.kerman.path}%%'" in bobs
    assert alices_params == [case.pk] and bobs_params == [other.pk], "the key is the only parameter"
    assert "ORDER BY" not in alices.rsplit(")", 1)[-1], "one row is not sorted"
    with connection.cursor() as cursor:
        cursor.execute(f"PREPARE lean_detail_test AS {alices.replace('%%', '%').replace('%s', '$1::bigint')}")
        try:
            for _ in range(7):
                cursor.execute(f"EXECUTE lean_detail_test({case.pk})")
            cursor.execute("SELECT generic_plans FROM pg_prepared_statements WHERE name = 'lean_detail_test'")
            assert cursor.fetchone()[0] >= 1, "the generic plan is kept"
        finally:
            cursor.execute("DEALLOCATE lean_detail_test")


@pytest.mark.postgres
def test_a_list_is_sent_with_its_scope_written_in_and_only_its_filters_values_as_parameters(cast: Cast):
    """A prepared list's page and count carry the scope's organization paths in their text, as
    a detail's statement does (so that a generic plan reads the scope's organizations by the
    path index, not every organization): unfiltered, they are sent with no parameter; filtered
    by an organization's code, with the code alone."""
    from django.db import connection

    from rasad.api import lean
    from rasad.cases.testing import make_case

    sent: list[tuple[str, list[Any]]] = []

    def record(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        if '"cases_case"' in sql:
            sent.append((sql, list(params or ())))
        return execute(sql, params, many, context)

    make_case(cast, cast.isfahan)
    lean._PREPARED_LISTS.clear()
    client = verified_client(cast.alice)
    client.get("/api/v1/cases/")  # prepares the shape (its first page and count through the ORM's)
    client.get("/api/v1/cases/", {"reporter_organization": cast.isfahan.code})
    sent.clear()
    with connection.execute_wrapper(record):
        for query in ({}, {"reporter_organization": cast.isfahan.code}):
            answer = client.get("/api/v1/cases/", query)
            assert answer.status_code == 200 and answer.json()["count"] == 1
    assert len(sent) == 4, [sql[:80] for sql, _ in sent]  # a count and a page for each
    for sql, _params in sent:
        assert f"LIKE '{cast.isfahan.path}%%'" in sql, "the scope's paths are written in"
    assert [params for _, params in sent] == [[], [], [cast.isfahan.code], [cast.isfahan.code]]
