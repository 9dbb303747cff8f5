"""Rollups are updated in the write's transaction and always equal a rebuild from raw rows."""

from __future__ import annotations

import pytest
from django.db.models import Sum

from rasad.indicators import rollups
from rasad.indicators.actions import (
    ObservationInput,
    do_approve_period,
    do_record_observations,
    do_reopen_period,
    do_submit_period,
)
from rasad.indicators.models import Observation, Rollup, RollupDelta
from rasad.indicators.testing import indicator, record
from rasad.lib.jalali import JalaliPeriod
from rasad.testing.cast import Cast


def test_every_ancestor_gets_the_value(assigned: Cast):
    record(assigned.isfahan_post, "ELEC_CONS", "1402-01", 100.0, user=assigned.ali)
    rollups.fold()  # on PostgreSQL, deltas fold after commit; tests never commit
    rows = {
        r.organization_id: (r.province, r.total, r.value_count)
        for r in Rollup.objects.filter(indicator__code="ELEC_CONS", period_key="1402-01")
    }
    # ISF-P1 has no province of its own: it inherits Isfahan's (code 10) from its parent.
    assert rows == {
        assigned.national.pk: ("10", 100.0, 1),
        assigned.isfahan.pk: ("10", 100.0, 1),
        assigned.isfahan_post.pk: ("10", 100.0, 1),
    }


def test_incremental_equals_rebuild_after_a_mixed_history(assigned: Cast):
    for post, user in ((assigned.isfahan_post, assigned.ali), (assigned.kerman_post, assigned.bahram)):
        for month in range(1, 7):
            record(post, "ELEC_CONS", f"1402-{month:02d}", 100.0 + month, user=user)
            record(post, "ORE_MILLED", f"1402-{month:02d}", 10.0 + month, user=user)
    record(assigned.isfahan_post, "ELEC_CONS", "1402-02", 55.5, user=assigned.ali)
    do_submit_period(assigned.isfahan_post, "1402-03", acting_user=assigned.ali)
    do_approve_period(assigned.isfahan_post, "1402-03", acting_user=assigned.alice)
    do_submit_period(assigned.kerman_post, "1402-04", acting_user=assigned.bahram)
    do_approve_period(assigned.kerman_post, "1402-04", acting_user=assigned.bob)
    do_reopen_period(assigned.kerman_post, "1402-04", acting_user=assigned.bob, reason="اصلاح")
    incremental = rollups.snapshot()
    rollups.rebuild()
    assert rollups.snapshot() == incremental
    rollups.fold()
    national = Rollup.objects.filter(organization=assigned.national, indicator__code="ELEC_CONS").aggregate(
        s=Sum("total")
    )["s"]
    assert national == Observation.objects.filter(indicator__code="ELEC_CONS").aggregate(s=Sum("value"))["s"]


@pytest.mark.parametrize("staged", [False, True], ids=["own-rows-apart", "own-rows-in-the-merge"])
def test_a_large_write_adds_its_own_rows_at_once_and_stays_exact(
    assigned: Cast, monkeypatch: pytest.MonkeyPatch, staged: bool
):
    """A write with many own rows (the threshold lowered here from 200 to 3) adds them to the
    rollup table in its transaction; its ancestors' rows still go through deltas. Isfahan both
    reports and is the ancestor of a post that reports, so its rows get both; a small write, a
    change and an approval follow. The figures are exact before any fold (pending deltas added)
    and equal a rebuild after. ``staged``: the batch is large enough for the staging table too
    (lowered from 200 to 3), so on PostgreSQL its own rows are added by the statement that merges
    its observations."""
    from rasad.indicators.actions import reporting

    monkeypatch.setattr(rollups, "OWN_ROWS_DIRECT", 3)
    if staged:
        monkeypatch.setattr(reporting, "COPY_THRESHOLD", 3)
    organizations = (assigned.isfahan, assigned.isfahan_post)

    def batch(base: float) -> list[ObservationInput]:
        return [
            ObservationInput(
                organization, indicator(code), JalaliPeriod.parse(f"1402-{month:02d}"), base + month
            )
            for organization in organizations
            for code in ("ELEC_CONS", "ORE_MILLED")
            for month in range(1, 4)
        ]

    do_record_observations(batch(100.0), acting_user=None)
    # The own rows are in the rollup table already; no delta names the post, the leaf.
    assert Rollup.objects.filter(organization=assigned.isfahan_post).count() == 6
    assert not RollupDelta.objects.filter(organization_id=assigned.isfahan_post.pk).exists()
    do_record_observations(batch(200.0)[::2], acting_user=None)  # half of them changed
    record(assigned.isfahan_post, "ELEC_CONS", "1402-04", 50.0)  # a small write: deltas only
    do_submit_period(assigned.isfahan_post, "1402-02", acting_user=None)
    do_approve_period(assigned.isfahan_post, "1402-02", acting_user=assigned.alice)

    def raw(organization_ids: set[int]) -> dict[str, float]:
        totals: dict[str, float] = {}
        for o in Observation.objects.filter(
            indicator__code="ELEC_CONS", organization_id__in=organization_ids
        ):
            totals[o.period_key] = totals.get(o.period_key, 0.0) + o.value
        return totals

    everyone = {assigned.isfahan.pk, assigned.isfahan_post.pk}
    for organization, below in (
        (assigned.national, everyone),
        (assigned.isfahan, everyone),
        (assigned.isfahan_post, {assigned.isfahan_post.pk}),
    ):
        figures = rollups.sums(
            ("period_key",),
            {"total": "total"},
            organization_id=organization.pk,
            indicator_id=indicator("ELEC_CONS").pk,
        )
        assert {row["period_key"]: row["total"] for row in figures} == pytest.approx(raw(below))
    incremental = rollups.snapshot()
    rollups.rebuild()
    assert rollups.snapshot() == incremental


@pytest.mark.postgres
def test_a_process_folds_at_most_once_an_interval_and_dashboards_stay_exact(
    assigned: Cast, monkeypatch: pytest.MonkeyPatch
):
    """After a write's commit, ``fold_due`` folds only when its process has not folded for
    ``FOLD_INTERVAL`` seconds; what it leaves pending is added by the readers, and the periodic
    job folds the rest. (The test's writes never commit: ``fold_due`` is called as their commit
    would call it.)"""
    from rasad.indicators.tasks import fold_rollups

    monkeypatch.setattr(rollups, "FOLD_INTERVAL", 3600.0)
    monkeypatch.setattr(rollups, "_next_fold", 0.0)

    def national_total() -> float:
        figures = rollups.sums(
            ("organization_id",),
            {"total": "total"},
            organization_id=assigned.national.pk,
            indicator_id=indicator("ELEC_CONS").pk,
        )
        return float(figures[0]["total"])

    record(assigned.isfahan_post, "ELEC_CONS", "1402-01", 100.0, user=assigned.ali)
    assert rollups.fold_due() > 0  # the first in the interval folds
    assert rollups.pending() == 0
    record(assigned.isfahan_post, "ELEC_CONS", "1402-02", 50.0, user=assigned.ali)
    record(assigned.kerman_post, "ELEC_CONS", "1402-02", 25.0, user=assigned.bahram)
    assert rollups.fold_due() == 0  # within the interval: nothing is sent
    assert rollups.pending() > 0
    assert national_total() == 175.0  # the readers add what is pending
    assert fold_rollups.call() > 0
    assert rollups.pending() == 0
    assert national_total() == 175.0
    monkeypatch.setattr(rollups, "_next_fold", 0.0)  # the interval has passed
    record(assigned.kerman_post, "ELEC_CONS", "1402-03", 5.0, user=assigned.bahram)
    assert rollups.fold_due() > 0
    assert rollups.pending() == 0
    incremental = rollups.snapshot()
    rollups.rebuild()
    assert rollups.snapshot() == incremental


def test_the_periodic_fold_is_bounded(monkeypatch: pytest.MonkeyPatch):
    """Under steady writes something is always pending: the periodic job folds a bounded number of
    turns and returns, leaving the rest to the next minute, instead of holding its worker."""
    from rasad.indicators import tasks

    asked: list[int | None] = []

    def fold(turns: int | None = None) -> int:
        asked.append(turns)
        return 0

    monkeypatch.setattr(rollups, "fold", fold)
    tasks.fold_rollups.call()
    assert asked == [tasks.FOLD_JOB_TURNS]
    assert 0 < tasks.FOLD_JOB_TURNS < 1000
