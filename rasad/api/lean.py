"""Lean lists: a hot list endpoint's rows read with ``values()`` and written exactly as its
serializer would write them, without a model instance or DRF's per-field machinery per row.

A viewset opts in with ``lean_list = LeanList(computed={...})``; ``ScopedViewSetMixin.list`` then
reads the page as dictionaries. The plan is derived from the serializer's own fields on first use:

* a model field (``CharField``, ``DateTimeField``, ``ChoiceField``...) reads its ``source`` and is
  written by that field's ``to_representation`` (so dates, choices and numbers stay identical);
* a ``SlugRelatedField`` reads ``<source>__<slug_field>``, a ``PrimaryKeyRelatedField`` the key;
* the ``HyperlinkedIdentityField`` is one reversed URL per request with the key put in;
* anything else (``display``, method fields) must be given in ``computed`` as the ``values()``
  paths it needs and a function of the row.

A field the plan cannot read raises ``ImproperlyConfigured`` at the first request, so adding a
field to the serializer cannot silently drop it from the list; ``rasad/api/tests/
test_lean_lists.py`` compares every lean list with its serializer's output, row for row. The
schema is the serializer's, unchanged. Used where DRF's ``to_representation`` dominated a list's
time (cases, observations: docs/development/benchmarks.md).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.urls import NoReverseMatch
from rest_framework import relations, serializers

Row = dict[str, Any]
_MARKERS = ("lean-row-key", "987654321987654321")


@dataclass(frozen=True)
class Computed:
    """A field written from a row: the ``values()`` paths it reads and the function of the row
    (and the serializer context) that gives its value."""

    paths: tuple[str, ...]
    value: Callable[[Row, dict[str, Any]], Any]


@dataclass
class _Plan:
    paths: tuple[str, ...]
    writers: list[tuple[str, Callable[[Row, dict[str, Any]], Any]]]
    url_field: str | None
    url_view: relations.HyperlinkedIdentityField | None


@dataclass
class LeanList:
    computed: dict[str, Computed] = field(default_factory=dict)
    _plan: _Plan | None = field(default=None, init=False, repr=False)

    def applies(self, view: Any) -> bool:
        """The lean path serves plain JSON lists; a format suffix takes the serializer's."""
        return not view.kwargs.get("format")

    def plan(self, serializer: serializers.Serializer[Any]) -> _Plan:
        if self._plan is None:
            self._plan = _build(serializer, self.computed)
        return self._plan

    def rows(self, view: Any, queryset: models.QuerySet[Any]) -> list[Row] | None:
        """The page of ``queryset`` the view's paginator picks, written as the serializer would
        (``None`` when the view has no paginator: the caller returns every row)."""
        context = view.get_serializer_context()
        plan = self.plan(view.get_serializer_class()(context=context))
        values = queryset.values(*plan.paths)
        page = view.paginate_queryset(_Counted(queryset, values))
        return self.write(plan, list(values) if page is None else page, context)

    def write(self, plan: _Plan, rows: Iterable[Row], context: dict[str, Any]) -> list[Row]:
        prefix = suffix = ""
        if plan.url_view is not None:
            prefix, suffix = _url_template(plan.url_view, context)
        writers = plan.writers
        url_field = plan.url_field
        out = []
        for row in rows:
            item: Row = {}
            for name, writer in writers:
                item[name] = f"{prefix}{row['pk']}{suffix}" if name == url_field else writer(row, context)
            out.append(item)
        return out


class _Counted:
    """What the paginator reads: the count from the rows' queryset, the page from the values.
    Counting the values would keep the joins its related paths need (organization, indicator,
    unit): on 48,000 scoped observations that tripled the count's time."""

    def __init__(self, queryset: models.QuerySet[Any], values: models.QuerySet[Any]) -> None:
        self.queryset, self.values = queryset, values

    def count(self) -> int:
        return self.queryset.count()

    def __getitem__(self, index: slice) -> Any:
        return self.values[index]

    def __len__(self) -> int:
        return self.count()


def _url_template(identity: relations.HyperlinkedIdentityField, context: dict[str, Any]) -> tuple[str, str]:
    request = context.get("request")
    for marker in _MARKERS:
        try:
            url = identity.reverse(
                identity.view_name, kwargs={identity.lookup_url_kwarg: marker}, request=request
            )
        except NoReverseMatch:
            continue
        if url.count(marker) == 1:
            prefix, suffix = url.split(marker)
            return prefix, suffix
    raise ImproperlyConfigured(f"cannot build a URL template for {identity.view_name}")


def _build(serializer: serializers.Serializer[Any], computed: dict[str, Computed]) -> _Plan:
    paths: dict[str, None] = {"pk": None}
    writers: list[tuple[str, Callable[[Row, dict[str, Any]], Any]]] = []
    url_field = None
    url_view = None
    for name, declared in serializer.fields.items():
        if declared.write_only:
            continue
        if name in computed:
            paths.update(dict.fromkeys(computed[name].paths))
            writers.append((name, computed[name].value))
            continue
        if isinstance(declared, relations.HyperlinkedIdentityField):
            if declared.lookup_field != "pk":
                raise ImproperlyConfigured(f"{name}: only URLs by primary key are planned")
            url_field, url_view = name, declared
            writers.append((name, _never))
            continue
        if declared.source == "*" or isinstance(
            declared,
            serializers.SerializerMethodField | serializers.BaseSerializer | relations.ManyRelatedField,
        ):
            raise ImproperlyConfigured(
                f"{type(serializer).__name__}.{name}: give it in LeanList(computed=...)"
            )
        source = str(declared.source).replace(".", "__")
        if isinstance(declared, relations.SlugRelatedField):
            path = f"{source}__{declared.slug_field}"
            writers.append((name, _plain(path)))
        elif isinstance(declared, relations.PrimaryKeyRelatedField) and declared.pk_field is None:
            path = source
            writers.append((name, _plain(path)))
        elif isinstance(declared, relations.RelatedField):
            raise ImproperlyConfigured(f"{type(serializer).__name__}.{name}: give it in computed")
        else:
            path = source
            writers.append((name, _represented(path, declared)))
        paths[path] = None
    return _Plan(tuple(paths), writers, url_field, url_view)


def _never(row: Row, context: dict[str, Any]) -> Any:  # the URL is written in place
    raise AssertionError


def _plain(path: str) -> Callable[[Row, dict[str, Any]], Any]:
    def write(row: Row, context: dict[str, Any]) -> Any:
        return row[path]

    return write


def _represented(
    path: str, declared: serializers.Field[Any, Any, Any, Any]
) -> Callable[[Row, dict[str, Any]], Any]:
    represent = declared.to_representation

    def write(row: Row, context: dict[str, Any]) -> Any:
        value = row[path]
        return None if value is None else represent(value)

    return write
