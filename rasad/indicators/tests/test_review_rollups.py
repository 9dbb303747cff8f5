"""Adversarial check of the rollups' deltas (session 16 review): a dashboard read while a fold
commits counts every value once."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection, connections

from rasad.indicators import rollups
from rasad.indicators.models import RollupDelta

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

INDICATOR, ORGANIZATION = 7_390_001, 7_390_002


def test_a_dashboard_read_while_a_fold_commits_counts_every_value():
    """``sums`` reads the rollup rows, then the pending deltas. A fold committing between the two
    reads (another request's write, folded after its commit) moves the deltas into rows already
    read: the figure must still hold them, once."""
    RollupDelta.objects.create(
        indicator_id=INDICATOR,
        organization_id=ORGANIZATION,
        period_key="1403",
        year=1403,
        total=5.0,
        value_count=1,
    )
    delta_table = RollupDelta._meta.db_table
    folded: list[int] = []

    def fold_elsewhere() -> None:
        try:
            folded.append(rollups.fold())
        finally:
            connections.close_all()

    def fold_before_the_deltas_are_read(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        if delta_table in sql and not folded:
            thread = threading.Thread(target=fold_elsewhere)
            thread.start()
            thread.join()
        return execute(sql, params, many, context)

    with connection.execute_wrapper(fold_before_the_deltas_are_read):
        rows = rollups.sums(
            ("organization_id",), {"total": "total", "count": "value_count"}, indicator_id=INDICATOR
        )
    assert folded == [1], "the fold ran between the two reads"
    assert rows == [{"organization_id": ORGANIZATION, "total": 5.0, "count": 1}]
    # Read again with nothing pending: the same figure, from the rollup row alone.
    assert (
        rollups.sums(("organization_id",), {"total": "total", "count": "value_count"}, indicator_id=INDICATOR)
        == rows
    )
