"""Adversarial checks of the rollups (session 17 review): ``sums`` inside a caller's transaction,
grouped by an indicator's code, while a fold commits."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection, connections, transaction

from rasad.indicators import rollups
from rasad.indicators.models import Rollup, RollupDelta
from rasad.indicators.testing import indicator as catalogue_indicator
from rasad.testing.cast import Cast

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

INDICATOR, ORGANIZATION = 7_391_001, 7_391_002


def _pending(total: float) -> None:
    RollupDelta.objects.create(
        indicator_id=INDICATOR,
        organization_id=ORGANIZATION,
        period_key="1403",
        year=1403,
        total=total,
        value_count=1,
    )


def _fold_before_the_next_statement(folded: list[int]) -> Any:
    """An execute wrapper: before the first statement that reads the pending deltas, another
    connection folds them and commits (another request's write, folded after its commit)."""
    delta_table = RollupDelta._meta.db_table

    def fold_elsewhere() -> None:
        try:
            folded.append(rollups.fold())
        finally:
            connections.close_all()

    def wrapper(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        if delta_table in sql and not folded:
            thread = threading.Thread(target=fold_elsewhere)
            thread.start()
            thread.join()
        return execute(sql, params, many, context)

    return wrapper


def test_a_dashboard_read_in_a_callers_transaction_while_a_fold_commits_counts_every_value():
    """Inside a transaction the caller began (READ COMMITTED: each statement its own snapshot),
    a fold committing between reading the rollup rows and the pending deltas would move the
    deltas into rows already read. One statement reads both, so the figure holds them once."""
    _pending(5.0)
    folded: list[int] = []
    with transaction.atomic(), connection.execute_wrapper(_fold_before_the_next_statement(folded)):
        connection.cursor().execute("SELECT 1")  # the transaction has begun
        rows = rollups.sums(
            ("organization_id",), {"total": "total", "count": "value_count"}, indicator_id=INDICATOR
        )
    assert rows == [{"organization_id": ORGANIZATION, "total": 5.0, "count": 1}]
    assert (
        rollups.sums(("organization_id",), {"total": "total", "count": "value_count"}, indicator_id=INDICATOR)
        == rows
    )


@pytest.mark.django_db(transaction=False)
def test_a_figure_grouped_by_code_adds_pending_deltas_to_the_rollup_rows(cast: Cast):
    """Rows and deltas of one key merge into one figure; a key only pending appears on its own."""
    indicator = catalogue_indicator("ELEC_CONS")
    Rollup.objects.create(
        indicator=indicator,
        organization_id=ORGANIZATION,
        period_key="1403-01",
        year=1403,
        total=2.0,
        value_count=1,
    )
    for period, total, count in (("1403-01", 3.0, 2), ("1403-02", 7.0, 1)):
        RollupDelta.objects.create(
            indicator_id=indicator.pk,
            organization_id=ORGANIZATION,
            period_key=period,
            year=1403,
            total=total,
            value_count=count,
        )
    rows = rollups.sums(
        ("indicator__code", "period_key"),
        {"total": "total", "n": "value_count"},
        organization_id=ORGANIZATION,
        indicator_id__in=[indicator.pk],
    )
    assert sorted(rows, key=lambda row: row["period_key"]) == [
        {"indicator__code": "ELEC_CONS", "period_key": "1403-01", "total": 5.0, "n": 3},
        {"indicator__code": "ELEC_CONS", "period_key": "1403-02", "total": 7.0, "n": 1},
    ]


def test_folds_by_several_processes_at_once_with_writers_count_every_delta_once():
    """Four workers fold at once (writes' commits and the periodic job) while a writer keeps
    appending deltas: only one folds at a time (the advisory lock), none moves a delta twice, and
    once everything is folded each row holds exactly what was appended, as the readers saw it."""
    barrier = threading.Barrier(5)
    appended: list[float] = []

    def fold_elsewhere() -> None:
        try:
            barrier.wait(10)
            for _turn in range(20):
                rollups.fold(turns=1)
        finally:
            connections.close_all()

    def write_elsewhere() -> None:
        try:
            barrier.wait(10)
            for number in range(60):
                total = float(number % 7 + 1)
                _pending(total)  # autocommit: each committed at once
                appended.append(total)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=fold_elsewhere) for _ in range(4)]
    threads.append(threading.Thread(target=write_elsewhere))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    figure = rollups.sums(
        ("organization_id",), {"total": "total", "count": "value_count"}, indicator_id=INDICATOR
    )
    assert figure == [{"organization_id": ORGANIZATION, "total": sum(appended), "count": len(appended)}]
    rollups.fold()
    assert rollups.pending() == 0
    row = Rollup.objects.get(indicator_id=INDICATOR, organization_id=ORGANIZATION)
    assert (row.total, row.value_count) == (sum(appended), len(appended))
