"""The iCalendar file of an event and a person's calendar address: the feed shows only the
person's events that they may still see, with the Jalali day in Persian; an unknown, replaced or
stopped address is a plain 404; the address is the person's own."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from icalendar import Calendar

from rasad.core.models import AuditEvent
from rasad.jobs.testing import run_queued
from rasad.lib import formatting
from rasad.testing.cast import Cast
from rasad.testing.web import signed_in_client
from rasad.training.actions import do_cancel_event, do_enrol
from rasad.training.actions.announce import do_announce_event
from rasad.training.actions.feed import do_make_calendar_feed
from rasad.training.audit import TrainingAuditEvent
from rasad.training.models import CalendarFeed
from rasad.training.testing import make_event
from rasad.training.texts import PERSIAN

pytestmark = pytest.mark.django_db


def _feed(address: str) -> Calendar:
    response = Client().get(address)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    return Calendar.from_ical(response.content)


def _summaries(book: Calendar) -> set[str]:
    return {str(e["summary"]).split(": ", 1)[1] for e in book.walk("VEVENT")}


def _address(cast_user: object) -> str:
    _feed_row, secret = do_make_calendar_feed(cast_user, acting_user=cast_user)  # type: ignore[arg-type]
    return f"/training/calendar/{secret}.ics"


def test_the_feed_holds_the_persons_enrolled_and_announced_events_only(cast: Cast) -> None:
    enrolled = make_event(cast.isfahan, title="جلسه ثبت‌نام‌شده")
    told = make_event(cast.isfahan, title="کارگاه اعلام‌شده")
    make_event(cast.isfahan, title="سمینار بی‌خبر")
    kerman = make_event(cast.kerman, title="رویداد کرمان")
    do_enrol(enrolled, cast.ali, acting_user=None)
    do_enrol(kerman, cast.bahram, acting_user=None)
    do_announce_event(told, acting_user=None)
    run_queued()
    assert _summaries(_feed(_address(cast.ali))) == {"جلسه ثبت‌نام‌شده", "کارگاه اعلام‌شده"}
    assert _summaries(_feed(_address(cast.bahram))) == {"رویداد کرمان"}


def test_an_entry_says_when_in_the_jalali_calendar_and_in_utc(cast: Cast) -> None:
    event = make_event(cast.isfahan, title="کارگاه", starts_at=timezone.now() + timedelta(days=3))
    do_enrol(event, cast.ali, acting_user=None)
    (entry,) = _feed(_address(cast.ali)).walk("VEVENT")
    assert entry.decoded("dtstart") == event.starts_at.replace(microsecond=0)
    stamp = entry["dtstart"].to_ical()
    assert (stamp.decode() if isinstance(stamp, bytes) else stamp).endswith("Z")
    description = str(entry["description"])
    assert formatting.date_text(event.starts_at, style="long", prefs=PERSIAN) in description
    assert "تهران" in description
    assert str(entry["url"]).endswith(f"/training/events/{event.pk}/")


def test_a_cancelled_event_stays_in_the_feed_as_cancelled(cast: Cast) -> None:
    event = make_event(cast.isfahan)
    do_enrol(event, cast.ali, acting_user=None)
    do_cancel_event(event, acting_user=None)
    (entry,) = _feed(_address(cast.ali)).walk("VEVENT")
    assert str(entry["status"]) == "CANCELLED"


@pytest.mark.parametrize("key", ["cal_unknown", "rsd_x", "' OR 1=1", "cal_" + "a" * 100])
def test_an_unknown_address_is_a_plain_404(cast: Cast, key: str) -> None:
    _address(cast.ali)
    response = Client().get(f"/training/calendar/{key}.ics")
    assert response.status_code == 404
    assert b"VCALENDAR" not in response.content


def test_a_new_address_replaces_the_old_one_and_stopping_ends_it(cast: Cast) -> None:
    old = _address(cast.ali)
    new = _address(cast.ali)
    assert Client().get(old).status_code == 404
    assert Client().get(new).status_code == 200
    client = signed_in_client(cast.ali)
    assert client.post("/training/mine/calendar/stop/").status_code == 302
    assert Client().get(new).status_code == 404
    assert not CalendarFeed.objects.filter(user=cast.ali).exists()
    assert AuditEvent.objects.filter(event_type=TrainingAuditEvent.CALENDAR_FEED_STOPPED).count() == 1


def test_the_address_is_shown_once_and_only_its_hash_is_kept(cast: Cast) -> None:
    client = signed_in_client(cast.ali)
    page = client.post("/training/mine/calendar/").content.decode()
    address = page.split('data-testid="feed-address"')[0].rsplit('value="', 1)[1].split('"')[0]
    secret = address.rsplit("/", 1)[1].removesuffix(".ics")
    assert secret.startswith("cal_")
    feed = CalendarFeed.objects.get(user=cast.ali)
    assert secret not in (feed.key_hash, feed.prefix)
    assert secret not in client.get("/training/mine/calendar/").content.decode()
    assert Client().get(address).status_code == 200


def test_the_feed_drops_an_event_the_person_may_no_longer_see(cast: Cast) -> None:
    event = make_event(cast.isfahan, title="کارگاه")
    do_enrol(event, cast.ali, acting_user=None)
    address = _address(cast.ali)
    assert len(_feed(address).walk("VEVENT")) == 1
    cast.ali.grants.all().delete()
    assert _feed(address).walk("VEVENT") == []


def test_an_inactive_persons_address_answers_404(cast: Cast) -> None:
    address = _address(cast.ali)
    cast.ali.is_active = False
    cast.ali.save(update_fields=["is_active"])
    assert Client().get(address).status_code == 404


def test_an_events_calendar_file_is_for_those_who_may_see_it(cast: Cast) -> None:
    event = make_event(cast.isfahan, title="کارگاه")
    response = signed_in_client(cast.ali).get(f"/training/events/{event.pk}/calendar.ics")
    assert response.status_code == 200
    (entry,) = Calendar.from_ical(response.content).walk("VEVENT")
    assert str(entry["summary"]).endswith("کارگاه")
    assert signed_in_client(cast.bob).get(f"/training/events/{event.pk}/calendar.ics").status_code == 404
