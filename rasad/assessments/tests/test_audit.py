"""A second agency audits a chosen section after the assessors' consensus: its score overrides
the consensus for that section and both are kept; the result waits for it; it cannot score
outside its sections, and nobody else can audit."""

from __future__ import annotations

from typing import Any

import pytest

from rasad.assessments.actions import do_launch_cycle
from rasad.assessments.models import Assessment
from rasad.assessments.testing import make_cycle, person
from rasad.assessments.tests.test_assessment_flow import REVIEW, _self_assess, _url
from rasad.conftest import client_for
from rasad.testing.api import assert_nothing_changed
from rasad.testing.cast import Cast

pytestmark = pytest.mark.django_db


@pytest.fixture
def agreed(cast: Cast, civil: Any) -> Assessment:
    """Isfahan's post, self-assessed, reviewed by a Kerman assessor and agreed, in a cycle where
    Kerman's command centre audits section C (cyber security)."""
    cycle = make_cycle(cast.national, user=civil, scope_kinds=["field_post"], opens_cases=True)
    coordinator = client_for(civil)
    response = coordinator.post(
        f"/api/v1/assessment-cycles/{cycle.pk}/audits/",
        {"organization": "KER-CC", "sections": ["C"]},
        format="json",
    )
    assert response.status_code == 201, response.content
    do_launch_cycle(cycle, acting_user=civil)
    assessment = Assessment.objects.get(cycle=cycle, organization=cast.isfahan_post)
    _self_assess(cast, assessment)
    client_for(cast.ali).post(_url(assessment, "submit"), format="json")
    assessor = person("ker.analyst", cast.kerman, role="analyst")
    coordinator.post(
        _url(assessment, "assessors"), {"reviewer": "ker.analyst", "organization": "KER-CC"}, format="json"
    )
    client_for(assessor).post(
        _url(assessment, "review-scores"), {"answers": REVIEW, "submit": True}, format="json"
    )
    response = client_for(assessor).post(_url(assessment, "consensus"), {"answers": []}, format="json")
    assert response.json()["status"] == "agreed"
    return assessment


AUDIT = [
    {"item": "C1.1", "answer": "yes"},
    {"item": "C1.2", "answer": "yes"},
    {"item": "C2.1", "answer": "yes"},
    {"item": "C2.2", "answer": "yes"},
    {"item": "C2.3", "answer": "yes"},
]


def test_the_audit_overrides_its_section_and_both_scores_are_kept(cast: Cast, civil: Any, agreed: Assessment):
    coordinator = client_for(civil)
    with assert_nothing_changed("assessments.assessment"):
        response = coordinator.post(_url(agreed, "finalize"), format="json")
    assert response.status_code == 400
    assert "مرکز فرماندهی استان کرمان" in response.json()["error"]["fields"]["status"][0]
    response = client_for(cast.bob).post(
        _url(agreed, "audit-scores"), {"answers": AUDIT, "submit": True}, format="json"
    )
    assert response.status_code == 200, response.content
    body = coordinator.post(_url(agreed, "finalize"), format="json").json()
    assert body["status"] == "final"
    # Consensus: C = 22.5 (C1.2 partly met); the audit finds it met: C = 25, total 93.75.
    assert body["result"]["consensus"]["sections"]["C"]["earned"] == 22.5
    assert body["result"]["final"]["sections"]["C"]["earned"] == 25.0
    assert body["final_score"] == "93.75"
    assert body["result"]["audited_sections"] == ["C"]
    trace = {row["code"]: row for row in body["result"]["items"]}
    assert trace["C1.2"]["consensus"]["answer"] == "partial"
    assert trace["C1.2"]["audit"]["answer"] == "yes"
    assert trace["C1.2"]["final"]["source"] == "audit"
    assert [f["section"] for f in body["findings"]] == ["A"]  # the audit cleared section C


def test_an_auditor_scores_only_its_sections(cast: Cast, agreed: Assessment):
    with assert_nothing_changed("assessments.itemscore", "assessments.review"):
        response = client_for(cast.bob).post(
            _url(agreed, "audit-scores"), {"answers": [{"item": "A1.2", "answer": "yes"}]}, format="json"
        )
    assert response.status_code == 400
    assert "A۱.۲" in response.json()["error"]["fields"]["answers"][0]  # the reader's digits


def test_an_audit_is_submitted_only_when_every_item_is_scored(cast: Cast, agreed: Assessment):
    response = client_for(cast.bob).post(
        _url(agreed, "audit-scores"), {"answers": AUDIT[:2], "submit": True}, format="json"
    )
    assert response.status_code == 400
    assert len(response.json()["error"]["fields"]["answers"]) == 3


def test_nobody_else_audits(cast: Cast, agreed: Assessment):
    for user in (cast.ali, cast.alice, cast.bahram):
        with assert_nothing_changed("assessments.itemscore", "assessments.review"):
            response = client_for(user).post(_url(agreed, "audit-scores"), {"answers": AUDIT}, format="json")
        assert response.status_code == 404, user.username


def test_the_cycle_owner_cannot_audit_its_own_cycle(cast: Cast, civil: Any):
    cycle = make_cycle(cast.national, user=civil, scope_kinds=["field_post"])
    with assert_nothing_changed("assessments.cycleaudit"):
        response = client_for(civil).post(
            f"/api/v1/assessment-cycles/{cycle.pk}/audits/",
            {"organization": "NAT", "sections": ["C"]},
            format="json",
        )
    assert response.status_code == 400
    assert "organization" in response.json()["error"]["fields"]
    response = client_for(civil).post(
        f"/api/v1/assessment-cycles/{cycle.pk}/audits/",
        {"organization": "KER-CC", "sections": ["Z"]},
        format="json",
    )
    assert response.status_code == 400
    assert "Z" in response.json()["error"]["fields"]["sections"][0]


def test_the_audit_pages(cast: Cast, civil: Any, agreed: Assessment):
    from django.urls import reverse

    from rasad.testing.web import signed_in_client

    url = reverse("assessments:assessment-audit", args=[agreed.pk])
    bob = signed_in_client(cast.bob)
    page = bob.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-code="C1.2"' in html and 'data-code="A1.1"' not in html
    assert (
        'data-testid="audit"'
        in bob.get(reverse("assessments:assessment-detail", args=[agreed.pk])).content.decode()
    )
    response = bob.post(url, {f"answer_{row['item']}": row["answer"] for row in AUDIT} | {"submit": "1"})
    assert response.status_code == 302
    assert agreed.reviews.get(kind="audit").submitted_at is not None
    for user in (cast.ali, cast.bahram):
        assert signed_in_client(user).get(url).status_code == 404
    naming = reverse("assessments:cycle-audit", args=[agreed.cycle_id])
    assert signed_in_client(civil).get(naming).status_code == 200
    assert bob.get(naming).status_code == 404


def test_the_lead_assessor_writes_the_feedback_the_organization_reads(cast: Cast, agreed: Assessment):
    from django.urls import reverse

    from rasad.testing.web import signed_in_client

    lead = agreed.reviews.get(kind="assessor", is_lead=True).reviewer
    entries = [
        {
            "criterion": "C1",
            "strengths": "جداسازی شبکه کنترل با دیواره آتش و نقشه به‌روز.",
            "improvements": "",
        },
        {
            "criterion": "C2",
            "strengths": "",
            "improvements": "آزمون بازیابی نسخه پشتیبان فقط سالی یک بار انجام می‌شود.",
        },
    ]
    response = client_for(lead).post(_url(agreed, "feedback"), {"entries": entries}, format="json")
    assert response.status_code == 200, response.content
    feedback = {row["criterion"]: row for row in response.json()["feedback"]}
    assert set(feedback) == {"C1", "C2"}
    assert feedback["C2"]["improvements"].startswith("آزمون بازیابی")
    page = signed_in_client(cast.ali).get(reverse("assessments:assessment-detail", args=[agreed.pk]))
    assert "آزمون بازیابی نسخه پشتیبان" in page.content.decode()
    # Only the lead writes it; an unknown criterion is named; the organization cannot.
    bad = client_for(lead).post(_url(agreed, "feedback"), {"entries": [{"criterion": "Z9"}]}, format="json")
    assert bad.status_code == 400 and "Z۹" in bad.json()["error"]["fields"]["entries"][0]
    for user in (cast.ali, cast.bob):
        with assert_nothing_changed("assessments.feedback"):
            denied = client_for(user).post(_url(agreed, "feedback"), {"entries": entries}, format="json")
        assert denied.status_code == 404, user.username
    form = signed_in_client(lead).get(reverse("assessments:assessment-feedback", args=[agreed.pk]))
    assert form.status_code == 200 and 'data-code="C2"' in form.content.decode()
    assert (
        signed_in_client(cast.bob)
        .get(reverse("assessments:assessment-feedback", args=[agreed.pk]))
        .status_code
        == 404
    )


def test_the_auditing_agency_finds_the_audit_in_its_queue_until_it_is_submitted(
    cast: Cast, agreed: Assessment
):
    from rasad.testing.web import signed_in_client

    audit_url = f"/assessments/{agreed.pk}/audit/"
    page = signed_in_client(cast.bob).get("/assessments/queue/").content.decode()
    assert 'data-testid="queue-audit"' in page and audit_url in page
    # Isfahan's analyst is of the assessed side, not of the auditing agency.
    assert audit_url not in signed_in_client(cast.alice).get("/assessments/queue/").content.decode()
    client_for(cast.bob).post(_url(agreed, "audit-scores"), {"answers": AUDIT, "submit": True}, format="json")
    assert audit_url not in signed_in_client(cast.bob).get("/assessments/queue/").content.decode()
