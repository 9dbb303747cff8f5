"""A lean reader for ``POST /api/v1/observations/bulk/``.

A DRF serializer per row cost about a fifth of a batch's time (docs/development/benchmarks.md), so
this reader checks the same shape with plain Python: the same rules as ``BulkSerializer`` (which
still documents the request in the OpenAPI schema), the same translated messages (DRF's own), and
the same error paths (``observations.3.value``). Rows come out as plain dicts for
``rasad.indicators.importer``, which resolves codes and checks values as for a file.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import repeat
from typing import Any

from django.core.validators import ProhibitNullCharactersValidator
from rest_framework import serializers
from rest_framework.exceptions import ValidationError

MAX_ROWS = 50_000
_TEXT = {"organization": 40, "indicator": 40, "period": 10, "unit": 20, "comment": 2000}
_REQUIRED = ("organization", "indicator", "period", "value")
_OPTIONAL_BLANK = ("unit", "comment")
_BATCH_ID_LENGTH = 64


@dataclass
class BulkRequest:
    observations: list[dict[str, Any]]
    submit: bool
    apply_valid_rows: bool
    batch_id: str


def _message(field: type[serializers.Field[Any, Any, Any, Any]], code: str, **params: Any) -> str:
    template = str(field.default_error_messages[code])
    return template.format(**params) if params else template


def _text(value: Any, *, max_length: int, allow_blank: bool) -> tuple[str | None, str | None]:
    """(value, None) or (None, error) by the rules of DRF's CharField (numbers become text)."""
    if type(value) is str:  # the common case, decided without the checks below
        text = value.strip()
        if text and len(text) <= max_length and "\x00" not in text:
            return text, None
    if value is None:
        return None, _message(serializers.Field, "null")
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return None, _message(serializers.CharField, "invalid")
    text = str(value).strip()
    if not text:
        return ("", None) if allow_blank else (None, _message(serializers.CharField, "blank"))
    if len(text) > max_length:
        return None, _message(serializers.CharField, "max_length", max_length=max_length)
    if "\x00" in text:
        return None, str(ProhibitNullCharactersValidator.message)
    return text, None


def _boolean(value: Any) -> bool | None:
    if value in serializers.BooleanField.TRUE_VALUES:
        return True
    if value in serializers.BooleanField.FALSE_VALUES:
        return False
    return None


_FOUR = frozenset(("organization", "indicator", "period", "value"))


def _row(raw: Any) -> tuple[dict[str, Any], dict[str, list[str]]]:
    # The common row, decided without the loop below: the four fields and no other, three texts
    # that need no stripping and fit, and a value. The dict itself is the row.
    if type(raw) is dict and raw.keys() == _FOUR:
        organization, indicator, period = raw["organization"], raw["indicator"], raw["period"]
        if (
            type(organization) is str
            and type(indicator) is str
            and type(period) is str
            and raw["value"] is not None
            and 0 < len(organization) <= _TEXT["organization"]
            and 0 < len(indicator) <= _TEXT["indicator"]
            and 0 < len(period) <= _TEXT["period"]
            and organization.strip() == organization
            and indicator.strip() == indicator
            and period.strip() == period
            and "\x00" not in organization + indicator + period
        ):
            return raw, {}
    if not isinstance(raw, dict):
        datatype = type(raw).__name__
        return {}, {"non_field_errors": [_message(serializers.Serializer, "invalid", datatype=datatype)]}
    row: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for name in _REQUIRED:
        if name not in raw:
            errors[name] = [_message(serializers.Field, "required")]
    for name, max_length in _TEXT.items():
        if name not in raw:
            continue
        text, error = _text(raw[name], max_length=max_length, allow_blank=name in _OPTIONAL_BLANK)
        if error is not None:
            errors[name] = [error]
        else:
            row[name] = text
    if "value" in raw:
        if raw["value"] is None:
            errors["value"] = [_message(serializers.Field, "null")]
        else:
            row["value"] = raw["value"]
    return row, errors


_CODES = ("organization", "indicator", "period")


def _all_common(raw_rows: list[Any]) -> bool:
    """True when ``_row`` would take every row as it stands (the common row: its first branch),
    decided by a few C passes over the rows and a check of each distinct text: a batch names a
    few codes and periods a thousand times. False means "maybe not", and each row is read by
    ``_row``. Four keys, and each of the four present and not ``None`` (a missing one reads as
    ``None``), is exactly the four keys with a value."""
    count = len(raw_rows)
    if set(map(type, raw_rows)) != {dict} or set(map(len, raw_rows)) != {4}:
        return False
    for name in _CODES:
        limit = _TEXT[name]
        column: list[Any] = list(map(dict.get, raw_rows, repeat(name, count)))
        if set(map(type, column)) != {str}:
            return False
        for text in set(column):
            if not 0 < len(text) <= limit or text.strip() != text or "\x00" in text:
                return False
    values = list(map(dict.get, raw_rows, repeat("value", count)))
    # ``in`` compares by identity first, and no value JSON makes equals None but None.
    return None not in values


def parse(data: Any) -> BulkRequest:
    """Check a request body; raises DRF's ValidationError shaped as ``BulkSerializer`` would."""
    if not isinstance(data, dict):
        datatype = type(data).__name__
        raise ValidationError(
            {"non_field_errors": [_message(serializers.Serializer, "invalid", datatype=datatype)]}
        )
    errors: dict[str, Any] = {}
    flags: dict[str, bool] = {}
    for name in ("submit", "apply_valid_rows"):
        value = _boolean(data.get(name, False))
        if value is None:
            errors[name] = [_message(serializers.BooleanField, "invalid")]
        else:
            flags[name] = value
    # Every batch carries the client's id for it (docs/indicators.md): a late retry then answers
    # what the first attempt answered instead of undoing a correction sent meanwhile.
    batch_id = ""
    if data.get("batch_id") in (None, ""):
        errors["batch_id"] = [_message(serializers.Field, "required")]
    else:
        text, error = _text(data["batch_id"], max_length=_BATCH_ID_LENGTH, allow_blank=False)
        if error is not None:
            errors["batch_id"] = [error]
        else:
            batch_id = text or ""
    observations: list[dict[str, Any]] = []
    raw_rows = data.get("observations")
    if "observations" not in data:
        errors["observations"] = [_message(serializers.Field, "required")]
    elif raw_rows is None:
        errors["observations"] = [_message(serializers.Field, "null")]
    elif not isinstance(raw_rows, list):
        errors["observations"] = [
            _message(serializers.ListField, "not_a_list", input_type=type(raw_rows).__name__)
        ]
    elif not raw_rows:
        errors["observations"] = [_message(serializers.ListField, "empty")]
    elif len(raw_rows) > MAX_ROWS:
        errors["observations"] = [_message(serializers.ListField, "max_length", max_length=MAX_ROWS)]
    elif _all_common(raw_rows):
        observations = list(raw_rows)
    else:
        row_errors: dict[int, dict[str, list[str]]] = {}
        for index, raw in enumerate(raw_rows):
            row, problems = _row(raw)
            if problems:
                row_errors[index] = problems
            observations.append(row)
        if row_errors:
            errors["observations"] = row_errors
    if errors:
        raise ValidationError(errors)
    return BulkRequest(observations, flags["submit"], flags["apply_valid_rows"], batch_id)
