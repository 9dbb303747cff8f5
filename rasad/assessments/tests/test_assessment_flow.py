"""A field post self-assesses against the passive-defence guideline through the API; an
assessor from another province reviews it; the coordinator finalizes it and the non-compliant
sections open one case each. Bad input is refused with the field named and nothing saved; the
other province never sees any of it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from rasad.assessments.actions import do_launch_cycle
from rasad.assessments.models import Assessment, Finding, ItemScore
from rasad.assessments.testing import make_cycle, starter
from rasad.cases.models import Case
from rasad.conftest import client_for
from rasad.core.models import AuditEvent, User
from rasad.testing.api import assert_nothing_changed
from rasad.testing.cast import Cast

pytestmark = pytest.mark.django_db

# Every item of PD-INFRA answered; A1.2 "no" and C1.2 "partial" are the non-compliant ones.
ANSWERS: list[dict[str, Any]] = [
    {"item": "A1.1", "answer": "yes"},
    {"item": "A1.2", "answer": "no"},
    {"item": "A1.3", "answer": "yes"},
    {"item": "A2.1", "answer": "yes"},
    {"item": "A2.2", "answer": "na"},
    {"item": "B1.1", "answer": "yes"},
    {"item": "B1.2", "value": 72},
    {"item": "B1.3", "answer": "yes"},
    {"item": "B2.1", "answer": "yes"},
    {"item": "B2.2", "answer": "yes"},
    {"item": "C1.1", "answer": "yes"},
    {"item": "C1.2", "answer": "partial"},
    {"item": "C2.1", "answer": "yes"},
    {"item": "C2.2", "answer": "yes"},
    {"item": "D1.1", "answer": "yes"},
    {"item": "D1.2", "answer": "yes"},
    {"item": "D2.1", "answer": "2"},
    {"item": "D2.2", "answer": "yes"},
    {"item": "D2.3", "answer": "yes"},
]
# An assessor also judges the file item C2.3 (the vulnerability report): accepted or not.
REVIEW: list[dict[str, Any]] = [*ANSWERS, {"item": "C2.3", "answer": "yes"}]
EVIDENCE_ITEMS = ("A1.1", "A2.1", "B1.1", "C1.1", "C2.3", "D1.1", "D2.1")


def _pdf(name: str = "plan.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n", content_type="application/pdf")


def _assessment(cycle: Any, organization: Any) -> Assessment:
    return Assessment.objects.get(cycle=cycle, organization=organization)


def _url(assessment: Assessment, action: str = "") -> str:
    return f"/api/v1/assessments/{assessment.pk}/" + (f"{action}/" if action else "")


def _self_assess(cast: Cast, assessment: Assessment) -> None:
    client = client_for(cast.ali)
    assert client.post(_url(assessment, "answers"), {"answers": ANSWERS}, format="json").status_code == 200
    for code in EVIDENCE_ITEMS:
        response = client.post(
            _url(assessment, "evidence"), {"file": _pdf(f"{code}.pdf"), "item": code}, format="multipart"
        )
        assert response.status_code == 201, response.content


def test_launch_makes_one_assessment_per_field_post(cast: Cast, posts_cycle: Any):
    organizations = set(
        Assessment.objects.filter(cycle=posts_cycle).values_list("organization__code", flat=True)
    )
    assert organizations == {"ISF-P1", "KER-P1"}


def test_a_cycle_chosen_by_sector_assesses_only_the_organizations_carrying_the_tag(cast: Cast, civil: Any):
    from rasad.core.actions.organizations import OrganizationValues, do_create_organization

    def site(code: str, tags: list[str]) -> Any:
        values = OrganizationValues(
            code=code, name="سایت آزمایشی", kind="site", parent=cast.isfahan, sector_tags=tags
        )
        return do_create_organization(values, acting_user=cast.root)

    site("SEC-MINE", ["معدن", "فولاد"])
    site("SEC-POWER", ["نیروگاه"])
    cycle = make_cycle(cast.national, user=civil, scope_sectors=["معدن"])
    do_launch_cycle(cycle, acting_user=civil)
    # Neither the other site nor the cast's untagged centres and posts under the root.
    assert list(Assessment.objects.filter(cycle=cycle).values_list("organization__code", flat=True)) == [
        "SEC-MINE"
    ]


def test_the_whole_path_to_a_final_result_and_its_cases(cast: Cast, civil: Any, posts_cycle: Any):
    assessment = _assessment(posts_cycle, cast.isfahan_post)
    _self_assess(cast, assessment)
    ali = client_for(cast.ali)
    response = ali.post(_url(assessment, "submit"), format="json")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "submitted"

    coordinator = client_for(civil)
    response = coordinator.post(
        _url(assessment, "assessors"), {"reviewer": "bob", "organization": "KER-CC"}, format="json"
    )
    assert response.status_code == 201, response.content
    bob = client_for(cast.bob)
    response = bob.post(_url(assessment, "review-scores"), {"answers": REVIEW, "submit": True}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "reviewed"
    response = bob.post(_url(assessment, "consensus"), {"answers": []}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "agreed"
    response = coordinator.post(_url(assessment, "finalize"), format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    # A: (5 + 0 + 4 + 6) of 20 applicable points (A2.2 not applicable) = 75% of 25 = 18.75.
    # C: (7 + 2.5 + 5 + 4 + 4) / 25 = 22.5; B, D full: 25 each. Total 91.25.
    assert body["status"] == "final"
    assert body["final_score"] == "91.25"
    assert body["band"] == "انطباق کامل"
    assert body["result"]["final"]["sections"]["A"]["earned"] == 18.75
    assert body["result"]["non_compliant"] == ["A1.2", "C1.2"]
    findings = {f["section"]: f for f in body["findings"]}
    assert set(findings) == {"A", "C"}
    assert findings["A"]["items"] == ["A1.2"]
    case = Case.objects.get(reference=findings["A"]["case"])
    assert (case.kind, case.owner_organization, case.reporter_organization) == (
        "challenge",
        cast.isfahan_post,
        cast.national,
    )
    assert case.category.code == "infrastructure"
    # Stored text is Persian (conventions), its item codes in Persian digits like every number in it.
    assert "A۱.۲. " in case.description and "A1.2" not in case.description
    cyber = Finding.objects.get(assessment=assessment, section__code="C").case
    assert cyber is not None
    assert cyber.category.code == "cyber-security"
    codes = set(AuditEvent.objects.filter(object_id=str(assessment.pk)).values_list("event_type", flat=True))
    assert {520, 523, 540} <= codes


def test_the_result_traces_every_item_to_its_stages_and_evidence(cast: Cast, civil: Any, posts_cycle: Any):
    assessment = _assessment(posts_cycle, cast.isfahan_post)
    _self_assess(cast, assessment)
    client_for(cast.ali).post(_url(assessment, "submit"), format="json")
    client_for(civil).post(
        _url(assessment, "assessors"), {"reviewer": "bob", "organization": "KER-CC"}, format="json"
    )
    changed = [dict(a, answer="no") if a["item"] == "D1.2" else a for a in REVIEW]
    client_for(cast.bob).post(
        _url(assessment, "review-scores"), {"answers": changed, "submit": True}, format="json"
    )
    client_for(cast.bob).post(_url(assessment, "consensus"), {"answers": []}, format="json")
    body = client_for(civil).post(_url(assessment, "finalize"), format="json").json()
    trace = {row["code"]: row for row in body["result"]["items"]}
    assert trace["D1.2"]["self"]["answer"] == "yes"
    assert trace["D1.2"]["assessors"][0]["answer"] == "no"
    assert trace["D1.2"]["final"] == {"fraction": 0.0, "source": "consensus"}
    assert len(trace["A1.1"]["evidence"]) == 1
    assert body["result"]["self"]["score"] > body["result"]["final"]["score"]


def test_two_assessors_who_differ_must_agree_explicitly(cast: Cast, civil: Any, posts_cycle: Any):
    from rasad.assessments.testing import person

    person("ker.analyst", cast.kerman, role="analyst")
    assessment = _assessment(posts_cycle, cast.isfahan_post)
    _self_assess(cast, assessment)
    client_for(cast.ali).post(_url(assessment, "submit"), format="json")
    coordinator = client_for(civil)
    for name in ("bob", "ker.analyst"):
        response = coordinator.post(
            _url(assessment, "assessors"), {"reviewer": name, "organization": "KER-CC"}, format="json"
        )
        assert response.status_code == 201, response.content
    second = client_for(User.objects.get(username="ker.analyst"))
    differing = [dict(a, answer="no") if a["item"] == "D1.2" else a for a in REVIEW]
    bob = client_for(cast.bob)
    bob.post(_url(assessment, "review-scores"), {"answers": REVIEW, "submit": True}, format="json")
    assert Assessment.objects.get(pk=assessment.pk).status == "submitted"  # one review still open
    second.post(_url(assessment, "review-scores"), {"answers": differing, "submit": True}, format="json")
    assert Assessment.objects.get(pk=assessment.pk).status == "reviewed"
    # Only the lead assessor (the first assigned) records the consensus.
    assert second.post(_url(assessment, "consensus"), {"answers": []}, format="json").status_code == 404
    with assert_nothing_changed("assessments.itemscore", "assessments.assessment"):
        response = bob.post(_url(assessment, "consensus"), {"answers": []}, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["answers"] == [response.json()["error"]["fields"]["answers"][0]]
    assert "D۱.۲" in response.json()["error"]["fields"]["answers"][0]  # the reader's digits
    response = bob.post(
        _url(assessment, "consensus"), {"answers": [{"item": "D1.2", "answer": "partial"}]}, format="json"
    )
    assert response.status_code == 200, response.content
    body = coordinator.post(_url(assessment, "finalize"), format="json").json()
    trace = {row["code"]: row for row in body["result"]["items"]}
    assert trace["D1.2"]["spread"] == 100.0
    assert trace["D1.2"]["needs_discussion"] is True
    assert trace["D1.2"]["consensus"]["answer"] == "partial"
    assert [a["answer"] for a in trace["D1.2"]["assessors"]] == ["yes", "no"]


def test_an_assessor_with_a_conflict_of_interest_is_refused(cast: Cast, civil: Any, posts_cycle: Any):
    assessment = _assessment(posts_cycle, cast.isfahan_post)
    with assert_nothing_changed("assessments.review"):
        response = client_for(civil).post(
            _url(assessment, "assessors"), {"reviewer": "alice", "organization": "ISF-CC"}, format="json"
        )
    assert response.status_code == 400
    message = response.json()["error"]["fields"]["organization"][0]
    assert "Conflict of interest" in message or "تعارض منافع" in message


def test_a_person_who_may_not_review_for_the_organization_is_refused(
    cast: Cast, civil: Any, posts_cycle: Any
):
    assessment = _assessment(posts_cycle, cast.isfahan_post)
    response = client_for(civil).post(
        _url(assessment, "assessors"), {"reviewer": "bahram", "organization": "KER-CC"}, format="json"
    )
    assert response.status_code == 400
    assert "reviewer" in response.json()["error"]["fields"]


def test_an_answer_outside_the_items_range_refuses_the_whole_batch(cast: Cast, posts_cycle: Any):
    assessment = _assessment(posts_cycle, cast.isfahan_post)
    bad = [{"item": "A1.1", "answer": "yes"}, {"item": "B1.2", "value": 800}, {"item": "D2.1", "answer": "9"}]
    with assert_nothing_changed("assessments.itemscore", "assessments.assessment"):
        response = client_for(cast.ali).post(_url(assessment, "answers"), {"answers": bad}, format="json")
    assert response.status_code == 400
    messages = response.json()["error"]["fields"]["answers"]
    assert len(messages) == 2
    assert "B۱.۲" in messages[0] and "۸۰۰" in messages[0]  # the reader's digits
    assert "D۲.۱" in messages[1]


def test_an_unknown_item_is_named(cast: Cast, posts_cycle: Any):
    assessment = _assessment(posts_cycle, cast.isfahan_post)
    response = client_for(cast.ali).post(
        _url(assessment, "answers"), {"answers": [{"item": "Z9", "answer": "yes"}]}, format="json"
    )
    assert response.status_code == 400
    assert "Z۹" in response.json()["error"]["fields"]["answers"][0]


def test_submission_without_required_evidence_is_refused(cast: Cast, posts_cycle: Any):
    assessment = _assessment(posts_cycle, cast.isfahan_post)
    ali = client_for(cast.ali)
    ali.post(_url(assessment, "answers"), {"answers": ANSWERS}, format="json")
    with assert_nothing_changed("assessments.assessment"):
        response = ali.post(_url(assessment, "submit"), format="json")
    assert response.status_code == 400
    messages = response.json()["error"]["fields"]["answers"]
    assert any("A۱.۱" in m for m in messages)
    assert any("C۲.۳" in m for m in messages)  # a file item is answered only by its file
    assert ItemScore.objects.filter(assessment=assessment).count() == len(ANSWERS)


def test_answers_after_the_window_closed_are_refused(cast: Cast, civil: Any):
    today = timezone.localdate()
    cycle = make_cycle(cast.national, user=civil, scope_kinds=["field_post"])
    do_launch_cycle(cycle, acting_user=civil)
    from rasad.assessments.actions import do_save_cycle
    from rasad.assessments.testing import cycle_values

    do_save_cycle(
        cycle_values(
            cast.national,
            starter(),
            name=cycle.name,
            scope_kinds=["field_post"],
            opens_on=today - timedelta(days=20),
            closes_on=today - timedelta(days=1),
        ),
        acting_user=civil,
        cycle=cycle,
    )
    assessment = _assessment(cycle, cast.isfahan_post)
    with assert_nothing_changed("assessments.itemscore"):
        response = client_for(cast.ali).post(
            _url(assessment, "answers"), {"answers": ANSWERS[:1]}, format="json"
        )
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["cycle"] == [
        "مهلت خودارزیابی به پایان رسیده است؛ پاسخ‌ها دیگر تغییر نمی‌کنند."
    ]


def test_the_other_province_sees_nothing(cast: Cast, civil: Any, posts_cycle: Any):
    isfahan = _assessment(posts_cycle, cast.isfahan_post)
    kerman = _assessment(posts_cycle, cast.kerman_post)
    for user, hidden, own in (
        (cast.bahram, isfahan, kerman),
        (cast.ali, kerman, isfahan),
        (cast.bob, isfahan, kerman),
    ):
        client = client_for(user)
        listed = {row["id"] for row in client.get("/api/v1/assessments/").json()["results"]}
        assert listed == {own.pk}
        assert client.get(_url(hidden)).status_code == 404
        with assert_nothing_changed("assessments.itemscore"):
            assert (
                client.post(_url(hidden, "answers"), {"answers": ANSWERS[:1]}, format="json").status_code
                == 404
            )


def test_a_reporter_cannot_assign_or_finalize(cast: Cast, posts_cycle: Any):
    assessment = _assessment(posts_cycle, cast.isfahan_post)
    client = client_for(cast.ali)
    assert client.post(_url(assessment, "finalize"), format="json").status_code == 404
    response = client.post(
        _url(assessment, "assessors"), {"reviewer": "bob", "organization": "KER-CC"}, format="json"
    )
    assert response.status_code == 404


def test_an_assessor_sees_only_what_they_were_assigned(cast: Cast, civil: Any, posts_cycle: Any):
    isfahan = _assessment(posts_cycle, cast.isfahan_post)
    _self_assess(cast, isfahan)
    client_for(cast.ali).post(_url(isfahan, "submit"), format="json")
    bob = client_for(cast.bob)
    assert bob.get(_url(isfahan)).status_code == 404
    client_for(civil).post(
        _url(isfahan, "assessors"), {"reviewer": "bob", "organization": "KER-CC"}, format="json"
    )
    assert bob.get(_url(isfahan)).status_code == 200
    # Reviewing is not answering: the assessor cannot change the self-assessment.
    assert bob.post(_url(isfahan, "answers"), {"answers": ANSWERS[:1]}, format="json").status_code == 404


def test_reviews_after_the_review_window_closed_are_refused(cast: Cast, civil: Any, posts_cycle: Any):
    from rasad.assessments.models import Review

    assessment = _assessment(posts_cycle, cast.isfahan_post)
    _self_assess(cast, assessment)
    assert client_for(cast.ali).post(_url(assessment, "submit"), format="json").status_code == 200
    coordinator = client_for(civil)
    response = coordinator.post(
        _url(assessment, "assessors"), {"reviewer": "bob", "organization": "KER-CC"}, format="json"
    )
    assert response.status_code == 201, response.content
    type(posts_cycle).objects.filter(pk=posts_cycle.pk).update(
        review_closes_on=timezone.localdate() - timedelta(days=1)
    )
    with assert_nothing_changed("assessments.itemscore", "assessments.review"):
        response = client_for(cast.bob).post(
            _url(assessment, "review-scores"), {"answers": REVIEW, "submit": True}, format="json"
        )
    assert response.status_code == 400, response.content
    [message] = response.json()["error"]["fields"]["cycle"]
    assert message.startswith("مهلت بررسی در ") and "بررسی‌ها دیگر تغییر نمی‌کنند" in message
    assert not Review.objects.filter(assessment=assessment, submitted_at__isnull=False).exists()
    # Until the day it closes, the assessor may still score and submit.
    type(posts_cycle).objects.filter(pk=posts_cycle.pk).update(review_closes_on=timezone.localdate())
    response = client_for(cast.bob).post(
        _url(assessment, "review-scores"), {"answers": REVIEW, "submit": True}, format="json"
    )
    assert response.status_code == 200, response.content
