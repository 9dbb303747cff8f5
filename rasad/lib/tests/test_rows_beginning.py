"""A prepared query sent with its transaction's BEGIN and the generic-plan setting in one message
(``rasad.lib.prepared.rows_beginning``, PostgreSQL): the same rows as ``PreparedQuery.rows``
(values with quotes and lists included), the transaction begun is the one Django commits or rolls
back, its statements run on generic plans, a connection that lost the statement falls back and
prepares it again, and Django's own path is taken where Django must see the statement or the
transaction has begun."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from psycopg import pq

from rasad.core.models import Province
from rasad.lib import prepared
from rasad.lib.prepared import Many, PreparedQuery

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

NAME = "rasad_rows_beginning_test"
PROVINCES = PreparedQuery(
    lambda codes, excluded: (
        Province.objects.filter(code__in=codes)
        .exclude(name_en=excluded)
        .order_by("code")
        .values_list("pk", "code", "name_en", "latitude")
    ),
    codes=Many("\x00codes"),
    excluded="\x00excluded",
)


def _province(code: str, name: str = "") -> None:
    Province.objects.create(
        code=code, hasc=f"XX.{code}", name_fa=code, name_en=name or code, latitude=1.5, longitude=0
    )


def _codes(code: str) -> list[str]:
    return [row[1] for row in prepared.rows_beginning(PROVINCES, NAME, codes=[code], excluded="")]


def _mode() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW plan_cache_mode")
        mode: str = cursor.fetchone()[0]
    return mode


def _prepared_here() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements WHERE name = %s", [NAME])
        return bool(cursor.fetchone()[0])


def test_the_rows_are_those_of_rows_and_the_transaction_begins_on_generic_plans():
    _province("RB1", "it's")
    _province("RB2", 'a "quoted" name')
    _province("RB3", "left out")
    values: dict[str, Any] = {"codes": ["RB1", "RB2", "RB3", "o'x"], "excluded": "left out"}
    expected = PROVINCES.rows(**values)
    assert [row[1] for row in expected] == ["RB1", "RB2"]
    with transaction.atomic():
        assert connection.connection.pgconn.transaction_status == pq.TransactionStatus.IDLE
        assert prepared.rows_beginning(PROVINCES, NAME, **values) == expected
        assert connection.connection.pgconn.transaction_status == pq.TransactionStatus.INTRANS
        assert _mode() == "force_generic_plan"
        assert _prepared_here()
    assert _mode() == "auto"
    # Prepared once: the next transaction sends only the EXECUTE.
    with transaction.atomic():
        assert prepared.rows_beginning(PROVINCES, NAME, codes=["RB3"], excluded="") == [
            [expected[0][0] + 2, "RB3", "left out", 1.5]
        ]


def test_the_transaction_it_begins_is_the_one_django_commits_or_rolls_back():
    with transaction.atomic():
        prepared.rows_beginning(PROVINCES, NAME, codes=["RB4"], excluded="")
        _province("RB4")
    with transaction.atomic():
        prepared.rows_beginning(PROVINCES, NAME, codes=["RB5"], excluded="")
        _province("RB5")
        transaction.set_rollback(True)

    def refused() -> None:
        with transaction.atomic():
            prepared.rows_beginning(PROVINCES, NAME, codes=["RB6"], excluded="")
            _province("RB6")
            raise ZeroDivisionError

    with pytest.raises(ZeroDivisionError):
        refused()
    assert _mode() == "auto"
    assert list(Province.objects.filter(code__startswith="RB").values_list("code", flat=True)) == ["RB4"]


def test_a_connection_that_lost_the_statement_falls_back_and_prepares_it_again():
    _province("RB7")
    with transaction.atomic():
        assert _codes("RB7") == ["RB7"]
    connection.connection.pgconn.exec_(b"DEALLOCATE ALL")
    assert not _prepared_here()
    with transaction.atomic():
        assert _codes("RB7") == ["RB7"]
        assert _mode() == "force_generic_plan"
        _province("RB8")
    assert Province.objects.filter(code="RB8").exists()
    with transaction.atomic():
        assert _codes("RB8") == ["RB8"]
    assert _prepared_here()


def test_django_path_where_queries_are_logged_or_the_transaction_has_begun():
    _province("RB9")
    with CaptureQueriesContext(connection) as captured, transaction.atomic():
        assert _codes("RB9") == ["RB9"]
        assert _mode() == "force_generic_plan"
    assert any("core_province" in query["sql"] for query in captured.captured_queries)
    with transaction.atomic():
        Province.objects.filter(code="RB9").exists()  # the transaction has begun
        assert _codes("RB9") == ["RB9"]
        assert _mode() == "force_generic_plan"
    assert not _prepared_here()


def test_an_error_of_the_statement_is_djangos_and_rolls_the_transaction_back():
    from django.db import DataError

    by_pk = PreparedQuery(lambda pk: Province.objects.filter(pk=pk).values_list("pk", "code"), pk=-7_301_901)
    with pytest.raises(DataError), transaction.atomic():
        prepared.rows_beginning(by_pk, "rasad_rows_beginning_by_pk", pk="not a number")
    assert connection.connection.pgconn.transaction_status == pq.TransactionStatus.IDLE
    assert _mode() == "auto"
