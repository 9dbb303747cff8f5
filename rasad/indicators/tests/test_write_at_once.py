"""A write's rest in one statement (PostgreSQL, ``reporting._write_at_once``): the upsert, the
rollup deltas, the batch id's claim and the audit event together give what the same writes give
step by step (the answers, the stored values, the rollups, the batch ids and the audit trail), a
replayed batch id writes nothing, and an event the statement could not append is appended as
``record`` does."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.db import connection

from rasad.conftest import client_for
from rasad.core.audit_log import Appending
from rasad.core.audit_verify import verify
from rasad.core.models import AuditEvent
from rasad.indicators import rollups
from rasad.indicators.actions import reporting
from rasad.indicators.audit import appending_batch
from rasad.indicators.models import Observation, ObservationBatch, RollupDelta
from rasad.indicators.testing import indicator, new_batch
from rasad.testing.cast import Cast

BULK = "/api/v1/observations/bulk/"


def _writes(cast: Cast) -> list[dict[str, Any]]:
    """New values, changed values, unchanged ones, two sites side by side, a replayed batch id."""
    client = client_for(cast.ali)
    row = {"organization": "ISF-P1", "indicator": "ELEC_CONS"}
    bodies: list[dict[str, Any]] = [
        {"batch_id": "once-1", "observations": [{**row, "period": "1402-01", "value": 10}]},
        {"batch_id": "once-2", "observations": [{**row, "period": "1402-02", "value": 12}]},
        {"batch_id": "once-3", "observations": [{**row, "period": "1402-01", "value": 11}]},
        {
            "batch_id": "once-4",
            "observations": [
                {**row, "period": "1402-01", "value": 11},
                {**row, "period": "1402-03", "value": 13, "comment": "سه"},
                {"organization": "ISF-P1", "indicator": "GAS_CONS", "period": "1402-03", "value": 5},
            ],
        },
        # A late retry of the first batch: the stored answer, nothing written.
        {"batch_id": "once-1", "observations": [{**row, "period": "1402-01", "value": 10}]},
        {"batch_id": "once-5", "observations": [{**row, "period": "1402-02", "value": 12}]},
    ]
    answers = []
    for body in bodies:
        response = client.post(BULK, body, format="json")
        assert response.status_code == 200, response.content
        answers.append(response.json())
    return answers


def _state() -> dict[str, Any]:
    return {
        "observations": sorted(
            Observation.objects.values_list(
                "organization_id", "indicator_id", "period_key", "value", "comment", "status", "findings"
            )
        ),
        "rollups": rollups.snapshot(),
        "batches": sorted(ObservationBatch.objects.values_list("batch_id", "digest", "result")),
        "events": _events(),
    }


def _events() -> list[tuple[Any, ...]]:
    return sorted(
        (e.event_type, e.organization_id, e.actor_id, e.object_type, json.dumps(json.loads(e.body)["new"]))
        for e in AuditEvent.objects.filter(event_type=210)
    )


@pytest.mark.postgres
def test_writes_at_once_give_what_the_same_writes_step_by_step_give(
    assigned: Cast, monkeypatch: pytest.MonkeyPatch
):
    fitted: list[bool] = []
    fits = reporting._at_once_fits

    def counted(*args: Any, **kwargs: Any) -> bool:
        fitted.append(fits(*args, **kwargs))
        return fitted[-1]

    monkeypatch.setattr(reporting, "_at_once_fits", counted)
    at_once = _writes(assigned), _state()
    # Every batch but the last, which changes nothing; the replay's statement was rolled back.
    assert fitted == [True] * 5 + [False]
    assert list(verify()) == []
    # Again from nothing, step by step (the audit trail is append-only: its events stay).
    Observation.objects.all().delete()
    ObservationBatch.objects.all().delete()
    rollups.rebuild()
    monkeypatch.setattr(reporting, "_at_once_fits", lambda *args, **kwargs: False)
    step_by_step = _writes(assigned), _state()
    assert step_by_step[0] == at_once[0]
    assert step_by_step[1]["observations"] == at_once[1]["observations"]
    assert step_by_step[1]["rollups"] == at_once[1]["rollups"]
    assert step_by_step[1]["batches"] == at_once[1]["batches"]
    assert step_by_step[1]["events"] == sorted(at_once[1]["events"] * 2)
    assert list(verify()) == []


@pytest.mark.postgres
def test_an_event_the_statement_could_not_append_is_appended_as_record_does(
    assigned: Cast, monkeypatch: pytest.MonkeyPatch
):
    """Every shard of the organization's chain held elsewhere, as the statement sees it (its
    event names no chain that exists): it appends no event, and the write appends it as
    ``record`` does, in the same transaction."""
    made: list[Appending] = []

    def nowhere(*args: Any, **kwargs: Any) -> Appending:
        appending = appending_batch(*args, **kwargs)
        appending.params["chains"] = ["org:0/0"]
        made.append(appending)
        return appending

    monkeypatch.setattr(reporting, "appending_batch", nowhere)
    client = client_for(assigned.ali)
    body = {
        "batch_id": new_batch(),
        "observations": [
            {"organization": "ISF-P1", "indicator": "ELEC_CONS", "period": "1402-01", "value": 7}
        ],
    }
    response = client.post(BULK, body, format="json")
    assert response.status_code == 200, response.content
    assert len(made) == 1
    event = AuditEvent.objects.get(event_type=210)
    assert event.pk == made[0].event.pk
    assert event.organization_id == assigned.isfahan_post.pk
    assert event.chain.startswith(f"org:{assigned.isfahan_post.pk}/")
    assert Observation.objects.get(period_key="1402-01").value == 7
    assert list(verify()) == []


@pytest.mark.postgres
@pytest.mark.parametrize(("total", "copied"), [(0.1 + 0.2, False), (float("inf"), True)])
def test_handed_over_deltas_keep_every_bit_and_a_value_not_finite_goes_by_copy(
    assigned: Cast, monkeypatch: pytest.MonkeyPatch, total: float, copied: bool
):
    """The deltas a write hands over to its statement travel as JSON: a float comes back exactly
    as sent; infinity, which JSON has no number for, is appended by COPY instead."""
    copies: list[int] = []
    append = rollups._append

    def counted(params: list[tuple[Any, ...]]) -> None:
        copies.append(len(params))
        append(params)

    monkeypatch.setattr(rollups, "_append", counted)
    deltas = rollups.Deltas()
    deltas.add(assigned.isfahan_post, "10", indicator("ELEC_CONS").pk, "1402-01", 1402, total=total, count=1)
    handed = deltas.apply(hand_over=True)
    with connection.cursor() as cursor:
        cursor.execute(f"WITH {rollups.APPEND_DELTAS} SELECT 1", [handed])
    assert bool(copies) == copied
    stored = set(RollupDelta.objects.values_list("organization_id", "total", "value_count"))
    ancestors = {assigned.national.pk, assigned.isfahan.pk, assigned.isfahan_post.pk}
    assert stored == {(pk, total, 1) for pk in ancestors}
