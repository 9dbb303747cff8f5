"""The API's filtering: django-filter's, with every yes/no filter strict.

A filter generated from a model's ``BooleanField`` is the plain ``BooleanFilter`` (whose field
refuses a value that is neither true nor false, ``rasad.web.apps``) rather than DRF's, whose
widget turns ``?is_active=null`` into "no filter" before the field sees it, so that a misspelt
filter answered 200 with every row. Now it is a 400 naming the parameter (docs/api.md).

A request that names no filter of the view's filterset (a plain list, or one that only pages)
skips the filterset: building it (a deep copy of every filter, a form class, a form validated
with nothing in it) was a tenth of a 50-row list's time. It is skipped only for a filterset
shown once per process to leave every queryset alone when given nothing
(``_ignores_empty_data``); any other filterset runs as before.

A request whose filters are all plain ones (a value compared with a column or a related row's
column: ``CharFilter``, ``IdFilter``, ``ChoiceFilter``, ``MultipleChoiceFilter`` without a
method, or a filter that says it is one, ``slot_kind``) is described by
:meth:`FilterBackend.filtering`: which filters it names and how many values each holds, and
the values. A lean list then reads it by statements prepared for that
description with the values in their slots (``rasad.api.lean``), checked once per description
against the filterset's own query. Any other filter (a method, a search, a range, a date) and
any value the filter's field refuses take the filterset, as before. When every value named is a
choice or a code no plan reads (``_plan_role``), the statements are prepared on the server with
the choices written into their text: PostgreSQL plans them once per connection and set of
choices (docs/development/benchmarks.md, "Session 20").
"""

from __future__ import annotations

import copy
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.http import QueryDict
from django.utils.datastructures import MultiValueDict
from django_filters.constants import EMPTY_VALUES
from django_filters.filterset import BaseFilterSet
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.request import Request


class FilterSet(django_filters.rest_framework.FilterSet):  # type: ignore[misc]
    FILTER_DEFAULTS = {
        **django_filters.rest_framework.FilterSet.FILTER_DEFAULTS,
        models.BooleanField: {"filter_class": django_filters.BooleanFilter},
    }


class FilterBackend(DjangoFilterBackend):  # type: ignore[misc]
    filterset_base = FilterSet

    def filter_queryset(self, request: Request, queryset: models.QuerySet[Any], view: Any) -> Any:
        if self.leaves_alone(request, queryset.model, view):
            return queryset
        return super().filter_queryset(request, queryset, view)

    def leaves_alone(self, request: Request, model: type[models.Model], view: Any) -> bool:
        """Whether the request names no filter of the view's filterset, which is shown to leave
        every queryset of ``model`` alone when given nothing. A view without a filterset is
        filtered by django-filter's own rules, and is not judged here."""
        # A declared class only: for ``filterset_fields`` django-filter makes a new class per call.
        filterset_class = getattr(view, "filterset_class", None)
        return (
            filterset_class is not None
            and issubclass(model, filterset_class._meta.model)
            and not _names_a_filter(request.query_params, filterset_class)
            and _ignores_empty_data(filterset_class)
        )

    def filtering(
        self, request: Request, model: type[models.Model], view: Any, paging: Collection[str | None]
    ) -> Filtering | None:
        """The request's filters as slots of a prepared statement, when every parameter but the
        page's is a plain filter of the view's filterset (``_slot_kind``) whose field accepts
        its value, and the filterset leaves the queryset alone for the filters not named;
        ``None`` otherwise (the filterset then runs, and answers a refused value as ever)."""
        filterset_class = getattr(view, "filterset_class", None)
        if (
            filterset_class is None
            or not issubclass(model, filterset_class._meta.model)
            or not _ignores_empty_data(filterset_class)
        ):
            return None
        parameters = request.query_params
        filters = _filters(filterset_class)
        if any(name not in filters for name in parameters if name not in paging):
            return None
        given: list[tuple[str, str, int]] = []
        values: dict[str, Any] = {}
        written: set[str] = set()
        planned_once = True
        for name, declared in filters.items():
            if name not in parameters:
                continue
            kind = _slot_kind(declared)
            if kind is None:
                return None
            field = declared.field
            try:
                value = field.clean(field.widget.value_from_datadict(parameters, MultiValueDict(), name))
            except ValidationError:
                return None
            if kind == "many" and value:
                distinct = list(set(value))  # in the order the filter reads them
                if any(type(item) is not str or item == declared.null_value for item in distinct):
                    return None
                given.append((name, kind, len(distinct)))
                slots = {f"{name}:{index}": item for index, item in enumerate(distinct)}
            elif kind == "one" and value not in EMPTY_VALUES:
                if type(value) not in (str, int) or value == getattr(declared, "null_value", None):
                    return None
                given.append((name, f"one:{type(value).__name__}", 1))
                slots = {name: value}
            else:
                given.append((name, "empty", 0))
                continue
            values.update(slots)
            role = _plan_role(declared, slots.values())
            if role == "text":
                written.update(slots)
            planned_once = planned_once and role is not None
        return Filtering(filterset_class, tuple(given), values, frozenset(written), planned_once)


@dataclass(frozen=True)
class Filtering:
    """A request's plain filters: ``given`` (each named filter, in the filterset's order, with
    its kind and number of values) is what the statement is a function of, ``values`` the
    request's values by slot (``name``, or ``name:index`` for a filter of several values)."""

    filterset_class: type[BaseFilterSet]
    given: tuple[tuple[str, str, int], ...]
    values: dict[str, Any]
    # The slots whose values are written into the statement's text when it is prepared on the
    # server (a choice's), and whether its plan may be made once for every request
    # (``_plan_role``: every value is a choice's or one the planner never sees).
    written: frozenset[str] = frozenset()
    planned_once: bool = False

    @property
    def key(self) -> tuple[Any, ...]:
        return (self.filterset_class, self.given)

    def sentinels(self) -> dict[str, Any] | None:
        """A value for each slot that no query holds otherwise, of the type of the request's;
        ``None`` when a filter's several sentinels cannot be listed in the order ``set()`` yields
        them (the filter reads its values as a set: slot ``i`` must be the ``i``-th it reads,
        as it is for a request's values, ``list(set(value))``).

        That order depends on the strings' hashes, hence on the process's hash seed: a set
        built from its own order may not yield it again when two of its strings collide. The
        sentinels are then spelled again (another round in their text) until their set keeps
        its order: one spelling serves almost always, and no process gives up on a shape
        because of its seed."""
        sentinels: dict[str, Any] = {}
        for name, kind, count in self.given:
            if kind == "many":
                ordered = _ordered_sentinels(name, count)
                if ordered is None:
                    return None
                sentinels.update((f"{name}:{index}", item) for index, item in enumerate(ordered))
            elif kind != "empty":
                value = self.values[name]
                # A whole number within every integer column's range (a value outside it is
                # no parameter: Django answers it with an empty result).
                sentinels[name] = 32_000 + len(sentinels) if type(value) is int else f"\x00lean-filter:{name}"
        return sentinels

    def apply(self, queryset: models.QuerySet[Any], slots: dict[str, Any]) -> models.QuerySet[Any]:
        """``queryset`` filtered as the filterset filters it, with ``slots``' values."""
        filters = _filters(self.filterset_class)  # type: ignore[arg-type]
        for name, kind, count in self.given:
            if kind == "empty":
                continue
            value = [slots[f"{name}:{index}"] for index in range(count)] if kind == "many" else slots[name]
            queryset = filters[name].filter(queryset, value)
        return queryset


# How many spellings of a filter's sentinels are tried before its shape is left to the ORM: each
# fails with a probability of a few percent for a handful of values, independently of the others.
_SENTINEL_SPELLINGS = 32


def _ordered_sentinels(name: str, count: int) -> list[str] | None:
    """``count`` distinct sentinels for filter ``name``, listed in the order a set of them
    yields (``Filtering.sentinels``), or None if no spelling tried keeps it."""
    for spelling in range(_SENTINEL_SPELLINGS):
        ordered = list({f"\x00lean-filter:{name}:{spelling}:{index}" for index in range(count)})
        if list(set(ordered)) == ordered:
            return ordered
    return None


def _slot_kind(declared: django_filters.Filter) -> str | None:
    """``one`` or ``many`` for a filter whose query is the column compared with its value (or
    any of its values) and nothing else: django-filter's own ``filter``, no method, no exclude,
    an exact lookup; ``None`` for any other."""
    if declared.method is not None or declared.exclude or declared.lookup_expr != "exact":
        return None
    kind = type(declared)
    if kind.filter in (django_filters.Filter.filter, django_filters.ChoiceFilter.filter):
        return "one"
    # A filter of its own that says its query is a column compared with its one value
    # (``rasad.core.filtersets.CodeFilter``: a key read by a subquery from a code). What it
    # says is checked as for any filter: a shape is prepared only when its statements with the
    # request's values are the filterset's (``rasad.api.lean._prepared_page``).
    if getattr(kind, "slot_kind", None) == "one":
        return "one"
    if (
        kind.filter is django_filters.MultipleChoiceFilter.filter
        and kind.get_filter_predicate is django_filters.MultipleChoiceFilter.get_filter_predicate
        and kind.is_noop is django_filters.MultipleChoiceFilter.is_noop
        and not declared.conjoined
        and declared.always_filter
    ):
        return "many"
    return None


def _plan_role(declared: django_filters.Filter, values: Iterable[Any]) -> str | None:
    """What a plain filter's values are to a plan made once and kept (a statement prepared on
    the server, ``rasad.api.lean._PreparedPage``): ``text`` for a choice among the field's
    choices (its field refused any other), which is written into the statement's text, so that
    each set of choices has its plan and the planner reads the choices' statistics (a rare
    status is found by its index, a common one by walking the list's order); ``unseen`` for a
    filter whose value no plan reads (``planned_without_value``: ``CodeFilter``'s key is read by
    a subquery when the statement runs, so a plan made for its value is the plan made without
    it); ``None`` for any other (an id, a year: a plan made for one value may not serve another,
    so the statement is planned for its values each time)."""
    if issubclass(declared.field_class, forms.ChoiceField) and all(type(value) is str for value in values):
        return "text"
    if getattr(type(declared), "planned_without_value", False):
        return "unseen"
    return None


@cache
def _filters(filterset_class: type[BaseFilterSet]) -> dict[str, django_filters.Filter]:
    """The filterset's filters, copied as a filterset copies them, for this module alone (their
    fields are made once and kept)."""
    return copy.deepcopy(dict(filterset_class.base_filters))


def _names_a_filter(parameters: QueryDict, filterset_class: type[BaseFilterSet]) -> bool:
    """Whether a parameter is a filter's, or may be one of its widget's (``<name>_min``,
    ``<name>_after``...)."""
    names = filterset_class.base_filters
    return any(key in names or any(key.startswith(f"{name}_") for name in names) for key in parameters)


class _Untouched:
    """Stands for a queryset: a filter that returns it unchanged did nothing with its value."""


@cache
def _ignores_empty_data(filterset_class: type[BaseFilterSet]) -> bool:
    """Whether the filterset, given no parameter, validates and returns its queryset unchanged:
    django-filter's own validation and filtering, a plain form, and every filter handing back
    the queryset it gets for the value its field cleans from nothing."""
    if (
        filterset_class.filter_queryset is not BaseFilterSet.filter_queryset
        or filterset_class.qs is not BaseFilterSet.qs
        or filterset_class.is_valid is not BaseFilterSet.is_valid
        or filterset_class._meta.form is not forms.Form
    ):
        return False
    model = filterset_class._meta.model
    untouched = _Untouched()
    try:
        filterset = filterset_class(data=QueryDict(), queryset=model._default_manager.none(), request=None)
        if not filterset.is_valid():
            return False
        return all(
            filterset.filters[name].filter(untouched, value) is untouched
            for name, value in filterset.form.cleaned_data.items()
        )
    except Exception:  # a filter that cannot say so is run as before
        return False
