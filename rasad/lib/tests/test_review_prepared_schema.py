"""A statement prepared on the server and a schema change made by another connection (a
migration run while the application serves): PostgreSQL refuses a prepared statement whose
result columns changed type ("cached plan must not change result type"), on every later run on
that connection. The statement is prepared again instead."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from django.db import connection, transaction
from django.db.utils import NotSupportedError

from rasad.lib import prepared
from rasad.lib.prepared import PreparedQuery, fetch

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def owner(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """The owner role's own connection (as ``rasad migrate`` connects), with a table of one row
    that the application's role reads. The statements' texts are as before afterwards (other
    tests compare them with the server's)."""
    monkeypatch.setattr(prepared, "_replanned", prepared._replanned)
    s = connection.settings_dict
    with psycopg.connect(
        dbname=s["NAME"],
        user=s["USER"],
        password=s["PASSWORD"] or None,
        host=s["HOST"] or "127.0.0.1",
        port=s["PORT"] or 5432,
        autocommit=True,
    ) as owner:
        owner.execute("CREATE TABLE review_prepared (v varchar(10))")
        owner.execute("INSERT INTO review_prepared VALUES ('a')")
        if role := os.environ.get("RASAD_TEST_APP_ROLE", ""):
            owner.execute(f'GRANT SELECT ON review_prepared TO "{role}"')
        try:
            yield owner
        finally:
            connection.close()
            owner.execute("DROP TABLE review_prepared")


def test_a_prepared_statement_reads_on_after_a_column_type_changes_elsewhere(owner: Any):
    query = PreparedQuery(lambda v: ("SELECT v FROM review_prepared WHERE v <> %s", [v]), v="\x00review:v")
    assert query.rows(v="z") == [["a"]]
    assert query.rows(v="y") == [["a"]]
    owner.execute("ALTER TABLE review_prepared ALTER COLUMN v TYPE varchar(20)")
    assert query.rows(v="z") == [["a"]]
    assert query.rows(v="y") == [["a"]]
    sql = "SELECT count(*), max(v) FROM review_prepared WHERE v <> %s"
    assert fetch(sql, ["z"]) == [(1, "a")]
    owner.execute("ALTER TABLE review_prepared ALTER COLUMN v TYPE varchar(30)")
    assert fetch(sql, ["z"]) == [(1, "a")]


def test_in_a_transaction_the_refusal_is_once(owner: Any):
    """Inside a transaction the refused statement has aborted it: the error stands, and the
    next transaction reads."""
    query = PreparedQuery(lambda v: ("SELECT v FROM review_prepared WHERE v <> %s", [v]), v="\x00review:w")
    assert query.rows(v="z") == [["a"]]
    owner.execute("ALTER TABLE review_prepared ALTER COLUMN v TYPE varchar(20)")
    with pytest.raises(NotSupportedError), transaction.atomic():
        query.rows(v="z")
    with transaction.atomic():
        assert query.rows(v="z") == [["a"]]
