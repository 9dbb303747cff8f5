"""Check-in by the QR code at the door: a person holding a place checks in (and so completes the
course); a wrong or old code, a person without a place, a moment outside the window are refused
by name and change nothing; only the organizer makes the code; another province sees nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from rest_framework.test import APIClient

from rasad.core.access import ObjectNotFound
from rasad.core.models import AuditEvent
from rasad.testing.api import assert_nothing_changed
from rasad.testing.cast import Cast
from rasad.testing.web import signed_in_client
from rasad.training.actions import do_enrol
from rasad.training.actions.checkin import do_check_in, do_open_check_in
from rasad.training.audit import TrainingAuditEvent
from rasad.training.models import Completion, Enrolment, Event
from rasad.training.testing import make_event, make_member

pytestmark = pytest.mark.django_db


def _open(cast: Cast, **values: object) -> Event:
    values.setdefault("starts_at", timezone.now() - timedelta(minutes=10))
    return do_open_check_in(make_event(cast.isfahan, **values), acting_user=None)  # type: ignore[arg-type]


def test_a_person_holding_a_place_checks_in_and_completes_the_course(cast: Cast) -> None:
    event = _open(cast)
    do_enrol(event, cast.ali, acting_user=None, now=event.starts_at - timedelta(days=1))
    enrolment = do_check_in(event, event.check_in_code, acting_user=cast.ali)
    assert enrolment.attended
    assert Completion.objects.filter(user=cast.ali, course=event.course).count() == 1
    assert AuditEvent.objects.filter(event_type=TrainingAuditEvent.CHECKED_IN).count() == 1
    # Scanning twice changes nothing.
    do_check_in(event, event.check_in_code, acting_user=cast.ali)
    assert AuditEvent.objects.filter(event_type=TrainingAuditEvent.CHECKED_IN).count() == 1


def test_check_in_opens_an_hour_before_the_start(cast: Cast) -> None:
    event = _open(cast, starts_at=timezone.now() + timedelta(minutes=30))
    do_enrol(event, cast.ali, acting_user=None)
    assert do_check_in(event, event.check_in_code, acting_user=cast.ali).attended


@pytest.mark.parametrize(
    ("case", "field"),
    [
        ("wrong code", "code"),
        ("old code", "code"),
        ("no place", "user"),
        ("waiting", "user"),
        ("too early", "event"),
    ],
)
def test_bad_check_ins_are_refused_by_name_and_change_nothing(cast: Cast, case: str, field: str) -> None:
    start = timezone.now() + timedelta(hours=3) if case == "too early" else None
    event = _open(cast, capacity=1, **({"starts_at": start} if start else {}))
    code = event.check_in_code
    if case != "no place":
        do_enrol(
            event,
            make_member("first", cast.isfahan),
            acting_user=None,
            now=event.starts_at - timedelta(days=1),
        )
        if case != "waiting":
            Enrolment.objects.filter(event=event).delete()
            do_enrol(event, cast.ali, acting_user=None, now=event.starts_at - timedelta(days=1))
        else:
            do_enrol(event, cast.ali, acting_user=None, now=event.starts_at - timedelta(days=1))
    if case == "wrong code":
        code = "not-the-code"
    if case == "old code":
        event = do_open_check_in(event, acting_user=None)
    with assert_nothing_changed(), pytest.raises(ValidationError) as error:
        do_check_in(event, code, acting_user=cast.ali)
    assert list(error.value.message_dict) == [field]


def test_an_ended_event_closes_check_in(cast: Cast) -> None:
    event = _open(cast, starts_at=timezone.now() - timedelta(hours=6), hours=2)
    do_enrol(event, cast.ali, acting_user=None, now=event.starts_at - timedelta(days=1))
    with pytest.raises(ValidationError) as error:
        do_check_in(event, event.check_in_code, acting_user=cast.ali)
    assert list(error.value.message_dict) == ["event"]


def test_only_the_organizer_makes_the_code(cast: Cast) -> None:
    event = make_event(cast.isfahan)
    for person in (cast.ali, cast.alice, cast.bob):
        with assert_nothing_changed(), pytest.raises(ObjectNotFound):
            do_open_check_in(event, acting_user=person)


def test_the_organizers_screen_shows_the_qr_and_the_person_checks_in_by_the_page(cast: Cast) -> None:
    organizer = make_member("isf-coordinator", cast.isfahan, role="coordinator")
    event = make_event(cast.isfahan, starts_at=timezone.now() - timedelta(minutes=5))
    do_enrol(event, cast.ali, acting_user=None, now=event.starts_at - timedelta(days=1))
    screen = signed_in_client(organizer)
    assert screen.post(f"/training/events/{event.pk}/check-in/").status_code == 302
    page = screen.get(f"/training/events/{event.pk}/check-in/").content.decode()
    event.refresh_from_db()
    assert "<svg" in page and f"/training/check-in/{event.pk}/{event.check_in_code}/" in page
    phone = signed_in_client(cast.ali)
    url = f"/training/check-in/{event.pk}/{event.check_in_code}/"
    assert phone.get(url).status_code == 200
    assert phone.post(url).status_code == 302
    assert Enrolment.objects.get(event=event, user=cast.ali).attended
    # A wrong code is the page of a missing event.
    assert phone.get(f"/training/check-in/{event.pk}/wrong/").status_code == 404
    # Another province does not reach the event, code or not.
    assert signed_in_client(cast.bob).get(url).status_code == 404


def test_check_in_through_the_api(cast: Cast) -> None:
    event = _open(cast)
    do_enrol(event, cast.ali, acting_user=None, now=event.starts_at - timedelta(days=1))
    client = APIClient()
    client.force_authenticate(cast.ali)
    wrong = client.post(f"/api/v1/training-events/{event.pk}/check-in/", {"code": "nope"}, format="json")
    assert wrong.status_code == 400 and list(wrong.json()["error"]["fields"]) == ["code"]
    right = client.post(
        f"/api/v1/training-events/{event.pk}/check-in/", {"code": event.check_in_code}, format="json"
    )
    assert right.status_code == 200 and right.json()["attended"] is True
    other = APIClient()
    other.force_authenticate(cast.bob)
    assert (
        other.post(
            f"/api/v1/training-events/{event.pk}/check-in/", {"code": event.check_in_code}, format="json"
        ).status_code
        == 404
    )
