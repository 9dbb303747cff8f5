"""A write's 200 answer is rendered without DRF's template response (``views._answer``): the
same bytes and headers as DRF's ``Response`` of the same body (a retry of the batch id is
answered through DRF with the first answer's body)."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.request import Request
from rest_framework.response import Response

from rasad.conftest import client_for
from rasad.indicators.api import views
from rasad.testing.cast import Cast

BULK = "/api/v1/observations/bulk/"
HEADERS = ("Content-Type", "Content-Length", "Vary", "Allow", "Cache-Control", "Content-Language")


def _seen(response: Any) -> tuple[int, bytes, dict[str, str | None]]:
    return response.status_code, response.content, {h: response.headers.get(h) for h in HEADERS}


@pytest.mark.parametrize(
    "rows",
    [
        [{"organization": "ISF-P1", "indicator": "ELEC_CONS", "period": "1402-01", "value": 10}],
        # A rejected row: its Persian message is in the answer, as DRF writes non-ASCII text.
        [
            {"organization": "ISF-P1", "indicator": "ELEC_CONS", "period": "1402-02", "value": 12},
            {"organization": "ISF-P1", "indicator": "ELEC_CONS", "period": "1402-02", "value": 13},
        ],
    ],
)
def test_the_answer_is_what_drf_renders_for_the_same_body(
    assigned: Cast, monkeypatch: pytest.MonkeyPatch, rows: list[dict[str, Any]]
):
    client = client_for(assigned.ali)
    body = {"batch_id": "answer-1", "observations": rows, "apply_valid_rows": True}
    bodies: list[dict[str, Any]] = []
    lean_answer = views._answer

    def answered(request: Request, body: dict[str, Any]) -> Any:
        bodies.append(body)
        return lean_answer(request, body)

    monkeypatch.setattr(views, "_answer", answered)
    lean = client.post(BULK, body, format="json", HTTP_ACCEPT_LANGUAGE="fa")
    assert lean.status_code == 200, lean.content
    assert lean.json()["created"] == 1
    # The batch id again, answered by DRF's Response with the first answer's body (the stored
    # answer itself comes back from PostgreSQL's jsonb with its keys in another order).
    monkeypatch.setattr(views, "_answer", lambda request, _body: Response(bodies[0], status=200))
    drf = client.post(BULK, body, format="json", HTTP_ACCEPT_LANGUAGE="fa")
    assert _seen(lean) == _seen(drf)
    assert (len(lean.json()["rejected"]) == 1) is (len(rows) == 2)


def test_a_client_asking_for_an_indent_gets_it(assigned: Cast):
    client = client_for(assigned.ali)
    row = {"organization": "ISF-P1", "indicator": "ELEC_CONS", "period": "1402-01", "value": 10}
    response = client.post(
        BULK,
        {"batch_id": "answer-2", "observations": [row]},
        format="json",
        HTTP_ACCEPT="application/json; indent=2",
    )
    assert response.status_code == 200, response.content
    assert response.content.startswith(b'{\n  "created": 1')
