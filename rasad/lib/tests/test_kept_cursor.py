"""The statements read as soon as they are sent (``prepared.fetch``) go through one psycopg
cursor kept on their connection (``prepared._kept_cursor``, session 23): each reads its own
rows, a failed one leaves the cursor usable, each connection has a cursor of its own, and a
large result is not kept."""

from __future__ import annotations

from typing import Any

import psycopg
import pytest
from django.db import DataError, connection, connections, transaction

from rasad.lib.prepared import _KEPT, _KEPT_RESULT_ROWS, _kept_cursor, fetch

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def _kept() -> psycopg.Cursor[Any]:
    cursor = getattr(connection.connection, _KEPT)
    assert isinstance(cursor, psycopg.Cursor)
    return cursor


def test_the_statements_of_a_connection_share_one_cursor_and_read_their_own_rows():
    assert fetch("SELECT 1, 'a'::text /* kept: first */", []) == [(1, "a")]
    cursor = _kept()
    # Another shape of result (other columns, several rows, an array) through the same cursor.
    assert fetch("SELECT g, ARRAY[g::float8] FROM generate_series(1, %s) AS g /* kept: second */", [3]) == [
        (1, [1.0]),
        (2, [2.0]),
        (3, [3.0]),
    ]
    assert _kept() is cursor
    assert fetch("SELECT 1, 'a'::text /* kept: first */", []) == [(1, "a")]
    assert not cursor.closed


def test_a_statement_that_fails_leaves_the_cursor_usable():
    assert fetch("SELECT 2 /* kept: before */", []) == [(2,)]
    cursor = _kept()
    with pytest.raises(DataError), transaction.atomic():
        fetch("SELECT 1 / %s::int /* kept: fails */", [0])
    assert fetch("SELECT 1 / %s::int /* kept: fails */", [1]) == [(1,)]
    assert _kept() is cursor


def test_each_connection_gets_a_cursor_of_its_own():
    fetch("SELECT 3 /* kept: a connection */", [])
    other = connections.create_connection("default")
    try:
        theirs = _kept_cursor(other)
        assert theirs.cursor is not _kept()
        theirs.execute("SELECT 4 /* kept: another connection */")
        assert theirs.fetchall() == [(4,)]
        assert _kept_cursor(other).cursor is theirs.cursor
    finally:
        other.close()


def test_a_large_result_is_not_kept_on_the_connection():
    """A result of more rows than ``_KEPT_RESULT_ROWS`` is read, then its cursor closed (it would
    hold the result until the connection's next statement); the next statement makes another."""
    rows = fetch("SELECT g FROM generate_series(1, %s) AS g /* kept: large */", [_KEPT_RESULT_ROWS + 1])
    assert len(rows) == _KEPT_RESULT_ROWS + 1
    large = _kept()
    assert large.closed
    assert fetch("SELECT 5 /* kept: after a large one */", []) == [(5,)]
    assert _kept() is not large
    assert not _kept().closed
