"""Rollups are updated in the write's transaction and always equal a rebuild from raw rows."""

from __future__ import annotations

from django.db.models import Sum

from rasad.indicators import rollups
from rasad.indicators.actions import do_approve_period, do_reopen_period, do_submit_period
from rasad.indicators.models import Observation, Rollup
from rasad.indicators.testing import record
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
