"""``rasad.lib.prepared.array_literal``: a list slot's values sent as the text form of an array,
read by PostgreSQL as the array psycopg would have sent."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

from rasad.core.models import Organization
from rasad.lib.prepared import Many, PreparedQuery, array_literal
from rasad.testing.cast import Cast

AWKWARD = [
    "plain",
    'a "quoted" word',
    "back\\slash\\",
    "comma, {braces} and spaces ",
    "NULL",
    "",
    "رصد ۱۲٫۵",
    "tab\tand\nnewline",
]


def test_integers_and_text_become_the_text_form_and_other_values_stay_a_list():
    assert array_literal([3, -7, 12], int) == "{3,-7,12}"
    assert array_literal(['a"b', "c\\d"], str) == '{"a\\"b","c\\\\d"}'
    # An empty list takes the slot's type (a text column compared with a bigint[] is an error).
    assert (array_literal([], int), array_literal([], str)) == ("{}", "{}")
    assert type(array_literal([], int)) is not type(array_literal([], str))
    # Booleans, None, values not of the slot's type and larger integers are left to psycopg.
    assert array_literal([True, 1], int) == [True, 1]
    assert array_literal([1, None], int) == [1, None]
    assert array_literal([1, "1"], str) == [1, "1"]
    assert array_literal([2**63, 1], int) == [2**63, 1]


@pytest.mark.postgres
@pytest.mark.django_db
@pytest.mark.parametrize("cast_to", ["text[]", "bigint[]"])
def test_postgresql_reads_the_same_array_psycopg_would_send(cast_to: str):
    values: list[Any] = AWKWARD if cast_to == "text[]" else [0, 1, -1, 2**62, -(2**62)]
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT CAST(%s AS {cast_to}), CAST(%s AS {cast_to})",
            [array_literal(values, type(values[0])), values],
        )
        literal, adapted = cursor.fetchone()
    assert literal == adapted == values


def _by_codes(codes: list[str]) -> Any:
    return Organization.objects.filter(code__in=codes).order_by("code").values_list("code", flat=False)


BY_CODES = PreparedQuery(_by_codes, codes=Many("\x00array-literal"))


@pytest.mark.django_db
def test_a_list_slot_of_awkward_text_finds_exactly_its_rows(cast: Cast):
    # On PostgreSQL the slot goes as ``= ANY(<text form>)``; on SQLite as JSON, as before.
    assert BY_CODES.rows(codes=["ISF-CC", *AWKWARD]) == [["ISF-CC"]]
    assert BY_CODES.rows(codes=["ISF-CC", "KER-CC"]) == [["ISF-CC"], ["KER-CC"]]
    assert BY_CODES.rows(codes=AWKWARD) == []
