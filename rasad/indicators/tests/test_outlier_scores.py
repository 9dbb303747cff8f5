"""The batch's outlier scores (``validation.outlier_scores``, numpy) against the one-value
definition (``validation.modified_z_score``): the same score to the bit, the same values left
unscored, and the same findings stored by a batch as the one-value path gives."""

from __future__ import annotations

import random
import statistics

from rasad.conftest import client_for
from rasad.indicators import validation
from rasad.indicators.models import Indicator, IndicatorRule, Observation
from rasad.indicators.testing import new_batch
from rasad.lib.jalali import JalaliPeriod
from rasad.testing.cast import Cast

BULK = "/api/v1/observations/bulk/"


def _windows() -> list[tuple[float, list[float]]]:
    """Values with histories of every length up to beyond the window: random, with ties, constant
    (zero MAD), a single outlier in the history, and values far out (outliers)."""
    generator = random.Random(11)
    cases: list[tuple[float, list[float]]] = []
    for length in range(0, validation.HISTORY_WINDOW + 3):
        for _ in range(6):
            history = [round(generator.uniform(50, 5000), 3) for _ in range(length)]
            cases.append((round(generator.uniform(0, 9000), 3), history))
        cases.append((7.0, [5.0] * length))  # constant: MAD 0
        cases.append((1e6, [float(generator.choice((10, 11, 12))) for _ in range(length)]))  # ties
        cases.append((-250.5, [100.0 + (i % 4) * 0.1 for i in range(length)]))
    return cases


def test_batch_scores_equal_the_one_value_definition():
    cases = _windows()
    history: list[float] = []
    starts: list[int] = []
    for _value, window in cases:
        starts.append(len(history))
        history.extend(window)
    scored = validation.outlier_scores(
        [value for value, _window in cases], history, starts, [len(window) for _value, window in cases]
    )
    expected = []
    for value, window in cases:
        score = validation.modified_z_score(value, window)
        expected.append(None if score is None else (score, statistics.median(window)))
    assert scored == expected
    # Both branches were exercised: scored values, and values left unscored for each reason.
    assert sum(s is not None for s in scored) > len(cases) // 2
    assert any(
        s is None and len(w) >= validation.MINIMUM_HISTORY for s, (_v, w) in zip(scored, cases, strict=True)
    )
    assert any(
        s is None and len(w) < validation.MINIMUM_HISTORY for s, (_v, w) in zip(scored, cases, strict=True)
    )
    assert any(s is not None and abs(s[0]) > validation.OUTLIER_LIMIT for s in scored)


def test_overlapping_windows_are_read_from_one_history():
    """A series' values laid out once: each value's window is a slice of it."""
    series = [float(v) for v in (10, 12, 11, 13, 12, 11, 10, 12, 11, 13)]
    values = [12.5, 40.0, 11.0]
    starts, lengths = [0, 2, 4], [6, 8, 5]
    scored = validation.outlier_scores(values, series, starts, lengths)
    for (value, start, length), result in zip(zip(values, starts, lengths, strict=True), scored, strict=True):
        window = series[start : start + length]
        score = validation.modified_z_score(value, window)
        assert result == (None if score is None else (score, statistics.median(window)))
    assert scored[1] is not None and scored[1][0] > validation.OUTLIER_LIMIT
    assert scored[2] is None  # five earlier values: fewer than MINIMUM_HISTORY


def test_a_batch_stores_the_findings_of_the_one_value_path(assigned: Cast):
    """A batch over several series with history of different lengths, some values wild: each
    stored value's findings are what ``findings_for`` gives it from its window of the history
    stored before the batch (a batch's own values are not each other's history)."""
    client = client_for(assigned.ali)
    generator = random.Random(5)
    codes = ["ELEC_CONS", "GAS_CONS"]
    months = [
        JalaliPeriod.parse(f"{year}-{month:02d}") for year in (1399, 1400, 1401) for month in range(1, 13)
    ]
    history = [
        {
            "organization": "ISF-P1",
            "indicator": code,
            "period": period.key,
            "value": round(generator.uniform(90, 110), 2),
        }
        for code in codes
        for period in months[: 36 if code == "ELEC_CONS" else 8]  # a full window, and a short one
    ]
    response = client.post(BULK, {"batch_id": new_batch(), "observations": history}, format="json")
    assert response.status_code == 200, response.json()
    batch = [
        {"organization": "ISF-P1", "indicator": code, "period": f"1402-{month:02d}", "value": value}
        for code in codes
        for month, value in ((1, 100.0), (2, 900.0), (3, 101.5), (4, 5.0))
    ]
    response = client.post(BULK, {"batch_id": new_batch(), "observations": batch}, format="json")
    assert response.status_code == 200, response.json()
    stored = {
        (o.indicator.code, o.period_key): o
        for o in Observation.objects.select_related("indicator").filter(organization=assigned.isfahan_post)
    }
    wild = 0
    for row in batch:
        observation = stored[(str(row["indicator"]), str(row["period"]))]
        period = JalaliPeriod.parse(observation.period_key)
        first = period
        for _step in range(validation.HISTORY_WINDOW):
            first = first.previous()
        window = [
            o.value
            for (code, key), o in sorted(stored.items())
            if code == observation.indicator.code and first.key <= key < min(period.key, "1402-01")
        ]
        indicator = Indicator.objects.get(code=observation.indicator.code)
        expected = validation.findings_for(
            indicator,
            observation.value,
            history=window,
            period_values={o.indicator_id: o.value for (_c, key), o in stored.items() if key == period.key},
            rules=IndicatorRule.objects.filter(left=indicator).select_related("left", "right"),
        )
        assert observation.findings == expected
        wild += any(f["code"] == "outlier" for f in expected)
    assert wild >= 2
