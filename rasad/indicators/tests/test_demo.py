"""The indicator demo: loads on the core demo, is idempotent, and has a valid baseline,
breaches and a published ranking."""

from __future__ import annotations

from rasad.core.demo import load_demo as load_core_demo
from rasad.core.models import Organization
from rasad.indicators.deadlines import collecting_period, owed_reports
from rasad.indicators.demo import load_demo
from rasad.indicators.energy import report
from rasad.indicators.models import Alert, Baseline, Observation, Scorecard
from rasad.indicators.scoring import results
from rasad.lib.jalali import today_in_tehran


def test_demo_loads_once_with_a_valid_baseline_and_a_ranking(db):
    load_core_demo()
    assert load_demo() is True
    count = Observation.objects.count()
    assert count > 2000
    assert load_demo() is False
    assert Observation.objects.count() == count
    assert Alert.objects.filter(organization__code="IMIDRO-M4-S1").exists()
    body = report(Baseline.objects.get(organization__code="IMIDRO-M1-S1"))
    assert body["is_valid"] is True, body["reasons"]
    group = results(Scorecard.objects.get())["groups"][0]
    assert group["is_ranked"] is True
    assert sorted(e["rank"] for e in group["entities"])[0] == 1
    # The sites' assignments date from the start of the history, so the last month (left as a
    # draft) is owed, and no earlier one: it was submitted.
    today = today_in_tehran()
    site = Organization.objects.get(code="IMIDRO-M1-S1")
    assert [r.period for r in owed_reports([site], today)] == [collecting_period("month", today)]
