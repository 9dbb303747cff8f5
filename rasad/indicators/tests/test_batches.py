"""Idempotency by request: a client's batch id makes a retry return the first answer and write
nothing, so a late retry cannot undo a later correction; twin batches at the same moment give one
write and the same answer, never a 500 (PostgreSQL)."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models import Sum

from rasad.conftest import client_for
from rasad.core.models import AuditEvent
from rasad.indicators import rollups
from rasad.indicators.actions import do_approve_period, do_submit_period, reporting
from rasad.indicators.models import Observation, ObservationBatch, Rollup
from rasad.indicators.testing import assign, fresh_references, merge_rows, new_batch, orphan_observations
from rasad.indicators.tests.conftest import ENERGY
from rasad.testing.api import assert_nothing_changed
from rasad.testing.cast import Cast, build_cast

BULK = "/api/v1/observations/bulk/"


def body(value: float, batch_id: str = "", months: int = 3) -> dict[str, object]:
    payload: dict[str, object] = {
        "observations": [
            {"organization": "ISF-P1", "indicator": "ELEC_CONS", "period": f"1402-{m:02d}", "value": value}
            for m in range(1, months + 1)
        ]
    }
    payload["batch_id"] = batch_id or new_batch()
    return payload


def test_same_batch_id_returns_the_stored_answer_and_writes_nothing(assigned: Cast):
    client = client_for(assigned.ali)
    first = client.post(BULK, body(100, "b-0001"), format="json")
    assert first.status_code == 200, first.json()
    assert first.json()["created"] == 3
    with assert_nothing_changed("indicators.observation", "indicators.rollup", "indicators.observationbatch"):
        again = client.post(BULK, body(100, "b-0001"), format="json")
    assert again.status_code == 200
    assert again.json() == first.json()


def test_a_retry_refused_now_still_gets_the_stored_answer(assigned: Cast):
    """The batch id is stored only by a batch that records, at its end; a retry whose period was
    approved since (its rows would now be refused) still gets the first answer, and nothing."""
    client = client_for(assigned.ali)
    first = client.post(BULK, body(100, "b-approved", months=1), format="json")
    assert first.status_code == 200, first.json()
    do_submit_period(assigned.isfahan_post, "1402-01", acting_user=assigned.ali)
    do_approve_period(assigned.isfahan_post, "1402-01", acting_user=assigned.alice)
    with assert_nothing_changed("indicators.observation", "indicators.rollup", "indicators.observationbatch"):
        again = client.post(BULK, body(100, "b-approved", months=1), format="json")
    assert again.status_code == 200
    assert again.json() == first.json()


def test_a_late_retry_cannot_undo_a_later_correction(assigned: Cast):
    client = client_for(assigned.ali)
    first = client.post(BULK, body(100, "b-first"), format="json")
    correction = client.post(BULK, body(120, "b-correction"), format="json")
    assert correction.json()["updated"] == 3
    late = client.post(BULK, body(100, "b-first"), format="json")
    assert late.json() == first.json()
    assert set(Observation.objects.values_list("value", flat=True)) == {120.0}
    assert AuditEvent.objects.filter(event_type=210).count() == 2


def test_a_batch_id_reused_for_other_rows_is_refused(assigned: Cast):
    client = client_for(assigned.ali)
    client.post(BULK, body(100, "b-reused"), format="json")
    with assert_nothing_changed("indicators.observation", "indicators.rollup"):
        response = client.post(BULK, body(101, "b-reused"), format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "already used for a different batch" in response.json()["error"]["fields"]["batch_id"][0]


def test_batch_ids_belong_to_their_sender(assigned: Cast):
    """Another person's batch id is not theirs to replay: it records normally."""
    client_for(assigned.ali).post(BULK, body(100, "b-shared"), format="json")
    kerman = {
        "batch_id": "b-shared",
        "observations": [
            {"organization": "KER-P1", "indicator": "ELEC_CONS", "period": "1402-01", "value": 7}
        ],
    }
    response = client_for(assigned.bahram).post(BULK, kerman, format="json")
    assert response.json()["created"] == 1
    assert ObservationBatch.objects.filter(batch_id="b-shared").count() == 2


def test_a_refused_batch_leaves_its_id_free(assigned: Cast):
    client = client_for(assigned.ali)
    bad = body(100, "b-bad")
    bad["observations"][0]["value"] = "x"  # type: ignore[index]
    assert client.post(BULK, bad, format="json").status_code == 400
    assert not ObservationBatch.objects.exists()
    assert client.post(BULK, body(100, "b-bad"), format="json").json()["created"] == 3


def test_applied_valid_rows_keep_their_rejections_in_the_stored_answer(assigned: Cast):
    client = client_for(assigned.ali)
    payload = body(100, "b-partial")
    payload["apply_valid_rows"] = True
    payload["observations"].append(  # type: ignore[attr-defined]
        {"organization": "KER-P1", "indicator": "ELEC_CONS", "period": "1402-05", "value": 1}
    )
    first = client.post(BULK, payload, format="json")
    assert [r["row"] for r in first.json()["rejected"]] == [3]
    assert client.post(BULK, payload, format="json").json() == first.json()


@pytest.mark.parametrize("batch_id", [None, "", "   "])
def test_a_batch_without_its_id_is_refused_naming_it(assigned: Cast, batch_id: object):
    payload = body(100)
    if batch_id is None:
        del payload["batch_id"]
    else:
        payload["batch_id"] = batch_id
    with assert_nothing_changed("indicators.observation"):
        response = client_for(assigned.ali).post(BULK, payload, format="json")
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["batch_id"]


def test_structural_errors_keep_their_paths(assigned: Cast):
    response = client_for(assigned.ali).post(
        BULK,
        {
            "batch_id": new_batch(),
            "observations": [{"organization": "", "indicator": None, "period": "1402-01"}, 5],
            "submit": "x",
        },
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {
        "observations.0.organization",
        "observations.0.indicator",
        "observations.0.value",
        "observations.1.non_field_errors",
        "submit",
    }


def test_null_characters_are_refused(assigned: Cast):
    payload = body(100)
    payload["observations"][0]["organization"] = "ISF-P1\x00"  # type: ignore[index]
    response = client_for(assigned.ali).post(BULK, payload, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "observations[0].organization" in response.json()["error"]["fields"]


def test_history_is_read_only_for_the_outlier_window(assigned: Cast):
    """The check judges a value by the 24 periods before it; a wild value 3 years back does not
    count, and the cost of a batch does not grow with the length of the record."""
    from django.db import connection as db
    from django.test.utils import CaptureQueriesContext

    client = client_for(assigned.ali)
    old = [
        {"organization": "ISF-P1", "indicator": "ELEC_CONS", "period": f"{y}-{m:02d}", "value": 100 + m % 3}
        for y in (1398, 1399, 1400, 1401)
        for m in range(1, 13)
    ]
    assert client.post(BULK, {"batch_id": new_batch(), "observations": old}, format="json").status_code == 200
    payload = {
        "batch_id": new_batch(),
        "observations": [
            {"organization": "ISF-P1", "indicator": "ELEC_CONS", "period": "1402-01", "value": 900}
        ],
    }
    sent: list[tuple[str, Any]] = []

    def record(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        sent.append((sql, params))
        return execute(sql, params, many, context)

    # The statements with their parameters: a prepared statement's logged text has none.
    with CaptureQueriesContext(db) as queries, db.execute_wrapper(record):
        assert client.post(BULK, payload, format="json").status_code == 200
    stored = Observation.objects.get(period_key="1402-01")
    assert [f["code"] for f in stored.findings] == ["outlier"]
    # The window's lower bound: Django's condition on SQLite, each series' own on PostgreSQL.
    window = ('period_key" >=', "period_key >= s.first_key")
    assert len([q for q in queries.captured_queries if any(w in q["sql"] for w in window)]) == 1
    history_reads = [params for sql, params in sent if any(w in sql for w in window)]
    assert len(history_reads) == 1
    # 24 months before 1402-01 (on PostgreSQL in an array of the series' first periods).
    assert any(p == "1400-01" or p == '{"1400-01"}' for p in history_reads[0])


@pytest.fixture
def committed(django_db_blocker) -> Cast:
    cast = build_cast()
    assign(cast.isfahan, *ENERGY)
    return cast


def _twins(cast: Cast, payload: dict[str, object], *, new_ids: bool = False) -> list[tuple[int, object]]:
    """The same batch sent twice at one moment (under one batch id, or each under its own)."""
    barrier = threading.Barrier(2)
    answers: list[tuple[int, object]] = []

    def send() -> None:
        from django.db import connections

        try:
            client = client_for(cast.ali)
            sent = {**payload, "batch_id": new_batch()} if new_ids else payload
            barrier.wait(timeout=10)
            response = client.post(BULK, sent, format="json")
            answers.append((response.status_code, response.json()))
        except Exception as error:  # reported by the assertions
            answers.append((0, repr(error)))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return answers


def _counts(answers: list[tuple[int, object]]) -> list[tuple[int, int, int]]:
    """(created, updated, unchanged) of each twin's answer (the API's body; a twin that failed
    answered its error's text instead), in order."""
    counts = []
    for _status, answer in answers:
        assert isinstance(answer, dict), answer
        counts.append((int(answer["created"]), int(answer["updated"]), int(answer["unchanged"])))
    return sorted(counts)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twin_batches_with_one_batch_id_write_once(committed: Cast):
    if connection.vendor != "postgresql":
        pytest.fail("this test needs DATABASE_URL pointing at PostgreSQL")
    for attempt in range(5):
        answers = _twins(committed, body(100 + attempt, f"twin-{attempt}", months=12))
        assert [status for status, _answer in answers] == [200, 200], answers
        assert answers[0][1] == answers[1][1]
    assert AuditEvent.objects.filter(event_type=210).count() == 5
    assert Observation.objects.count() == 12
    assert_rollups_exact()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twin_batches_under_two_batch_ids_never_fail(committed: Cast):
    """Issue 9's IntegrityError on observation_unique_period: two identical new batches at once,
    each under its own batch id (a client that sent it twice): one writes, the other finds the
    values there."""
    if connection.vendor != "postgresql":
        pytest.fail("this test needs DATABASE_URL pointing at PostgreSQL")
    for attempt in range(5):
        answers = _twins(committed, body(200 + attempt, months=12), new_ids=True)
        assert [status for status, _answer in answers] == [200, 200], answers
        counts = sorted((created + updated, unchanged) for created, updated, unchanged in _counts(answers))
        assert counts == [(0, 12), (12, 0)]
    assert Observation.objects.count() == 12
    national = rollups.sums(("organization_id",), {"n": "value_count"}, organization_id=committed.national.pk)
    assert national == [{"organization_id": committed.national.pk, "n": 12}]
    assert_rollups_exact()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twin_staged_batches_of_new_rows_never_fail(committed: Cast, monkeypatch):
    """A staged batch whose rows were all read as new inserts them without ``ON CONFLICT``; its
    twin under another batch id waits on the first one's (organization, period) locks, then
    reads the values as stored and writes nothing: never a unique violation."""
    if connection.vendor != "postgresql":
        pytest.fail("this test needs DATABASE_URL pointing at PostgreSQL")
    from rasad.indicators.actions import reporting

    monkeypatch.setattr(reporting, "COPY_THRESHOLD", 2)
    for year in (1400, 1401, 1402):
        rows = [
            {"organization": "ISF-P1", "indicator": "ELEC_CONS", "period": f"{year}-{m:02d}", "value": 300}
            for m in range(1, 13)
        ]
        answers = _twins(committed, {"observations": rows}, new_ids=True)
        assert [status for status, _answer in answers] == [200, 200], answers
        counts = _counts(answers)
        assert counts == [(0, 0, 12), (12, 0, 0)]
    assert Observation.objects.count() == 36
    assert_rollups_exact()


def assert_rollups_exact() -> None:
    # Deltas may be pending (a process folds at most once a second after a write's commit); the
    # snapshot folds them first.
    incremental = rollups.snapshot()
    assert rollups.pending() == 0
    rollups.rebuild()
    assert rollups.snapshot() == incremental


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_copy_batch_leaves_the_next_one_working(committed: Cast, monkeypatch):
    """The COPY staging table is temporary; a rollback drops it, and the next batch recreates it."""
    if connection.vendor != "postgresql":
        pytest.fail("this test needs DATABASE_URL pointing at PostgreSQL")
    from django.db import transaction

    from rasad.indicators.actions import reporting

    monkeypatch.setattr(reporting, "COPY_THRESHOLD", 2)
    client = client_for(committed.ali)

    def import_then_fail() -> None:
        with transaction.atomic():
            assert client.post(BULK, body(5, months=3), format="json").status_code == 200
            raise RuntimeError("roll back the import and its staging table")

    with pytest.raises(RuntimeError):
        import_then_fail()
    assert Observation.objects.count() == 0
    response = client.post(BULK, body(6, months=3), format="json")
    assert response.status_code == 200, response.content
    assert Observation.objects.count() == 3


def test_two_staged_batches_in_one_transaction_write_each_row_once(assigned: Cast, monkeypatch):
    """The staging tables (the observations', and the own rollup rows') keep their rows until
    commit: a second batch in the same transaction (the demo loads a year per batch) must not
    write the first one's rows again, over what happened to them in between (here a submit)."""
    from rasad.indicators.actions import reporting

    monkeypatch.setattr(reporting, "COPY_THRESHOLD", 2)
    monkeypatch.setattr(rollups, "OWN_ROWS_DIRECT", 2)
    client = client_for(assigned.ali)
    assert client.post(BULK, body(5, months=3), format="json").status_code == 200
    do_submit_period(assigned.isfahan_post, "1402-01", acting_user=assigned.ali)
    second = {
        "batch_id": new_batch(),
        "observations": [
            {"organization": "ISF-P1", "indicator": "GAS_CONS", "period": f"1402-{m:02d}", "value": 7}
            for m in range(1, 4)
        ],
    }
    assert client.post(BULK, second, format="json").status_code == 200
    assert Observation.objects.get(indicator__code="ELEC_CONS", period_key="1402-01").status == "submitted"
    rollups.fold()
    totals = dict(
        Rollup.objects.filter(organization=assigned.isfahan_post)
        .values_list("indicator__code")
        .annotate(total=Sum("total"))
    )
    assert totals == {"ELEC_CONS": 15.0, "GAS_CONS": 21.0}


def test_a_staged_batch_of_new_and_stored_rows_writes_each(assigned: Cast, monkeypatch: pytest.MonkeyPatch):
    """A large batch whose rows are all new is inserted without ``ON CONFLICT``; one that also
    changes stored rows is merged with it: both write every row once, and the rollups agree with
    the values."""
    from rasad.indicators.actions import reporting

    monkeypatch.setattr(reporting, "COPY_THRESHOLD", 2)
    client = client_for(assigned.ali)
    first = client.post(BULK, body(5, months=3), format="json")
    assert first.json()["created"] == 3
    rows = [
        {
            "organization": "ISF-P1",
            "indicator": "ELEC_CONS",
            "period": f"1402-{m:02d}",
            "value": 7 if m > 2 else 5,
        }
        for m in range(2, 6)
    ]
    second = client.post(BULK, {"batch_id": new_batch(), "observations": rows}, format="json")
    assert {k: second.json()[k] for k in ("created", "updated", "unchanged")} == {
        "created": 2,
        "updated": 1,
        "unchanged": 1,
    }
    stored = dict(Observation.objects.values_list("period_key", "value"))
    assert stored == {"1402-01": 5, "1402-02": 5, "1402-03": 7, "1402-04": 7, "1402-05": 7}
    assert_rollups_exact()
    national = rollups.sums(
        ("organization_id",), {"n": "value_count", "t": "total"}, organization_id=assigned.national.pk
    )
    assert national == [{"organization_id": assigned.national.pk, "n": 5, "t": 31}]


def test_batch_ids_are_forgotten_after_the_keep_days(assigned: Cast, settings):
    """The nightly job deletes batch ids older than RASAD_BATCH_KEEP_DAYS; a retry after that is
    a new batch, which writes nothing when the values are the same."""
    from datetime import timedelta

    from django.utils import timezone

    from rasad.indicators.tasks import prune_batches, prune_observation_batches
    from rasad.jobs.models import Schedule

    settings.RASAD_BATCH_KEEP_DAYS = 30
    client = client_for(assigned.ali)
    assert client.post(BULK, body(100, "b-old"), format="json").status_code == 200
    assert client.post(BULK, body(100, "b-new"), format="json").status_code == 200
    ObservationBatch.objects.filter(batch_id="b-old").update(created=timezone.now() - timedelta(days=31))
    assert prune_batches() == 1
    assert list(ObservationBatch.objects.values_list("batch_id", flat=True)) == ["b-new"]
    assert prune_batches() == 0  # idempotent
    again = client.post(BULK, body(100, "b-old"), format="json")
    assert again.status_code == 200
    assert again.json()["unchanged"] == 3
    assert Schedule.objects.filter(name="indicators-prune-batches").exists()
    assert prune_observation_batches.func() == 0


def test_a_staged_batch_gives_every_row_the_batch_s_status_source_reporter_and_times(
    assigned: Cast, monkeypatch: pytest.MonkeyPatch
):
    """A large batch's staging table holds what differs from row to row; what every row of the
    batch shares (status, source, reporter, times) is the merge's parameters (the threshold
    lowered here from 200 to 2): each new row gets them, and a row written again keeps its
    creation time and goes back to draft, as a small batch's rows do."""
    from rasad.indicators.actions import reporting

    monkeypatch.setattr(reporting, "COPY_THRESHOLD", 2)
    client = client_for(assigned.ali)
    assert client.post(BULK, body(5, months=3), format="json").status_code == 200
    first = {o.period_key: o for o in Observation.objects.all()}
    assert {(o.status, o.source, o.reported_by_id, o.created == o.last_updated) for o in first.values()} == {
        ("draft", "api", assigned.ali.pk, True)
    }
    do_submit_period(assigned.isfahan_post, "1402-01", acting_user=assigned.ali)
    assert client.post(BULK, body(6, months=3), format="json").status_code == 200
    again = Observation.objects.all()
    assert {(o.value, o.status, o.source, o.reported_by_id) for o in again} == {
        (6, "draft", "api", assigned.ali.pk)
    }
    for o in again:
        assert o.created == first[o.period_key].created
        assert o.last_updated > first[o.period_key].last_updated


@pytest.mark.postgres
@pytest.mark.django_db
@pytest.mark.parametrize("column", ["organization_id", "reported_by_id"])
def test_the_bulk_merge_of_new_rows_refuses_a_missing_row(column: str):
    """A staged batch of rows read as new inserts them without ``ON CONFLICT``
    (``_merge(…, new=True)``): the references are checked all the same."""
    fresh = fresh_references()
    rows = merge_rows(fresh, reporting.COPY_THRESHOLD, **{column: fresh.missing})
    with pytest.raises(IntegrityError), transaction.atomic():
        reporting._merge(rows, rollups.Deltas(), new=True)
    assert not Observation.objects.filter(indicator_id=fresh.indicator).exists()
    assert orphan_observations() == 0


@pytest.mark.postgres
@pytest.mark.django_db
def test_the_bulk_merge_of_new_rows_refuses_a_row_stored_meanwhile():
    """Rows read as new under their batch's locks are inserted without ``ON CONFLICT``; one that
    a writer bypassing the locks stored meanwhile is refused by the unique index, and the whole
    batch with it, never overwritten."""
    fresh = fresh_references()
    rows = merge_rows(fresh, reporting.COPY_THRESHOLD)
    with transaction.atomic():
        reporting._merge(rows[-1:], rollups.Deltas())
    changed = [(*row[:5], row[5] + 1000, *row[6:]) for row in rows]
    with pytest.raises(IntegrityError), transaction.atomic():
        reporting._merge(changed, rollups.Deltas(), new=True)
    stored = Observation.objects.filter(indicator_id=fresh.indicator)
    assert list(stored.values_list("period_key", "value")) == [(rows[-1][2], rows[-1][5])]
