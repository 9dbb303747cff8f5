"""The media calendar's month as an iCalendar file: what the page shows (the person's scope, the
month, the filters), Jalali dates in Persian in each entry's description, cancelled items marked
so that a calendar program drops them, a bad filter refused naming it."""

from __future__ import annotations

import re
from datetime import UTC, timedelta

import pytest
from django.utils import timezone
from icalendar import Calendar

from rasad.lib.jalali import TEHRAN, JalaliPeriod, local_date
from rasad.media.actions import do_cancel_planned_item
from rasad.media.testing import make_planned_item
from rasad.testing.cast import Cast
from rasad.testing.web import signed_in_client, streamed

pytestmark = pytest.mark.django_db
ICS = "/media/calendar/month.ics"


def _entries(content: bytes) -> dict[str, dict[str, str]]:
    book = Calendar.from_ical(content)
    return {
        str(entry["uid"]): {key: str(entry[key]) for key in ("summary", "description", "status")}
        | {"dtstart": entry.decoded("dtstart").astimezone(UTC).isoformat(), "has_end": str("dtend" in entry)}
        for entry in book.walk("VEVENT")
    }


def test_the_month_downloads_as_a_calendar_file_of_what_the_person_sees(cast: Cast):
    start = (
        (timezone.now() + timedelta(days=1))
        .astimezone(TEHRAN)
        .replace(hour=10, minute=0, second=0, microsecond=0)
    )
    conference = make_planned_item(
        cast.isfahan, title="نشست خبری کیفیت آب", kind="press_conference", starts_at=start
    )
    campaign = make_planned_item(
        cast.isfahan,
        title="پویش صرفه‌جویی برق",
        kind="campaign",
        starts_at=start,
        ends_at=start + timedelta(days=1),
    )
    do_cancel_planned_item(campaign, "هم‌زمان با تعطیلی رسمی", acting_user=cast.root)
    make_planned_item(cast.kerman, title="پویش کرمان", starts_at=start)
    month = JalaliPeriod.containing(local_date(start), "month").key

    response = signed_in_client(cast.alice).get(ICS, {"month": month})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="media-calendar-{month}.ics"'
    assert response["X-Content-Type-Options"] == "nosniff"
    entries = _entries(streamed(response))
    assert sorted(entries) == sorted([f"media-plan-{conference.pk}@rasad", f"media-plan-{campaign.pk}@rasad"])
    press = entries[f"media-plan-{conference.pk}@rasad"]
    assert press["summary"] == "نشست خبری: نشست خبری کیفیت آب"
    assert press["status"] == "CONFIRMED"
    assert press["dtstart"] == start.astimezone(UTC).isoformat()
    assert press["has_end"] == "False"
    # The description says when in the Jalali calendar, with Persian digits, and for whom.
    assert re.search("[۰-۹]{4}", press["description"]) and not re.search("[0-9]{4}/", press["description"])
    assert "اصفهان" in press["description"] or cast.isfahan.name in press["description"]
    assert f"/media/calendar/{conference.pk}/" in press["description"]
    cancelled = entries[f"media-plan-{campaign.pk}@rasad"]
    assert (cancelled["status"], cancelled["has_end"]) == ("CANCELLED", "True")
    assert "هم‌زمان با تعطیلی رسمی" in cancelled["description"]

    # The page's filters apply; another province gets an empty calendar.
    planned = signed_in_client(cast.alice).get(ICS, {"month": month, "state": "planned"})
    assert list(_entries(streamed(planned))) == [f"media-plan-{conference.pk}@rasad"]
    kerman = signed_in_client(cast.bob).get(ICS, {"month": month})
    assert [entry["summary"] for entry in _entries(streamed(kerman)).values()] == ["خبر یا گزارش: پویش کرمان"]


def test_the_page_links_to_its_month_with_its_filters(cast: Cast):
    make_planned_item(cast.isfahan, title="گزارش")
    page = (
        signed_in_client(cast.alice)
        .get("/media/calendar/", {"month": "1405-09", "kind": "news"})
        .content.decode()
    )
    assert 'href="/media/calendar/month.ics?month=1405-09&amp;kind=news"' in page


def test_a_bad_filter_is_refused_naming_it(cast: Cast):
    response = signed_in_client(cast.alice).get(ICS, {"month": "1405-09", "state": "lost"})
    assert response.status_code == 400
    fields = response.json()["error"]["fields"]
    assert list(fields) == ["state"]
    assert re.search("[\u0600-\u06ff]", " ".join(fields["state"]))


def test_with_the_sites_address_set_the_entries_link_to_it(cast: Cast, settings):
    """RASAD_PUBLIC_URL wins over the host the request came by; unset, the request's host."""
    start = (timezone.now() + timedelta(days=1)).astimezone(TEHRAN).replace(hour=10, minute=0)
    item = make_planned_item(cast.isfahan, title="نشست خبری", starts_at=start)
    month = JalaliPeriod.containing(local_date(start), "month").key
    client = signed_in_client(cast.alice)
    settings.RASAD_PUBLIC_URL = "https://rasad.example.ir"
    response = client.get(ICS, {"month": month})
    [entry] = Calendar.from_ical(streamed(response)).walk("VEVENT")
    assert str(entry["url"]) == f"https://rasad.example.ir{item.get_absolute_url()}"
    settings.RASAD_PUBLIC_URL = ""
    response = client.get(ICS, {"month": month})
    [entry] = Calendar.from_ical(streamed(response)).walk("VEVENT")
    assert str(entry["url"]) == f"http://testserver{item.get_absolute_url()}"
