"""Regression energy baselines and the savings computed from them.

An energy baseline is an ordinary least squares model of energy on relevant variables (production,
degree-days, operating hours ...) fitted on a baseline period, with an intercept for the fixed load.
The model is accepted or refused by the DOE EnPI/SEP rules and graded with ASHRAE Guideline 14
statistics; a graded model then gives the adjusted baseline of a reporting period, the avoided
energy, SEnPI, the CUSUM of differences and the fractional savings uncertainty.

Units are whatever the caller uses (MWh, GJ ...); every energy figure comes back in the unit of the
energy series. Fractions are fractions (``cv_rmse = 0.0313``) unless a name ends in ``_percent``.

How the UI must use the results: when ``is_valid`` is false it shows "not valid" and the reasons,
never a number from the model. A baseline with too few points (or perfectly collinear variables,
constant energy, non-positive mean energy) carries no statistics at all; other refused baselines keep
their statistics so that an engineer can see why they were refused, but :func:`predict` and
:func:`evaluate` will not produce savings from them.

The formulas and thresholds are explained in ``docs/reference/methods.md``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
from django.utils.translation import gettext_lazy as _
from scipy import stats  # type: ignore[import-untyped, unused-ignore]
from statsmodels.regression.linear_model import OLS

from rasad.lib import formatting

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

FloatArray = npt.NDArray[np.float64]
JsonNumber = float | None

INTERCEPT = "intercept"


class DataFrequency(StrEnum):
    """How often the baseline data were sampled; it selects the G14 uncertainty factor alpha."""

    MONTHLY = "monthly"
    DAILY = "daily"
    HOURLY = "hourly"


class Grade(StrEnum):
    """The traffic light of METHODS §1.5."""

    VALID = "valid"
    CAUTION = "caution"
    NOT_VALID = "not_valid"


class Severity(StrEnum):
    """How much one finding weighs: it refuses the model, or it only asks for caution."""

    NOT_VALID = "not_valid"
    CAUTION = "caution"


class GateCode(StrEnum):
    """Stable codes of the findings; the API and the UI key on these, never on the message."""

    TOO_FEW_POINTS = "too_few_points"
    RANK_DEFICIENT = "rank_deficient"
    CONSTANT_ENERGY = "constant_energy"
    NON_POSITIVE_MEAN = "non_positive_mean"
    F_TEST = "f_test"
    VARIABLE_P = "variable_p"
    NO_STRONG_VARIABLE = "no_strong_variable"
    R_SQUARED = "r_squared"
    CV_RMSE = "cv_rmse"
    DURBIN_WATSON = "durbin_watson"
    VIF = "vif"
    REPORTING_RANGE = "reporting_range"
    FSU = "fsu"
    SAVINGS_WITHIN_UNCERTAINTY = "savings_within_uncertainty"


# English source strings, translated when the message is read. They are %-templates filled from
# GateFailure.params, so that building a finding never needs Django settings.
_MESSAGES: dict[GateCode, _StrPromise] = {
    GateCode.TOO_FEW_POINTS: _(
        "The baseline has %(points)s data points; at least %(required)s are required."
    ),
    GateCode.RANK_DEFICIENT: _(
        "The relevant variables are constant or perfectly collinear, so their effects cannot be separated."
    ),
    GateCode.CONSTANT_ENERGY: _("Baseline energy does not vary, so no variable can explain it."),
    GateCode.NON_POSITIVE_MEAN: _("Mean baseline energy is zero or negative, so CV(RMSE) is undefined."),
    GateCode.F_TEST: _("The F-test p-value of the model (%(p_value)s) is not below %(limit)s."),
    GateCode.VARIABLE_P: _("The p-value of “%(variable)s” (%(p_value)s) is not below %(limit)s."),
    GateCode.NO_STRONG_VARIABLE: _("No relevant variable has a p-value below %(limit)s."),
    GateCode.R_SQUARED: _("R² is %(r_squared)s, below the minimum of %(limit)s."),
    GateCode.CV_RMSE: _("CV(RMSE) is %(cv_rmse_percent)s%%, above %(limit_percent)s%%."),
    GateCode.DURBIN_WATSON: _(
        "The Durbin–Watson statistic (%(durbin_watson)s) is outside [%(low)s, %(high)s]; "
        "the residuals may be autocorrelated."
    ),
    GateCode.VIF: _(
        "The variance inflation factor of “%(variable)s” (%(vif)s) is above %(limit)s; "
        "it is collinear with the other variables."
    ),
    GateCode.REPORTING_RANGE: _(
        "The reporting-period mean of “%(variable)s” (%(mean)s) is outside the baseline range "
        "[%(minimum)s, %(maximum)s] and outside the baseline mean ± %(sd_multiplier)s SD "
        "[%(sd_low)s, %(sd_high)s]."
    ),
    GateCode.FSU: _(
        "The savings uncertainty is %(fsu_percent)s%% of the savings at %(confidence_percent)s%% "
        "confidence, not below %(limit_percent)s%%."
    ),
    GateCode.SAVINGS_WITHIN_UNCERTAINTY: _(
        "The savings uncertainty is %(fsu_percent)s%% of the savings at %(confidence_percent)s%% "
        "confidence: the savings cannot be told apart from zero."
    ),
}


# How a message shows the numbers it quotes: this many places ("f") or significant digits ("g");
# any other number as it is. Written in the reader's digits when the message is read.
_SHOWN: dict[str, tuple[str, int]] = {
    "p_value": ("g", 3),
    "r_squared": ("f", 3),
    "cv_rmse_percent": ("f", 2),
    "durbin_watson": ("f", 2),
    "vif": ("f", 2),
    "mean": ("g", 6),
    "minimum": ("g", 6),
    "maximum": ("g", 6),
    "sd_low": ("g", 6),
    "sd_high": ("g", 6),
    "fsu_percent": ("f", 1),
}


def _shown(key: str, value: str | int | float) -> str:
    """A parameter of a message as the reader reads it: «۰٫۴۵۲» for an R² of 0.4517, «∞» for an
    unbounded uncertainty; a name (a variable's) as it is."""
    if isinstance(value, str):
        return formatting.number(value) if key.endswith("_percent") else value
    if not math.isfinite(value):
        return "∞" if value > 0 else "−∞"
    kind, places = _SHOWN.get(key, ("", 0))
    if kind == "f":
        return formatting.number(value, decimals=places)
    if kind == "g":
        significant = Decimal(f"{value:.{places}g}")
        if significant == significant.to_integral_value():
            significant = significant.quantize(Decimal(1))
        return formatting.number(significant)
    return formatting.number(value)


@dataclass(frozen=True)
class GateFailure:
    """One reason why a baseline or a report is refused or needs caution."""

    code: GateCode
    severity: Severity
    params: Mapping[str, str | int | float] = field(default_factory=dict)

    @property
    def message(self) -> str:
        """The translated message in the active language (needs Django to be set up), its numbers
        in the reader's digits."""
        return str(_MESSAGES[self.code]) % {key: _shown(key, value) for key, value in self.params.items()}

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": str(self.code),
            "severity": str(self.severity),
            "message": self.message,
            "params": {key: _json_value(value) for key, value in self.params.items()},
        }


@dataclass(frozen=True)
class BaselineThresholds:
    """Acceptance and grading thresholds; build one from the versioned configuration row.

    The inequalities are those of METHODS §1.5: p-values must be strictly *below* their limits,
    R² at least its minimum, CV(RMSE) and VIF at most theirs, FSU strictly below its limits.
    """

    version: str = "methods-1.5-defaults"
    minimum_points: int = 12
    f_test_p_below: float = 0.10
    variable_p_below: float = 0.20
    strong_variable_p_below: float = 0.10
    r_squared_at_least: float = 0.50
    cv_rmse_valid_at_most: float = 0.20
    cv_rmse_caution_at_most: float = 0.30
    durbin_watson_low: float = 1.5
    durbin_watson_high: float = 2.5
    vif_at_most: float = 5.0
    range_sd_multiplier: float = 3.0
    fsu_confidence_level: float = 0.68
    fsu_valid_below: float = 0.50
    fsu_caution_below: float = 1.00
    autocorrelation_correction_from: float = 0.5

    def __post_init__(self) -> None:
        if self.minimum_points < 3:
            raise ValueError("minimum_points must be at least 3.")
        for name in ("f_test_p_below", "variable_p_below", "strong_variable_p_below", "r_squared_at_least"):
            if not 0.0 < getattr(self, name) <= 1.0:
                raise ValueError(f"{name} must be in (0, 1].")
        if not 0.0 < self.fsu_confidence_level < 1.0:
            raise ValueError("fsu_confidence_level must be in (0, 1).")
        if not self.cv_rmse_valid_at_most <= self.cv_rmse_caution_at_most:
            raise ValueError("cv_rmse_valid_at_most must not exceed cv_rmse_caution_at_most.")
        if not self.fsu_valid_below <= self.fsu_caution_below:
            raise ValueError("fsu_valid_below must not exceed fsu_caution_below.")
        if not self.durbin_watson_low <= self.durbin_watson_high:
            raise ValueError("durbin_watson_low must not exceed durbin_watson_high.")

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "minimum_points": self.minimum_points,
            "f_test_p_below": self.f_test_p_below,
            "variable_p_below": self.variable_p_below,
            "strong_variable_p_below": self.strong_variable_p_below,
            "r_squared_at_least": self.r_squared_at_least,
            "cv_rmse_valid_at_most": self.cv_rmse_valid_at_most,
            "cv_rmse_caution_at_most": self.cv_rmse_caution_at_most,
            "durbin_watson_low": self.durbin_watson_low,
            "durbin_watson_high": self.durbin_watson_high,
            "vif_at_most": self.vif_at_most,
            "range_sd_multiplier": self.range_sd_multiplier,
            "fsu_confidence_level": self.fsu_confidence_level,
            "fsu_valid_below": self.fsu_valid_below,
            "fsu_caution_below": self.fsu_caution_below,
            "autocorrelation_correction_from": self.autocorrelation_correction_from,
        }


DEFAULT_THRESHOLDS = BaselineThresholds()


@dataclass(frozen=True)
class VariableRange:
    """What one relevant variable looked like in the baseline period (SD with n − 1)."""

    minimum: float
    maximum: float
    mean: float
    sd: float

    def to_dict(self) -> dict[str, JsonNumber]:
        return {
            "minimum": _json_float(self.minimum),
            "maximum": _json_float(self.maximum),
            "mean": _json_float(self.mean),
            "sd": _json_float(self.sd),
        }


@dataclass(frozen=True)
class BaselineResult:
    """A fitted (or refused) energy baseline with its statistics, gates and grade.

    The statistics are ``None`` when the model could not be estimated at all (``too_few_points``,
    ``rank_deficient``, ``constant_energy``, ``non_positive_mean``). ``p_values`` etc. are keyed by
    ``"intercept"`` and the variable names; the gates ignore the intercept, as DOE does.
    """

    variable_names: tuple[str, ...]
    energy: tuple[float, ...]
    variables: Mapping[str, tuple[float, ...]]
    period_labels: tuple[str, ...] | None
    data_frequency: DataFrequency
    thresholds: BaselineThresholds
    n: int
    parameter_count: int
    grade: Grade
    reasons: tuple[GateFailure, ...]
    coefficients: Mapping[str, float] | None = None
    standard_errors: Mapping[str, float] | None = None
    t_values: Mapping[str, float] | None = None
    p_values: Mapping[str, float] | None = None
    f_statistic: float | None = None
    f_p_value: float | None = None
    r_squared: float | None = None
    adjusted_r_squared: float | None = None
    sse: float | None = None
    rmse: float | None = None
    mean_energy: float | None = None
    cv_rmse: float | None = None
    nmbe: float | None = None
    ndbe: float | None = None
    durbin_watson: float | None = None
    residual_autocorrelation: float | None = None
    vif: Mapping[str, float] | None = None
    fitted: tuple[float, ...] | None = None
    residuals: tuple[float, ...] | None = None
    variable_ranges: Mapping[str, VariableRange] | None = None

    @property
    def is_valid(self) -> bool:
        """True for the green and amber grades: the model may be used for savings."""
        return self.grade is not Grade.NOT_VALID

    @property
    def is_estimated(self) -> bool:
        """True when the regression could be computed, whatever its grade."""
        return self.coefficients is not None

    @property
    def df_model(self) -> int:
        return self.parameter_count - 1

    @property
    def df_residual(self) -> int:
        return self.n - self.parameter_count

    def to_dict(self) -> dict[str, Any]:
        return {
            "method": "ols",
            "data_frequency": str(self.data_frequency),
            "thresholds": self.thresholds.to_dict(),
            "variable_names": list(self.variable_names),
            "period_labels": None if self.period_labels is None else list(self.period_labels),
            "energy": [_json_float(value) for value in self.energy],
            "variables": {name: [_json_float(v) for v in values] for name, values in self.variables.items()},
            "n": self.n,
            "parameter_count": self.parameter_count,
            "df_model": self.df_model,
            "df_residual": self.df_residual,
            "grade": str(self.grade),
            "is_valid": self.is_valid,
            "is_estimated": self.is_estimated,
            "reasons": [reason.to_dict() for reason in self.reasons],
            "coefficients": _json_mapping(self.coefficients),
            "standard_errors": _json_mapping(self.standard_errors),
            "t_values": _json_mapping(self.t_values),
            "p_values": _json_mapping(self.p_values),
            "f_statistic": _json_float(self.f_statistic),
            "f_p_value": _json_float(self.f_p_value),
            "r_squared": _json_float(self.r_squared),
            "adjusted_r_squared": _json_float(self.adjusted_r_squared),
            "sse": _json_float(self.sse),
            "rmse": _json_float(self.rmse),
            "mean_energy": _json_float(self.mean_energy),
            "cv_rmse": _json_float(self.cv_rmse),
            "nmbe": _json_float(self.nmbe),
            "ndbe": _json_float(self.ndbe),
            "durbin_watson": _json_float(self.durbin_watson),
            "residual_autocorrelation": _json_float(self.residual_autocorrelation),
            "vif": _json_mapping(self.vif),
            "fitted": None if self.fitted is None else [_json_float(v) for v in self.fitted],
            "residuals": None if self.residuals is None else [_json_float(v) for v in self.residuals],
            "variable_ranges": (
                None
                if self.variable_ranges is None
                else {name: value.to_dict() for name, value in self.variable_ranges.items()}
            ),
        }


class BaselineNotUsableError(ValueError):
    """Raised when savings are asked of a baseline that is not estimated or not valid."""


# --------------------------------------------------------------------------------------------------
# Fitting


def fit_baseline(
    energy: Sequence[float],
    variables: Mapping[str, Sequence[float]],
    *,
    period_labels: Sequence[str] | None = None,
    thresholds: BaselineThresholds = DEFAULT_THRESHOLDS,
    data_frequency: DataFrequency = DataFrequency.MONTHLY,
) -> BaselineResult:
    """Fit ``energy = β0 + Σ βj·Xj`` by OLS and apply the METHODS §1.5 gates and grades.

    Malformed input (unequal lengths, NaN, no variables) raises ``ValueError``; a well-formed but
    insufficient data set never raises, it returns a result graded ``not_valid`` with reasons.
    """
    names = tuple(variables)
    if not names:
        raise ValueError("A regression baseline needs at least one relevant variable.")
    if INTERCEPT in names:
        raise ValueError(f"“{INTERCEPT}” is reserved for the constant term; rename the variable.")
    y = _finite_vector(energy, "energy")
    columns = {name: _finite_vector(variables[name], name) for name in names}
    for name, column in columns.items():
        if column.shape != y.shape:
            raise ValueError(f"Variable “{name}” has {column.size} values but energy has {y.size}.")
    labels = _labels(period_labels, y.size)

    n = int(y.size)
    k = len(names)
    p = k + 1
    common: dict[str, Any] = {
        "variable_names": names,
        "energy": tuple(float(v) for v in y),
        "variables": {name: tuple(float(v) for v in column) for name, column in columns.items()},
        "period_labels": labels,
        "data_frequency": data_frequency,
        "thresholds": thresholds,
        "n": n,
        "parameter_count": p,
    }

    design = np.column_stack([np.ones(n), *columns.values()])
    failure = _data_gate(y, design, thresholds)
    if failure is not None:
        return BaselineResult(grade=Grade.NOT_VALID, reasons=(failure,), **common)
    statistics = _statistics(y, design, names, columns)
    reasons = _model_gates(names, statistics, thresholds)
    return BaselineResult(grade=_grade(reasons), reasons=tuple(reasons), **common, **statistics)


def _data_gate(y: FloatArray, design: FloatArray, thresholds: BaselineThresholds) -> GateFailure | None:
    """Why nothing can be estimated from these data, or None: too few points, variables that are
    combinations of each other, an energy series that is constant or not positive on average."""
    n, p = design.shape
    k = p - 1
    # Below max(minimum_points, k + 2) points nothing is estimated: k + 2 leaves a single residual
    # degree of freedom, the least with which a standard error exists at all.
    required = max(thresholds.minimum_points, k + 2)
    if n < required:
        return GateFailure(
            GateCode.TOO_FEW_POINTS,
            Severity.NOT_VALID,
            {"points": n, "required": required, "variables": k},
        )
    if int(np.linalg.matrix_rank(design)) < p:
        return GateFailure(GateCode.RANK_DEFICIENT, Severity.NOT_VALID)
    if float(np.ptp(y)) == 0.0:
        return GateFailure(GateCode.CONSTANT_ENERGY, Severity.NOT_VALID)
    if float(np.mean(y)) <= 0.0:
        return GateFailure(GateCode.NON_POSITIVE_MEAN, Severity.NOT_VALID)
    return None


def _statistics(
    y: FloatArray, design: FloatArray, names: tuple[str, ...], columns: Mapping[str, FloatArray]
) -> dict[str, Any]:
    """The OLS fit and every statistic the result reports, keyed as ``BaselineResult``'s fields."""
    n, p = design.shape
    model = OLS(y, design).fit()
    keys = (INTERCEPT, *names)
    fitted = np.asarray(model.fittedvalues, dtype=np.float64)
    residuals = y - fitted
    df_residual = n - p
    sse = float(np.sum(residuals**2))
    rmse = math.sqrt(sse / df_residual)
    residual_sum = float(np.sum(residuals))
    mean_energy = float(np.mean(y))
    return {
        "coefficients": _keyed(keys, model.params),
        "standard_errors": _keyed(keys, model.bse),
        "t_values": _keyed(keys, model.tvalues),
        "p_values": _keyed(keys, model.pvalues),
        "f_statistic": float(model.fvalue),
        "f_p_value": float(model.f_pvalue),
        "r_squared": float(model.rsquared),
        "adjusted_r_squared": float(model.rsquared_adj),
        "sse": sse,
        "rmse": rmse,
        "mean_energy": mean_energy,
        "cv_rmse": rmse / mean_energy,
        "nmbe": residual_sum / (df_residual * mean_energy),
        "ndbe": residual_sum / float(np.sum(y)),
        "durbin_watson": _durbin_watson(residuals),
        "residual_autocorrelation": _lag1_correlation(residuals),
        "vif": _variance_inflation(names, columns),
        "fitted": tuple(float(v) for v in fitted),
        "residuals": tuple(float(v) for v in residuals),
        "variable_ranges": {
            name: VariableRange(
                minimum=float(np.min(column)),
                maximum=float(np.max(column)),
                mean=float(np.mean(column)),
                sd=float(np.std(column, ddof=1)),
            )
            for name, column in columns.items()
        },
    }


def _model_gates(
    names: tuple[str, ...], statistics: Mapping[str, Any], thresholds: BaselineThresholds
) -> list[GateFailure]:
    """The DOE EnPI/SEP rules (refusing) and the G14 quality checks (refusing or cautioning)."""
    reasons: list[GateFailure] = []
    f_p_value: float = statistics["f_p_value"]
    if not f_p_value < thresholds.f_test_p_below:
        reasons.append(
            GateFailure(
                GateCode.F_TEST,
                Severity.NOT_VALID,
                {"p_value": f_p_value, "limit": thresholds.f_test_p_below},
            )
        )
    p_values: Mapping[str, float] = statistics["p_values"]
    for name in names:
        if not p_values[name] < thresholds.variable_p_below:
            reasons.append(
                GateFailure(
                    GateCode.VARIABLE_P,
                    Severity.NOT_VALID,
                    {"variable": name, "p_value": p_values[name], "limit": thresholds.variable_p_below},
                )
            )
    if not any(p_values[name] < thresholds.strong_variable_p_below for name in names):
        reasons.append(
            GateFailure(
                GateCode.NO_STRONG_VARIABLE,
                Severity.NOT_VALID,
                {"limit": thresholds.strong_variable_p_below},
            )
        )
    r_squared: float = statistics["r_squared"]
    if not r_squared >= thresholds.r_squared_at_least:
        reasons.append(
            GateFailure(
                GateCode.R_SQUARED,
                Severity.NOT_VALID,
                {"r_squared": r_squared, "limit": thresholds.r_squared_at_least},
            )
        )

    # METHODS grades CV(RMSE) ≤ 20 % green and 20–30 % amber and says nothing of > 30 %; G14 accepts
    # no whole-facility model above 30 %, so the platform refuses it.
    cv_rmse: float = statistics["cv_rmse"]
    if cv_rmse > thresholds.cv_rmse_valid_at_most:
        severity = Severity.CAUTION if cv_rmse <= thresholds.cv_rmse_caution_at_most else Severity.NOT_VALID
        limit = (
            thresholds.cv_rmse_valid_at_most
            if severity is Severity.CAUTION
            else thresholds.cv_rmse_caution_at_most
        )
        reasons.append(
            GateFailure(
                GateCode.CV_RMSE,
                severity,
                {"cv_rmse_percent": 100.0 * cv_rmse, "limit_percent": _percent_label(limit)},
            )
        )
    durbin_watson: float = statistics["durbin_watson"]
    if not thresholds.durbin_watson_low <= durbin_watson <= thresholds.durbin_watson_high:
        reasons.append(
            GateFailure(
                GateCode.DURBIN_WATSON,
                Severity.CAUTION,
                {
                    "durbin_watson": durbin_watson,
                    "low": thresholds.durbin_watson_low,
                    "high": thresholds.durbin_watson_high,
                },
            )
        )
    vif: Mapping[str, float] = statistics["vif"]
    for name in names:
        if not vif[name] <= thresholds.vif_at_most:
            reasons.append(
                GateFailure(
                    GateCode.VIF,
                    Severity.CAUTION,
                    {"variable": name, "vif": vif[name], "limit": thresholds.vif_at_most},
                )
            )
    return reasons


def _grade(reasons: Sequence[GateFailure]) -> Grade:
    severities = {reason.severity for reason in reasons}
    if Severity.NOT_VALID in severities:
        return Grade.NOT_VALID
    if Severity.CAUTION in severities:
        return Grade.CAUTION
    return Grade.VALID


def _durbin_watson(residuals: FloatArray) -> float:
    """DW = Σ(e_t − e_{t−1})² / Σe_t²; NaN for a perfect fit."""
    denominator = float(np.sum(residuals**2))
    if denominator == 0.0:
        return math.nan
    return float(np.sum(np.diff(residuals) ** 2)) / denominator


def _lag1_correlation(residuals: FloatArray) -> float:
    """Pearson correlation of (e_t, e_{t−1}), the ρ of METHODS §1.4 and of the G14 n' correction."""
    current, previous = residuals[1:], residuals[:-1]
    if float(np.std(current)) == 0.0 or float(np.std(previous)) == 0.0:
        return math.nan
    return float(np.corrcoef(current, previous)[0, 1])


def _variance_inflation(names: tuple[str, ...], columns: Mapping[str, FloatArray]) -> dict[str, float]:
    """VIF_j = 1 / (1 − R_j²), R_j² from regressing X_j (with intercept) on the other variables."""
    if len(names) == 1:
        return {names[0]: 1.0}
    result: dict[str, float] = {}
    for name in names:
        target = columns[name]
        others = np.column_stack([np.ones(target.size), *(columns[o] for o in names if o != name)])
        solution, *_unused = np.linalg.lstsq(others, target, rcond=None)
        residual = target - others @ solution
        total = float(np.sum((target - np.mean(target)) ** 2))
        r_squared = 1.0 - float(np.sum(residual**2)) / total
        result[name] = math.inf if r_squared >= 1.0 else 1.0 / (1.0 - r_squared)
    return result


# --------------------------------------------------------------------------------------------------
# Reporting period


def check_reporting_range(
    result: BaselineResult, reporting_variables: Mapping[str, Sequence[float]]
) -> list[GateFailure]:
    """DOE rule: each variable's reporting-period *mean* must lie inside the baseline range
    [min, max] **or** within the baseline mean ± k·SD (k = 3 by default, SD with n − 1).

    Single reporting periods outside the range are not refused by this rule (DOE judges the mean).
    """
    if result.variable_ranges is None:
        raise BaselineNotUsableError("The baseline was not estimated, so it has no variable ranges.")
    columns = _reporting_columns(result, reporting_variables)
    multiplier = result.thresholds.range_sd_multiplier
    failures: list[GateFailure] = []
    for name in result.variable_names:
        seen = result.variable_ranges[name]
        mean = float(np.mean(columns[name]))
        sd_low, sd_high = seen.mean - multiplier * seen.sd, seen.mean + multiplier * seen.sd
        if seen.minimum <= mean <= seen.maximum or sd_low <= mean <= sd_high:
            continue
        failures.append(
            GateFailure(
                GateCode.REPORTING_RANGE,
                Severity.NOT_VALID,
                {
                    "variable": name,
                    "mean": mean,
                    "minimum": seen.minimum,
                    "maximum": seen.maximum,
                    "sd_multiplier": multiplier,
                    "sd_low": sd_low,
                    "sd_high": sd_high,
                },
            )
        )
    return failures


def predict(
    result: BaselineResult,
    variables: Mapping[str, Sequence[float]],
    *,
    allow_invalid: bool = False,
) -> FloatArray:
    """The baseline model's energy for the given conditions: the adjusted baseline f(X_rep).

    Refuses a baseline graded ``not_valid`` unless ``allow_invalid`` is set (diagnostics only; such
    a number must never be published).
    """
    if result.coefficients is None:
        raise BaselineNotUsableError("The baseline was not estimated; it cannot predict.")
    if not result.is_valid and not allow_invalid:
        raise BaselineNotUsableError("The baseline is not valid; it must not be used for savings.")
    columns = _reporting_columns(result, variables)
    length = len(next(iter(columns.values())))
    prediction = np.full(length, result.coefficients[INTERCEPT], dtype=np.float64)
    for name in result.variable_names:
        prediction = prediction + result.coefficients[name] * columns[name]
    return prediction


def adjusted_baseline(result: BaselineResult, variables: Mapping[str, Sequence[float]]) -> FloatArray:
    """Alias of :func:`predict` under the ISO 50006 name."""
    return predict(result, variables)


def avoided_energy(actual: Sequence[float], adjusted: Sequence[float]) -> FloatArray:
    """Per-period avoided energy: adjusted baseline − actual (positive = saving)."""
    actual_array, adjusted_array = _paired(actual, adjusted)
    return adjusted_array - actual_array


def senpi(actual: Sequence[float], adjusted: Sequence[float]) -> float:
    """SEnPI (forecast form) = Σ actual / Σ adjusted baseline; below 1 means improvement."""
    actual_array, adjusted_array = _paired(actual, adjusted)
    total_adjusted = float(np.sum(adjusted_array))
    if total_adjusted <= 0.0:
        raise ValueError("The adjusted baseline total must be positive for SEnPI.")
    return float(np.sum(actual_array)) / total_adjusted


def improvement_percent(senpi_value: float) -> float:
    """Energy performance improvement (%) = (1 − SEnPI) × 100."""
    return (1.0 - senpi_value) * 100.0


def cusum(actual: Sequence[float], expected: Sequence[float]) -> list[float]:
    """CUSUM_T = Σ_{t≤T} (actual_t − expected_t), the Harris/Vesma convention.

    A falling line is a persistent saving, a rising line persistent waste. The chart's axis must say
    "actual − expected"; the worked example's "cumulative savings" row is this series negated.
    """
    actual_array, expected_array = _paired(actual, expected)
    return [float(v) for v in np.cumsum(actual_array - expected_array)]


def uncertainty_alpha(frequency: DataFrequency, baseline_points: int) -> float:
    """The empirical G14 factor α: 1.26 for hourly data, a quadratic in months of data otherwise."""
    if frequency is DataFrequency.HOURLY:
        return 1.26
    if frequency is DataFrequency.DAILY:
        months = baseline_points / 30.0
        return -0.00024 * months**2 + 0.03535 * months + 1.00286
    return -0.00022 * baseline_points**2 + 0.03306 * baseline_points + 0.94054


@dataclass(frozen=True)
class SavingsUncertainty:
    """ASHRAE G14 savings uncertainty at one confidence level.

    ``absolute`` is ±ΔE_save in energy units; ``fractional`` is ΔE_save / |savings| (the FSU),
    ``None`` when the savings are exactly zero. ``absolute`` is infinite when the autocorrelation
    correction leaves no degrees of freedom.
    """

    confidence_level: float
    t_statistic: float
    alpha: float
    effective_points: float
    autocorrelation_corrected: bool
    absolute: float
    fractional: float | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "confidence_level": self.confidence_level,
            "t_statistic": _json_float(self.t_statistic),
            "alpha": self.alpha,
            "effective_points": _json_float(self.effective_points),
            "autocorrelation_corrected": self.autocorrelation_corrected,
            "absolute": _json_float(self.absolute),
            "fractional": _json_float(self.fractional),
        }


def savings_uncertainty(
    result: BaselineResult,
    *,
    adjusted_baseline_total: float,
    savings_total: float,
    reporting_points: int,
    confidence_level: float,
) -> SavingsUncertainty:
    """G14 fractional savings uncertainty (METHODS §1.8, G14-2014 Annex B Eq. B-22 form).

    FSU = t(1 − (1 − CL)/2, n − p) · α · sqrt(MSE · (1 + 2/n) · m) / (m · ȳ · F),  F = savings / E_adj.

    The absolute uncertainty FSU · savings simplifies to t·α·sqrt(MSE·(1 + 2/n)·m) · E_adj / (m·ȳ),
    which stays defined when the savings are zero or negative, so it is computed first.
    For daily or hourly data with lag-1 residual autocorrelation ρ ≥ 0.5, n is replaced by
    n' = n(1 − ρ)/(1 + ρ) in the degrees of freedom, MSE and (1 + 2/n'); monthly data never are.
    """
    if result.sse is None or result.mean_energy is None or result.residual_autocorrelation is None:
        raise BaselineNotUsableError("The baseline was not estimated; it has no savings uncertainty.")
    if not 0.0 < confidence_level < 1.0:
        raise ValueError("confidence_level must be in (0, 1).")
    if reporting_points < 1:
        raise ValueError("reporting_points must be at least 1.")
    n = float(result.n)
    p = result.parameter_count
    rho = result.residual_autocorrelation
    corrected = (
        result.data_frequency is not DataFrequency.MONTHLY
        and not math.isnan(rho)
        and rho >= result.thresholds.autocorrelation_correction_from
    )
    effective_points = n * (1.0 - rho) / (1.0 + rho) if corrected else n
    alpha = uncertainty_alpha(result.data_frequency, result.n)
    degrees_of_freedom = effective_points - p
    if degrees_of_freedom <= 0.0:
        t_statistic = math.inf
        absolute = math.inf
    else:
        t_statistic = float(stats.t.ppf(1.0 - (1.0 - confidence_level) / 2.0, degrees_of_freedom))
        mse = result.sse / degrees_of_freedom
        m = float(reporting_points)
        spread = math.sqrt(mse * (1.0 + 2.0 / effective_points) * m)
        absolute = t_statistic * alpha * spread * adjusted_baseline_total / (m * result.mean_energy)
    fractional = None if savings_total == 0.0 else absolute / abs(savings_total)
    return SavingsUncertainty(
        confidence_level=confidence_level,
        t_statistic=t_statistic,
        alpha=alpha,
        effective_points=effective_points,
        autocorrelation_corrected=corrected,
        absolute=absolute,
        fractional=fractional,
    )


@dataclass(frozen=True)
class RatioComparison:
    """The simple ratio EnPI (Σ energy / Σ driver) of both periods: *not normalized*.

    It is the fallback when no valid baseline exists, and the naive figure to show beside the
    normalized one (METHODS §1.9: 4.43 % naive vs 3.63 % normalized).
    """

    driver: str
    baseline_ratio: float
    reporting_ratio: float

    @property
    def change_percent(self) -> float:
        """Reduction of the ratio in percent (positive = lower intensity)."""
        return (1.0 - self.reporting_ratio / self.baseline_ratio) * 100.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "driver": self.driver,
            "normalized": False,
            "baseline_ratio": _json_float(self.baseline_ratio),
            "reporting_ratio": _json_float(self.reporting_ratio),
            "change_percent": _json_float(self.change_percent),
        }


def ratio_enpi(energy: Sequence[float], driver: Sequence[float]) -> float:
    """Σ energy / Σ driver (a ratio of totals, not a mean of monthly ratios)."""
    energy_array, driver_array = _paired(energy, driver)
    total_driver = float(np.sum(driver_array))
    if total_driver <= 0.0:
        raise ValueError("The driver total must be positive for a ratio EnPI.")
    return float(np.sum(energy_array)) / total_driver


@dataclass(frozen=True)
class ReportingResult:
    """Savings of one reporting period against a usable baseline."""

    period_labels: tuple[str, ...] | None
    actual: tuple[float, ...]
    adjusted_baseline: tuple[float, ...]
    avoided_energy: tuple[float, ...]
    cusum: tuple[float, ...]
    total_actual: float
    total_adjusted_baseline: float
    total_avoided_energy: float
    senpi: float
    improvement_percent: float
    uncertainties: tuple[SavingsUncertainty, ...]

    @property
    def savings_fraction(self) -> float:
        """F of G14 Eq. B-22: total avoided energy / adjusted baseline total."""
        return self.total_avoided_energy / self.total_adjusted_baseline

    def uncertainty_at(self, confidence_level: float) -> SavingsUncertainty:
        for uncertainty in self.uncertainties:
            if math.isclose(uncertainty.confidence_level, confidence_level):
                return uncertainty
        raise KeyError(confidence_level)

    def to_dict(self) -> dict[str, Any]:
        return {
            "period_labels": None if self.period_labels is None else list(self.period_labels),
            "reporting_points": len(self.actual),
            "actual": [_json_float(v) for v in self.actual],
            "adjusted_baseline": [_json_float(v) for v in self.adjusted_baseline],
            "avoided_energy": [_json_float(v) for v in self.avoided_energy],
            "cusum": [_json_float(v) for v in self.cusum],
            "cusum_convention": "actual_minus_expected",
            "total_actual": _json_float(self.total_actual),
            "total_adjusted_baseline": _json_float(self.total_adjusted_baseline),
            "total_avoided_energy": _json_float(self.total_avoided_energy),
            "savings_fraction": _json_float(self.savings_fraction),
            "senpi": _json_float(self.senpi),
            "improvement_percent": _json_float(self.improvement_percent),
            "uncertainties": [uncertainty.to_dict() for uncertainty in self.uncertainties],
        }


@dataclass(frozen=True)
class BaselineReport:
    """Baseline plus reporting period, bundled for the UI and the API.

    ``reporting`` is ``None`` whenever the report is not valid (baseline refused, or reporting
    conditions outside the baseline range): the UI then shows the reasons and, if present, the
    ratio comparison labelled "not normalized".
    """

    baseline: BaselineResult
    grade: Grade
    reasons: tuple[GateFailure, ...]
    reporting: ReportingResult | None
    ratio_comparison: RatioComparison | None

    @property
    def is_valid(self) -> bool:
        return self.grade is not Grade.NOT_VALID

    def to_dict(self) -> dict[str, Any]:
        return {
            "grade": str(self.grade),
            "is_valid": self.is_valid,
            "reasons": [reason.to_dict() for reason in self.reasons],
            "baseline": self.baseline.to_dict(),
            "reporting": None if self.reporting is None else self.reporting.to_dict(),
            "ratio_comparison": None if self.ratio_comparison is None else self.ratio_comparison.to_dict(),
        }


def evaluate(
    baseline: BaselineResult,
    *,
    actual: Sequence[float],
    variables: Mapping[str, Sequence[float]],
    period_labels: Sequence[str] | None = None,
    confidence_levels: Sequence[float] = (0.68, 0.90),
    ratio_driver: str | None = None,
) -> BaselineReport:
    """Judge a reporting period against a baseline and compute its savings.

    Order of judgement: the baseline's own grade; then the DOE range rule for the reporting
    conditions; then the savings uncertainty at ``thresholds.fsu_confidence_level`` (always
    computed, whatever ``confidence_levels`` says), which can only lower the grade to caution.
    """
    actual_array = _finite_vector(actual, "actual energy")
    columns = _reporting_columns(baseline, variables)
    for name, column in columns.items():
        if column.size != actual_array.size:
            raise ValueError(
                f"Variable “{name}” has {column.size} reporting values but actual energy has "
                f"{actual_array.size}."
            )
    labels = _labels(period_labels, actual_array.size)

    ratio_comparison = None
    if ratio_driver is not None:
        if ratio_driver not in baseline.variables:
            raise ValueError(f"Unknown ratio driver “{ratio_driver}”.")
        ratio_comparison = RatioComparison(
            driver=ratio_driver,
            baseline_ratio=ratio_enpi(baseline.energy, baseline.variables[ratio_driver]),
            reporting_ratio=ratio_enpi(actual_array.tolist(), columns[ratio_driver].tolist()),
        )

    reasons = list(baseline.reasons)
    if baseline.is_estimated:
        reasons.extend(check_reporting_range(baseline, variables))
    if not baseline.is_valid or _grade(reasons) is Grade.NOT_VALID:
        return BaselineReport(
            baseline=baseline,
            grade=Grade.NOT_VALID,
            reasons=tuple(reasons),
            reporting=None,
            ratio_comparison=ratio_comparison,
        )

    expected = predict(baseline, variables)
    per_period_savings = expected - actual_array
    total_actual = float(np.sum(actual_array))
    total_expected = float(np.sum(expected))
    total_savings = total_expected - total_actual
    gate_level = baseline.thresholds.fsu_confidence_level
    levels = sorted({*confidence_levels, gate_level})
    uncertainties = tuple(
        savings_uncertainty(
            baseline,
            adjusted_baseline_total=total_expected,
            savings_total=total_savings,
            reporting_points=int(actual_array.size),
            confidence_level=level,
        )
        for level in levels
    )
    senpi_value = senpi(actual_array.tolist(), expected.tolist())
    reporting = ReportingResult(
        period_labels=labels,
        actual=tuple(float(v) for v in actual_array),
        adjusted_baseline=tuple(float(v) for v in expected),
        avoided_energy=tuple(float(v) for v in per_period_savings),
        cusum=tuple(cusum(actual_array.tolist(), expected.tolist())),
        total_actual=total_actual,
        total_adjusted_baseline=total_expected,
        total_avoided_energy=total_savings,
        senpi=senpi_value,
        improvement_percent=improvement_percent(senpi_value),
        uncertainties=uncertainties,
    )
    reasons.extend(_uncertainty_gates(reporting.uncertainty_at(gate_level), baseline.thresholds))
    return BaselineReport(
        baseline=baseline,
        grade=_grade(reasons),
        reasons=tuple(reasons),
        reporting=reporting,
        ratio_comparison=ratio_comparison,
    )


def combined_senpi(reports: Sequence[BaselineReport]) -> float:
    """SEnPI over several energy sources: Σ actual / Σ adjusted baseline across their reports.

    Each source needs its own usable model (DOE: one valid model per energy source included), and
    all reports must already be in one common energy unit; a report without reporting results
    (not valid) refuses the whole combination rather than silently dropping a source.
    """
    if not reports:
        raise ValueError("combined_senpi needs at least one report.")
    total_actual = 0.0
    total_adjusted = 0.0
    for report in reports:
        if report.reporting is None:
            raise BaselineNotUsableError("One energy source has no valid baseline; SEnPI cannot be combined.")
        total_actual += report.reporting.total_actual
        total_adjusted += report.reporting.total_adjusted_baseline
    if total_adjusted <= 0.0:
        raise ValueError("The adjusted baseline total must be positive for SEnPI.")
    return total_actual / total_adjusted


def _uncertainty_gates(uncertainty: SavingsUncertainty, thresholds: BaselineThresholds) -> list[GateFailure]:
    """FSU between the valid and caution limits is amber (METHODS §1.5). METHODS does not grade an
    FSU at or above 100 %; the savings are then indistinguishable from zero, which the platform
    shows as amber with its own code rather than hiding the figure (METHODS §1.9 asks to show it).
    """
    fsu = math.inf if uncertainty.fractional is None else uncertainty.fractional
    params: dict[str, str | int | float] = {
        "fsu_percent": 100.0 * fsu,
        "confidence_percent": _percent_label(uncertainty.confidence_level),
    }
    if fsu >= thresholds.fsu_caution_below:
        return [GateFailure(GateCode.SAVINGS_WITHIN_UNCERTAINTY, Severity.CAUTION, params)]
    if fsu >= thresholds.fsu_valid_below:
        params["limit_percent"] = _percent_label(thresholds.fsu_valid_below)
        return [GateFailure(GateCode.FSU, Severity.CAUTION, params)]
    return []


# --------------------------------------------------------------------------------------------------
# Helpers


def _finite_vector(values: Sequence[float], name: str) -> FloatArray:
    array = np.asarray(values, dtype=np.float64)
    if array.ndim != 1:
        raise ValueError(f"“{name}” must be a one-dimensional sequence of numbers.")
    if array.size == 0:
        raise ValueError(f"“{name}” is empty.")
    if not bool(np.all(np.isfinite(array))):
        raise ValueError(f"“{name}” contains missing or non-finite values.")
    return array


def _paired(first: Sequence[float], second: Sequence[float]) -> tuple[FloatArray, FloatArray]:
    first_array = _finite_vector(first, "first series")
    second_array = _finite_vector(second, "second series")
    if first_array.shape != second_array.shape:
        raise ValueError("The two series must have the same length.")
    return first_array, second_array


def _labels(labels: Sequence[str] | None, length: int) -> tuple[str, ...] | None:
    if labels is None:
        return None
    if len(labels) != length:
        raise ValueError(f"There are {len(labels)} period labels for {length} periods.")
    return tuple(str(label) for label in labels)


def _reporting_columns(
    result: BaselineResult, variables: Mapping[str, Sequence[float]]
) -> dict[str, FloatArray]:
    """The reporting-period variables, exactly the baseline's names (a stray name is a typo)."""
    expected, given = set(result.variable_names), set(variables)
    if expected != given:
        missing = ", ".join(sorted(expected - given)) or "none"
        unknown = ", ".join(sorted(given - expected)) or "none"
        raise ValueError(
            f"Reporting variables do not match the baseline (missing: {missing}; unknown: {unknown})."
        )
    columns = {name: _finite_vector(variables[name], name) for name in result.variable_names}
    lengths = {column.size for column in columns.values()}
    if len(lengths) != 1:
        raise ValueError("All reporting variables must have the same number of periods.")
    return columns


def _keyed(keys: tuple[str, ...], values: Any) -> dict[str, float]:
    return {key: float(value) for key, value in zip(keys, np.asarray(values, dtype=np.float64), strict=True)}


def _percent_label(fraction: float) -> str:
    """0.2 → "20", 0.675 → "67.5": limits shown as people write them."""
    return f"{100.0 * fraction:g}"


def _json_float(value: float | None) -> JsonNumber:
    """JSON has no NaN or infinity; both become null."""
    if value is None or not math.isfinite(value):
        return None
    return float(value)


def _json_value(value: str | int | float) -> str | int | float | None:
    if isinstance(value, float):
        return _json_float(value)
    return value


def _json_mapping(mapping: Mapping[str, float] | None) -> dict[str, JsonNumber] | None:
    if mapping is None:
        return None
    return {key: _json_float(value) for key, value in mapping.items()}
