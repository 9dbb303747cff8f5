"""A statement prepared on the server and a schema change made by another connection (a
migration run while the application serves): PostgreSQL refuses a prepared statement whose
result columns changed type ("cached plan must not change result type"), on every later run on
that connection. The statement is prepared again instead."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction
from django.db.utils import NotSupportedError

from rasad.lib import prepared
from rasad.lib.prepared import PreparedQuery, fetch
from rasad.testing.audit import owners_table

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def owner(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """The owner role's own connection with a table of one row that the application's role
    reads (``owners_table``). The statements' texts are as before afterwards (other
    tests compare them with the server's)."""
    monkeypatch.setattr(prepared, "_replanned", prepared._replanned)
    with owners_table("review_prepared") as owner:
        yield owner


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
