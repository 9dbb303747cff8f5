"""The cycle's owner withdraws an assessor (their scores go, kept in the audit event; the next
assessor leads; the assessment waits or moves on as the remaining reviews say) and reopens a
submitted self-assessment for the organization to change and submit again; both need a reason,
both are refused once it is too late, and the other province (and the assessed organization
itself) gets the 404 of a missing assessment."""

from __future__ import annotations

from typing import Any

import pytest

from rasad.assessments.models import Assessment, ItemScore, Review
from rasad.assessments.testing import person
from rasad.assessments.tests.test_assessment_flow import REVIEW, _self_assess
from rasad.conftest import client_for
from rasad.core.models import AuditEvent
from rasad.core.testing import make_organization
from rasad.testing.api import assert_nothing_changed, error_without_request_id
from rasad.testing.cast import Cast
from rasad.testing.web import signed_in_client

pytestmark = pytest.mark.django_db

REASON = "ارزیاب در مأموریت است و تا پایان مهلت بازنمی‌گردد."


@pytest.fixture
def submitted(cast: Cast, posts_cycle: Any) -> Assessment:
    """The Isfahan post's self-assessment, answered with its evidence and submitted."""
    assessment = Assessment.objects.get(cycle=posts_cycle, organization=cast.isfahan_post)
    _self_assess(cast, assessment)
    response = client_for(cast.ali).post(f"/api/v1/assessments/{assessment.pk}/submit/", format="json")
    assert response.status_code == 200, response.content
    return assessment


@pytest.fixture
def third(cast: Cast) -> Any:
    """An assessor of a third body (no conflict with Isfahan)."""
    organization = make_organization(cast, cast.national)
    return person("third.assessor", organization, role="analyst"), organization


def _url(assessment: Assessment, action: str) -> str:
    return f"/api/v1/assessments/{assessment.pk}/{action}/"


def _assign(civil: Any, assessment: Assessment, username: str, organization: str) -> None:
    response = client_for(civil).post(
        _url(assessment, "assessors"), {"reviewer": username, "organization": organization}, format="json"
    )
    assert response.status_code == 201, response.content


def _status(assessment: Assessment) -> str:
    return Assessment.objects.get(pk=assessment.pk).status


def test_withdrawing_the_lead_hands_the_lead_on_and_keeps_the_scores_in_the_audit(
    cast: Cast, civil: Any, submitted: Assessment, third: Any
):
    _assign(civil, submitted, "bob", "KER-CC")
    _assign(civil, submitted, third[0].username, third[1].code)
    response = client_for(cast.bob).post(
        _url(submitted, "review-scores"), {"answers": REVIEW[:3]}, format="json"
    )
    assert response.status_code == 200, response.content
    response = client_for(civil).post(
        _url(submitted, "withdraw-assessor"), {"reviewer": "bob", "reason": REASON}, format="json"
    )
    assert response.status_code == 200, response.content
    assert [r["reviewer"] for r in response.json()["reviews"]] == ["third.assessor"]
    assert response.json()["reviews"][0]["is_lead"] is True
    assert not ItemScore.objects.filter(assessment=submitted, stage="assessor").exists()
    event = AuditEvent.objects.get(event_type=531)
    assert event.new == {"reason": REASON}
    assert event.old["reviewer"] == "bob" and event.old["lead"] is True
    assert set(event.old["scores"]) == {row["item"] for row in REVIEW[:3]}
    # Bob no longer reviews it: the review API is the 404 of a missing assessment to him.
    assert (
        client_for(cast.bob)
        .post(_url(submitted, "review-scores"), {"answers": []}, format="json")
        .status_code
        == 404
    )


def test_withdrawing_an_idle_assessor_lets_the_submitted_reviews_stand(
    cast: Cast, civil: Any, submitted: Assessment, third: Any
):
    _assign(civil, submitted, third[0].username, third[1].code)
    _assign(civil, submitted, "bob", "KER-CC")
    response = client_for(third[0]).post(
        _url(submitted, "review-scores"), {"answers": REVIEW, "submit": True}, format="json"
    )
    assert response.status_code == 200, response.content
    assert _status(submitted) == "submitted"  # Bob has not submitted
    client_for(civil).post(
        _url(submitted, "withdraw-assessor"), {"reviewer": "bob", "reason": REASON}, format="json"
    )
    assert _status(submitted) == "reviewed"  # one assessor is all the cycle asks for


def test_withdrawal_is_refused_without_a_reason_for_a_stranger_and_after_the_consensus(
    cast: Cast, civil: Any, submitted: Assessment
):
    _assign(civil, submitted, "bob", "KER-CC")
    coordinator = client_for(civil)
    for body, field in (
        ({"reviewer": "bob", "reason": "  "}, "reason"),
        ({"reviewer": "alice", "reason": REASON}, "reviewer"),
    ):
        with assert_nothing_changed("assessments.review", "assessments.itemscore"):
            response = coordinator.post(_url(submitted, "withdraw-assessor"), body, format="json")
        assert response.status_code == 400
        assert list(response.json()["error"]["fields"]) == [field]
    client_for(cast.bob).post(
        _url(submitted, "review-scores"), {"answers": REVIEW, "submit": True}, format="json"
    )
    client_for(cast.bob).post(_url(submitted, "consensus"), {"answers": []}, format="json")
    assert _status(submitted) == "agreed"
    with assert_nothing_changed("assessments.review"):
        response = coordinator.post(
            _url(submitted, "withdraw-assessor"), {"reviewer": "bob", "reason": REASON}, format="json"
        )
    assert response.status_code == 400
    assert "assessment" in response.json()["error"]["fields"]


def test_reopening_gives_the_answers_back_and_they_are_submitted_again(
    cast: Cast, civil: Any, submitted: Assessment
):
    response = client_for(civil).post(_url(submitted, "reopen"), {"reason": REASON}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["status"], body["submitted_at"]) == ("in_progress", None)
    event = AuditEvent.objects.get(event_type=524)
    assert event.old["status"] == "submitted" and event.old["submitted_by"] == "ali"
    assert event.new == {"status": "in_progress", "reason": REASON}
    ali = client_for(cast.ali)
    response = ali.post(
        _url(submitted, "answers"), {"answers": [{"item": "A1.2", "answer": "yes"}]}, format="json"
    )
    assert response.status_code == 200, response.content
    assert ali.post(_url(submitted, "submit"), format="json").json()["status"] == "submitted"


def test_reopening_is_refused_without_a_reason_before_submission_and_after_a_review(
    cast: Cast, civil: Any, posts_cycle: Any, submitted: Assessment
):
    coordinator = client_for(civil)
    with assert_nothing_changed("assessments.assessment"):
        response = coordinator.post(_url(submitted, "reopen"), {}, format="json")
    assert response.status_code == 400 and list(response.json()["error"]["fields"]) == ["reason"]
    kerman = Assessment.objects.get(cycle=posts_cycle, organization=cast.kerman_post)
    response = coordinator.post(_url(kerman, "reopen"), {"reason": REASON}, format="json")
    assert response.status_code == 400 and list(response.json()["error"]["fields"]) == ["status"]
    _assign(civil, submitted, "bob", "KER-CC")
    client_for(cast.bob).post(
        _url(submitted, "review-scores"), {"answers": REVIEW, "submit": True}, format="json"
    )
    with assert_nothing_changed("assessments.assessment"):
        response = coordinator.post(_url(submitted, "reopen"), {"reason": REASON}, format="json")
    assert response.status_code == 400
    message = response.json()["error"]["fields"]["status"][0]
    assert "بازبینی" in message or "review" in message


def test_the_assessed_side_and_the_other_province_get_a_missing_assessment(
    cast: Cast, civil: Any, submitted: Assessment
):
    _assign(civil, submitted, "bob", "KER-CC")
    for user in (cast.ali, cast.alice, cast.bob):
        client = client_for(user)
        missing = client.post("/api/v1/assessments/999999/reopen/", {"reason": REASON}, format="json")
        for action, body in (
            ("reopen", {"reason": REASON}),
            ("withdraw-assessor", {"reviewer": "bob", "reason": REASON}),
        ):
            with assert_nothing_changed("assessments.assessment", "assessments.review"):
                response = client.post(_url(submitted, action), body, format="json")
            assert response.status_code == 404, (user, action)
            assert error_without_request_id(response) == error_without_request_id(missing)
        pages = signed_in_client(user)
        assert pages.get(f"/assessments/{submitted.pk}/reopen/").status_code == 404
        assert (
            pages.post(f"/assessments/{submitted.pk}/assessors/withdraw/", {"reason": REASON}).status_code
            == 404
        )


def test_the_pages_reopen_and_withdraw(cast: Cast, civil: Any, submitted: Assessment):
    _assign(civil, submitted, "bob", "KER-CC")
    client = signed_in_client(civil)
    detail = client.get(f"/assessments/{submitted.pk}/").content.decode()
    assert 'data-testid="reopen"' in detail and 'data-testid="withdraw"' in detail
    page = client.get(f"/assessments/{submitted.pk}/assessors/withdraw/").content.decode()
    review = Review.objects.get(assessment=submitted, reviewer=cast.bob)
    assert f'value="{review.pk}"' in page
    response = client.post(
        f"/assessments/{submitted.pk}/assessors/withdraw/", {"review": review.pk, "reason": ""}
    )
    assert response.status_code == 200 and Review.objects.filter(pk=review.pk).exists()
    assert 'data-field-error="reason"' in response.content.decode()
    response = client.post(
        f"/assessments/{submitted.pk}/assessors/withdraw/", {"review": review.pk, "reason": REASON}
    )
    assert response.status_code == 302 and not Review.objects.filter(pk=review.pk).exists()
    response = client.post(f"/assessments/{submitted.pk}/reopen/", {"reason": REASON})
    assert response.status_code == 302
    assert _status(submitted) == "in_progress"
