"""The announcement e-mail carries the event's calendar file: the file of the event's page
(``training-event-<id>.ics``, ``text/calendar`` in UTF-8) that a calendar program reads with the
event's summary, times and Jalali day in Persian. It leaves only after the telling commits;
Isfahan's people get Isfahan's file and Kerman's people Kerman's, never the other's."""

from __future__ import annotations

from datetime import timedelta
from email import message_from_bytes
from typing import Any

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone
from icalendar import Calendar, Component
from rest_framework.test import APIClient

from rasad.cases.models import Notification
from rasad.core.models import User
from rasad.jobs.testing import run_queued
from rasad.lib import formatting
from rasad.testing.cast import Cast
from rasad.testing.web import signed_in_client
from rasad.training.actions import do_enrol
from rasad.training.actions.announce import deliver_announcement, do_announce_event, send_reminders
from rasad.training.models import Event, Notice
from rasad.training.testing import make_event, make_member
from rasad.training.texts import PERSIAN

pytestmark = pytest.mark.django_db


def _with_address(*people: User) -> None:
    for person in people:
        person.email = f"{person.username}@example.ir"
        person.save(update_fields=["email"])


def _mail_to(person: User) -> list[mail.EmailMessage]:
    return [message for message in mail.outbox if message.to == [person.email]]


def _only_file(message: mail.EmailMessage) -> tuple[str, str, str]:
    (attached,) = message.attachments
    name, content, content_type = attached
    return str(name), str(content), str(content_type)


def test_the_announcement_e_mail_carries_the_events_calendar_file(cast: Cast) -> None:
    _with_address(cast.ali)
    event = make_event(cast.isfahan, title="بوت‌کمپ هوش مصنوعی", starts_at=timezone.now() + timedelta(days=4))
    do_announce_event(event, acting_user=None)
    run_queued()
    (message,) = _mail_to(cast.ali)
    name, content, content_type = _only_file(message)
    assert name == f"training-event-{event.pk}.ics"
    assert content_type == "text/calendar"
    (entry,) = Calendar.from_ical(content).walk("VEVENT")
    assert str(entry["summary"]) == "جلسهٔ دوره: بوت‌کمپ هوش مصنوعی"
    assert entry.decoded("dtstart") == event.starts_at.replace(microsecond=0)
    assert entry.decoded("dtend") == event.ends_at.replace(microsecond=0)
    assert str(entry["uid"]) == f"training-event-{event.pk}@rasad"
    assert formatting.date_text(event.starts_at, style="long", prefs=PERSIAN) in str(entry["description"])


def test_the_file_is_the_one_the_events_page_offers(cast: Cast) -> None:
    _with_address(cast.ali)
    event = make_event(cast.isfahan, title="کارگاه")
    do_announce_event(event, acting_user=None)
    run_queued()
    _name, content, _type = _only_file(_mail_to(cast.ali)[0])
    page = signed_in_client(cast.ali).get(f"/training/events/{event.pk}/calendar.ics")
    mailed = Calendar.from_ical(content).walk("VEVENT")[0]
    offered = Calendar.from_ical(page.content).walk("VEVENT")[0]
    for field in ("uid", "summary", "dtstart", "dtend", "location", "status"):
        assert mailed.get(field) == offered.get(field), field


def test_the_sent_message_has_a_utf_8_calendar_part_named_for_the_event(cast: Cast) -> None:
    _with_address(cast.ali)
    event = make_event(cast.isfahan, title="سمینار امنیت سایبری")
    do_announce_event(event, acting_user=None)
    run_queued()
    raw = _mail_to(cast.ali)[0].message().as_bytes()
    parts = [part for part in message_from_bytes(raw).walk() if part.get_content_type() == "text/calendar"]
    (part,) = parts
    assert part.get_content_charset() == "utf-8"
    assert part.get_filename() == f"training-event-{event.pk}.ics"
    assert part.get_content_disposition() == "attachment"
    payload = part.get_payload(decode=True)
    assert isinstance(payload, bytes)
    assert "سمینار امنیت سایبری" in str(Calendar.from_ical(payload).walk("VEVENT")[0]["summary"])


def _mailed_entry(person: User) -> Component:
    (message,) = _mail_to(person)
    (entry,) = Calendar.from_ical(_only_file(message)[1]).walk("VEVENT")
    return entry


def test_announced_from_its_page_the_file_links_back_to_the_event(cast: Cast) -> None:
    _with_address(cast.ali)
    organizer = make_member("isf-coordinator", cast.isfahan, role="coordinator")
    event = make_event(cast.isfahan, title="کارگاه", description="ویژهٔ مدیران")
    response = signed_in_client(organizer).post(
        f"/training/events/{event.pk}/announce/", {"organization": cast.isfahan.pk}
    )
    assert response.status_code == 302, response.content
    run_queued()
    entry = _mailed_entry(cast.ali)
    address = f"http://testserver/training/events/{event.pk}/"
    assert str(entry["url"]) == address
    # The address is the description's last line, after the event's own description.
    assert str(entry["description"]).splitlines()[-3:] == ["ویژهٔ مدیران", "", address]


def test_announced_through_the_api_the_file_links_back_to_the_event(cast: Cast, settings: Any) -> None:
    """The address is the one the organizer reached the site by (a host the site accepts)."""
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "rasad.example.ir"]
    _with_address(cast.ali)
    organizer = make_member("isf-coordinator", cast.isfahan, role="coordinator")
    event = make_event(cast.isfahan)
    client = APIClient()
    client.force_authenticate(organizer)
    response = client.post(
        f"/api/v1/training-events/{event.pk}/announce/", {}, format="json", HTTP_HOST="rasad.example.ir"
    )
    assert response.status_code == 202, response.content
    run_queued()
    entry = _mailed_entry(cast.ali)
    assert str(entry["url"]) == f"http://rasad.example.ir/training/events/{event.pk}/"
    assert str(entry["description"]).endswith(f"\nhttp://rasad.example.ir/training/events/{event.pk}/")


def test_announced_without_a_request_the_file_has_no_address(cast: Cast) -> None:
    """The demo or a command announces without a request: no address is made up."""
    _with_address(cast.ali)
    event = make_event(cast.isfahan, description="ویژهٔ مدیران")
    do_announce_event(event, acting_user=None)
    run_queued()
    entry = _mailed_entry(cast.ali)
    assert "url" not in entry
    assert "http" not in str(entry["description"])
    assert str(entry["description"]).splitlines()[-1] == "ویژهٔ مدیران"


def test_a_title_with_calendar_punctuation_still_parses(cast: Cast) -> None:
    _with_address(cast.ali)
    title = "کارگاه; ویژهٔ مدیران, کارشناسان \\ و «روابط عمومی»"
    event = make_event(cast.isfahan, title=title, place="تالار ۲; طبقهٔ سوم, اتاق ۳۱۲")
    do_announce_event(event, acting_user=None)
    run_queued()
    _name, content, _type = _only_file(_mail_to(cast.ali)[0])
    (entry,) = Calendar.from_ical(content).walk("VEVENT")
    assert str(entry["summary"]).endswith(title)
    assert str(entry["location"]) == "تالار ۲; طبقهٔ سوم, اتاق ۳۱۲"


def test_nothing_is_sent_before_the_telling_commits_nor_when_it_rolls_back(cast: Cast) -> None:
    _with_address(cast.ali, cast.alice)
    event = make_event(cast.isfahan)
    do_announce_event(event, acting_user=None)
    assert mail.outbox == []  # announced: the telling waits for the background work
    with transaction.atomic():
        assert deliver_announcement(event, cast.isfahan) == 2
        transaction.set_rollback(True)
    run_queued()  # the announcement's own task tells them now; the rolled-back telling sent nothing
    assert sorted(message.to[0] for message in mail.outbox) == ["ali@example.ir", "alice@example.ir"]
    assert all(len(message.attachments) == 1 for message in mail.outbox)


def test_each_province_gets_its_own_events_file_only(cast: Cast) -> None:
    _with_address(cast.ali, cast.alice, cast.bob, cast.bahram)
    isfahan = make_event(cast.isfahan, title="کارگاه اصفهان")
    kerman = make_event(cast.kerman, title="کارگاه کرمان")
    do_announce_event(isfahan, acting_user=None)
    do_announce_event(kerman, acting_user=None)
    run_queued()

    def summaries(person: User) -> list[str]:
        return [
            str(Calendar.from_ical(_only_file(message)[1]).walk("VEVENT")[0]["summary"])
            for message in _mail_to(person)
        ]

    assert summaries(cast.ali) == summaries(cast.alice) == ["جلسهٔ دوره: کارگاه اصفهان"]
    assert summaries(cast.bob) == summaries(cast.bahram) == ["جلسهٔ دوره: کارگاه کرمان"]
    assert not Notice.objects.filter(event=isfahan, user__in=[cast.bob, cast.bahram]).exists()


def test_a_person_without_an_address_is_told_in_the_site_only(cast: Cast) -> None:
    _with_address(cast.alice)
    event = make_event(cast.isfahan)
    do_announce_event(event, acting_user=None)
    run_queued()
    assert Notification.objects.filter(user=cast.ali, kind="training").count() == 1
    assert [message.to for message in mail.outbox] == [["alice@example.ir"]]


def test_a_reminder_is_a_plain_message(cast: Cast) -> None:
    _with_address(cast.ali)
    event: Event = make_event(cast.isfahan, starts_at=timezone.now() + timedelta(hours=5))
    do_enrol(event, cast.ali, acting_user=None)
    assert send_reminders() == 1
    run_queued()
    (message,) = _mail_to(cast.ali)
    assert message.attachments == []


SITE = "https://rasad.example.ir"


def test_with_the_sites_address_set_a_file_announced_without_a_request_links_to_it(
    cast: Cast, settings: Any
) -> None:
    """RASAD_PUBLIC_URL gives the address the demo or a command cannot take from a request."""
    settings.RASAD_PUBLIC_URL = SITE
    _with_address(cast.ali)
    event = make_event(cast.isfahan, description="ویژهٔ مدیران")
    do_announce_event(event, acting_user=None)
    run_queued()
    entry = _mailed_entry(cast.ali)
    assert str(entry["url"]) == f"{SITE}/training/events/{event.pk}/"
    assert str(entry["description"]).splitlines()[-3:] == [
        "ویژهٔ مدیران",
        "",
        f"{SITE}/training/events/{event.pk}/",
    ]


def test_with_the_sites_address_set_the_pages_file_and_feed_use_it_not_the_requests_host(
    cast: Cast, settings: Any
) -> None:
    settings.RASAD_PUBLIC_URL = SITE
    event = make_event(cast.isfahan)
    client = signed_in_client(cast.ali)
    page_file = Calendar.from_ical(client.get(f"/training/events/{event.pk}/calendar.ics").content)
    assert str(page_file.walk("VEVENT")[0]["url"]) == f"{SITE}/training/events/{event.pk}/"
    answer = client.post("/training/mine/calendar/")
    assert answer.status_code == 200
    assert f"{SITE}/training/calendar/" in answer.content.decode()
    assert "http://testserver/" not in answer.content.decode()
