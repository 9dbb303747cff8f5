"""The API's filtering: django-filter's, with every yes/no filter strict.

A filter generated from a model's ``BooleanField`` is the plain ``BooleanFilter`` (whose field
refuses a value that is neither true nor false, ``rasad.web.apps``) rather than DRF's, whose
widget turns ``?is_active=null`` into "no filter" before the field sees it, so that a misspelt
filter answered 200 with every row. Now it is a 400 naming the parameter (docs/api.md).
"""

from __future__ import annotations

import django_filters
from django.db import models
from django_filters.rest_framework import DjangoFilterBackend


class FilterSet(django_filters.rest_framework.FilterSet):  # type: ignore[misc]
    FILTER_DEFAULTS = {
        **django_filters.rest_framework.FilterSet.FILTER_DEFAULTS,
        models.BooleanField: {"filter_class": django_filters.BooleanFilter},
    }


class FilterBackend(DjangoFilterBackend):  # type: ignore[misc]
    filterset_base = FilterSet
