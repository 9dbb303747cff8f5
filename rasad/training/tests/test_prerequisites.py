"""Prerequisites between courses: enrolling in a session of a course needs every prerequisite
completed first (a lapsed certificate still counts); the message names what is missing; the
event's page says it instead of the enrol button; a circle of prerequisites is refused."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from rasad.testing.api import assert_nothing_changed
from rasad.testing.cast import Cast
from rasad.testing.web import signed_in_client
from rasad.training.actions import CourseValues, do_enrol, do_save_course
from rasad.training.models import Course, Enrolment
from rasad.training.testing import complete, make_course, make_event

pytestmark = pytest.mark.django_db


def _advanced(cast: Cast) -> tuple[Course, Course]:
    basics = make_course(cast.isfahan, title="مبانی امنیت سایبری", validity_months=1)
    advanced = make_course(cast.isfahan, title="امنیت سایبری پیشرفته", prerequisites=[basics])
    return basics, advanced


def test_enrolling_without_the_prerequisite_is_refused_by_name(cast: Cast) -> None:
    _basics, advanced = _advanced(cast)
    event = make_event(cast.isfahan, course=advanced)
    with assert_nothing_changed(), pytest.raises(ValidationError) as error:
        do_enrol(event, cast.ali, acting_user=cast.ali)
    assert list(error.value.message_dict) == ["user"]
    assert "مبانی امنیت سایبری" in error.value.message_dict["user"][0]


def test_a_completed_prerequisite_opens_enrolment_even_once_lapsed(cast: Cast) -> None:
    basics, advanced = _advanced(cast)
    complete(cast.ali, make_event(cast.isfahan, course=basics, starts_at=timezone.now() - timedelta(days=90)))
    event = make_event(cast.isfahan, course=advanced)
    assert do_enrol(event, cast.ali, acting_user=cast.ali).status == "enrolled"


def test_the_event_page_says_what_to_complete_first(cast: Cast) -> None:
    _basics, advanced = _advanced(cast)
    event = make_event(cast.isfahan, course=advanced)
    page = signed_in_client(cast.ali).get(f"/training/events/{event.pk}/").content.decode()
    assert 'data-testid="prerequisites-missing"' in page and "مبانی امنیت سایبری" in page
    assert 'data-testid="enrol"' not in page
    response = signed_in_client(cast.ali).post(f"/training/events/{event.pk}/enrol/")
    assert response.status_code == 302
    assert not Enrolment.objects.filter(event=event).exists()


def test_a_circle_of_prerequisites_is_refused(cast: Cast) -> None:
    basics, advanced = _advanced(cast)
    with pytest.raises(ValidationError) as error:
        do_save_course(
            CourseValues(
                organization=cast.isfahan,
                code=basics.code,
                title=basics.title,
                hours=basics.hours,
                mode=basics.mode,
                prerequisites=[advanced],
            ),
            acting_user=None,
            instance=basics,
        )
    assert list(error.value.message_dict) == ["prerequisites"]
