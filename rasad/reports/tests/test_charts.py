"""The report charts' SVG (axis labels that do not print over each other) and the period a
subscription receives."""

from __future__ import annotations

import itertools
import re

import pytest

from rasad.reports.charts import line_chart


@pytest.mark.parametrize("count", [1, 2, 5, 6, 7, 12, 13, 24])
def test_month_labels_keep_at_least_a_step_apart_and_the_last_is_always_shown(count: int) -> None:
    labels = [f"m{index}" for index in range(count)]
    svg = line_chart(labels, [float(index) for index in range(count)])
    shown = [int(match) for match in re.findall(r">m(\d+)<", svg)]
    assert shown[0] == 0 and shown[-1] == count - 1
    step = max(1, -(-count // 6))
    assert all(later - earlier >= step for earlier, later in itertools.pairwise(shown))
    assert len(shown) <= 7


def test_the_period_a_subscription_receives() -> None:
    """Monthly: the last closed month. Quarterly: the last closed season for the case status
    report, and that season's last month (with its trend) for the monthly indicators report."""
    from datetime import date

    from rasad.reports.tasks import period_for

    day = date(2024, 10, 23)  # 2 Aban 1403: Mehr and the summer are the last closed periods
    assert period_for("indicators-monthly", "monthly", day).key == "1403-07"
    assert period_for("case-status", "monthly", day).key == "1403-07"
    assert period_for("case-status", "quarterly", day).key == "1403-S2"
    assert period_for("indicators-monthly", "quarterly", day).key == "1403-06"
