"""An energy baseline's report, computed from approved observations with the tested method
(``rasad.indicators.methods.baseline``). Months where the energy value or any driver is not
approved are left out of both periods; a report that cannot be judged says why."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from rasad.indicators.choices import ObservationStatus
from rasad.indicators.methods import baseline as method
from rasad.indicators.models import Baseline, Observation
from rasad.lib.jalali import JalaliPeriod, periods_between


@dataclass
class BaselineData:
    baseline_periods: list[str]
    energy: list[float]
    variables: dict[str, list[float]]
    reporting_periods: list[str]
    actual: list[float]
    reporting_variables: dict[str, list[float]]


def collect(baseline: Baseline) -> BaselineData:
    drivers = list(baseline.drivers.order_by("code"))
    indicator_ids = [baseline.energy_indicator_id, *[d.pk for d in drivers]]
    base = periods_between(
        JalaliPeriod.parse(baseline.baseline_start), JalaliPeriod.parse(baseline.baseline_end)
    )
    rep = periods_between(
        JalaliPeriod.parse(baseline.reporting_start), JalaliPeriod.parse(baseline.reporting_end)
    )
    values: dict[tuple[int, str], float] = {
        (indicator_id, key): value
        for indicator_id, key, value in Observation.objects.filter(
            organization_id=baseline.organization_id,
            indicator_id__in=indicator_ids,
            period_key__in=[p.key for p in base + rep],
            status=ObservationStatus.APPROVED,
        ).values_list("indicator_id", "period_key", "value")
    }

    def complete(periods: list[JalaliPeriod]) -> list[str]:
        return [p.key for p in periods if all((i, p.key) in values for i in indicator_ids)]

    base_keys, rep_keys = complete(base), complete(rep)
    return BaselineData(
        baseline_periods=base_keys,
        energy=[values[(baseline.energy_indicator_id, k)] for k in base_keys],
        variables={d.code: [values[(d.pk, k)] for k in base_keys] for d in drivers},
        reporting_periods=rep_keys,
        actual=[values[(baseline.energy_indicator_id, k)] for k in rep_keys],
        reporting_variables={d.code: [values[(d.pk, k)] for k in rep_keys] for d in drivers},
    )


def report(baseline: Baseline) -> dict[str, Any]:
    """``BaselineReport.to_dict()`` plus the periods used; a gate refusal is a report too."""
    data = collect(baseline)
    periods = {"baseline": data.baseline_periods, "reporting": data.reporting_periods}
    if not data.baseline_periods:
        return {
            "grade": method.Grade.NOT_VALID.value,
            "is_valid": False,
            "reasons": [
                {
                    "code": "no_baseline_data",
                    "severity": "not_valid",
                    "message": _("No approved values in the baseline period."),
                    "params": {},
                }
            ],
            "baseline": None,
            "reporting": None,
            "ratio_comparison": None,
            "periods": periods,
        }
    result = method.fit_baseline(data.energy, data.variables, period_labels=data.baseline_periods)
    if not data.reporting_periods:
        body = {
            "grade": method.Grade.NOT_VALID.value,
            "is_valid": False,
            "reasons": [
                *[r.to_dict() for r in result.reasons],
                {
                    "code": "no_reporting_data",
                    "severity": "not_valid",
                    "message": _("No approved values in the reporting period."),
                    "params": {},
                },
            ],
            "baseline": result.to_dict(),
            "reporting": None,
            "ratio_comparison": None,
        }
    else:
        body = method.evaluate(
            result,
            actual=data.actual,
            variables=data.reporting_variables,
            period_labels=data.reporting_periods,
        ).to_dict()
    body["periods"] = periods
    return body
