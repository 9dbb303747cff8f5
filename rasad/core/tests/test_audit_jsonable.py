"""An event's ``old``, ``new`` and ``extra`` as JSON holds them (``audit_log.jsonable``): a flat
dictionary of plain values is copied, anything else round-trips through Django's encoder, and
either way the result is what the round trip gives."""

from __future__ import annotations

import datetime
import json
import math
import uuid
from decimal import Decimal
from typing import Any

import pytest
from django.core.serializers.json import DjangoJSONEncoder

from rasad.core.audit_log import jsonable, normalize_ip


def _round_trip(value: Any) -> Any:
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False))


@pytest.mark.parametrize(
    "value",
    [
        {},
        {"created": 1, "updated": 0, "sha256": "ab" * 32, "source": "api", "ok": True, "none": None},
        {"value": 0.1 + 0.2, "big": 10**30, "متن": "سلام"},
        {"when": datetime.date(2026, 12, 6)},  # not plain: through the encoder
        {"amount": Decimal("1.50"), "id": uuid.UUID(int=7)},
        {"nested": {"a": [1, 2]}, "items": (1, 2)},
        {1: "a key that is not text"},
        [1, "two"],
        "text",
    ],
)
def test_the_same_as_the_round_trip(value: Any) -> None:
    got = jsonable(value)
    assert got == _round_trip(value)
    assert type(got) is type(_round_trip(value))
    if isinstance(value, dict):
        assert got is not value  # a copy: the caller's dictionary is never the event's


def test_a_float_that_is_not_a_number_stays_one() -> None:
    got = jsonable({"x": math.inf, "y": math.nan})
    assert got["x"] == math.inf and math.isnan(got["y"])


def test_addresses_read_as_before() -> None:
    assert normalize_ip("::ffff:0:0:0:1") == "::ffff:0:0:0:1"
    assert normalize_ip("2001:DB8::0001") == "2001:db8::1"
    assert normalize_ip("2001:DB8::0001") == "2001:db8::1"  # kept, the same answer
    assert normalize_ip("not an address") is None
    assert normalize_ip("") is None and normalize_ip(None) is None
