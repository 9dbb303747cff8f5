"""Adversarial checks of ``rasad.lib.prepared`` (session 16 review): a list slot (``Many``) reads
what the ORM's ``field__in`` reads, whatever the values, and a prepared statement keeps working
when the schema changes under it."""

from __future__ import annotations

from typing import Any

import pytest
from django.db.models import QuerySet

from rasad.core.models import Organization
from rasad.lib.prepared import Many, PreparedQuery
from rasad.testing.cast import Cast

# Text that array literals, JSON and SQL quoting each treat specially, and Persian.
AWKWARD = [
    'a"b',
    "a'b",
    "{x,y}",
    "back\\slash",
    "NULL",
    "null",
    "with space",
    "",
    "کرمان‌شرقی",
    "ي ك ی ک",
    "emoji 🛰",
]


def _codes(codes: list[Any]) -> QuerySet[Any]:
    return Organization.objects.filter(code__in=codes).order_by("code").values_list("code", flat=True)


CODES = PreparedQuery(_codes, codes=Many("\x00review:codes"))


def _depths(depths: list[Any]) -> QuerySet[Any]:
    return Organization.objects.filter(depth__in=depths).order_by("code").values_list("code", flat=True)


DEPTHS = PreparedQuery(_depths, depths=Many(7_302))


def _ids(ids: list[Any]) -> QuerySet[Any]:
    return Organization.objects.filter(pk__in=ids).order_by("code").values_list("code", flat=True)


IDS = PreparedQuery(_ids, ids=Many(-7_303_001))


@pytest.mark.parametrize("code", AWKWARD)
def test_a_list_slot_finds_awkward_text_as_the_orm_does(cast: Cast, code: str):
    Organization.objects.filter(pk=cast.kerman.pk).update(code=code)
    for codes in ([code], [code, "NAT"], ["NAT", code, code], [None, code], [code.upper()]):
        expected = [[found] for found in _codes(codes)]
        assert CODES.rows(codes=codes) == expected, codes
    assert [code] in CODES.rows(codes=[code])


def test_a_list_slot_takes_a_long_list(cast: Cast):
    codes = [f"missing-{number}" for number in range(20_000)] + ["NAT"]
    assert CODES.rows(codes=codes) == [["NAT"]]
    ids = [*range(10**6, 10**6 + 20_000), cast.isfahan.pk]
    assert IDS.rows(ids=ids) == [[cast.isfahan.code]]


@pytest.mark.parametrize(
    "values",
    [[], [None], [0], [0, None], [1, 40_000], [40_000, 1], [2**31, 1], [2**62, 1], [-1, 1]],
)
def test_a_small_integer_list_slot_reads_as_the_orm_reads(cast: Cast, values: list[Any]):
    """The depth is a small integer column: values beyond its range, NULLs and mixed sizes find
    what the ORM finds (and raise nothing)."""
    expected = [[code] for code in _depths(values)] if values else []
    assert DEPTHS.rows(depths=values) == expected


@pytest.mark.parametrize("values", [[2**40], [2**62, -(2**62)], [2**63 - 1, 0]])
def test_a_key_list_slot_takes_large_keys(cast: Cast, values: list[int]):
    assert IDS.rows(ids=[*values, cast.kerman.pk]) == [[cast.kerman.code]]
