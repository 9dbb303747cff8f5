"""The statements read as soon as they are sent (``prepared.fetch``) go through psycopg cursors
kept on their connection (``prepared._kept_cursor``, sessions 23 and 25), one a statement: each
reads its own rows, a failed one leaves its cursor usable, each connection has cursors of its
own, a large result is not kept, and a connection keeps at most ``_KEPT_STATEMENTS``."""

from __future__ import annotations

from typing import Any

import psycopg
import pytest
from django.db import DataError, connection, connections, transaction

from rasad.lib.prepared import _KEPT, _KEPT_RESULT_ROWS, _KEPT_STATEMENTS, _kept_cursor, fetch

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def _kept(sql: str) -> psycopg.Cursor[Any]:
    cursor = getattr(connection.connection, _KEPT)[sql]
    assert isinstance(cursor, psycopg.Cursor)
    return cursor


FIRST = "SELECT 1, 'a'::text /* kept: first */"
SECOND = "SELECT g, ARRAY[g::float8] FROM generate_series(1, %s) AS g /* kept: second */"


def test_each_statement_of_a_connection_keeps_its_cursor_and_reads_its_own_rows():
    assert fetch(FIRST, []) == [(1, "a")]
    cursor = _kept(FIRST)
    # Another shape of result (other columns, several rows, an array), through a cursor of its own.
    assert fetch(SECOND, [3]) == [(1, [1.0]), (2, [2.0]), (3, [3.0])]
    assert _kept(SECOND) is not cursor
    assert fetch(FIRST, []) == [(1, "a")]
    assert fetch(SECOND, [2]) == [(1, [1.0]), (2, [2.0])]
    assert _kept(FIRST) is cursor
    assert not cursor.closed


def test_a_connection_keeps_at_most_its_number_of_cursors_the_oldest_closed_first():
    fetch(FIRST, [])
    oldest = _kept(FIRST)
    for number in range(_KEPT_STATEMENTS):
        assert fetch(f"SELECT {number} /* kept: many */", []) == [(number,)]
    kept = getattr(connection.connection, _KEPT)
    assert len(kept) == _KEPT_STATEMENTS
    assert FIRST not in kept and oldest.closed
    assert fetch(FIRST, []) == [(1, "a")]


def test_a_statement_that_fails_leaves_the_cursor_usable():
    failing = "SELECT 1 / %s::int /* kept: fails */"
    assert fetch(failing, [1]) == [(1,)]
    cursor = _kept(failing)
    with pytest.raises(DataError), transaction.atomic():
        fetch(failing, [0])
    assert fetch(failing, [1]) == [(1,)]
    assert _kept(failing) is cursor


def test_each_connection_gets_a_cursor_of_its_own():
    sql = "SELECT 3 /* kept: a connection */"
    fetch(sql, [])
    other = connections.create_connection("default")
    try:
        theirs = _kept_cursor(other, sql)
        assert theirs.cursor is not _kept(sql)
        theirs.execute(sql)
        assert theirs.fetchall() == [(3,)]
        assert _kept_cursor(other, sql).cursor is theirs.cursor
    finally:
        other.close()


def test_a_large_result_is_not_kept_on_the_connection():
    """A result of more rows than ``_KEPT_RESULT_ROWS`` is read, then its cursor closed (it would
    hold the result until the connection's next statement); the next statement makes another."""
    sql = "SELECT g FROM generate_series(1, %s) AS g /* kept: large */"
    rows = fetch(sql, [_KEPT_RESULT_ROWS + 1])
    assert len(rows) == _KEPT_RESULT_ROWS + 1
    large = _kept(sql)
    assert large.closed
    assert fetch(sql, [5]) == [(1,), (2,), (3,), (4,), (5,)]
    assert _kept(sql) is not large
    assert not _kept(sql).closed
