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
"""

from __future__ import annotations

from functools import cache
from typing import Any

import django_filters
from django import forms
from django.db import models
from django.http import QueryDict
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
