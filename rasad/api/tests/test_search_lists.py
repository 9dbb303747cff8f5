"""Every list with a free-text search finds a row by the spellings a person types for its name.

Lists are discovered, not listed by hand: every API list (``rasad.testing.matrix``) whose
filterset declares ``q`` (the pages use the same filtersets), and every other filterset that
declares it. A searchable list missing from the tables below fails
``test_every_searchable_list_is_in_the_table``, so a new one cannot skip the check. Each list's
search must go through ``rasad.lib.search.matching`` over a stored ``search_key``
(docs/reference/persian-text.md, "Where search is used"): the name is found with Arabic «ي ك»
for «ی ک», a space or nothing for a ZWNJ, Latin or Arabic-Indic digits for Persian ones, a hamza
left out and a compound typed joined, and never by a user of another organization where the
list is scoped.
"""

from __future__ import annotations

from typing import Any

import django_filters
import pytest
from django.db import models
from rest_framework.filters import SearchFilter
from rest_framework.test import APIClient

from rasad.lib.persian import search_key
from rasad.testing.cast import Cast
from rasad.testing.matrix import Endpoint, discover_endpoints, expected_in_list, factories

FACTORIES = factories()

# The row's name: Persian letters (with «ک ی»), a ZWNJ, a hamza and Persian digits.
NAME = "کارگروه مسئله منطقه‌ای ۴۷ محیط زیست"
# Two queries, each word another spelling (an API request costs: two rather than six).
FOUND_BY = (
    "كارگروه منطقه‌اي 47 مساله",  # Arabic «ك ي», Latin digits, the hamza left out
    "منطقه ای ٤٧ محیطزیست",  # a space for the ZWNJ, Arabic-Indic digits, a compound typed joined
)
NOT_FOUND_BY = "منطقه‌ای ۴۸"

# Each searchable list, by route: the row whose search key holds the name, reached from the
# listed row ("" the row itself; the comms lists search the centres, a joint group its working
# group). A new searchable list is added here.
SEARCHED: dict[str, str] = {
    "organizations": "",
    "users": "",
    "working-groups": "",
    "indicators": "",
    "observations": "indicator",
    "cases": "",
    "dossiers": "",
    "intake-documents": "",
    "organization-aliases": "",
    "known-people": "",
    "programmes": "",
    "green-occupations": "",
    "green-businesses": "",
    "green-schemes": "",
    "green-applications": "",
    "assessment-instruments": "",
    "assessment-cycles": "",
    "assessments": "",
    "risk-register": "",
    "comms-centres": "",
    "comms-peers": "centre",
    "comms-threads": "participants",
    "comms-messages": "envelope__sender",
    "comms-joint-groups": "working_group",
    "training-courses": "",
    "training-events": "",
    "media-statements": "",
    "media-crises": "",
    "media-plan": "",
    "media-rumours": "",
}


def _searchable(filterset_class: Any) -> bool:
    return filterset_class is not None and "q" in filterset_class.base_filters


ENDPOINTS = [
    endpoint
    for endpoint in discover_endpoints()
    if _searchable(getattr(endpoint.viewset, "filterset_class", None))
]


def _subclasses(cls: type[Any]) -> list[type[Any]]:
    return [sub for direct in cls.__subclasses__() for sub in (direct, *_subclasses(direct))]


def _filtersets_with_search() -> set[type[Any]]:
    """Every filterset of a model that declares ``q`` (the filtersets' modules are imported by
    the URL configuration that ``discover_endpoints`` reads)."""
    return {
        cls
        for cls in _subclasses(django_filters.FilterSet)
        if cls.__module__.startswith("rasad.") and _searchable(cls) and getattr(cls._meta, "model", None)
    }


def _by_name(cls: type[Any]) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


# Searchable filtersets that serve no list of their own under /api/v1/, each with the route whose
# rows (and factory) it searches.
OTHER_FILTERSETS: dict[str, str] = {
    # The public directory of certified businesses (page /green/directory/ and the action
    # /api/v1/green-businesses/directory/): businesses, keyed as the green-businesses list's.
    "rasad.greenjobs.directory.DirectoryFilterSet": "green-businesses",
}


def test_every_searchable_list_is_in_the_table():
    routes = {endpoint.route for endpoint in ENDPOINTS}
    assert routes == set(SEARCHED), (
        f"searchable lists not in SEARCHED: {sorted(routes - set(SEARCHED))}; "
        f"in SEARCHED but not searchable: {sorted(set(SEARCHED) - routes)}"
    )
    # DRF's SearchFilter matches raw text (``icontains``), past the search keys: no list uses it.
    assert not [
        endpoint.route
        for endpoint in discover_endpoints()
        if any(
            issubclass(backend, SearchFilter) for backend in getattr(endpoint.viewset, "filter_backends", ())
        )
    ]
    served = {endpoint.viewset.filterset_class for endpoint in ENDPOINTS}
    others = {_by_name(cls) for cls in _filtersets_with_search() - served}
    assert others == set(OTHER_FILTERSETS), others ^ set(OTHER_FILTERSETS)


def _keyed_row(row: models.Model, path: str) -> Any:
    """The row whose search key holds the listed row's name (``SEARCHED``)."""
    keyed: Any = row
    for part in path.split("__") if path else []:
        related = getattr(keyed, part)
        keyed = related.order_by("pk").first() if isinstance(related, models.Manager) else related
    return keyed


def _made(cast: Cast, endpoint: Endpoint) -> models.Model:
    """One row of the list in Isfahan (its matrix factory), or, for reference data without a
    factory (the indicator catalogue, the green occupations), a row already there."""
    factory = endpoint.factory
    if factory is not None:
        return endpoint.model._base_manager.get(pk=factory.make(cast, cast.isfahan).pk)
    row = endpoint.model._base_manager.order_by("pk").first()
    assert row is not None, f"{endpoint.route}: no factory and no row to search"
    return row


def _named(row: models.Model, path: str) -> None:
    """Give the keyed row the name: its key as its actions write it (``search_key`` of its human
    text), after checking that the action that made it wrote one."""
    keyed = _keyed_row(row, path)
    written = keyed.search_text
    assert written and search_key(written) == written, f"{type(keyed).__name__} {keyed.pk}: no search key"
    type(keyed)._base_manager.filter(pk=keyed.pk).update(search_text=search_key(NAME))


def _listed(user: Any, endpoint: Endpoint, query: str) -> set[int]:
    client = APIClient()
    client.force_authenticate(user=user)
    response = client.get(endpoint.list_url, {"q": query, "limit": "1000"})
    assert response.status_code == 200, (endpoint.route, query, response.content[:300])
    return {item["id"] for item in response.json()["results"]}


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda endpoint: endpoint.route)
def test_list_finds_the_name_by_its_spellings(cast: Cast, endpoint: Endpoint):
    row = _made(cast, endpoint)
    _named(row, SEARCHED[endpoint.route])
    for query in FOUND_BY:
        assert row.pk in _listed(cast.root, endpoint, query), (endpoint.route, query)
    assert row.pk not in _listed(cast.root, endpoint, NOT_FOUND_BY), endpoint.route
    # Bob holds grants in Kerman only: where the list is scoped to organizations, the name finds
    # nothing for him; reference data (catalogues) every signed-in user reads.
    shown = not endpoint.is_organization_scoped or expected_in_list(cast.bob, endpoint.model, cast.isfahan)
    assert (row.pk in _listed(cast.bob, endpoint, FOUND_BY[0])) is shown, endpoint.route


@pytest.mark.parametrize("name", sorted(OTHER_FILTERSETS))
def test_other_filterset_finds_the_name_by_its_spellings(cast: Cast, name: str):
    (filterset_class,) = (cls for cls in _filtersets_with_search() if _by_name(cls) == name)
    (endpoint,) = (endpoint for endpoint in ENDPOINTS if endpoint.route == OTHER_FILTERSETS[name])
    row = _made(cast, endpoint)
    _named(row, SEARCHED[endpoint.route])
    rows = filterset_class._meta.model._base_manager.filter(pk=row.pk)

    def found(query: str) -> bool:
        filterset = filterset_class(data={"q": query}, queryset=rows)
        assert filterset.is_valid(), filterset.errors
        return row.pk in {item.pk for item in filterset.qs}

    assert all(found(query) for query in FOUND_BY), [query for query in FOUND_BY if not found(query)]
    assert not found(NOT_FOUND_BY)
