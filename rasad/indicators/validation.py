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
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.utils.translation import gettext_lazy as _

from rasad.indicators.choices import Severity
from rasad.indicators.models import Indicator, IndicatorRule
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


def _number(value: float) -> str:
    return format_number(round(value, 4), persian_digits=False)


def findings_for(
    indicator: Indicator,
    value: float,
    *,
    history: Sequence[float],
    period_values: Mapping[int, float],
    rules: Iterable[IndicatorRule],
) -> list[dict[str, Any]]:
    """Findings of one value. ``period_values`` holds the organization's values of the same
    period by indicator id (including this one); ``rules`` are the rules naming this indicator."""
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
    score = modified_z_score(value, history)
    if score is not None and abs(score) > OUTLIER_LIMIT:
        found.append(
            {
                "code": "outlier",
                "severity": Severity.WARNING,
                "params": {
                    "value": _number(value),
                    "score": _number(round(score, 2)),
                    "median": _number(statistics.median(history)),
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


def message(finding: Mapping[str, Any]) -> str:
    template = MESSAGES.get(finding.get("code", ""))
    if template is None:
        return str(finding.get("code", ""))
    text: str = str(template) % finding.get("params", {})
    return text


def has_errors(findings: Iterable[Mapping[str, Any]]) -> bool:
    return any(f.get("severity") == Severity.ERROR for f in findings)


def has_warnings(findings: Iterable[Mapping[str, Any]]) -> bool:
    return any(f.get("severity") == Severity.WARNING for f in findings)
