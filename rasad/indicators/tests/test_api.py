"""The indicators API: bulk ingest (idempotent, per-row errors), period actions, reports,
scope (out of scope reads as missing) and constant query counts."""

from __future__ import annotations

import pytest

from rasad.conftest import client_for
from rasad.core.models import AuditEvent
from rasad.indicators.actions import do_submit_period
from rasad.indicators.models import Observation
from rasad.indicators.testing import make_baseline, new_batch, record
from rasad.testing.api import assert_nothing_changed, error_without_request_id
from rasad.testing.cast import Cast

BULK = "/api/v1/observations/bulk/"


def rows(org="ISF-P1", value=100):
    return [
        {
            "organization": org,
            "indicator": "ELEC_CONS",
            "period": f"1402-{m:02d}",
            "value": value,
            "unit": "MWh",
        }
        for m in range(1, 4)
    ]


def test_bulk_is_idempotent(assigned: Cast):
    client = client_for(assigned.ali)
    first = client.post(BULK, {"batch_id": new_batch(), "observations": rows()}, format="json")
    assert first.status_code == 200, first.json()
    assert first.json()["created"] == 3
    with assert_nothing_changed("indicators.observation", "indicators.rollup"):
        again = client.post(BULK, {"batch_id": new_batch(), "observations": rows()}, format="json")
    assert (again.json()["created"], again.json()["unchanged"]) == (0, 3)
    assert again.json()["sha256"] == first.json()["sha256"]


def test_bulk_stays_idempotent_after_later_history_arrives(assigned: Cast):
    """Found by the ingest benchmark: a batch re-sent after newer months were recorded must still
    change nothing, even though the new history changes its outlier verdict."""
    client = client_for(assigned.ali)
    first_batch = [{"organization": "ISF-P1", "indicator": "ELEC_CONS", "period": "1401-01", "value": 5000}]
    history = [
        {"organization": "ISF-P1", "indicator": "ELEC_CONS", "period": f"1401-{m:02d}", "value": 100 + m}
        for m in range(2, 12)
    ]
    assert (
        client.post(BULK, {"batch_id": new_batch(), "observations": first_batch}, format="json").status_code
        == 200
    )
    assert (
        client.post(BULK, {"batch_id": new_batch(), "observations": history}, format="json").status_code
        == 200
    )
    with assert_nothing_changed("indicators.observation", "indicators.rollup"):
        again = client.post(BULK, {"batch_id": new_batch(), "observations": first_batch}, format="json")
    assert (again.json()["created"], again.json()["updated"], again.json()["unchanged"]) == (0, 0, 1)


def test_bulk_bad_rows_name_row_and_column(assigned: Cast):
    body = {
        "batch_id": new_batch(),
        "observations": [
            *rows(),
            {"organization": "ISF-P1", "indicator": "ELEC_CONS", "period": "1402-05", "value": "x"},
        ],
    }
    with assert_nothing_changed("indicators.observation"):
        response = client_for(assigned.ali).post(BULK, body, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["observations[3].value"]


def test_bulk_apply_valid_rows(assigned: Cast):
    body = {
        "apply_valid_rows": True,
        "batch_id": new_batch(),
        "observations": [
            *rows(),
            {"organization": "KER-P1", "indicator": "ELEC_CONS", "period": "1402-05", "value": 1},
        ],
    }
    response = client_for(assigned.ali).post(BULK, body, format="json")
    assert response.status_code == 200
    assert response.json()["created"] == 3
    assert response.json()["rejected"][0]["row"] == 3


def test_bulk_out_of_scope_organization_reads_as_unknown(assigned: Cast):
    with assert_nothing_changed("indicators.observation"):
        response = client_for(assigned.ali).post(
            BULK,
            {"batch_id": new_batch(), "observations": rows("KER-P1")},
            format="json",
            HTTP_ACCEPT_LANGUAGE="en",
        )
    assert response.status_code == 400
    missing = client_for(assigned.ali).post(
        BULK,
        {"batch_id": new_batch(), "observations": rows("NOPE")},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "KER-P1" in response.json()["error"]["fields"]["observations[0].organization"][0]
    assert "NOPE" in missing.json()["error"]["fields"]["observations[0].organization"][0]


def test_bulk_refused_without_add_permission(assigned: Cast):
    with assert_nothing_changed("indicators.observation"):
        response = client_for(assigned.charlie).post(
            BULK, {"batch_id": new_batch(), "observations": rows()}, format="json"
        )
    assert response.status_code == 403
    assert not Observation.objects.exists()


@pytest.mark.parametrize("verb", ["bulk", "submit", "approve", "reopen"])
def test_a_period_step_nobody_may_take_anywhere_is_403_before_the_body(assigned: Cast, verb: str):
    """A collection endpoint names no object: those without the permission anywhere get 403,
    whatever the body says (an empty one included), and nothing changes."""
    with assert_nothing_changed("indicators.observation"):
        empty = client_for(assigned.charlie).post(f"/api/v1/observations/{verb}/", {}, format="json")
    assert empty.status_code == 403


def test_submit_and_approve_over_the_api(assigned: Cast):
    client_for(assigned.ali).post(
        BULK, {"batch_id": new_batch(), "observations": rows(), "submit": True}, format="json"
    )
    assert set(Observation.objects.values_list("status", flat=True)) == {"submitted"}
    refused = client_for(assigned.ali).post(
        "/api/v1/observations/approve/", {"organization": "ISF-P1", "period": "1402-01"}, format="json"
    )
    assert refused.status_code == 403  # a reporter may approve nowhere: refused before the body
    approved = client_for(assigned.alice).post(
        "/api/v1/observations/approve/", {"organization": "ISF-P1", "period": "1402-01"}, format="json"
    )
    assert approved.status_code == 200
    assert [o["status"] for o in approved.json()] == ["approved"]
    assert AuditEvent.objects.filter(event_type=212).count() == 1


def test_bob_cannot_approve_isfahan(assigned: Cast):
    record(assigned.isfahan_post, "ELEC_CONS", "1402-01", 1.0, user=assigned.ali)
    do_submit_period(assigned.isfahan_post, "1402-01", acting_user=assigned.ali)
    with assert_nothing_changed("indicators.observation"):
        response = client_for(assigned.bob).post(
            "/api/v1/observations/approve/", {"organization": "ISF-P1", "period": "1402-01"}, format="json"
        )
    assert response.status_code == 400  # ISF-P1 reads as an unknown organization to Bob
    assert "organization" in response.json()["error"]["fields"]


def test_baseline_report_endpoint_and_scope(assigned: Cast):
    baseline = make_baseline(assigned, assigned.isfahan_post)
    url = f"/api/v1/energy-baselines/{baseline.pk}/report/"
    body = client_for(assigned.alice).get(url).json()
    assert body["grade"] == "not_valid"
    assert {"grade", "is_valid", "reasons", "baseline", "reporting", "ratio_comparison"} <= set(body)
    out_of_scope = client_for(assigned.bob).get(url)
    missing = client_for(assigned.bob).get("/api/v1/energy-baselines/999999/report/")
    assert out_of_scope.status_code == missing.status_code == 404
    assert error_without_request_id(out_of_scope) == error_without_request_id(missing)


def test_completeness(assigned: Cast):
    record(assigned.isfahan_post, "ELEC_CONS", "1402-01", 1.0, user=assigned.ali)
    body = (
        client_for(assigned.alice)
        .get("/api/v1/observations/completeness/", {"period": "1402-01", "within": "ISF-CC"})
        .json()
    )
    by_code = {row["organization"]: row for row in body}
    assert (by_code["ISF-P1"]["expected"], by_code["ISF-P1"]["reported"]) == (7, 1)


def test_indicator_formula_cycle_refused_over_the_api(cast: Cast):
    response = client_for(cast.nadia).post(
        "/api/v1/indicators/",
        {
            "code": "LOOP",
            "name": "حلقه",
            "unit": "GJ",
            "direction": "lower_is_better",
            "category": "energy",
            "formula": "LOOP + 1",
        },
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert "itself" in response.json()["error"]["fields"]["formula"][0]


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/observations/",
        "/api/v1/indicator-alerts/",
        "/api/v1/indicators/",
        "/api/v1/indicator-targets/",
    ],
)
def test_list_query_count_is_constant(assigned: Cast, url, django_assert_max_num_queries):
    client = client_for(assigned.nadia)
    client.post(BULK, {"batch_id": new_batch(), "observations": rows()}, format="json")
    client.get(url)
    with django_assert_max_num_queries(10):
        client.get(url)
