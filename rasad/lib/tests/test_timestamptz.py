"""``rasad.lib.postgresql``: date-times read by psycopg's own ``timestamptz`` loader give exactly
what Django's loader gave (aware UTC values, NULLs, the same errors), and every other date and
time type is read as before."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from django.db import connection
from django.db.backends.postgresql.psycopg_any import register_tzloader
from django.test import override_settings
from psycopg.pq import Format

from rasad.core.models import Organization
from rasad.lib.postgresql.base import UTC_LOADER
from rasad.lib.prepared import PreparedQuery
from rasad.testing.cast import Cast

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

# Every kind of value a timestamptz column can give, written in several zones and precisions,
# beside the other date and time types (read by psycopg's loaders before and after).
VALUES = [
    "'2026-12-04 10:00:00.123456+00'::timestamptz",
    "'2026-12-04 10:00:00.5+00'::timestamptz",
    "'2026-03-21 00:00:00+03:30'::timestamptz",
    "'2026-09-22 23:59:59.999999-09:30'::timestamptz",
    "'1901-12-13 20:45:52+00'::timestamptz",
    "'0001-01-01 00:00:00+00'::timestamptz",
    "'9999-12-31 23:59:59.999999+00'::timestamptz",
    "NULL::timestamptz",
    "'2026-12-04'::date",
    "'10:11:12.5'::time",
    "'10:11:12+03:30'::timetz",
    "'2026-12-04 10:11:12'::timestamp",
    "NULL::date",
]
REFUSED = ["'infinity'::timestamptz", "'-infinity'::timestamptz", "'0044-03-15 BC'::timestamptz"]


def _read(sql: str, djangos: bool) -> Any:
    with connection.cursor() as cursor:
        if djangos:
            register_tzloader(connection.timezone, cursor.cursor)
        cursor.execute(sql)
        return cursor.fetchone()


def _outcome(sql: str, djangos: bool) -> tuple[str, str]:
    try:
        _read(sql, djangos)
    except Exception as error:  # the loaders' errors must be the same
        return type(error).__name__, str(error)
    raise AssertionError(f"{sql} was read")


def test_connections_read_in_utc_with_psycopgs_loader():
    connection.ensure_connection()
    assert connection.connection.info.parameter_status("TimeZone") == "UTC"
    assert connection.connection.adapters.get_loader(1184, Format.TEXT) is UTC_LOADER


def test_every_value_is_the_one_djangos_loader_gave():
    sql = f"SELECT {', '.join(VALUES)}"
    ours, djangos = _read(sql, djangos=False), _read(sql, djangos=True)
    assert ours == djangos
    assert [type(value) for value in ours] == [type(value) for value in djangos]
    # Aware, in the very zone object Django's loader put in.
    assert [value.tzinfo for value in ours[:7]] == [UTC] * 7
    assert ours[0] == datetime(2026, 12, 4, 10, 0, 0, 123456, tzinfo=UTC)
    assert ours[2] == datetime(2026, 3, 20, 20, 30, tzinfo=UTC)
    assert ours[7] is None and ours[-1] is None


@pytest.mark.parametrize("value", REFUSED)
def test_values_python_cannot_hold_fail_as_before(value: str):
    assert _outcome(f"SELECT {value}", djangos=False) == _outcome(f"SELECT {value}", djangos=True)


def test_models_and_prepared_statements_read_the_same_instants(cast: Cast):
    created = PreparedQuery(
        lambda code: Organization.objects.filter(code=code).values_list("created", "last_updated"),
        code="timestamptz:code",
    )
    national = Organization.objects.get(code="NAT")
    assert created.rows(code="NAT") == [[national.created, national.last_updated]]
    assert national.created == cast.national.created
    assert national.created.tzinfo is UTC


def test_without_time_zone_support_values_are_naive_as_djangos():
    # Django then sets the session to TIME_ZONE and reads naive local times: the connection made
    # for UTC gets Django's loader on each cursor.
    with override_settings(USE_TZ=False):
        value = _read("SELECT '2026-12-04 10:00:00+00'::timestamptz", djangos=False)[0]
    assert value == datetime(2026, 12, 4, 13, 30)
    assert value.tzinfo is None
    assert _read("SELECT '2026-12-04 10:00:00+00'::timestamptz", djangos=False)[0].tzinfo is UTC
