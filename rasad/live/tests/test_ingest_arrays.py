"""The group's arrays take a value as it is only where the ORM would prepare it as the same
value, written alike in the array (``rasad.live.actions.ingest._as_is``): every column of the
rows a group writes, against Django's own ``get_db_prep_save`` on a PostgreSQL connection
(made, never opened: preparing these values asks the backend's operations and features, not the
server)."""

from __future__ import annotations

import uuid
import warnings
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from django.db import connection
from django.db.backends.postgresql.base import DatabaseWrapper
from django.db.models import Field

from rasad.lib.prepared import array_text
from rasad.live.actions.ingest import _array, _as_is
from rasad.live.choices import Severity
from rasad.live.models import Device, DeviceEvent, Heartbeat

SAMPLES: list[Any] = [
    None,
    "",
    'a\\"b',
    Severity.HIGH,  # an enum member: a subclass of str, prepared by the ORM
    0,
    -(2**40),
    True,
    1.5,
    float("nan"),
    uuid.UUID(int=7),
    datetime(2026, 12, 6, 12, 0, tzinfo=UTC),
    datetime(2026, 12, 6, 15, 30, tzinfo=timezone(timedelta(hours=3, minutes=30))),
]
FIELDS = [
    f
    for model in (Device, DeviceEvent, Heartbeat)
    for f in model._meta.concrete_fields
    if isinstance(f, Field)
]


@pytest.fixture
def postgresql() -> DatabaseWrapper:
    return DatabaseWrapper({**connection.settings_dict, "ENGINE": "django.db.backends.postgresql"})


@pytest.mark.parametrize("field", FIELDS, ids=lambda f: f"{f.model.__name__}.{f.name}")
def test_a_value_taken_as_it_is_is_what_the_orm_prepares(field: Field[Any, Any], postgresql: Any) -> None:
    kinds = _as_is(field)
    taken = 0
    for value in SAMPLES:
        if (value is None and kinds) or type(value) in kinds:
            # The same value (an integer column's wrapped in psycopg's ``Int8``, written alike).
            prepared = field.get_db_prep_save(value, postgresql)
            assert prepared == value or value != value
            assert array_text([prepared]) == array_text([value])
            taken += 1
    # The group's columns of text, numbers, UUIDs, times and keys are all taken so (the JSON
    # column is the ORM's); the samples hold a value of each type.
    assert taken >= 2 or field.get_internal_type() == "JSONField"


def test_the_arrays_equal_the_orms_preparing(postgresql: Any) -> None:
    rows = [
        DeviceEvent(
            uuid=uuid.UUID(int=n),
            organization_id=n,
            device_id=n + 1,
            kind="sensor_alarm",
            severity=Severity.HIGH if n else "low",
            text="",
            sequence=None if n else 3,
            device_time=datetime(2026, 12, 6, 12, n, tzinfo=UTC),
            received_at=datetime(2026, 12, 6, 12, n, tzinfo=UTC),
            clock_skew_seconds=None if n else 0.25,
            data={"n": n},
            content_hash="x" * n,
        )
        for n in range(3)
    ]
    fields = [f for f in DeviceEvent._meta.concrete_fields if isinstance(f, Field) and f.name != "id"]
    rows[2].device_time = datetime(2026, 12, 6, 12, 0)  # naive: the ORM makes it aware, with a warning
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        for field in fields:
            prepared = [field.get_db_prep_save(getattr(row, field.attname), postgresql) for row in rows]
            expected = array_text(prepared)
            got = _array(rows, field, postgresql)
            assert type(got) is type(expected)
            assert got == expected
