"""The training API through the eyes of its users: two provinces that must not see each other's
events, people and compliance; enrolment, attendance and bad input."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from rasad.core.models import User
from rasad.testing.api import assert_nothing_changed
from rasad.testing.cast import Cast
from rasad.training.models import Completion, Course, Enrolment, Event
from rasad.training.testing import hold, make_course, make_event, make_member, make_requirement

pytestmark = pytest.mark.django_db


def _client(user: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_each_province_lists_only_its_own_events(cast: Cast):
    isfahan = make_event(cast.isfahan, title="کارگاه اصفهان")
    kerman = make_event(cast.kerman, title="کارگاه کرمان")
    national = make_event(cast.national, title="دوره ملی")
    seen_by_ali = {row["id"] for row in _client(cast.ali).get("/api/v1/training-events/").json()["results"]}
    seen_by_bob = {row["id"] for row in _client(cast.bob).get("/api/v1/training-events/").json()["results"]}
    # The national event is for everyone under the national body; each province sees it.
    assert seen_by_ali == {isfahan.pk, national.pk}
    assert seen_by_bob == {kerman.pk, national.pk}
    assert _client(cast.bob).get(f"/api/v1/training-events/{isfahan.pk}/").status_code == 404


def test_a_coordinator_schedules_an_event_and_a_reporter_enrols(cast: Cast):
    coordinator = make_member("isf-coordinator", cast.isfahan, role="coordinator")
    course = make_course(cast.isfahan)
    start = timezone.now() + timedelta(days=5)
    response = _client(coordinator).post(
        "/api/v1/training-events/",
        {
            "organization": "ISF-CC",
            "audience": "ISF-CC",
            "course": course.code,
            "kind": "session",
            "starts_at": start.isoformat(),
            "ends_at": (start + timedelta(hours=3)).isoformat(),
            "capacity": 1,
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    event_id = response.json()["id"]
    assert response.json()["title"] == course.title
    first = _client(cast.ali).post(f"/api/v1/training-events/{event_id}/enrol/", {}, format="json")
    assert (first.status_code, first.json()["status"]) == (201, "enrolled")
    second = _client(coordinator).post(
        f"/api/v1/training-events/{event_id}/enrol/", {"user": cast.alice.pk}, format="json"
    )
    assert (second.status_code, second.json()["status"]) == (201, "waitlisted")
    detail = _client(coordinator).get(f"/api/v1/training-events/{event_id}/").json()
    assert (detail["places_taken"], detail["waiting"]) == (1, 1)


def test_a_stranger_cannot_enrol_in_another_provinces_event(cast: Cast):
    event = make_event(cast.isfahan)
    with assert_nothing_changed("training.enrolment"):
        response = _client(cast.bahram).post(f"/api/v1/training-events/{event.pk}/enrol/", {}, format="json")
    assert response.status_code == 404


def test_an_event_that_ends_before_it_starts_is_refused_naming_the_field(cast: Cast):
    coordinator = make_member("isf-coordinator", cast.isfahan, role="coordinator")
    start = timezone.now() + timedelta(days=5)
    with assert_nothing_changed("training.event"):
        response = _client(coordinator).post(
            "/api/v1/training-events/",
            {
                "organization": "ISF-CC",
                "audience": "ISF-CC",
                "kind": "bootcamp",
                "title": "بوت‌کمپ",
                "starts_at": start.isoformat(),
                "ends_at": (start - timedelta(hours=1)).isoformat(),
            },
            format="json",
        )
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["ends_at"]


def test_a_coordinator_cannot_schedule_for_the_other_province(cast: Cast):
    coordinator = make_member("isf-coordinator", cast.isfahan, role="coordinator")
    start = timezone.now() + timedelta(days=5)
    with assert_nothing_changed("training.event"):
        response = _client(coordinator).post(
            "/api/v1/training-events/",
            {
                "organization": "KER-CC",
                "audience": "KER-CC",
                "kind": "workshop",
                "title": "کارگاه",
                "starts_at": start.isoformat(),
                "ends_at": (start + timedelta(hours=1)).isoformat(),
            },
            format="json",
        )
    assert response.status_code == 400
    assert "organization" in response.json()["error"]["fields"]


def test_attendance_through_the_api(cast: Cast):
    coordinator = make_member("isf-coordinator", cast.isfahan, role="coordinator")
    event = make_event(cast.isfahan, starts_at=timezone.now() - timedelta(hours=2))
    from rasad.training.actions import do_enrol

    enrolment = do_enrol(event, cast.ali, acting_user=None, now=event.starts_at - timedelta(days=1))
    url = f"/api/v1/training-events/{event.pk}/attendance/"
    # Alice (an analyst, not the organizer's coordinator) may see but not record.
    assert _client(cast.alice).post(url, {"marks": []}, format="json").status_code == 404
    response = _client(coordinator).post(
        url, {"marks": [{"enrolment": enrolment.pk, "attended": True, "score": "90"}]}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert response.json()[0]["attended"] is True
    assert Completion.objects.get(user=cast.ali).score == 90
    unknown = _client(coordinator).post(
        url, {"marks": [{"enrolment": 999999, "attended": True}]}, format="json"
    )
    assert unknown.status_code == 400
    assert "marks" in unknown.json()["error"]["fields"]


def test_compliance_of_each_province_and_my_own(cast: Cast):
    make_requirement(cast.national, [make_course(cast.national)], within_months=1)
    hold(cast.ali, cast.isfahan, since=timezone.localdate() - timedelta(days=90))
    hold(make_member("ker", cast.kerman), cast.kerman)
    isf = _client(cast.alice).get("/api/v1/training-requirements/compliance/").json()
    assert [(o["person"], o["state"]) for o in isf["obligations"]] == [(str(cast.ali), "overdue")]
    # Alice does not see the national body: its tally is not hers to read.
    assert {t["organization"]: (t["met"], t["total"]) for t in isf["organizations"]} == {"ISF-CC": (0, 1)}
    ker = _client(cast.bob).get("/api/v1/training-requirements/compliance/").json()
    assert [o["organization"] for o in ker["obligations"]] == ["KER-CC"]
    mine = _client(cast.ali).get("/api/v1/training-requirements/mine/").json()
    assert [o["state"] for o in mine["obligations"]] == ["overdue"]


def test_a_course_code_must_be_unique(cast: Cast):
    coordinator = make_member("isf-coordinator", cast.isfahan, role="coordinator")
    make_course(cast.isfahan, code="media-literacy")
    with assert_nothing_changed("training.course"):
        response = _client(coordinator).post(
            "/api/v1/training-courses/",
            {
                "organization": "ISF-CC",
                "code": "media-literacy",
                "title": "سواد رسانه‌ای",
                "hours": "8",
                "mode": "online",
            },
            format="json",
        )
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["code"]
    assert Course.objects.count() == 1
    assert Event.objects.count() == 0 and Enrolment.objects.count() == 0
