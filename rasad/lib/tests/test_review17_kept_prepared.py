"""Adversarial checks of ``_KeptOverRollbacks`` (session 17 review): the prepared statements a
connection keeps over rollbacks are exactly those psycopg knows of, whatever fails."""

from __future__ import annotations

import pytest
from django.db import DataError, connection, transaction

from rasad.lib.prepared import _KeptOverRollbacks, fetch

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

FAILING = "SELECT 1 / %s::int /* review17: fails when run */"


def _on_server(text: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s", [f"%{text}%"])
        (count,) = cursor.fetchone()
    return int(count)


def test_a_statement_that_fails_when_first_run_leaves_nothing_prepared_behind():
    """psycopg prepares a statement (Parse), then runs it; when the run fails, it forgets the
    name, but the server still holds the statement. psycopg's own book dropped it with every
    other at the rollback that follows (DEALLOCATE ALL); a book kept over rollbacks must drop it
    itself, or a request failing again and again (a value the column refuses) would leave one
    more statement on the pooled connection each time."""
    assert fetch("SELECT 1 /* review17: a first statement */", []) == [(1,)]
    assert isinstance(connection.connection._prepared, _KeptOverRollbacks)
    for _attempt in range(5):
        with pytest.raises(DataError), transaction.atomic():
            fetch(FAILING, [0])
    assert fetch(FAILING, [1]) == [(1,)]
    assert _on_server("review17: fails when run") == 1
    assert _on_server("review17: a first statement") == 1


def _fresh_connection() -> object:
    """A new connection of the test database's settings, its book as ``_cursor`` leaves it."""
    from django.db import connections

    from rasad.lib.prepared import _cursor

    other = connections.create_connection("default")
    try:
        with _cursor(other) as cursor:
            cursor.execute("SELECT 1")
        return type(other.connection._prepared)
    finally:
        other.close()


def test_a_psycopg_whose_book_is_not_known_keeps_its_own(monkeypatch: pytest.MonkeyPatch):
    """After a psycopg upgrade that changes its book of prepared statements, the connection keeps
    psycopg's own (statements dropped at each rollback) rather than a subclass that no longer
    fits it."""
    from psycopg._preparing import PrepareManager

    from rasad.lib import prepared

    assert prepared._BOOK_KNOWN, "the psycopg installed is the one the book was written for"
    assert _fresh_connection() is _KeptOverRollbacks
    monkeypatch.setattr(prepared, "_BOOK_KNOWN", False)
    assert _fresh_connection() is PrepareManager


def test_deallocate_all_makes_psycopg_forget_what_it_kept():
    """A ``DEALLOCATE ALL`` (a pooler's, a maintenance script's) drops the statements on the
    server: psycopg forgets them too, and the next run prepares its statement again."""
    assert fetch("SELECT 2 /* review17: before deallocate */", []) == [(2,)]
    with connection.cursor() as cursor:
        cursor.execute("DEALLOCATE ALL")
    assert not connection.connection._prepared._names
    assert fetch("SELECT 2 /* review17: before deallocate */", []) == [(2,)]
    assert _on_server("review17: before deallocate") == 1
