"""A yes/no filter refuses a value that is neither, naming the parameter; a request that names no
filter skips the filterset only where that changes nothing (rasad/api/filters.py)."""

from __future__ import annotations

from typing import Any

import django_filters
import pytest
from django.core.exceptions import ImproperlyConfigured
from django.http import QueryDict

from rasad.api.filters import _ignores_empty_data, _names_a_filter, _slot_kind
from rasad.cases.filtersets import CaseFilterSet
from rasad.cases.models import Category
from rasad.conftest import client_for
from rasad.core.filtersets import CodeFilter


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


@pytest.mark.parametrize("exclude", [False, True])
def test_code_filter_keeps_the_rows_the_join_kept(cast: Any, exclude: bool):
    """``CodeFilter`` reads the related row's key by a subquery instead of joining it: for a
    code some rows have, one no row has, and an empty value, by organization and by indicator,
    filtering or excluding, it keeps exactly the rows the plain filter on the join keeps."""
    from rasad.indicators.models import Observation
    from rasad.indicators.testing import make_observation

    isfahan = make_observation(cast, cast.isfahan)
    kerman = [make_observation(cast, cast.kerman) for _ in range(2)]
    rows = Observation.objects.filter(pk__in=[isfahan.pk, *(obj.pk for obj in kerman)])
    expected = {
        ("organization__code", cast.isfahan.code): {isfahan.pk},
        ("organization__code", cast.kerman.code): {obj.pk for obj in kerman},
        ("organization__code", "NO-SUCH-CODE"): set(),
        ("organization__code", ""): None,  # no filter
        ("indicator__code", "ELEC_CONS"): {isfahan.pk, *(obj.pk for obj in kerman)},
        ("indicator__code", "NO-SUCH-CODE"): set(),
    }
    everything = set(rows.values_list("pk", flat=True))
    for (path, code), found in expected.items():
        by_key = CodeFilter(field_name=path, exclude=exclude).filter(rows, code)
        by_join = django_filters.CharFilter(field_name=path, exclude=exclude).filter(rows, code)
        kept = set(by_key.values_list("pk", flat=True))
        assert kept == set(by_join.values_list("pk", flat=True)), (path, code)
        assert kept == (everything if found is None else everything - found if exclude else found), (
            path,
            code,
        )


def test_code_filter_compares_the_key_with_a_subquery_and_is_a_slot():
    from rasad.indicators.models import Observation

    declared = CodeFilter(field_name="organization__code")
    sql = str(declared.filter(Observation.objects.all(), "ISF-CC").query)
    assert (
        '"indicators_observation"."organization_id" = (SELECT U0."id" AS "pk" FROM "core_organization" U0'
        in sql
    )
    assert "JOIN" not in sql
    assert _slot_kind(declared) == "one"


@pytest.mark.parametrize(
    "path", ["organization", "organization__name", "organization__parent__code", "findings__code"]
)
def test_code_filter_refuses_what_is_not_a_relation_and_its_unique_field(path: str):
    from rasad.indicators.models import Observation

    with pytest.raises(ImproperlyConfigured):
        CodeFilter(field_name=path).filter(Observation.objects.all(), "ISF-CC")


def test_code_filter_refuses_a_lookup_other_than_exact():
    from rasad.indicators.models import Observation

    with pytest.raises(ImproperlyConfigured):
        CodeFilter(field_name="organization__code", lookup_expr="iexact").filter(
            Observation.objects.all(), "x"
        )


def test_a_filter_of_several_values_has_sentinels_whatever_the_process_hash_seed():
    """A filter of several values reads them as a set, so its statement's slots are the
    sentinels in the order ``set()`` yields them. The order of a set of strings depends on the
    process's hash seed: sentinels whose set does not hold the order they were listed in must be
    spelled again, not given up on (a process that gave up answered every such list through the
    ORM, and the last CI's worker did: the prepared-lists test failed in it alone). Two hundred
    filter names and two to six values each stand for many seeds: some of them collide in any
    process."""
    from rasad.api.filters import Filtering

    for count in range(2, 7):
        for index in range(200):
            name = f"filter{index}"
            filtering = Filtering(CaseFilterSet, ((name, "many", count),), {})
            sentinels = filtering.sentinels()
            assert sentinels is not None, (name, count)
            listed = [sentinels[f"{name}:{slot}"] for slot in range(count)]
            assert list(set(listed)) == listed, "the i-th value the filter reads is slot i"
            assert len(set(listed)) == count
