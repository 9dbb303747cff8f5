"""``rasad.lib.postgresql.check_connection``: the pool's check of an idle connection, which
sends a query only when the server has written to the socket."""

from __future__ import annotations

import select
import time
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from django.db import connection

from rasad.lib.postgresql.base import check_connection

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def _connect() -> psycopg.Connection[Any]:
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    return psycopg.connect(**params, autocommit=True)


@pytest.fixture
def idle() -> Iterator[psycopg.Connection[Any]]:
    with _connect() as idle:
        yield idle


@pytest.fixture
def other() -> Iterator[psycopg.Connection[Any]]:
    """A second session of the same role (which may end the first one's backend)."""
    with _connect() as other:
        yield other


def _readable(other: psycopg.Connection[Any]) -> bool:
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        if select.select([other.fileno()], [], [], 0.05)[0]:
            return True
    return False


def test_a_live_idle_connection_passes(idle: psycopg.Connection[Any]):
    check_connection(idle)
    assert idle.execute("SELECT 1").fetchone() == (1,)


def test_a_connection_the_server_ended_fails(idle: psycopg.Connection[Any], other: psycopg.Connection[Any]):
    other.execute("SELECT pg_terminate_backend(%s)", [idle.info.backend_pid])
    assert _readable(idle)
    with pytest.raises(psycopg.OperationalError):
        check_connection(idle)


def test_a_live_connection_with_something_to_read_passes_the_querys_check(
    idle: psycopg.Connection[Any], other: psycopg.Connection[Any]
):
    # A notification makes the socket readable while the connection is alive: the check then
    # asks the server, which answers.
    idle.execute("LISTEN rasad_pool_check")
    other.execute("NOTIFY rasad_pool_check")
    assert _readable(idle)
    check_connection(idle)
    assert idle.execute("SELECT 1").fetchone() == (1,)


def test_a_closed_connection_fails(idle: psycopg.Connection[Any]):
    idle.close()
    with pytest.raises(psycopg.OperationalError):
        check_connection(idle)
