"""Announcing through the API and reading an event's publicity: the organizer only, bad input
named by field, another province's event a plain 404."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from rasad.core.models import User
from rasad.jobs.testing import run_queued
from rasad.testing.api import assert_nothing_changed
from rasad.testing.cast import Cast
from rasad.training.models import Notice
from rasad.training.testing import make_event, make_member

pytestmark = pytest.mark.django_db


def _client(user: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_the_organizer_announces_and_reads_the_publicity(cast: Cast) -> None:
    organizer = make_member("isf-coordinator", cast.isfahan, role="coordinator")
    event = make_event(cast.isfahan)
    response = _client(organizer).post(f"/api/v1/training-events/{event.pk}/announce/", {}, format="json")
    assert response.status_code == 202, response.content
    assert response.json()["announced_at"]
    run_queued()
    # Everyone of the audience who may see the event, but the organizer who announced it.
    assert set(Notice.objects.values_list("user__username", flat=True)) == {"alice", "ali"}
    publicity = _client(organizer).get(f"/api/v1/training-events/{event.pk}/publicity/").json()
    assert publicity == {"notified": 2, "opened": 0, "enrolled": 0, "reminded": 0}


def test_announcing_to_a_part_of_the_audience_by_code(cast: Cast) -> None:
    organizer = make_member("isf-coordinator", cast.isfahan, role="coordinator")
    member = make_member("post-member", cast.isfahan_post, role="reporter")
    event = make_event(cast.isfahan)
    response = _client(organizer).post(
        f"/api/v1/training-events/{event.pk}/announce/", {"organization": "ISF-P1"}, format="json"
    )
    assert response.status_code == 202
    run_queued()
    assert list(Notice.objects.values_list("user", flat=True)) == [member.pk]


@pytest.mark.parametrize(
    ("organization", "field"), [("KER-CC", "organization"), ("NO-SUCH", "organization"), (7, "organization")]
)
def test_bad_input_is_named_and_changes_nothing(cast: Cast, organization: object, field: str) -> None:
    organizer = make_member("isf-coordinator", cast.isfahan, role="coordinator")
    event = make_event(cast.isfahan)
    with assert_nothing_changed():
        response = _client(organizer).post(
            f"/api/v1/training-events/{event.pk}/announce/", {"organization": organization}, format="json"
        )
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == [field]


def test_another_province_and_a_reader_get_the_404_of_a_missing_event(cast: Cast) -> None:
    event = make_event(cast.isfahan)
    for person in (cast.bob, cast.ali):
        client = _client(person)
        with assert_nothing_changed():
            assert (
                client.post(f"/api/v1/training-events/{event.pk}/announce/", {}, format="json").status_code
                == 404
            )
        assert client.get(f"/api/v1/training-events/{event.pk}/publicity/").status_code == 404
