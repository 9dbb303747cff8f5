"""Two organizations through the API: Bob, who administers Kerman (a grant of the administrator
role there, beside his analyst's), meets nothing of Isfahan's, where one record of every model the
API serves is made (the apps' own factories, ``rasad.testing.factories``). The authorization
table (``rasad.testing.authz``) already holds every detail route to a 404 for him and every list
to leaving Isfahan's subject out; this module covers the rest of what a list and a write say:

* every collection the API answers (its lists and the figures, queues and maps beside them,
  read from the schema, so a new one is covered when it is routed) answers Bob the same with
  Isfahan's records as without them: no row, count or total of theirs;
* every list's filter that names a record (``?organization=``, ``?case=``...) given one of
  Isfahan's answers as it does given one that does not exist: nothing to find, and no sign that
  it exists;
* every create Bob may make in Kerman, with a field naming one of Isfahan's records instead of
  Kerman's, is refused under that field, with the words a missing one gets.

One data set for the module (``_module_cast``'s transaction); each test's own changes roll back."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.exceptions import FieldDoesNotExist
from django.db import models

from rasad.comms.testing import centre_of
from rasad.conftest import client_for
from rasad.core.actions.people import do_grant_role
from rasad.core.models import Role
from rasad.testing.authz import API
from rasad.testing.cast import Cast, refetched
from rasad.testing.factories import load_all
from rasad.testing.matrix import Endpoint, discover_endpoints
from rasad.testing.routes import api_schema

MISSING_PK = 2_000_000_000
# Records whose factory writes Kerman's side too: a secure message of Isfahan's is sent to
# Kerman's centre (``rasad.comms.testing._other_local``), and is then Kerman's to read.
CROSSING = frozenset({"comms.message", "comms.thread"})
# Creates whose factory's body for Kerman names a record Bob may not name, so not checked here:
# the national centre (NAT) as a programme's party, a party's or a member agency's organization;
# an outcome's application made by the factory outside his sight.
NOT_KERMAN_S = frozenset(
    {"programs.programme", "programs.party", "media.memberagency", "greenjobs.outcomereport"}
)


def _collections() -> list[str]:
    """Every ``GET`` of the schema that names no record: ``/api/v1/cases/``,
    ``/api/v1/observations/completeness/``..."""
    return [
        path
        for path, operations in api_schema()["paths"].items()
        if "get" in operations and "{" not in path and path.startswith("/api/v1/")
    ]


def _query(path: str) -> dict[str, str]:
    row = API.get(f"GET {path}")
    return dict(row.query) if row is not None else {}


@pytest.fixture(scope="module")
def bob_before(_module_cast: Cast, django_db_blocker: Any) -> dict[str, tuple[int, Any]]:
    """Bob made Kerman's administrator, and what every collection answers him before Isfahan
    has any record."""
    with django_db_blocker.unblock():
        cast = refetched(_module_cast)
        administrator = Role.objects.get(slug="administrator")
        do_grant_role(cast.bob, administrator, acting_user=None, organization=cast.kerman)
        centre_of(cast, cast.kerman)  # the centre Isfahan's messages are sent to (CROSSING)
        client = client_for(cast.bob)
        return {path: _answer(client, path) for path in _collections()}


@pytest.fixture(scope="module")
def isfahan(_module_cast: Cast, bob_before: Any, django_db_blocker: Any) -> dict[str, Any]:
    """One record of every model with a factory, made in Isfahan, by model label."""
    with django_db_blocker.unblock():
        cast = refetched(_module_cast)
        return {
            label: factory.make(cast, cast.isfahan)
            for label, factory in sorted(load_all().items())
            if label not in CROSSING
        }


def _answer(client: Any, path: str, query: dict[str, str] | None = None) -> tuple[int, Any]:
    response = client.get(path, {**_query(path), **(query or {})})
    content_type = response.get("Content-Type", "")
    body = response.json() if content_type.startswith("application/json") else response.content
    return response.status_code, body


@pytest.mark.parametrize("path", _collections())
def test_a_collection_answers_kerman_the_same_with_isfahan_s_records(
    cast: Cast, bob_before: dict[str, tuple[int, Any]], isfahan: dict[str, Any], path: str
):
    assert _answer(client_for(cast.bob), path) == bob_before[path]


def _relation_filters(endpoint: Endpoint) -> list[tuple[str, type[models.Model], str]]:
    """(parameter, the model it names, the field of it the value is) of every filter of the
    endpoint's filterset that names one record: a relation of the listed model, by its key or by
    a unique field (``CodeFilter``: ``organization__code``)."""
    filterset = getattr(endpoint.viewset, "filterset_class", None)
    if filterset is None:
        return []
    found = []
    for name, declared in filterset.base_filters.items():
        relation, *rest = str(declared.field_name).split("__")
        try:
            field = endpoint.model._meta.get_field(relation)
        except FieldDoesNotExist:
            continue
        related = field.related_model
        if not field.is_relation or related is None or declared.lookup_expr != "exact" or len(rest) > 1:
            continue
        attribute = rest[0] if rest else "pk"
        if attribute == "pk" or getattr(related._meta.get_field(attribute), "unique", False):
            found.append((name, related, attribute))
    return found


def _filter_params() -> list[Any]:
    return [
        pytest.param(endpoint, name, model, field, id=f"{endpoint.route}?{name}")
        for endpoint in discover_endpoints()
        if endpoint.allows("list")
        for name, model, field in _relation_filters(endpoint)
        if _belongs_to_one(model)
    ]


def _belongs_to_one(model: type[models.Model]) -> bool:
    """Records of one organization (or one person): reference data every signed-in person reads
    (provinces, indicators, categories) is not Isfahan's."""
    label = model._meta.label_lower
    owned = label in load_all() or any(field.name == "organization" for field in model._meta.get_fields())
    return label in {"core.organization", "core.user"} or (owned and label not in CROSSING)


@pytest.mark.parametrize(("endpoint", "name", "model", "field"), _filter_params())
def test_a_filter_naming_isfahan_s_record_reads_like_one_naming_nothing(
    cast: Cast, isfahan: dict[str, Any], endpoint: Endpoint, name: str, model: type[models.Model], field: str
):
    record = isfahan.get(model._meta.label_lower)
    if record is None:
        record = model._default_manager.filter(**_in_isfahan(model, cast)).first()
    assert record is not None, f"nothing of Isfahan's to name with {name}"
    client = client_for(cast.bob)
    named = _answer(client, endpoint.list_url, {name: str(getattr(record, field))})
    missing = _answer(client, endpoint.list_url, {name: "ZZ-MISSING" if field != "pk" else str(MISSING_PK)})
    assert named == missing, name


def _in_isfahan(model: type[models.Model], cast: Cast) -> dict[str, Any]:
    label = model._meta.label_lower
    if label == "core.organization":
        return {"pk": cast.isfahan.pk}
    if label == "core.user":
        return {"pk": cast.ali.pk}  # Isfahan's reporter, whom Bob cannot see
    names = {f.name for f in model._meta.get_fields()}
    return {"organization": cast.isfahan} if "organization" in names else {"pk": -1}


def _create_params() -> list[Any]:
    return [
        pytest.param(endpoint, id=endpoint.route)
        for endpoint in discover_endpoints()
        if endpoint.allows("create")
        and endpoint.factory is not None
        and endpoint.factory.create_payload
        and endpoint.factory_label not in CROSSING | NOT_KERMAN_S
    ]


def _references(
    model: type[models.Model], payload: dict[str, Any]
) -> list[tuple[str, type[models.Model], str]]:
    """(key, the model it names, the field of it the value is) of every key of a create's body
    that names a record of one organization: by its key, or by a unique field (a code)."""
    found = []
    for key, value in payload.items():
        try:
            field = model._meta.get_field(key)
        except FieldDoesNotExist:
            continue
        related = field.related_model
        if not field.is_relation or related is None or not _belongs_to_one(related):
            continue
        one = value[0] if isinstance(value, list) and value else value
        if isinstance(one, int):
            found.append((key, related, "pk"))
            continue
        for candidate in related._meta.concrete_fields:
            plain = candidate.unique and not candidate.primary_key and not candidate.is_relation
            if plain and related._default_manager.filter(**{candidate.name: one}).exists():
                found.append((key, related, candidate.name))
                break
    return found


def _fields_of(response: Any) -> dict[str, Any]:
    assert response.status_code == 400, (response.status_code, response.content[:300])
    return dict(response.json()["error"]["fields"])


@pytest.mark.parametrize("endpoint", _create_params())
def test_a_create_naming_isfahan_s_record_is_refused_under_its_field(
    cast: Cast, isfahan: dict[str, Any], endpoint: Endpoint
):
    assert endpoint.factory is not None and endpoint.factory.create_payload is not None
    payload = endpoint.factory.create_payload(cast, cast.kerman)
    client = client_for(cast.bob)
    references = _references(endpoint.model, payload)
    assert references, f"{endpoint.route}: its body names no record"
    for key, model, field in references:
        record = (
            isfahan.get(model._meta.label_lower)
            or model._default_manager.filter(**_in_isfahan(model, cast)).first()
        )
        assert record is not None, key
        named, missing = getattr(record, field), MISSING_PK if field == "pk" else "ZZ-MISSING"

        def body(value: Any, key: str = key) -> dict[str, Any]:
            return {**payload, key: [value] if isinstance(payload[key], list) else value}

        refused = _fields_of(client.post(endpoint.list_url, body(named), format="json"))
        assert key in refused, (key, refused)
        absent = _fields_of(client.post(endpoint.list_url, body(missing), format="json"))
        words = re.compile(re.escape(str(missing)) + "|" + re.escape(str(named)))
        assert words.sub("<value>", str(refused[key])) == words.sub("<value>", str(absent[key])), key
    made = client.post(endpoint.list_url, payload, format="json")
    assert made.status_code == 201, (made.status_code, made.json())
