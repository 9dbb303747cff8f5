"""The API's filtering: django-filter's, except that a yes/no filter refuses what is neither.

django-filter reads an unknown value of a boolean filter (``?is_active=null``) as "no filter" and
answers 200 with every row, so a misspelt filter silently widens a list. Here it is a 400 that
names the parameter, like every other bad parameter (docs/api.md).
"""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from django_filters.widgets import BooleanWidget

_MEANINGS = {"true": True, "1": True, "false": False, "0": False}


class _RawBooleanWidget(BooleanWidget):  # type: ignore[misc]
    """Passes a value it does not know on to the field, which refuses it."""

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        value = data.get(name)
        if isinstance(value, str) and value.lower() not in _MEANINGS and value != "":
            return value
        return super().value_from_datadict(data, files, name)


class StrictBooleanField(forms.NullBooleanField):
    widget = _RawBooleanWidget

    def to_python(self, value: Any) -> bool | None:  # type: ignore[override]
        if value is None or value == "":
            return None
        if isinstance(value, bool):
            return value
        raise ValidationError(_("Enter true or false."), code="invalid")

    def validate(self, value: Any) -> None:
        return None


class StrictBooleanFilter(django_filters.BooleanFilter):  # type: ignore[misc]
    field_class = StrictBooleanField


class FilterSet(django_filters.rest_framework.FilterSet):  # type: ignore[misc]
    FILTER_DEFAULTS = {
        **django_filters.rest_framework.FilterSet.FILTER_DEFAULTS,
        models.BooleanField: {"filter_class": StrictBooleanFilter},
    }


class FilterBackend(DjangoFilterBackend):  # type: ignore[misc]
    filterset_base = FilterSet
