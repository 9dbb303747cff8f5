"""The regression baseline reproduces METHODS §1.9 to the published digits, and its gates hold.

The data tables below are typed from METHODS §1.9 (copper concentrator, monthly electricity). A
published figure with d decimals is checked to within half a unit of its last digit, which is what
"equal when rounded as published" means without depending on round-half-even.
"""

import json
import math

import numpy as np
import pytest
import statsmodels.api as sm
from django.utils import translation
from scipy import stats  # type: ignore[import-untyped, unused-ignore]

from rasad.indicators.methods.baseline import (
    BaselineNotUsableError,
    BaselineThresholds,
    DataFrequency,
    GateCode,
    GateFailure,
    Grade,
    Severity,
    avoided_energy,
    check_reporting_range,
    combined_senpi,
    cusum,
    evaluate,
    fit_baseline,
    improvement_percent,
    predict,
    ratio_enpi,
    savings_uncertainty,
    senpi,
    uncertainty_alpha,
)
from rasad.lib import display

# METHODS §1.9, baseline year.
BASELINE_ORE_KT = [210, 195, 230, 240, 225, 250, 260, 245, 235, 220, 200, 215]
BASELINE_CDD = [0, 0, 10, 60, 150, 260, 320, 300, 180, 60, 10, 0]
BASELINE_MWH = [7080, 6700, 7690, 8240, 8490, 8800, 9790, 9380, 8450, 7660, 7220, 7800]

# METHODS §1.9, reporting year.
REPORTING_ORE_KT = [220, 205, 240, 250, 230, 255, 270, 250, 240, 230, 210, 225]
REPORTING_CDD = [0, 5, 20, 80, 170, 280, 330, 310, 190, 70, 15, 0]
REPORTING_MWH = [7200, 7080, 7980, 8120, 8080, 9100, 9380, 8710, 8510, 7680, 7130, 7430]
PUBLISHED_ADJUSTED_BASELINE = [7511, 7189, 8042, 8502, 8398, 9393, 9927, 9396, 8703, 8009, 7342, 7624]
PUBLISHED_SAVINGS = [311, 109, 62, 382, 318, 293, 547, 686, 193, 329, 212, 194]
PUBLISHED_CUMULATIVE_SAVINGS = [311, 420, 482, 864, 1182, 1475, 2023, 2708, 2901, 3230, 3442, 3636]

MONTHS = [f"M{month:02d}" for month in range(1, 13)]


def assert_published(value, published, decimals):
    """True when ``value`` rounds to ``published`` at ``decimals`` places."""
    assert value is not None
    assert abs(value - published) <= 0.5 * 10.0**-decimals + 1e-12, (value, published)


def model_a():
    return fit_baseline(BASELINE_MWH, {"ore_kt": BASELINE_ORE_KT})


def model_b():
    return fit_baseline(BASELINE_MWH, {"ore_kt": BASELINE_ORE_KT, "cdd": BASELINE_CDD}, period_labels=MONTHS)


def both_baseline_variables():
    return {"ore_kt": BASELINE_ORE_KT, "cdd": BASELINE_CDD}


def reporting_variables():
    return {"ore_kt": REPORTING_ORE_KT, "cdd": REPORTING_CDD}


def report_b(**kwargs):
    return evaluate(
        model_b(),
        actual=REPORTING_MWH,
        variables=reporting_variables(),
        period_labels=MONTHS,
        **kwargs,
    )


# --- METHODS §1.9, model A (E ~ P) ----------------------------------------------------------------


def test_model_a_reproduces_published_figures():
    result = model_a()
    assert_published(result.coefficients["intercept"], -1651.4, 1)
    assert_published(result.coefficients["ore_kt"], 42.979, 3)
    assert_published(result.r_squared, 0.860, 3)
    assert_published(result.adjusted_r_squared, 0.846, 3)
    assert_published(result.f_statistic, 61.2, 1)
    assert_published(result.f_p_value / 1e-5, 1.4, 1)
    assert_published(result.p_values["ore_kt"] / 1e-5, 1, 0)
    assert_published(result.rmse, 365.3, 1)
    assert_published(100 * result.cv_rmse, 4.51, 2)


# --- METHODS §1.9, model B (E ~ P + CDD) ----------------------------------------------------------


def test_model_b_reproduces_published_coefficient_table():
    result = model_b()
    published = {
        # term: (β̂, se, t, p, decimals of β̂ and se, decimals of p)
        "intercept": (2516.2, 1499.4, 1.68, 0.128, 1, 3),
        "ore_kt": (22.701, 7.062, 3.21, 0.0106, 3, 4),
        "cdd": (3.885, 1.138, 3.41, 0.0077, 3, 4),
    }
    for term, (coefficient, standard_error, t_value, p_value, decimals, p_decimals) in published.items():
        assert_published(result.coefficients[term], coefficient, decimals)
        assert_published(result.standard_errors[term], standard_error, decimals)
        assert_published(result.t_values[term], t_value, 2)
        assert_published(result.p_values[term], p_value, p_decimals)
    # The acceptance check quotes the same p-values to fewer digits.
    assert_published(result.p_values["ore_kt"], 0.011, 3)
    assert_published(result.p_values["cdd"], 0.008, 3)


def test_model_b_reproduces_published_fit_statistics():
    result = model_b()
    assert_published(result.r_squared, 0.939, 3)
    assert_published(result.adjusted_r_squared, 0.925, 3)
    assert_published(result.f_statistic, 69.1, 1)
    assert_published(result.f_p_value / 1e-6, 3.5, 1)
    assert_published(result.rmse, 254.1, 1)
    assert_published(result.mean_energy, 8108.3, 1)
    assert_published(100 * result.cv_rmse, 3.13, 2)
    assert_published(result.durbin_watson, 1.77, 2)
    assert_published(result.residual_autocorrelation, -0.06, 2)
    assert result.n == 12
    assert result.parameter_count == 3
    assert result.df_residual == 9


def test_model_b_nmbe_is_zero_for_ols():
    result = model_b()
    assert abs(result.nmbe) < 1e-12
    assert abs(result.ndbe) < 1e-12


def test_model_b_passes_every_gate_and_is_green():
    result = model_b()
    assert result.grade is Grade.VALID
    assert result.is_valid
    assert result.reasons == ()


def test_model_b_is_preferred_over_model_a_as_published():
    a, b = model_a(), model_b()
    assert a.grade is Grade.VALID
    assert b.cv_rmse < a.cv_rmse
    assert b.adjusted_r_squared > a.adjusted_r_squared


def test_doe_f_critical_values_match_published_table():
    # METHODS §1.5: with 12 points, F_crit at p = 0.10 for k = 1..5 variables.
    for k, published in zip(range(1, 6), [3.2850, 3.0065, 2.9238, 2.9605, 3.1075], strict=True):
        assert_published(stats.f.ppf(0.90, k, 12 - k - 1), published, 4)


def test_baseline_ranges_match_published_ranges():
    ranges = model_b().variable_ranges
    assert (ranges["ore_kt"].minimum, ranges["ore_kt"].maximum) == (195, 260)
    assert (ranges["cdd"].minimum, ranges["cdd"].maximum) == (0, 320)


# --- METHODS §1.9, reporting year -----------------------------------------------------------------


def test_adjusted_baseline_reproduces_published_months():
    adjusted = predict(model_b(), reporting_variables())
    assert [round(value) for value in adjusted] == PUBLISHED_ADJUSTED_BASELINE
    assert round(float(np.sum(adjusted))) == 100036


def test_monthly_savings_and_cumulative_savings_reproduce_published_rows():
    adjusted = predict(model_b(), reporting_variables())
    savings = avoided_energy(REPORTING_MWH, adjusted.tolist())
    assert [round(value) for value in savings] == PUBLISHED_SAVINGS
    assert [round(value) for value in np.cumsum(savings)] == PUBLISHED_CUMULATIVE_SAVINGS


def test_cusum_is_actual_minus_expected_so_the_published_cumulative_savings_negated():
    adjusted = predict(model_b(), reporting_variables())
    values = cusum(REPORTING_MWH, adjusted.tolist())
    assert [round(-value) for value in values] == PUBLISHED_CUMULATIVE_SAVINGS


def test_reporting_means_are_inside_baseline_range_as_published():
    assert check_reporting_range(model_b(), reporting_variables()) == []
    assert_published(float(np.mean(REPORTING_ORE_KT)), 235.4, 1)
    assert_published(float(np.mean(REPORTING_CDD)), 122.5, 1)


def test_report_reproduces_published_totals_senpi_and_improvement():
    reporting = report_b().reporting
    assert reporting is not None
    assert reporting.total_actual == 96400
    assert round(reporting.total_adjusted_baseline) == 100036
    assert round(reporting.total_avoided_energy) == 3636
    assert_published(reporting.senpi, 0.9637, 4)
    assert_published(reporting.improvement_percent, 3.63, 2)
    assert_published(senpi(REPORTING_MWH, reporting.adjusted_baseline), 0.9637, 4)
    assert_published(improvement_percent(reporting.senpi), 3.63, 2)


def test_combined_senpi_sums_sources_before_dividing():
    electricity = report_b()
    # A second source whose actual equals its adjusted baseline: SEnPI 1 on its own.
    gas_baseline = fit_baseline(BASELINE_MWH, both_baseline_variables())
    gas_actual = predict(gas_baseline, reporting_variables()).tolist()
    gas = evaluate(gas_baseline, actual=gas_actual, variables=reporting_variables())
    expected = (96400 + sum(gas_actual)) / (electricity.reporting.total_adjusted_baseline + sum(gas_actual))
    assert combined_senpi([electricity, gas]) == pytest.approx(expected, rel=1e-12)


def test_combined_senpi_refuses_a_source_without_valid_baseline():
    unusable = evaluate(
        fit_baseline(BASELINE_MWH[:6], {"ore_kt": BASELINE_ORE_KT[:6]}),
        actual=REPORTING_MWH,
        variables={"ore_kt": REPORTING_ORE_KT},
    )
    with pytest.raises(BaselineNotUsableError):
        combined_senpi([report_b(), unusable])


def test_naive_sec_reproduces_published_overstatement():
    report = report_b(ratio_driver="ore_kt")
    comparison = report.ratio_comparison
    assert comparison is not None
    # MWh per kt is kWh per t.
    assert_published(comparison.baseline_ratio, 35.71, 2)
    assert_published(comparison.reporting_ratio, 34.12, 2)
    assert_published(comparison.change_percent, 4.43, 2)
    assert_published(ratio_enpi(BASELINE_MWH, BASELINE_ORE_KT), 35.71, 2)
    # "The naive figure overstates by 0.8 points."
    assert_published(comparison.change_percent - report.reporting.improvement_percent, 0.8, 1)


def test_savings_uncertainty_reproduces_published_g14_figures():
    reporting = report_b().reporting
    at_68 = reporting.uncertainty_at(0.68)
    at_90 = reporting.uncertainty_at(0.90)
    assert_published(uncertainty_alpha(DataFrequency.MONTHLY, 12), 1.3056, 4)
    assert_published(at_68.alpha, 1.3056, 4)
    assert_published(at_68.t_statistic, 1.053, 3)
    assert_published(100 * at_68.fractional, 36.9, 1)
    assert_published(at_90.t_statistic, 1.833, 3)
    assert_published(100 * at_90.fractional, 64.3, 1)
    assert not at_68.autocorrelation_corrected


def test_absolute_uncertainty_matches_published_value_from_its_rounded_inputs():
    # METHODS prints ±1 342 and ±2 338 MWh: the rounded FSU times the rounded savings
    # (0.369 × 3 636 and 0.643 × 3 636). Unrounded, the uncertainty is 1 343.5 and 2 339.8 MWh;
    # the module keeps full precision, so it differs from the print by less than 2 MWh.
    reporting = report_b().reporting
    savings = round(reporting.total_avoided_energy)
    for level, published in ((0.68, 1342), (0.90, 2338)):
        uncertainty = reporting.uncertainty_at(level)
        assert round(round(uncertainty.fractional, 3) * savings) == published
        assert abs(uncertainty.absolute - published) < 2
        assert math.isclose(uncertainty.absolute, uncertainty.fractional * reporting.total_avoided_energy)


def test_report_passes_g14_rule_at_68_percent():
    report = report_b()
    assert report.grade is Grade.VALID
    assert report.reasons == ()


def test_report_with_90_percent_uncertainty_rule_is_amber():
    # METHODS §1.9: "a 90 %/50 % rule would not be met".
    report = report_b(confidence_levels=(0.90,))
    assert report.grade is Grade.VALID
    strict = evaluate(
        fit_baseline(
            BASELINE_MWH,
            {"ore_kt": BASELINE_ORE_KT, "cdd": BASELINE_CDD},
            thresholds=BaselineThresholds(fsu_confidence_level=0.90),
        ),
        actual=REPORTING_MWH,
        variables=reporting_variables(),
    )
    assert strict.grade is Grade.CAUTION
    assert [reason.code for reason in strict.reasons] == [GateCode.FSU]
    assert strict.reporting is not None


# --- Agreement with statsmodels -------------------------------------------------------------------


def test_statistics_match_a_direct_statsmodels_fit():
    result = model_b()
    design = sm.add_constant(np.column_stack([BASELINE_ORE_KT, BASELINE_CDD]).astype(float))
    direct = sm.OLS(np.asarray(BASELINE_MWH, dtype=float), design).fit()
    keys = ["intercept", "ore_kt", "cdd"]
    np.testing.assert_allclose([result.coefficients[k] for k in keys], direct.params, rtol=1e-10)
    np.testing.assert_allclose([result.standard_errors[k] for k in keys], direct.bse, rtol=1e-10)
    np.testing.assert_allclose([result.p_values[k] for k in keys], direct.pvalues, rtol=1e-8)
    assert math.isclose(result.r_squared, direct.rsquared, rel_tol=1e-12)
    assert math.isclose(result.adjusted_r_squared, direct.rsquared_adj, rel_tol=1e-12)
    assert math.isclose(result.f_statistic, direct.fvalue, rel_tol=1e-10)
    assert math.isclose(result.f_p_value, direct.f_pvalue, rel_tol=1e-8)
    assert math.isclose(result.rmse, math.sqrt(direct.mse_resid), rel_tol=1e-12)
    assert math.isclose(result.durbin_watson, sm.stats.durbin_watson(direct.resid), rel_tol=1e-12)


def test_vif_matches_statsmodels():
    from statsmodels.stats.outliers_influence import variance_inflation_factor

    result = model_b()
    design = sm.add_constant(np.column_stack([BASELINE_ORE_KT, BASELINE_CDD]).astype(float))
    assert math.isclose(result.vif["ore_kt"], variance_inflation_factor(design, 1), rel_tol=1e-9)
    assert math.isclose(result.vif["cdd"], variance_inflation_factor(design, 2), rel_tol=1e-9)


# --- Gates ----------------------------------------------------------------------------------------


def test_too_few_points_is_not_valid_and_carries_no_numbers():
    result = fit_baseline(BASELINE_MWH[:11], {"ore_kt": BASELINE_ORE_KT[:11]})
    assert result.grade is Grade.NOT_VALID
    assert not result.is_valid
    assert not result.is_estimated
    assert [reason.code for reason in result.reasons] == [GateCode.TOO_FEW_POINTS]
    assert dict(result.reasons[0].params) == {"points": 11, "required": 12, "variables": 1}
    assert result.coefficients is None
    assert result.r_squared is None
    assert result.cv_rmse is None
    assert result.variable_ranges is None


def test_too_few_points_never_below_variables_plus_two():
    thresholds = BaselineThresholds(minimum_points=3)
    variables = {"a": [1, 2, 3, 5], "b": [2, 1, 4, 3], "c": [0, 1, 1, 0]}
    result = fit_baseline([10, 12, 15, 19], variables, thresholds=thresholds)
    assert [reason.code for reason in result.reasons] == [GateCode.TOO_FEW_POINTS]
    assert result.reasons[0].params["required"] == 5


def test_unestimated_baseline_refuses_to_predict_and_report():
    result = fit_baseline(BASELINE_MWH[:6], {"ore_kt": BASELINE_ORE_KT[:6]})
    with pytest.raises(BaselineNotUsableError):
        predict(result, {"ore_kt": REPORTING_ORE_KT}, allow_invalid=True)
    report = evaluate(
        result, actual=REPORTING_MWH, variables={"ore_kt": REPORTING_ORE_KT}, ratio_driver="ore_kt"
    )
    assert report.grade is Grade.NOT_VALID
    assert report.reporting is None
    assert report.ratio_comparison is not None
    assert report.to_dict()["reporting"] is None


def test_irrelevant_variable_fails_the_variable_p_gate():
    noise = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8]
    result = fit_baseline(BASELINE_MWH, {"ore_kt": BASELINE_ORE_KT, "cdd": BASELINE_CDD, "noise": noise})
    assert result.grade is Grade.NOT_VALID
    assert [(reason.code, reason.params["variable"]) for reason in result.reasons] == [
        (GateCode.VARIABLE_P, "noise")
    ]
    assert result.p_values is not None
    assert result.p_values["noise"] >= 0.20
    with pytest.raises(BaselineNotUsableError):
        predict(result, {"ore_kt": REPORTING_ORE_KT, "cdd": REPORTING_CDD, "noise": noise})


def test_unrelated_single_variable_fails_f_test_p_and_r_squared_gates():
    noise = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8]
    result = fit_baseline(BASELINE_MWH, {"noise": noise})
    codes = {reason.code for reason in result.reasons if reason.severity is Severity.NOT_VALID}
    assert codes == {GateCode.F_TEST, GateCode.VARIABLE_P, GateCode.NO_STRONG_VARIABLE, GateCode.R_SQUARED}
    assert result.is_estimated
    assert result.grade is Grade.NOT_VALID


def test_perfectly_collinear_variables_are_rank_deficient():
    doubled = [2 * value for value in BASELINE_ORE_KT]
    result = fit_baseline(BASELINE_MWH, {"ore_kt": BASELINE_ORE_KT, "ore_doubled": doubled})
    assert [reason.code for reason in result.reasons] == [GateCode.RANK_DEFICIENT]
    assert not result.is_estimated


def test_constant_energy_is_not_valid():
    result = fit_baseline([100.0] * 12, {"ore_kt": BASELINE_ORE_KT})
    assert [reason.code for reason in result.reasons] == [GateCode.CONSTANT_ENERGY]


@pytest.mark.parametrize(
    ("thresholds", "severity", "grade"),
    [
        (BaselineThresholds(cv_rmse_valid_at_most=0.03), Severity.CAUTION, Grade.CAUTION),
        (
            BaselineThresholds(cv_rmse_valid_at_most=0.02, cv_rmse_caution_at_most=0.03),
            Severity.NOT_VALID,
            Grade.NOT_VALID,
        ),
    ],
)
def test_cv_rmse_above_limits_is_amber_then_red(thresholds, severity, grade):
    result = fit_baseline(BASELINE_MWH, both_baseline_variables(), thresholds=thresholds)
    assert [(reason.code, reason.severity) for reason in result.reasons] == [(GateCode.CV_RMSE, severity)]
    assert result.grade is grade


def test_durbin_watson_and_vif_outside_range_are_amber():
    thresholds = BaselineThresholds(durbin_watson_low=1.8, vif_at_most=3.0)
    result = fit_baseline(BASELINE_MWH, both_baseline_variables(), thresholds=thresholds)
    assert [reason.code for reason in result.reasons] == [GateCode.DURBIN_WATSON, GateCode.VIF, GateCode.VIF]
    assert result.grade is Grade.CAUTION
    assert result.is_valid


def test_reporting_mean_outside_range_and_three_sd_is_flagged():
    # Baseline ore: range [195, 260], mean 227.1, SD 20.05, so mean + 3 SD = 287.2.
    far = {"ore_kt": [300] * 12, "cdd": REPORTING_CDD}
    failures = check_reporting_range(model_b(), far)
    assert [(failure.code, failure.params["variable"]) for failure in failures] == [
        (GateCode.REPORTING_RANGE, "ore_kt")
    ]
    report = evaluate(model_b(), actual=REPORTING_MWH, variables=far)
    assert report.grade is Grade.NOT_VALID
    assert report.reporting is None


def test_reporting_mean_outside_range_but_within_three_sd_passes():
    near = {"ore_kt": [270] * 12, "cdd": REPORTING_CDD}
    assert check_reporting_range(model_b(), near) == []


def test_reporting_variables_must_match_baseline_names():
    with pytest.raises(ValueError, match="missing: cdd; unknown: ore"):
        predict(model_b(), {"ore_kt": REPORTING_ORE_KT, "ore": REPORTING_ORE_KT})


def test_non_finite_input_is_refused():
    with pytest.raises(ValueError, match="non-finite"):
        fit_baseline([*BASELINE_MWH[:11], math.nan], {"ore_kt": BASELINE_ORE_KT})


def test_savings_smaller_than_their_uncertainty_are_amber_not_hidden():
    # Actual equal to the adjusted baseline plus small noise: savings far below the uncertainty.
    adjusted = predict(model_b(), reporting_variables())
    actual = (adjusted - np.array([50, -40, 30, -20, 10, 0, -10, 20, -30, 40, -50, 45])).tolist()
    report = evaluate(model_b(), actual=actual, variables=reporting_variables())
    assert [reason.code for reason in report.reasons] == [GateCode.SAVINGS_WITHIN_UNCERTAINTY]
    assert report.grade is Grade.CAUTION
    assert report.reporting is not None


def test_daily_data_with_autocorrelated_residuals_use_effective_points():
    days = np.arange(90)
    production = 100 + 10 * np.sin(days / 5.0) + (days % 7)
    drift = 40 * np.sin(days / 15.0)
    energy = (500 + 3 * production + drift).tolist()
    result = fit_baseline(energy, {"production": production.tolist()}, data_frequency=DataFrequency.DAILY)
    rho = result.residual_autocorrelation
    assert rho is not None
    assert rho >= 0.5
    uncertainty = savings_uncertainty(
        result,
        adjusted_baseline_total=30000.0,
        savings_total=1000.0,
        reporting_points=30,
        confidence_level=0.68,
    )
    assert uncertainty.autocorrelation_corrected
    assert math.isclose(uncertainty.effective_points, 90 * (1 - rho) / (1 + rho))
    assert math.isclose(uncertainty.alpha, -0.00024 * 3.0**2 + 0.03535 * 3.0 + 1.00286)


# --- Output for the UI and API --------------------------------------------------------------------


def test_report_to_dict_is_strict_json_with_stable_keys():
    report = report_b(ratio_driver="ore_kt")
    with translation.override("en"):
        data = json.loads(json.dumps(report.to_dict(), allow_nan=False))
    assert set(data) == {"grade", "is_valid", "reasons", "baseline", "reporting", "ratio_comparison"}
    assert data["grade"] == "valid"
    assert data["baseline"]["coefficients"]["ore_kt"] == pytest.approx(22.701, abs=5e-4)
    assert data["baseline"]["period_labels"] == MONTHS
    assert data["reporting"]["cusum_convention"] == "actual_minus_expected"
    assert round(data["reporting"]["total_avoided_energy"]) == 3636
    assert [u["confidence_level"] for u in data["reporting"]["uncertainties"]] == [0.68, 0.90]
    assert data["ratio_comparison"]["normalized"] is False


def test_gate_failure_message_is_translated_text_with_its_numbers():
    result = fit_baseline(BASELINE_MWH[:11], {"ore_kt": BASELINE_ORE_KT[:11]})
    token = display.activate(display.DisplayPreferences(language="en", persian_digits=False))
    try:
        with translation.override("en"):
            failure = result.to_dict()["reasons"][0]
    finally:
        display.reset(token)
    assert failure["code"] == "too_few_points"
    assert failure["severity"] == "not_valid"
    assert failure["message"] == "The baseline has 11 data points; at least 12 are required."
    # A Persian reader reads the numbers in Persian digits (session 22: they were %d placeholders,
    # which take no formatted number).
    with translation.override("fa"):
        assert result.reasons[0].message == "خط مبنا ۱۱ داده دارد؛ دست‌کم ۱۲ داده لازم است."


@pytest.mark.parametrize(
    ("code", "params", "persian", "english"),
    [
        (
            GateCode.R_SQUARED,
            {"r_squared": 0.45172, "limit": 0.5},
            "R² برابر ۰٫۴۵۲ است، کمتر از حداقل ۰٫۵.",
            "R² is 0.452, below the minimum of 0.5.",
        ),
        (
            GateCode.VARIABLE_P,
            {"variable": "hdd18", "p_value": 0.045678, "limit": 0.2},
            "مقدار p متغیر «hdd18» (۰٫۰۴۵۷) کمتر از ۰٫۲ نیست.",
            "The p-value of “hdd18” (0.0457) is not below 0.2.",
        ),
        (
            GateCode.SAVINGS_WITHIN_UNCERTAINTY,
            {"fsu_percent": math.inf, "confidence_percent": "67.5"},
            "عدم‌قطعیت صرفه‌جویی در سطح اطمینان ۶۷٫۵٪ برابر ∞٪ صرفه‌جویی است: "
            "صرفه‌جویی را نمی‌توان از صفر تشخیص داد.",
            "The savings uncertainty is ∞% of the savings at 67.5% confidence: "
            "the savings cannot be told apart from zero.",
        ),
    ],
)
def test_a_gate_message_shows_its_numbers_in_the_readers_digits(code, params, persian, english):
    """Places as before (R² three, a p-value three significant digits); a variable's name as it is."""
    failure = GateFailure(code, Severity.CAUTION, params)
    with translation.override("fa"):
        assert failure.message == persian
    token = display.activate(display.DisplayPreferences(language="en", persian_digits=False))
    try:
        with translation.override("en"):
            assert failure.message == english
    finally:
        display.reset(token)
