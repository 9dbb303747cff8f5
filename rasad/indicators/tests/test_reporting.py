"""Recording values: idempotent upserts, one audit event per batch, validation findings."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from rasad.core.models import AuditEvent
from rasad.indicators.actions import ObservationInput, do_record_observations, do_submit_period
from rasad.indicators.models import Observation
from rasad.indicators.testing import indicator, record
from rasad.lib.jalali import JalaliPeriod
from rasad.testing.cast import Cast


def batch(cast: Cast, value: float = 100.0):
    return [
        ObservationInput(cast.isfahan_post, indicator("ELEC_CONS"), JalaliPeriod.parse("1402-01"), value),
        ObservationInput(cast.isfahan_post, indicator("ORE_MILLED"), JalaliPeriod.parse("1402-01"), 50.0),
    ]


def test_batch_creates_and_audits_once(assigned: Cast):
    result = do_record_observations(batch(assigned), acting_user=assigned.ali)
    assert (result.created, result.updated, result.unchanged) == (2, 0, 0)
    new: Any = AuditEvent.objects.get(event_type=210).new
    assert new["sha256"] == result.digest
    assert new["created"] == 2


def test_same_batch_again_changes_nothing(assigned: Cast):
    do_record_observations(batch(assigned), acting_user=assigned.ali)
    before = list(Observation.objects.values_list("pk", "value", "last_updated"))
    result = do_record_observations(batch(assigned), acting_user=assigned.ali)
    assert (result.created, result.updated, result.unchanged) == (0, 0, 2)
    assert list(Observation.objects.values_list("pk", "value", "last_updated")) == before
    assert AuditEvent.objects.filter(event_type=210).count() == 1


def test_changed_value_updates_in_place(assigned: Cast):
    do_record_observations(batch(assigned), acting_user=assigned.ali)
    result = do_record_observations(batch(assigned, 120.0), acting_user=assigned.ali)
    assert (result.created, result.updated, result.unchanged) == (1 - 1, 1, 1)
    assert Observation.objects.get(indicator__code="ELEC_CONS").value == 120.0


def test_reporter_cannot_report_for_another_province(assigned: Cast):
    rows = [
        ObservationInput(assigned.kerman_post, indicator("ELEC_CONS"), JalaliPeriod.parse("1402-01"), 1.0)
    ]
    with pytest.raises(ValidationError) as error:
        do_record_observations(rows, acting_user=assigned.ali)
    assert "observations[0].organization" in error.value.message_dict
    assert not Observation.objects.exists()


def test_unassigned_and_derived_indicators_are_refused(assigned: Cast):
    rows = [
        ObservationInput(
            assigned.isfahan_post, indicator("SPILLS"), JalaliPeriod.parse("1402-01"), 1.0, row=1
        ),
        ObservationInput(
            assigned.isfahan_post, indicator("ENERGY_TOTAL"), JalaliPeriod.parse("1402-01"), 1.0, row=2
        ),
    ]
    with translation.override("en"), pytest.raises(ValidationError) as error:
        do_record_observations(rows, acting_user=assigned.ali)
    messages = error.value.message_dict
    assert "not assigned" in messages["observations[1].indicator"][0]
    assert "computed" in messages["observations[2].indicator"][0]


def test_rule_violation_is_an_error_that_blocks_submission(assigned: Cast):
    record(assigned.isfahan_post, "ELEC_CONS", "1402-01", 100.0, user=assigned.ali)
    observation = record(assigned.isfahan_post, "ELEC_SELF", "1402-01", 150.0, user=assigned.ali)
    assert [f["code"] for f in observation.findings] == ["rule"]
    with pytest.raises(ValidationError) as error:
        do_submit_period(assigned.isfahan_post, "1402-01", acting_user=assigned.ali)
    assert "ELEC_SELF.1402-01" in error.value.message_dict


def test_outlier_warning_needs_a_comment(assigned: Cast):
    for month, value in enumerate([100, 102, 98, 101, 99, 100, 103], start=1):
        record(assigned.isfahan_post, "GAS_CONS", f"1401-{month:02d}", value, user=assigned.ali)
    outlier = record(assigned.isfahan_post, "GAS_CONS", "1402-01", 400.0, user=assigned.ali)
    assert outlier.findings[0]["code"] == "outlier"
    assert outlier.findings[0]["severity"] == "warning"
    with pytest.raises(ValidationError):
        do_submit_period(assigned.isfahan_post, "1402-01", acting_user=assigned.ali)
    record(
        assigned.isfahan_post,
        "GAS_CONS",
        "1402-01",
        400.0,
        user=assigned.ali,
        comment="کوره جدید راه‌اندازی شد",
    )
    submitted = do_submit_period(assigned.isfahan_post, "1402-01", acting_user=assigned.ali)
    assert [o.status for o in submitted] == ["submitted"]


def test_modified_z_score_matches_the_definition():
    from rasad.indicators.validation import modified_z_score

    history = [10.0, 11.0, 12.0, 13.0, 14.0, 15.0, 16.0]
    # median 13, absolute deviations 3,2,1,0,1,2,3 → MAD 2; M = 0.6745 × (23 − 13) / 2
    assert modified_z_score(23.0, history) == pytest.approx(3.3725)
    assert modified_z_score(23.0, history[:5]) is None
