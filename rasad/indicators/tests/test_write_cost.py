"""What a one-row observation write costs in SQL: the whole request, from the token to the audit
event, counted statement by statement.

The limits are today's counts, so that a change that adds a statement fails here and says which.
Issue 11 asks for ≤ 10 on PostgreSQL. Captured here, 5: the token with its user and grants (one
query for every permission), the organizations and indicators named (one statement), the check's
one statement (approved periods, assignments, the provinces of the organizations and their
ancestors, the rules of the indicators, and on PostgreSQL the per-(organization, period) advisory
locks, last), the history window with the ids of the organization's targets for the year (none
here, so nothing more is read for them), and the write: the upsert, the rollup deltas appended,
the batch id claimed with its answer (every batch carries one, issue 9; its stored answer is read
only when the claim conflicts) and the audit event (head lock, event and head update) in one
statement on PostgreSQL. On the wire in production that is 7, with the BEGIN and COMMIT; the
BEGIN carries the transaction's plan mode on PostgreSQL (generic plans, in the same message:
``rasad.lib.prepared.generic_plans``, not one of Django's statements); the fold
of the deltas after commit is sent by at most one write a second per process
(``rasad.indicators.rollups.fold_due``). SQLite counts 10: no advisory lock, but the upsert, the
rollup rows' INSERT, the claim and the audit append's three statements apart. See
docs/development/benchmarks.md, "What a one-row write costs".

Savepoints are counted apart: the test's transaction turns the import's own transaction into
one, and the recording inside it sets none of its own."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from rasad.core.actions.tokens import do_create_api_token
from rasad.indicators import rollups
from rasad.indicators.models import Observation, RollupDelta
from rasad.indicators.testing import new_batch
from rasad.testing.cast import Cast

BULK = "/api/v1/observations/bulk/"
LIMIT = {"postgresql": 5, "sqlite": 10}


def _token_client(cast: Cast) -> APIClient:
    _token, secret = do_create_api_token(cast.ali, acting_user=cast.ali, name="write cost")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client


_SAVEPOINTS = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT")


def _statements(captured: CaptureQueriesContext) -> list[str]:
    return [query["sql"] for query in captured.captured_queries if not query["sql"].startswith(_SAVEPOINTS)]


def _savepoints(captured: CaptureQueriesContext) -> list[str]:
    return [query["sql"] for query in captured.captured_queries if query["sql"].startswith(_SAVEPOINTS)]


def _write(client: APIClient, period: str, value: float) -> tuple[Any, CaptureQueriesContext]:
    body = {
        "batch_id": new_batch(),
        "observations": [
            {"organization": "ISF-P1", "indicator": "ELEC_CONS", "period": period, "value": value}
        ],
    }
    with CaptureQueriesContext(connection) as captured:
        response = client.post(BULK, body, format="json")
    return response, captured


def _no_copy(params: Any) -> None:
    raise AssertionError("a one-row write appends its rollup deltas in the claim's statement, not by COPY")


@pytest.mark.parametrize("kind", ["new", "changed"])
def test_a_one_row_write_costs_a_fixed_number_of_statements(
    assigned: Cast, kind: str, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(rollups, "_append", _no_copy)
    client = _token_client(assigned)
    # Warm-up: the token's first use, the outlier window and the rollup rows exist afterwards.
    for month in range(1, 4):
        assert (
            client.post(
                BULK,
                {
                    "batch_id": new_batch(),
                    "observations": [
                        {
                            "organization": "ISF-P1",
                            "indicator": "ELEC_CONS",
                            "period": f"1402-{month:02d}",
                            "value": 100,
                        }
                    ],
                },
                format="json",
            ).status_code
            == 200
        )
    period = "1402-04" if kind == "new" else "1402-03"
    pending = RollupDelta.objects.count()
    response, captured = _write(client, period, 110)
    statements = _statements(captured)
    assert response.status_code == 200, response.content
    # One savepoint, set and released: the import's transaction (in production its BEGIN and
    # COMMIT); the recording inside it sets none.
    assert len(_savepoints(captured)) == 2, _savepoints(captured)
    if connection.vendor == "postgresql":
        # The deltas of the post's ancestors (its own row's too) came with the claim.
        assert RollupDelta.objects.count() > pending
        assert sum("appended_deltas" in sql for sql in statements) == 1
    assert response.json()["created" if kind == "new" else "updated"] == 1
    assert Observation.objects.get(period_key=period).value == 110
    limit = LIMIT[connection.vendor]
    listing = "\n".join(f"{i + 1:2}. {sql[:160]}" for i, sql in enumerate(statements))
    assert len(statements) <= limit, f"{len(statements)} statements (limit {limit}):\n{listing}"


def _batch(client: APIClient, rows: list[dict[str, Any]]) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.post(BULK, {"batch_id": new_batch(), "observations": rows}, format="json")
    assert response.status_code == 200, response.content
    return _statements(captured)


def test_a_write_sends_as_many_statements_for_more_rows_and_a_longer_history(assigned: Cast):
    """Growth, not a count: a one-row write, a write of many rows (two organizations, several
    indicators and periods) and a write after years of history send the same statements."""
    client = _token_client(assigned)
    _batch(client, [{"organization": "ISF-P1", "indicator": "ELEC_CONS", "period": "1401-01", "value": 1}])
    one = _batch(
        client, [{"organization": "ISF-P1", "indicator": "ELEC_CONS", "period": "1401-02", "value": 2}]
    )
    many = _batch(
        client,
        [
            {"organization": site, "indicator": indicator, "period": f"1401-{month:02d}", "value": month}
            for site in ("ISF-P1", "ISF-CC")
            for indicator in ("ELEC_CONS", "GAS_CONS", "DIESEL_CONS")
            for month in (3, 4, 5)
        ],
    )
    _batch(
        client,
        [
            {"organization": "ISF-P1", "indicator": "ELEC_CONS", "period": f"{year}-{month:02d}", "value": 10}
            for year in (1398, 1399, 1400)
            for month in range(1, 13)
        ],
    )
    after_history = _batch(
        client, [{"organization": "ISF-P1", "indicator": "ELEC_CONS", "period": "1401-06", "value": 3}]
    )
    assert len(many) == len(one), "\n".join(many)
    assert len(after_history) == len(one), "\n".join(after_history)
