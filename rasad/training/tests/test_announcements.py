"""Announcements, reminders and lapse notices: who is told (the audience's people who may see the
event, and nobody of another province), once each however often the work runs; bad input and
refusals change nothing; opening the event counts in its publicity."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from rasad.cases.models import Notification
from rasad.core.access import ObjectNotFound
from rasad.core.models import AuditEvent
from rasad.jobs.testing import run_queued
from rasad.testing.api import assert_nothing_changed
from rasad.testing.cast import Cast
from rasad.testing.web import signed_in_client
from rasad.training.actions import do_cancel_event, do_enrol
from rasad.training.actions.announce import (
    deliver_announcement,
    do_announce_event,
    publicity,
    send_lapse_notices,
    send_reminders,
)
from rasad.training.audit import TrainingAuditEvent
from rasad.training.models import Event, Notice
from rasad.training.testing import complete, hold, make_course, make_event, make_member, make_requirement

pytestmark = pytest.mark.django_db


def _told(event: Event, kind: str = "announcement") -> set[str]:
    return set(Notice.objects.filter(event=event, kind=kind).values_list("user__username", flat=True))


def test_an_announcement_tells_the_audience_who_may_see_the_event_and_nobody_else(cast: Cast) -> None:
    event = make_event(cast.isfahan, title="کارگاه سواد رسانه‌ای")
    do_announce_event(event, acting_user=None)
    run_queued()
    assert _told(event) == {"alice", "ali"}
    notes = Notification.objects.filter(user=cast.ali, kind="training")
    assert [n.link for n in notes] == [f"/training/events/{event.pk}/"]
    message = notes[0].message
    assert "کارگاه سواد رسانه‌ای" in message and "ساعت" in message
    # Kerman's people are told nothing, whatever they may see elsewhere.
    assert not Notification.objects.filter(user__in=[cast.bob, cast.bahram]).exists()


def test_the_message_carries_the_jalali_day_in_persian(cast: Cast) -> None:
    event = make_event(cast.isfahan)
    do_announce_event(event, acting_user=None)
    run_queued()
    message = Notification.objects.get(user=cast.ali, kind="training").message
    from rasad.lib import formatting
    from rasad.training.texts import PERSIAN

    assert formatting.date_text(event.starts_at, style="long", prefs=PERSIAN) in message


def test_telling_again_tells_nobody_twice(cast: Cast) -> None:
    event = make_event(cast.isfahan)
    do_announce_event(event, acting_user=None)
    run_queued()
    before = Notification.objects.count()
    assert deliver_announcement(event, cast.isfahan) == 0
    do_announce_event(event, acting_user=None)
    run_queued()
    assert Notification.objects.count() == before
    assert Notice.objects.filter(event=event).count() == 2


def test_announcing_again_tells_only_the_people_who_joined_since(cast: Cast) -> None:
    event = make_event(cast.isfahan)
    do_announce_event(event, acting_user=None)
    run_queued()
    newcomer = make_member("newcomer", cast.isfahan_post, role="reporter")
    do_announce_event(event, acting_user=None)
    run_queued()
    assert _told(event) == {"alice", "ali", "newcomer"}
    assert Notification.objects.filter(user=newcomer).count() == 1


def test_an_announcement_to_a_part_of_the_audience_tells_that_part_only(cast: Cast) -> None:
    event = make_event(cast.isfahan)
    post_member = make_member("post-officer", cast.isfahan_post, role="reporter")
    do_announce_event(event, acting_user=None, organization=cast.isfahan_post)
    run_queued()
    assert _told(event) == {post_member.username}


def test_people_with_an_address_get_the_announcement_by_e_mail(cast: Cast) -> None:
    cast.ali.email = "ali@example.ir"
    cast.ali.save(update_fields=["email"])
    event = make_event(cast.isfahan, title="بوت‌کمپ هوش مصنوعی")
    do_announce_event(event, acting_user=None)
    run_queued()
    sent = [m for m in mail.outbox if m.to == ["ali@example.ir"]]
    assert len(sent) == 1 and "بوت‌کمپ هوش مصنوعی" in sent[0].body


def test_an_organization_outside_the_audience_is_refused_by_name(cast: Cast) -> None:
    event = make_event(cast.isfahan)
    with assert_nothing_changed(), pytest.raises(ValidationError) as error:
        do_announce_event(event, acting_user=None, organization=cast.kerman)
    assert list(error.value.message_dict) == ["organization"]
    assert cast.kerman.name in error.value.message_dict["organization"][0]


def test_a_cancelled_or_ended_event_is_not_announced(cast: Cast) -> None:
    cancelled = make_event(cast.isfahan)
    do_cancel_event(cancelled, acting_user=None)
    ended = make_event(cast.isfahan, starts_at=timezone.now() - timedelta(days=2))
    for event in (cancelled, ended):
        with pytest.raises(ValidationError) as error:
            do_announce_event(event, acting_user=None)
        assert list(error.value.message_dict) == ["event"]
    assert not Notice.objects.exists()


def test_only_the_organizer_announces(cast: Cast) -> None:
    event = make_event(cast.isfahan)
    for person in (cast.bob, cast.ali, cast.alice):
        with assert_nothing_changed(), pytest.raises(ObjectNotFound):
            do_announce_event(event, acting_user=person)


def test_the_announcement_is_audited(cast: Cast) -> None:
    event = make_event(cast.isfahan)
    do_announce_event(event, acting_user=None, organization=cast.isfahan_post)
    audited = AuditEvent.objects.get(event_type=TrainingAuditEvent.EVENT_ANNOUNCED)
    assert audited.new["to"] == cast.isfahan_post.pk


def test_opening_the_event_counts_once_in_its_publicity(cast: Cast) -> None:
    event = make_event(cast.isfahan)
    do_announce_event(event, acting_user=None)
    run_queued()
    client = signed_in_client(cast.ali)
    assert client.get(f"/training/events/{event.pk}/").status_code == 200
    first = Notice.objects.get(event=event, user=cast.ali).opened_at
    client.get(f"/training/events/{event.pk}/")
    assert Notice.objects.get(event=event, user=cast.ali).opened_at == first
    do_enrol(event, cast.ali, acting_user=None)
    assert publicity(event) == type(publicity(event))(notified=2, opened=1, enrolled=1, reminded=0)


def test_people_holding_a_place_are_reminded_once_a_day_before(cast: Cast) -> None:
    soon = make_event(cast.isfahan, starts_at=timezone.now() + timedelta(hours=10), capacity=1)
    later = make_event(cast.isfahan, starts_at=timezone.now() + timedelta(days=3))
    do_enrol(soon, cast.ali, acting_user=None)
    do_enrol(soon, cast.alice, acting_user=None)  # waiting: the event is full
    do_enrol(later, cast.ali, acting_user=None)
    assert send_reminders() == 1
    assert send_reminders() == 0
    assert _told(soon, "reminder") == {"ali"}
    assert _told(later, "reminder") == set()
    note = Notification.objects.get(user=cast.ali, kind="training")
    assert note.message.startswith("یادآوری")


def test_a_certificate_about_to_lapse_is_told_to_the_person_and_their_manager_once(cast: Cast) -> None:
    manager = make_member("isf-coordinator", cast.isfahan, role="coordinator")
    course = make_course(cast.isfahan, title="سواد رسانه‌ای", validity_months=12)
    make_requirement(cast.isfahan, [course])
    hold(cast.ali, cast.isfahan)
    event = make_event(cast.isfahan, course=course, starts_at=timezone.now() - timedelta(days=345))
    complete(cast.ali, event)
    today = timezone.localdate()
    assert send_lapse_notices(today=today) == 1
    assert send_lapse_notices(today=today) == 0
    assert Notification.objects.filter(user=cast.ali, kind="training").count() == 1
    assert Notification.objects.filter(user=manager, kind="training").count() == 1
    # Nobody in Kerman hears of it.
    assert not Notification.objects.filter(user__in=[cast.bob, cast.bahram]).exists()


def test_a_certificate_valid_for_long_is_not_told(cast: Cast) -> None:
    course = make_course(cast.isfahan, validity_months=24)
    make_requirement(cast.isfahan, [course])
    hold(cast.ali, cast.isfahan)
    complete(cast.ali, make_event(cast.isfahan, course=course, starts_at=timezone.now() - timedelta(days=5)))
    assert send_lapse_notices(today=timezone.localdate()) == 0


def test_an_announcement_and_a_reminder_read_in_each_reader_s_language(cast: Cast) -> None:
    """Session 23 left them stored in Persian for every reader: an English reader with the Gregorian
    calendar read «دورهٔ آموزشی … ساعت ۰۹:۳۰». One event, two readers, on the page and by e-mail."""
    from datetime import datetime, time

    from rasad.core.models import User
    from rasad.lib import display
    from rasad.lib.jalali import TEHRAN

    User.objects.filter(pk=cast.ali.pk).update(
        language="en", persian_digits=False, calendar="gregorian", email="ali@example.ir"
    )
    User.objects.filter(pk=cast.alice.pk).update(email="alice@example.ir")
    cast.ali.refresh_from_db()
    day = timezone.localdate() + timedelta(days=7)
    starts = datetime.combine(day, time(9, 30, 15), tzinfo=TEHRAN)
    event = make_event(
        cast.isfahan, title="سواد رسانه‌ای", starts_at=starts, place="", online_url="https://x.ir"
    )
    do_announce_event(event, acting_user=None)
    run_queued()
    english = Notification.objects.get(user=cast.ali, kind="training")
    persian = Notification.objects.get(user=cast.alice, kind="training")
    with display.speaking(cast.ali, "en"):
        text = english.text
    assert text.startswith("Course session “سواد رسانه‌ای” of ")
    assert f"{day.day} {day:%B %Y}, 09:30 to 13:30, online. Open the event" in text, text
    assert "۰۹:۳۰" in persian.message and "برخط" in persian.message and "ثبت‌نام" in persian.message
    with display.speaking(cast.alice, "fa"):
        assert persian.text == persian.message
    page = signed_in_client(cast.ali).get("/cases/notifications/").content.decode()
    assert "09:30 to 13:30, online" in page
    mails = {message.to[0]: message.body for message in mail.outbox}
    assert mails["ali@example.ir"].startswith(text) and mails["alice@example.ir"].startswith(persian.message)
    # The reminder the day before, the same way.
    do_enrol(event, cast.ali, acting_user=None)
    assert send_reminders(now=starts - timedelta(hours=10)) == 1
    reminder = Notification.objects.filter(user=cast.ali, kind="training").order_by("-pk")[0]
    with display.speaking(cast.ali, "en"):
        said = reminder.text
    assert said == f"Reminder: “سواد رسانه‌ای” starts {day.day} {day:%B %Y}, 09:30 to 13:30, online."
