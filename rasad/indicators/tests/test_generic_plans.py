"""Small batches on PostgreSQL's generic plans (``reporting.GENERIC_PLANS_BELOW``): the write's
transaction runs its prepared statements on plans made once per connection, its check's and
history's statements written so that such a plan reads each (organization, period) pair and each
series' window by index (``reporting._pairs``). The same writes on plans made for their values
give the same answers: values accepted, updated or unchanged, a period approved meanwhile
refused, outliers against three years of record and a rule's finding flagged alike, the same
stored rows. A batch of ``GENERIC_PLANS_BELOW`` rows or more keeps plans made for its values."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

from rasad.conftest import client_for
from rasad.indicators import rollups
from rasad.indicators.actions import do_approve_period, do_submit_period, reporting
from rasad.indicators.models import Indicator, IndicatorRule, Observation, ObservationBatch
from rasad.indicators.testing import new_batch
from rasad.testing.cast import Cast

BULK = "/api/v1/observations/bulk/"


def _row(indicator: str, period: str, value: float) -> dict[str, Any]:
    return {"organization": "ISF-P1", "indicator": indicator, "period": period, "value": value}


def _writes(cast: Cast) -> list[tuple[int, Any]]:
    """Three years of record (one batch of 72 rows), a period approved, then one-row and small
    writes: an outlier, the same key updated, a value the rule flags, a new series, a batch
    again unchanged, a write to the approved period, a batch with one good row and one outlier."""
    client = client_for(cast.ali)
    record = [
        _row(code, f"{year}-{month:02d}", 100 + month % 3)
        for code in ("ELEC_CONS", "ELEC_SELF")
        for year in (1399, 1400, 1401)
        for month in range(1, 13)
    ]
    answers: list[tuple[int, Any]] = []
    response = client.post(BULK, {"batch_id": new_batch(), "observations": record}, format="json")
    answers.append((response.status_code, response.json()))
    do_submit_period(cast.isfahan_post, "1401-12", acting_user=cast.ali)
    do_approve_period(cast.isfahan_post, "1401-12", acting_user=cast.alice)
    batches = [
        [_row("ELEC_CONS", "1402-01", 900)],
        [_row("ELEC_CONS", "1402-01", 101)],
        [_row("ELEC_SELF", "1402-01", 500)],  # more than consumed: the rule's finding
        [_row("GAS_CONS", "1402-01", 7)],
        [_row("GAS_CONS", "1402-01", 7)],
        [_row("ELEC_CONS", "1401-12", 5)],
        [_row("ELEC_CONS", "1402-02", 102), _row("ELEC_SELF", "1402-02", 9_000)],
    ]
    for rows in batches:
        response = client.post(BULK, {"batch_id": new_batch(), "observations": rows}, format="json")
        answer = response.json()
        answer.get("error", {}).pop("request_id", None)  # each request's own
        answers.append((response.status_code, answer))
    return answers


def _stored() -> list[tuple[Any, ...]]:
    return sorted(
        Observation.objects.values_list(
            "organization_id", "indicator_id", "period_key", "value", "status", "findings"
        )
    )


def _noting_the_plans(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The plan mode each batch's history was read in."""
    modes: list[str] = []
    read_stored = reporting._read_stored

    def noting_the_mode(*args: Any, **kwargs: Any) -> Any:
        with connection.cursor() as cursor:
            cursor.execute("SHOW plan_cache_mode")
            modes.append(cursor.fetchone()[0])
        return read_stored(*args, **kwargs)

    monkeypatch.setattr(reporting, "_read_stored", noting_the_mode)
    return modes


@pytest.mark.postgres
def test_small_batches_on_generic_plans_answer_as_on_plans_for_their_values(
    assigned: Cast, monkeypatch: pytest.MonkeyPatch
):
    indicators = {i.code: i for i in Indicator.objects.filter(code__in=("ELEC_CONS", "ELEC_SELF"))}
    # The starter catalogue's rule: self-generated electricity at most what was consumed.
    assert IndicatorRule.objects.filter(left=indicators["ELEC_SELF"], right=indicators["ELEC_CONS"]).exists()
    modes = _noting_the_plans(monkeypatch)
    # First on plans made for the values. (The test's transaction holds every request's: the
    # setting, once made, lasts until the test ends.)
    monkeypatch.setattr(reporting, "GENERIC_PLANS_BELOW", 0)
    custom = _writes(assigned), _stored()
    # Every batch that reached the history: the record, and all but the refused one.
    assert modes == ["auto"] * 7
    # Again from nothing, on generic plans.
    Observation.objects.all().delete()
    ObservationBatch.objects.all().delete()
    rollups.rebuild()
    modes.clear()
    monkeypatch.setattr(reporting, "GENERIC_PLANS_BELOW", 200)
    generic = _writes(assigned), _stored()
    assert modes == ["force_generic_plan"] * 7
    assert generic == custom
    answers, stored = generic
    assert [status for status, _answer in answers] == [200] * 6 + [400, 200]
    assert answers[5][1] == answers[4][1] | {"created": 0, "unchanged": 1}
    findings = {(row[1], row[2]): [f["code"] for f in row[5]] for row in stored}
    assert findings[(indicators["ELEC_CONS"].id, "1402-01")] == []  # 101 replaced the outlier
    assert findings[(indicators["ELEC_SELF"].id, "1402-01")] == ["outlier", "rule"]
    assert findings[(indicators["ELEC_SELF"].id, "1402-02")] == ["outlier", "rule"]
    assert findings[(indicators["ELEC_CONS"].id, "1402-02")] == []


@pytest.mark.postgres
def test_a_batch_of_the_limit_or_more_keeps_plans_made_for_its_values(
    assigned: Cast, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(reporting, "GENERIC_PLANS_BELOW", 2)
    modes = _noting_the_plans(monkeypatch)
    client = client_for(assigned.ali)
    for rows in (
        [_row("ELEC_CONS", "1402-03", 1), _row("GAS_CONS", "1402-03", 1)],
        [_row("ELEC_CONS", "1402-01", 1)],
    ):
        response = client.post(BULK, {"batch_id": new_batch(), "observations": rows}, format="json")
        assert response.status_code == 200
    # (The test's transaction holds both requests': the second's setting would outlast it.)
    assert modes == ["auto", "force_generic_plan"]
