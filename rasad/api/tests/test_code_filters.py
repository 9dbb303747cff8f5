"""Every filter by a related row's code that reads the key first (``rasad.core.filtersets.
CodeFilter``) keeps the rows the plain filter on the join kept (``CharFilter`` on the same path,
what each of them was before session 19 or 20), through its filterset (the form's cleaning
included), for the inputs that are easy to get wrong: the code as stored, in other letter cases,
with Persian or Latin digits and Arabic or Persian letters in place of each other, with spaces
around, a code no row has, an empty value, and a code written in Persian letters and digits."""

from __future__ import annotations

from typing import Any

import django_filters
import pytest
from django.http import QueryDict

from rasad.core.filtersets import CodeFilter
from rasad.testing.cast import Cast
from rasad.testing.matrix import Endpoint, discover_endpoints, factories

FACTORIES = factories()


def _code_filters() -> list[tuple[Endpoint, str]]:
    found: dict[tuple[type[Any], str], tuple[Endpoint, str]] = {}
    for endpoint in discover_endpoints():
        filterset_class = getattr(endpoint.viewset, "filterset_class", None)
        if filterset_class is None:
            continue
        for name, declared in filterset_class.base_filters.items():
            if isinstance(declared, CodeFilter):
                found.setdefault((filterset_class, name), (endpoint, name))
    return list(found.values())


CODE_FILTERS = _code_filters()
# The filters moved onto ``CodeFilter`` in session 20, beside the five of session 19.
MOVED = {
    ("dossiers", "to_organization"),
    ("indicator-assignments", "organization"),
    ("indicator-assignments", "indicator"),
    ("indicator-targets", "organization"),
    ("indicator-targets", "indicator"),
    ("indicator-alerts", "organization"),
    ("indicator-alerts", "indicator"),
    ("energy-baselines", "organization"),
    ("scorecards", "organization"),
    ("programmes", "organization"),
    ("programme-parties", "organization"),
    ("live-devices", "organization"),
    ("live-events", "organization"),
    ("live-outages", "organization"),
    ("media-statements", "organization"),
    ("media-recipients", "agency"),
    ("media-member-agencies", "hq"),
}


def test_the_moved_filters_read_the_key_first():
    found = {(endpoint.route, name) for endpoint, name in CODE_FILTERS}
    assert found >= MOVED, MOVED - found
    assert {("cases", "owner_organization"), ("observations", "organization")} <= found


# A code in Persian letters and digits, given to one related row.
PERSIAN_CODE = "کد-ی۱۲"
_SWAPS = str.maketrans("0123456789یک", "۰۱۲۳۴۵۶۷۸۹يك")
_BACK = str.maketrans("۰۱۲۳۴۵۶۷۸۹يكیک", "0123456789یکيك")


def _variants(code: str) -> list[str]:
    """``code`` and what a person might type for it instead."""
    typed = [code, code.lower(), code.upper(), code.swapcase(), code.translate(_SWAPS), code.translate(_BACK)]
    return list(dict.fromkeys([*typed, f"  {code} ", f"{code}\t"]))


def _related(obj: Any, path: str) -> Any:
    return getattr(obj, path.partition("__")[0], None)


@pytest.mark.parametrize(
    ("endpoint", "name"), CODE_FILTERS, ids=[f"{endpoint.route}:{name}" for endpoint, name in CODE_FILTERS]
)
def test_code_filter_keeps_the_rows_the_join_kept(cast: Cast, endpoint: Endpoint, name: str):
    factory = endpoint.factory
    assert factory is not None, f"{endpoint.route} has no factory"
    filterset_class = endpoint.viewset.filterset_class
    declared = filterset_class.base_filters[name]
    path = declared.field_name
    relation, _, unique = path.partition("__")
    made = [factory.make(cast, organization) for organization in (cast.isfahan, cast.kerman, cast.isfahan)]
    model = endpoint.model
    objects = [model._base_manager.get(pk=obj.pk) for obj in made]
    related = [_related(obj, path) for obj in objects]
    assert any(row is not None for row in related), f"{endpoint.route}: no {relation} to filter by"
    # One related row takes a code in Persian letters and digits.
    renamed = next(row for row in reversed(related) if row is not None)
    type(renamed)._base_manager.filter(pk=renamed.pk).update(**{unique: PERSIAN_CODE})
    codes = {getattr(type(row)._base_manager.get(pk=row.pk), unique) for row in related if row is not None}
    values = [variant for code in sorted(codes) for variant in _variants(code)]
    values += ["NO-SUCH-CODE", "", " ", "کد-ناموجود-۹"]
    # What the filter was: the plain filter on the join, with the same arguments.
    joined = django_filters.CharFilter(
        field_name=path, label=declared.label, exclude=declared.exclude, distinct=declared.distinct
    )
    before = type("Before", (filterset_class,), {name: joined})
    rows = model._base_manager.filter(pk__in=[obj.pk for obj in objects])
    kept_any = False
    for value in values:
        data = QueryDict(mutable=True)
        data[name] = value
        now = filterset_class(data=data, queryset=rows)
        then = before(data=data, queryset=rows)
        assert now.is_valid() == then.is_valid(), (name, value)
        if not now.is_valid():
            assert now.errors == then.errors, (name, value)
            continue
        kept = sorted(now.qs.values_list("pk", flat=True))
        assert kept == sorted(then.qs.values_list("pk", flat=True)), (name, value)
        kept_any = kept_any or (value.strip() != "" and bool(kept))
    assert kept_any, "some code found its rows"
    # Excluding (no filter of these excludes, but the class must keep the join's rows either way).
    excluded = CodeFilter(field_name=path, exclude=True)
    for value in values:
        assert sorted(excluded.filter(rows, value.strip()).values_list("pk", flat=True)) == sorted(
            django_filters.CharFilter(field_name=path, exclude=True)
            .filter(rows, value.strip())
            .values_list("pk", flat=True)
        ), (name, value)
