"""A statement sent (``rasad.lib.prepared.send``, pipelined or not) and a schema change made by
another connection (a migration run while the application serves): PostgreSQL refuses the
statement prepared before it ("cached plan must not change result type") on every later run on
that connection. As for ``fetch``, the refusal is once: the transaction it aborted fails, and the
next one prepares the statement again (the live ingest's group sends its statements so; stuck,
every group and every batch written alone would fail on every pooled connection until it is
replaced)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction
from django.db.utils import NotSupportedError

from rasad.lib import prepared
from rasad.lib.prepared import pipelined, send
from rasad.testing.audit import owners_table

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

SELECT = "SELECT v FROM review18_sent WHERE v <> %s"


@pytest.fixture
def owner(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """The owner role's own connection with a table of one row that the application's role
    reads (``owners_table``)."""
    monkeypatch.setattr(prepared, "_replanned", prepared._replanned)
    with owners_table("review18_sent") as owner:
        yield owner


def _pipelined_rows(value: str) -> list[tuple[Any, ...]]:
    with transaction.atomic():
        with pipelined():
            rows = send(SELECT, [value])
        return rows()


def _sent_rows(value: str) -> list[tuple[Any, ...]]:
    with transaction.atomic():
        return send(SELECT, [value])()


@pytest.mark.parametrize("run", [_pipelined_rows, _sent_rows], ids=["pipelined", "alone"])
def test_a_sent_statement_is_refused_once_after_a_column_type_changes_elsewhere(owner: Any, run: Any):
    assert run("z") == [("a",)]
    assert run("y") == [("a",)]
    owner.execute("ALTER TABLE review18_sent ALTER COLUMN v TYPE varchar(20)")
    with pytest.raises(NotSupportedError):
        run("z")
    # The next transaction on the same connection reads.
    assert run("z") == [("a",)]
    assert run("y") == [("a",)]
