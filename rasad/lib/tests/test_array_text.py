"""``rasad.lib.prepared.array_text``: a list of values of any column type sent as the text form of
an array, typed by the statement's cast, read by PostgreSQL as the array psycopg would have sent."""

from __future__ import annotations

import json
import math
import uuid
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pytest
from psycopg.types.json import Jsonb

from rasad.lib.prepared import array_text, fetch
from rasad.live.choices import Severity, Status

TEHRAN = timezone(timedelta(hours=3, minutes=30))
# A local mean time of the tz database: an offset with seconds (Tehran's before 1946).
LOCAL_MEAN_TIME = timezone(timedelta(hours=3, minutes=25, seconds=44))


def test_each_element_in_its_text_form_and_what_it_cannot_write_left_to_psycopg():
    assert array_text([]) == "{}"
    assert array_text([None, 3, -7]) == "{NULL,3,-7}"
    assert array_text(['a "b"', "c\\d", "NULL", None]) == '{"a \\"b\\"","c\\\\d","NULL",NULL}'
    assert array_text([Status.ONLINE, Severity.HIGH]) == '{"online","high"}'
    assert array_text([True, False]) == "{t,f}"
    assert array_text([0.1, float("nan"), float("inf"), -float("inf")]) == "{0.1,NaN,Infinity,-Infinity}"
    assert array_text([uuid.UUID(int=1)]) == "{00000000-0000-0000-0000-000000000001}"
    assert array_text([datetime(2026, 12, 6, 5, 30, tzinfo=TEHRAN)]) == '{"2026-12-06T05:30:00+03:30"}'
    written = Jsonb({"a": 'x"'}, dumps=lambda o: '{"a": "x\\""}')
    assert array_text([written]) == '{"{\\"a\\": \\"x\\\\\\"\\"}"}'
    # Types it does not write (a date, bytes), an offset of microseconds and a Jsonb without its
    # ``dumps``: the list as it was given, whole.
    odd_offset = timezone(timedelta(hours=1, microseconds=5))
    for values in (
        [1, date(2026, 1, 1)],
        [b"x"],
        [datetime(2026, 1, 1, tzinfo=odd_offset)],
        [Jsonb({})],
    ):
        assert array_text(values) is values


CASES: list[tuple[str, list[Any]]] = [
    ("uuid[]", [uuid.uuid4(), None, uuid.UUID(int=0)]),
    (
        "timestamptz[]",
        [
            datetime(2026, 12, 6, 5, 30, 1, 123456, tzinfo=UTC),
            datetime(2026, 12, 6, 9, 0, tzinfo=TEHRAN),
            datetime(1900, 1, 1, 0, 0, tzinfo=LOCAL_MEAN_TIME),
            datetime(1, 1, 1, 12, tzinfo=UTC),
            None,
        ],
    ),
    ("double precision[]", [0.1, 1e300, -2.5e-308, 100.0, None, float("inf"), -float("inf")]),
    ("bigint[]", [None, 0, 2**63 - 1, -(2**63)]),
    ("boolean[]", [True, None, False]),
    ("varchar(16)[]", [Status.ONLINE, "a,b {c}", 'q"\\', "", None, "NULL"]),
    ("inet[]", ["127.0.0.1", None, "2001:db8::1"]),
    # As Django prepares a JSONField's value (``adapt_json_value``: with its ``dumps``).
    (
        "jsonb[]",
        [
            Jsonb({"old": "online", "new": 'off"\\line', "n": [1, 2.5, None]}, dumps=json.dumps),
            None,
            Jsonb("رصد", dumps=json.dumps),
        ],
    ),
]


@pytest.mark.postgres
@pytest.mark.django_db
@pytest.mark.parametrize(("cast_to", "values"), CASES, ids=[case[0] for case in CASES])
def test_postgresql_reads_the_same_array_psycopg_would_send(cast_to: str, values: list[Any]):
    literal = array_text(values)
    assert isinstance(literal, str)
    # Prepared and bound on the server, as the group commit's statements are sent.
    ((from_text, adapted),) = fetch(f"SELECT CAST(%s AS {cast_to}), CAST(%s AS {cast_to})", [literal, values])
    assert from_text == adapted
    assert len(from_text) == len(values)


@pytest.mark.postgres
@pytest.mark.django_db
def test_not_a_number_is_read_as_not_a_number():
    ((read,),) = fetch("SELECT CAST(%s AS double precision[])", [array_text([float("nan"), 1.5])])
    assert math.isnan(read[0])
    assert read[1] == 1.5
