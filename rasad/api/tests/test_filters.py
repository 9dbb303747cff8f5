"""A yes/no filter refuses a value that is neither, naming the parameter; a request that names no
filter skips the filterset only where that changes nothing (rasad/api/filters.py)."""

from __future__ import annotations

from typing import Any

import django_filters
from django.http import QueryDict

from rasad.api.filters import _ignores_empty_data, _names_a_filter
from rasad.cases.filtersets import CaseFilterSet
from rasad.cases.models import Category
from rasad.conftest import client_for


def test_boolean_filter_accepts_yes_and_no_and_refuses_anything_else(cast):
    Category.objects.create(code="ACT", name="فعال", is_active=True)
    Category.objects.create(code="OLD", name="قدیمی", is_active=False)
    client = client_for(cast.ali)
    active = client.get("/api/v1/case-categories/?is_active=true&code=ACT")
    assert active.status_code == 200 and [row["code"] for row in active.json()["results"]] == ["ACT"]
    inactive = client.get("/api/v1/case-categories/?is_active=false&code=ACT")
    assert inactive.status_code == 200 and inactive.json()["results"] == []
    refused = client.get("/api/v1/case-categories/?is_active=null")
    assert refused.status_code == 400
    assert "is_active" in refused.json()["error"]["fields"]


class _AlwaysFilter(django_filters.CharFilter):  # type: ignore[misc]
    """Filters even when given nothing: a filterset holding it must run on every request."""

    def filter(self, qs: Any, value: Any) -> Any:
        return qs.filter(is_active=True)


class _AlwaysFilterSet(django_filters.FilterSet):  # type: ignore[misc]
    code = _AlwaysFilter()

    class Meta:
        model = Category
        fields = ["code"]


class _RequiredFilterSet(django_filters.FilterSet):  # type: ignore[misc]
    code = django_filters.CharFilter(required=True)

    class Meta:
        model = Category
        fields = ["code"]


def test_every_api_filterset_given_nothing_leaves_the_queryset_alone():
    # A plain list skips building its filterset (rasad/api/filters.py): true of every one today.
    from rasad.testing.matrix import discover_endpoints

    declared = {
        e.viewset.filterset_class for e in discover_endpoints() if getattr(e.viewset, "filterset_class", None)
    }
    assert declared and all(_ignores_empty_data(filterset) for filterset in declared)


def test_a_filterset_that_acts_on_nothing_is_not_skipped():
    assert not _ignores_empty_data(_AlwaysFilterSet)
    assert not _ignores_empty_data(_RequiredFilterSet)


def test_only_paging_parameters_name_no_filter():
    assert not _names_a_filter(QueryDict("limit=5&offset=10"), CaseFilterSet)
    assert _names_a_filter(QueryDict("status=new"), CaseFilterSet)
    assert _names_a_filter(QueryDict("opened_from_x=1"), CaseFilterSet)  # a widget's suffix


def test_a_plain_list_and_a_filtered_list_of_cases(cast):
    from rasad.cases.testing import make_case

    mine = make_case(cast, cast.isfahan)
    client = client_for(cast.alice)
    plain = client.get("/api/v1/cases/")
    assert plain.status_code == 200 and [row["id"] for row in plain.json()["results"]] == [mine.pk]
    other = client.get("/api/v1/cases/?status=closed")
    assert other.status_code == 200 and other.json()["results"] == []
    refused = client.get("/api/v1/cases/?category_id=x")
    assert refused.status_code == 400 and "category_id" in refused.json()["error"]["fields"]
