"""Targets and thresholds: a breach raises one alert and calls the breach handlers in the
same transaction."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from rasad.indicators.actions import TargetValues, do_save_target
from rasad.indicators.breaches import register_breach_handler
from rasad.indicators.models import Alert, Observation
from rasad.indicators.testing import indicator, record
from rasad.testing.cast import Cast


@pytest.fixture
def target(assigned: Cast):
    return do_save_target(
        TargetValues(assigned.isfahan_post, indicator("ELEC_CONS"), 1402, 100.0, 110.0, 130.0),
        acting_user=assigned.alice,
    )


def test_below_warning_raises_nothing(assigned: Cast, target):
    record(assigned.isfahan_post, "ELEC_CONS", "1402-01", 105.0, user=assigned.ali)
    assert not Alert.objects.exists()


def test_warning_and_critical(assigned: Cast, target):
    record(assigned.isfahan_post, "ELEC_CONS", "1402-01", 115.0, user=assigned.ali)
    record(assigned.isfahan_post, "ELEC_CONS", "1402-02", 140.0, user=assigned.ali)
    assert sorted(Alert.objects.values_list("period_key", "level", "threshold")) == [
        ("1402-01", "warning", 110.0),
        ("1402-02", "critical", 130.0),
    ]


def test_derived_indicator_target(assigned: Cast):
    do_save_target(
        TargetValues(assigned.isfahan_post, indicator("SELF_GEN_SHARE"), 1402, 40.0, 30.0, 20.0),
        acting_user=assigned.alice,
    )
    record(assigned.isfahan_post, "ELEC_CONS", "1402-01", 100.0, user=assigned.ali)
    record(assigned.isfahan_post, "ELEC_SELF", "1402-01", 25.0, user=assigned.ali)
    alert = Alert.objects.get()
    assert (alert.indicator.code, alert.level, alert.value) == ("SELF_GEN_SHARE", "warning", 25.0)


def test_handler_runs_inside_the_transaction(assigned: Cast, target):
    seen = []
    unregister = register_breach_handler(
        lambda alert: seen.append((alert.pk, alert.observation.value if alert.observation else None))
    )
    try:
        observation = record(assigned.isfahan_post, "ELEC_CONS", "1402-01", 120.0, user=assigned.ali)
    finally:
        unregister()
    assert seen == [(Alert.objects.get().pk, 120.0)]
    assert Alert.objects.get().observation_id == observation.pk


def test_failing_handler_rolls_the_write_back(assigned: Cast, target):
    def refuse(alert):
        raise RuntimeError("case system down")

    unregister = register_breach_handler(refuse)
    try:
        with pytest.raises(RuntimeError):
            record(assigned.isfahan_post, "ELEC_CONS", "1402-01", 120.0, user=assigned.ali)
    finally:
        unregister()
    assert not Observation.objects.exists()
    assert not Alert.objects.exists()


def test_thresholds_must_be_ordered(assigned: Cast):
    with pytest.raises(ValidationError) as error:
        do_save_target(
            TargetValues(assigned.isfahan_post, indicator("ELEC_CONS"), 1402, 100.0, 90.0, 130.0),
            acting_user=assigned.alice,
        )
    assert "warning_threshold" in error.value.message_dict


def test_reporter_cannot_set_targets(assigned: Cast):
    from django.http import Http404

    with pytest.raises(Http404):
        do_save_target(
            TargetValues(assigned.isfahan_post, indicator("ELEC_CONS"), 1402, 100.0, 110.0, 130.0),
            acting_user=assigned.ali,
        )
