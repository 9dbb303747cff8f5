"""Enrolment, the waiting list, cancellation and attendance, with the bad input the issue names:
enrolment beyond capacity, attendance for someone not enrolled, a completion before the event."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from rasad.core.access import ObjectNotFound
from rasad.core.models import AuditEvent
from rasad.testing.api import assert_nothing_changed
from rasad.testing.cast import Cast
from rasad.training.actions import (
    AttendanceMark,
    add_months,
    do_cancel_enrolment,
    do_enrol,
    do_record_attendance,
)
from rasad.training.audit import TrainingAuditEvent
from rasad.training.models import Completion, Enrolment
from rasad.training.testing import make_course, make_event, make_member

pytestmark = pytest.mark.django_db


def test_a_full_event_puts_the_next_person_on_the_waiting_list(cast: Cast):
    event = make_event(cast.isfahan, capacity=1)
    first = do_enrol(event, make_member("p1", cast.isfahan_post), acting_user=None)
    second = do_enrol(event, make_member("p2", cast.isfahan_post), acting_user=None)
    assert (first.status, second.status) == ("enrolled", "waitlisted")


def test_a_cancelled_place_goes_to_the_first_person_waiting(cast: Cast):
    event = make_event(cast.isfahan, capacity=1)
    first = do_enrol(event, make_member("p1", cast.isfahan), acting_user=None)
    second = do_enrol(event, make_member("p2", cast.isfahan), acting_user=None)
    third = do_enrol(event, make_member("p3", cast.isfahan), acting_user=None)
    do_cancel_enrolment(first, acting_user=first.user)
    statuses = dict(Enrolment.objects.filter(event=event).values_list("user__username", "status"))
    assert statuses == {"p1": "cancelled", "p2": "enrolled", "p3": "waitlisted"}
    assert second.pk != third.pk
    assert AuditEvent.objects.filter(event_type=TrainingAuditEvent.PROMOTED_FROM_WAITING_LIST).count() == 1


def test_a_person_who_cancelled_enrols_again_on_the_same_row(cast: Cast):
    event = make_event(cast.isfahan, capacity=1)
    first = do_enrol(event, make_member("p1", cast.isfahan), acting_user=None)
    do_cancel_enrolment(first, acting_user=first.user)
    again = do_enrol(event, first.user, acting_user=None)
    again.refresh_from_db()
    assert (again.pk, again.status, again.organization) == (first.pk, "enrolled", cast.isfahan)
    assert Enrolment.objects.filter(event=event).count() == 1


def test_a_person_enrols_themselves_only_where_the_event_is_for_them(cast: Cast):
    event = make_event(cast.isfahan)
    # Bahram works in Kerman: the Isfahan event is not even visible to him.
    with assert_nothing_changed("training.enrolment"), pytest.raises(ObjectNotFound):
        do_enrol(event, cast.bahram, acting_user=cast.bahram)
    mine = do_enrol(event, cast.ali, acting_user=cast.ali)
    assert (mine.user, mine.organization, mine.enrolled_by) == (cast.ali, cast.isfahan, cast.ali)


def test_someone_outside_the_audience_is_refused_with_a_message(cast: Cast):
    event = make_event(cast.isfahan_post)
    with pytest.raises(ValidationError) as caught:
        do_enrol(event, cast.alice, acting_user=None)
    assert "user" in caught.value.message_dict


def test_enrolling_twice_is_refused(cast: Cast):
    event = make_event(cast.isfahan)
    do_enrol(event, cast.ali, acting_user=cast.ali)
    with pytest.raises(ValidationError) as caught:
        do_enrol(event, cast.ali, acting_user=cast.ali)
    assert "user" in caught.value.message_dict
    assert Enrolment.objects.filter(event=event).count() == 1


def test_a_manager_of_another_province_cannot_enrol_someone(cast: Cast):
    event = make_event(cast.isfahan)
    bob_manager = make_member("kerman-coordinator", cast.kerman, role="coordinator")
    with assert_nothing_changed("training.enrolment"), pytest.raises(ObjectNotFound):
        do_enrol(event, cast.ali, acting_user=bob_manager)


def test_attendance_completes_the_course_with_its_validity(cast: Cast):
    course = make_course(cast.isfahan, validity_months=12)
    event = make_event(cast.isfahan, course=course, starts_at=timezone.now() - timedelta(hours=5))
    enrolment = do_enrol(event, cast.ali, acting_user=None, now=event.starts_at - timedelta(days=1))
    do_record_attendance(event, [AttendanceMark(enrolment, True, Decimal("87.5"))], acting_user=None)
    completion = Completion.objects.get(user=cast.ali, course=course)
    day = timezone.localdate(event.ends_at)
    assert (completion.score, completion.completed_on, completion.expires_on) == (
        Decimal("87.50"),
        day,
        add_months(day, 12),
    )
    # Unticking removes the completion.
    do_record_attendance(event, [AttendanceMark(enrolment, False)], acting_user=None)
    assert not Completion.objects.filter(user=cast.ali).exists()


def test_attendance_before_the_event_is_refused(cast: Cast):
    event = make_event(cast.isfahan)  # next week
    enrolment = do_enrol(event, cast.ali, acting_user=None)
    with (
        assert_nothing_changed("training.enrolment", "training.completion"),
        pytest.raises(ValidationError) as caught,
    ):
        do_record_attendance(event, [AttendanceMark(enrolment, True)], acting_user=None)
    assert list(caught.value.message_dict) == ["event"]


def test_attendance_for_someone_on_the_waiting_list_is_refused(cast: Cast):
    event = make_event(cast.isfahan, capacity=1, starts_at=timezone.now() - timedelta(hours=1))
    before = event.starts_at - timedelta(days=1)
    do_enrol(event, make_member("p1", cast.isfahan), acting_user=None, now=before)
    waiting = do_enrol(event, cast.ali, acting_user=None, now=before)
    with (
        assert_nothing_changed("training.enrolment", "training.completion"),
        pytest.raises(ValidationError) as caught,
    ):
        do_record_attendance(event, [AttendanceMark(waiting, True)], acting_user=None)
    assert list(caught.value.message_dict) == ["marks[0].user"]


def test_a_score_out_of_range_is_refused(cast: Cast):
    event = make_event(cast.isfahan, starts_at=timezone.now() - timedelta(hours=1))
    enrolment = do_enrol(event, cast.ali, acting_user=None, now=event.starts_at - timedelta(days=1))
    with pytest.raises(ValidationError) as caught:
        do_record_attendance(event, [AttendanceMark(enrolment, True, Decimal(120))], acting_user=None)
    assert list(caught.value.message_dict) == ["marks[0].score"]


def test_only_the_organizer_records_attendance(cast: Cast):
    event = make_event(cast.isfahan, starts_at=timezone.now() - timedelta(hours=1))
    enrolment = do_enrol(event, cast.ali, acting_user=None, now=event.starts_at - timedelta(days=1))
    with pytest.raises(ObjectNotFound):
        do_record_attendance(event, [AttendanceMark(enrolment, True)], acting_user=cast.alice)
    organizer = make_member("isf-coordinator", cast.isfahan, role="coordinator")
    do_record_attendance(event, [AttendanceMark(enrolment, True)], acting_user=organizer)
    assert Completion.objects.filter(user=cast.ali).count() == 1


def test_add_months_follows_the_jalali_calendar():
    from rasad.lib.jalali import from_jalali

    assert add_months(from_jalali(1404, 6, 31), 1) == from_jalali(1404, 7, 30)
    assert add_months(from_jalali(1404, 11, 30), 2) == from_jalali(1405, 1, 30)
    assert add_months(from_jalali(1403, 12, 30), 12) == from_jalali(1404, 12, 29)
