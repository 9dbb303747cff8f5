"""Generic plans for the rest of a transaction (``rasad.lib.prepared.generic_plans``, PostgreSQL),
sent with its BEGIN through libpq: the prepared statements after it run on their generic plans,
the setting ends with the transaction (committed or rolled back), the transaction is the one
Django commits or rolls back (the driver sends no BEGIN of its own after it), and outside a
transaction nothing is sent."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from psycopg import pq

from rasad.core.models import Province
from rasad.lib import prepared

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

STATEMENT = "SELECT %s::int + 1 /* generic plans test */"


def _mode() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW plan_cache_mode")
        mode: str = cursor.fetchone()[0]
    return mode


def _plans() -> tuple[int, int]:
    """(generic, custom) plans of ``STATEMENT`` on this connection so far."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE statement LIKE %s",
            ["%generic plans test%"],
        )
        row = cursor.fetchone()
    return (0, 0) if row is None else (int(row[0]), int(row[1]))


def test_the_statements_after_it_run_on_generic_plans_until_the_transaction_ends():
    assert prepared.fetch(STATEMENT, [1]) == [(2,)]
    before = _plans()
    with transaction.atomic():
        prepared.generic_plans()
        assert _mode() == "force_generic_plan"
        assert prepared.fetch(STATEMENT, [2]) == [(3,)]
        assert prepared.fetch(STATEMENT, [3]) == [(4,)]
    assert _plans()[0] == before[0] + 2
    assert _mode() == "auto"
    assert prepared.fetch(STATEMENT, [4]) == [(5,)]
    assert _plans() == (before[0] + 2, before[1] + 1)


def _province(code: str) -> None:
    Province.objects.create(code=code, hasc=f"XX.{code}", name_fa=code, name_en=code, latitude=0, longitude=0)


def test_the_transaction_it_begins_is_the_one_django_commits():
    with transaction.atomic():
        prepared.generic_plans()
        _province("GP1")
    with transaction.atomic():
        prepared.generic_plans()
        _province("GP2")
        transaction.set_rollback(True)
    assert _mode() == "auto"
    assert list(Province.objects.filter(code__startswith="GP").values_list("code", flat=True)) == ["GP1"]


def test_a_rolled_back_transaction_ends_it_too():
    def refused() -> None:
        with transaction.atomic():
            prepared.generic_plans()
            raise ZeroDivisionError

    with pytest.raises(ZeroDivisionError):
        refused()
    assert _mode() == "auto"


def test_outside_a_transaction_nothing_is_sent():
    prepared.generic_plans()
    assert _mode() == "auto"
    assert connection.connection.pgconn.transaction_status == pq.TransactionStatus.IDLE  # no BEGIN sent
