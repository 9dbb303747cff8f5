"""Checks on reported values: ranges, outliers against the organization's own history, and rules
between indicators. Findings are stored on the observation as ``{"code", "severity", "params"}``
and rendered in the reader's language. A warning needs a comment before submission; an error
blocks submission.

Outliers use the modified z-score (Iglewicz and Hoaglin): M = 0.6745 (x − median) / MAD over the
organization's earlier values of the indicator; |M| > 3.5 is a warning. The history is the
organization's stored values of the indicator in the ``HISTORY_WINDOW`` periods before the reported
one (two years of months), so that a batch reads a bounded slice of history by index and costs
the same whatever the length of the record. At least ``MINIMUM_HISTORY`` earlier values are
needed, and a zero MAD (a constant history) skips the test.

A batch scores all its values at once (``outlier_scores``, with numpy): the same arithmetic, in
the same order, as ``modified_z_score`` for one value, so both give the same score to the bit.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
from django.utils.translation import gettext_lazy as _

from rasad.indicators.choices import Severity
from rasad.indicators.models import Indicator, IndicatorRule
from rasad.lib import formatting
from rasad.lib.persian import format_number

MINIMUM_HISTORY = 6
HISTORY_WINDOW = 24
OUTLIER_LIMIT = 3.5

MESSAGES = {
    "below_minimum": _("The value %(value)s is below the minimum %(limit)s."),
    "above_maximum": _("The value %(value)s is above the maximum %(limit)s."),
    "outlier": _(
        "The value %(value)s is unusual for this organization (modified z-score %(score)s; the median "
        "of its history is %(median)s)."
    ),
    "rule": _("%(left)s (%(left_value)s) should be %(operator)s %(factor)s × %(right)s (%(right_value)s)."),
}


def _median_of_sorted(ordered: Sequence[float]) -> float:
    """The median of values already in order, computed as ``statistics.median`` computes it."""
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def modified_z_score(value: float, history: Sequence[float]) -> float | None:
    # Called for every value of a batch with up to HISTORY_WINDOW earlier values: two sorts,
    # without statistics.median's checks around each.
    if len(history) < MINIMUM_HISTORY:
        return None
    median = _median_of_sorted(sorted(history))
    mad = _median_of_sorted(sorted([abs(x - median) for x in history]))
    if mad == 0:
        return None
    return 0.6745 * (value - median) / mad


def outlier_scores(
    values: Sequence[float], history: Sequence[float], starts: Sequence[int], lengths: Sequence[int]
) -> list[tuple[float, float] | None]:
    """``modified_z_score`` of many values at once, with each one's history median: for value
    ``i``, its history is ``history[starts[i] : starts[i] + lengths[i]]`` (a batch's series laid
    end to end, windows overlapping). ``None`` where ``modified_z_score`` gives none (fewer than
    ``MINIMUM_HISTORY`` values, or a zero MAD).

    Every history is sorted as one matrix, row by row (a batch's values have a few dozen lengths
    of history: a matrix each cost numpy's fixed cost a few dozen times,
    docs/development/benchmarks.md, "Ingest", session 27); the medians, deviations and score are
    the same operations on the same doubles as ``modified_z_score``'s (a middle element, or
    ``(a + b) / 2``; ``abs(x - median)``; ``0.6745 * (value - median) / mad``), so the scores are
    equal to the bit."""
    scores: list[tuple[float, float] | None] = [None] * len(values)
    all_lengths = np.asarray(lengths, dtype=np.intp)
    chosen = np.flatnonzero(all_lengths >= MINIMUM_HISTORY)
    if not chosen.size:
        return scores
    # One matrix for every length: each row its window, padded after its end with NaN, which
    # numpy sorts after every number, so that a row's first ``length`` places hold its window
    # in order and its medians are read at its own middle.
    counts = all_lengths[chosen]
    width = int(counts.max())
    flat = np.append(np.asarray(history, dtype=np.float64), np.nan)
    places = np.asarray(starts, dtype=np.intp)[chosen][:, None] + np.arange(width)
    padding = np.arange(width) >= counts[:, None]
    windows = flat[np.where(padding, flat.size - 1, places)]
    windows.sort(axis=1)
    median = _middles(windows, counts)
    deviations = np.abs(windows - median[:, None])
    deviations.sort(axis=1)
    mad = _middles(deviations, counts)
    with np.errstate(divide="ignore", invalid="ignore"):
        score = 0.6745 * (np.asarray(values, dtype=np.float64)[chosen] - median) / mad
    kept = mad != 0
    for index, value, centre in zip(
        chosen[kept].tolist(), score[kept].tolist(), median[kept].tolist(), strict=True
    ):
        scores[index] = (value, centre)
    return scores


def _middles(ordered: npt.NDArray[np.float64], counts: npt.NDArray[np.intp]) -> npt.NDArray[np.float64]:
    """Each row's median of a matrix sorted row by row, of its first ``counts`` places, as
    ``_median_of_sorted`` takes it: the middle one, or the two middle ones' mean."""
    rows = np.arange(len(counts))
    upper = ordered[rows, counts // 2]
    lower = ordered[rows, (counts - 1) // 2]
    result: npt.NDArray[np.float64] = np.where(counts % 2 == 1, upper, (lower + upper) / 2)
    return result


def _number(value: float) -> str:
    return format_number(round(value, 4), persian_digits=False)


def findings_for(
    indicator: Indicator,
    value: float,
    *,
    period_values: Mapping[int, float],
    rules: Iterable[IndicatorRule],
    history: Sequence[float] | None = None,
    scored: tuple[float, float] | None = None,
) -> list[dict[str, Any]]:
    """Findings of one value. ``period_values`` holds the organization's values of the same
    period by indicator id (including this one); ``rules`` are the rules naming this indicator.
    The outlier check reads ``history`` (the organization's earlier values of the indicator) or,
    for a batch scored at once by ``outlier_scores``, ``scored`` (the value's score and its
    history's median; ``None``: no score)."""
    found: list[dict[str, Any]] = []
    if indicator.minimum is not None and value < indicator.minimum:
        found.append(
            {
                "code": "below_minimum",
                "severity": Severity.ERROR,
                "params": {"value": _number(value), "limit": _number(indicator.minimum)},
            }
        )
    if indicator.maximum is not None and value > indicator.maximum:
        found.append(
            {
                "code": "above_maximum",
                "severity": Severity.ERROR,
                "params": {"value": _number(value), "limit": _number(indicator.maximum)},
            }
        )
    if history is not None:
        score = modified_z_score(value, history)
        # The median only for the few values that need the message.
        scored = (
            (score, statistics.median(history)) if score is not None and abs(score) > OUTLIER_LIMIT else None
        )
    if scored is not None and abs(scored[0]) > OUTLIER_LIMIT:
        found.append(
            {
                "code": "outlier",
                "severity": Severity.WARNING,
                "params": {
                    "value": _number(value),
                    "score": _number(round(scored[0], 2)),
                    "median": _number(scored[1]),
                },
            }
        )
    for rule in rules:
        left = period_values.get(rule.left_id)
        right = period_values.get(rule.right_id)
        if left is None or right is None:
            continue
        bound = rule.factor * right
        holds = {
            "<=": left <= bound,
            ">=": left >= bound,
            "<": left < bound,
            ">": left > bound,
        }[rule.operator]
        if not holds:
            found.append(
                {
                    "code": "rule",
                    "severity": rule.severity,
                    "params": {
                        "left": rule.left.code,
                        "left_value": _number(left),
                        "operator": rule.operator,
                        "factor": _number(rule.factor),
                        "right": rule.right.code,
                        "right_value": _number(right),
                    },
                }
            )
    return found


# The parameters of a finding that are numbers. A finding keeps them as Python writes them
# ("12,924.8", "-12.13"); its message shows them as every number is shown to its reader
# («۱۲٬۹۲۴٫۸», «−۱۲٫۱۳»), not as Latin separators between Persian digits.
NUMBER_PARAMS = frozenset({"value", "limit", "score", "median", "left_value", "factor", "right_value"})


def message(finding: Mapping[str, Any]) -> str:
    template = MESSAGES.get(finding.get("code", ""))
    if template is None:
        return str(finding.get("code", ""))
    params = {
        name: formatting.number(value) if name in NUMBER_PARAMS else value
        for name, value in finding.get("params", {}).items()
    }
    text: str = str(template) % params
    return text


def has_errors(findings: Iterable[Mapping[str, Any]]) -> bool:
    return any(f.get("severity") == Severity.ERROR for f in findings)


def has_warnings(findings: Iterable[Mapping[str, Any]]) -> bool:
    return any(f.get("severity") == Severity.WARNING for f in findings)
