"""Submit → approve (by the parent) locks the period; correcting needs an audited reopen."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import translation

from rasad.core.models import AuditEvent
from rasad.indicators import rollups
from rasad.indicators.actions import do_approve_period, do_reopen_period, do_submit_period
from rasad.indicators.models import Observation, Rollup
from rasad.indicators.testing import record
from rasad.testing.cast import Cast


@pytest.fixture
def submitted(assigned: Cast) -> Cast:
    record(assigned.isfahan_post, "ELEC_CONS", "1402-01", 100.0, user=assigned.ali)
    record(assigned.isfahan_post, "ORE_MILLED", "1402-01", 40.0, user=assigned.ali)
    do_submit_period(assigned.isfahan_post, "1402-01", acting_user=assigned.ali)
    return assigned


def test_parent_analyst_approves(submitted: Cast):
    approved = do_approve_period(submitted.isfahan_post, "1402-01", acting_user=submitted.alice)
    assert {o.status for o in approved} == {"approved"}
    assert AuditEvent.objects.filter(event_type=212).count() == 1
    rollups.fold()  # on PostgreSQL, deltas fold after commit; tests never commit
    row = Rollup.objects.get(
        organization=submitted.isfahan, indicator__code="ELEC_CONS", period_key="1402-01"
    )
    assert (row.approved_total, row.approved_count) == (100.0, 1)


@pytest.mark.parametrize("name", ["ali", "bob", "charlie"])
def test_others_cannot_approve(submitted: Cast, name):
    with pytest.raises(Http404):
        do_approve_period(submitted.isfahan_post, "1402-01", acting_user=submitted.everyone[name])
    assert not Observation.objects.filter(status="approved").exists()


def test_an_organization_cannot_approve_itself(assigned: Cast):
    # Alice sees ISF-CC but not its parent NAT: ISF-CC's own values are approved by NAT (Nadia).
    record(assigned.isfahan, "ELEC_CONS", "1402-01", 10.0, user=assigned.alice)
    do_submit_period(assigned.isfahan, "1402-01", acting_user=assigned.alice)
    with pytest.raises(Http404):
        do_approve_period(assigned.isfahan, "1402-01", acting_user=assigned.alice)
    assert len(do_approve_period(assigned.isfahan, "1402-01", acting_user=assigned.nadia)) == 1


def test_drafts_block_approval(assigned: Cast):
    record(assigned.isfahan_post, "ELEC_CONS", "1402-01", 100.0, user=assigned.ali)
    with pytest.raises(ValidationError):
        do_approve_period(assigned.isfahan_post, "1402-01", acting_user=assigned.alice)


def test_approved_period_is_locked(submitted: Cast):
    do_approve_period(submitted.isfahan_post, "1402-01", acting_user=submitted.alice)
    with translation.override("en"), pytest.raises(ValidationError) as error:
        record(submitted.isfahan_post, "ELEC_CONS", "1402-01", 90.0, user=submitted.ali)
    assert "locked" in error.value.messages[0]
    assert Observation.objects.get(indicator__code="ELEC_CONS").value == 100.0


def test_reopen_needs_a_reason_and_is_audited(submitted: Cast):
    do_approve_period(submitted.isfahan_post, "1402-01", acting_user=submitted.alice)
    with pytest.raises(ValidationError):
        do_reopen_period(submitted.isfahan_post, "1402-01", acting_user=submitted.alice, reason=" ")
    with pytest.raises(Http404):
        do_reopen_period(submitted.isfahan_post, "1402-01", acting_user=submitted.ali, reason="اشتباه")
    reopened = do_reopen_period(
        submitted.isfahan_post, "1402-01", acting_user=submitted.alice, reason="خطای تایپی"
    )
    assert {o.status for o in reopened} == {"draft"}
    event = AuditEvent.objects.get(event_type=213)
    assert event.extra == {"reason": "خطای تایپی"}
    corrected = record(submitted.isfahan_post, "ELEC_CONS", "1402-01", 90.0, user=submitted.ali)
    assert corrected.value == 90.0
    rollups.fold()  # on PostgreSQL, deltas fold after commit; tests never commit
    row = Rollup.objects.get(
        organization=submitted.isfahan, indicator__code="ELEC_CONS", period_key="1402-01"
    )
    assert (row.total, row.approved_total, row.approved_count) == (90.0, 0.0, 0)
