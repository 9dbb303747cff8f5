"""Energy baselines from approved observations, checked against a direct statsmodels fit."""

from __future__ import annotations

import numpy as np
import pytest
import statsmodels.api as sm

from rasad.indicators.actions import (
    BaselineValues,
    ObservationInput,
    do_approve_period,
    do_record_observations,
    do_save_baseline,
    do_submit_period,
)
from rasad.indicators.energy import report
from rasad.indicators.testing import indicator
from rasad.lib.jalali import JalaliPeriod
from rasad.testing.cast import Cast

# METHODS §1.9: the copper concentrator's baseline year (production kt, electricity MWh).
PRODUCTION = [230, 220, 245, 250, 240, 235, 255, 250, 245, 230, 210, 195]
ENERGY = [8300, 7700, 8800, 8900, 8700, 8500, 9400, 9200, 8800, 8300, 7600, 7100]
REPORTING_PRODUCTION = [240, 230, 250, 255, 245, 240, 260, 250, 240, 220, 210, 190]
REPORTING_ENERGY = [8200, 7800, 8500, 8600, 8500, 8300, 9000, 8800, 8400, 7900, 7400, 6900]


def load(cast: Cast, year: int, energy, production):
    rows = []
    for month in range(1, 13):
        period = JalaliPeriod("month", year, month)
        rows.append(
            ObservationInput(
                cast.isfahan_post, indicator("ELEC_CONS"), period, energy[month - 1], "داده سنجش‌شده"
            )
        )
        rows.append(
            ObservationInput(cast.isfahan_post, indicator("ORE_MILLED"), period, production[month - 1])
        )
    do_record_observations(rows, acting_user=cast.ali)
    for month in range(1, 13):
        key = JalaliPeriod("month", year, month).key
        do_submit_period(cast.isfahan_post, key, acting_user=cast.ali)
        do_approve_period(cast.isfahan_post, key, acting_user=cast.alice)


@pytest.fixture
def baseline(assigned: Cast):
    load(assigned, 1401, ENERGY, PRODUCTION)
    load(assigned, 1402, REPORTING_ENERGY, REPORTING_PRODUCTION)
    return do_save_baseline(
        BaselineValues(
            assigned.isfahan_post,
            "خط مبنای برق",
            indicator("ELEC_CONS"),
            [indicator("ORE_MILLED")],
            "1401-01",
            "1401-12",
            "1402-01",
            "1402-12",
        ),
        acting_user=assigned.alice,
    )


def test_report_matches_statsmodels(baseline):
    body = report(baseline)
    fit = sm.OLS(np.array(ENERGY, float), sm.add_constant(np.array(PRODUCTION, float))).fit()
    model = body["baseline"]
    assert model["coefficients"]["intercept"] == pytest.approx(fit.params[0], rel=1e-9)
    assert model["coefficients"]["ORE_MILLED"] == pytest.approx(fit.params[1], rel=1e-9)
    assert model["r_squared"] == pytest.approx(fit.rsquared, rel=1e-9)
    assert model["f_p_value"] == pytest.approx(fit.f_pvalue, rel=1e-6)
    predicted = fit.predict(sm.add_constant(np.array(REPORTING_PRODUCTION, float)))
    assert body["reporting"]["adjusted_baseline"] == pytest.approx(list(predicted), rel=1e-9)
    assert body["reporting"]["cusum"][-1] == pytest.approx(
        float(np.sum(np.array(REPORTING_ENERGY) - predicted))
    )
    assert body["is_valid"] is True
    assert body["periods"]["baseline"][0] == "1401-01"


def test_unapproved_months_are_left_out_and_too_few_is_not_valid(assigned: Cast):
    load(assigned, 1401, ENERGY, PRODUCTION)
    baseline = do_save_baseline(
        BaselineValues(
            assigned.isfahan_post,
            "ناقص",
            indicator("ELEC_CONS"),
            [indicator("ORE_MILLED")],
            "1400-07",
            "1401-06",
            "1401-07",
            "1401-12",
        ),
        acting_user=assigned.alice,
    )
    body = report(baseline)
    assert body["grade"] == "not_valid"
    assert body["reporting"] is None
    assert [r["code"] for r in body["reasons"]] == ["too_few_points"]
    assert body["baseline"]["coefficients"] is None
