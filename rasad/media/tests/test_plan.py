"""The media calendar (the content plan): the headquarters plans content and events for itself
and its member agencies on Jalali days, linked to a training event's announcement; the agency
marks its item published with the address; another province sees none of it; bad input refused
naming the field, in Persian, with nothing written."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from rasad.conftest import client_for
from rasad.core.models import User
from rasad.lib.jalali import TEHRAN, JalaliPeriod, local_date
from rasad.media.models import PlannedItem
from rasad.media.testing import ensure_member, make_planned_item
from rasad.testing.api import assert_nothing_changed
from rasad.testing.cast import Cast
from rasad.testing.web import signed_in_client

pytestmark = pytest.mark.django_db
PLAN = "/api/v1/media-plan/"
PERSIAN = re.compile(r"[\u0600-\u06FF]")


def _soon(days: int = 3) -> datetime:
    return (
        (timezone.now() + timedelta(days=days))
        .astimezone(TEHRAN)
        .replace(hour=10, minute=0, second=0, microsecond=0)
    )


def test_the_hq_plans_an_item_for_an_agency_which_publishes_it(cast: Cast, coordinator: User):
    ensure_member(cast.isfahan, cast.isfahan_post)
    start = _soon()
    created = client_for(coordinator).post(
        PLAN,
        {
            "organization": "ISF-CC",
            "agency": "ISF-P1",
            "kind": "event",
            "title": "اطلاع‌رسانی بوت‌کمپ هوش مصنوعی",
            "starts_at": start.isoformat(),
            "ends_at": (start + timedelta(days=2)).isoformat(),
            "channel": "social_media",
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    assert client_for(cast.bob).get(f"{PLAN}{pk}/").status_code == 404
    assert client_for(cast.bob).get(PLAN).json()["results"] == []
    assert (
        client_for(cast.bahram)
        .post(f"{PLAN}{pk}/publish/", {"link": "https://x.example"}, format="json")
        .status_code
        == 404
    )
    published = client_for(cast.ali).post(
        f"{PLAN}{pk}/publish/", {"link": "https://isf-p1.example/news/bootcamp"}, format="json"
    )
    assert (published.status_code, published.json()["state"]) == (200, "published")
    item = PlannedItem.objects.get(pk=pk)
    assert (item.done_by, item.link) == (cast.ali, "https://isf-p1.example/news/bootcamp")
    # Published: no more changes.
    with assert_nothing_changed("media.planneditem"):
        refused = client_for(coordinator).patch(f"{PLAN}{pk}/", {"title": "تازه"}, format="json")
    assert refused.status_code == 400
    assert list(refused.json()["error"]["fields"]) == ["state"]


def test_bad_input_is_refused_naming_each_field_in_persian(cast: Cast, coordinator: User):
    start = _soon()
    with assert_nothing_changed("media.planneditem"):
        response = client_for(coordinator).post(
            PLAN,
            {
                "organization": "ISF-CC",
                "agency": "KER-P1",
                "kind": "event",
                "title": "رویداد",
                "starts_at": start.isoformat(),
                "ends_at": (start - timedelta(days=1)).isoformat(),
            },
            format="json",
        )
    assert response.status_code == 400
    fields = response.json()["error"]["fields"]
    assert sorted(fields) == ["agency"]  # Kerman's post is not the coordinator's to name
    with assert_nothing_changed("media.planneditem"):
        response = client_for(coordinator).post(
            PLAN,
            {
                "organization": "ISF-CC",
                "kind": "event",
                "title": "رویداد",
                "starts_at": start.isoformat(),
                "ends_at": (start - timedelta(days=1)).isoformat(),
            },
            format="json",
        )
    assert response.status_code == 400
    fields = response.json()["error"]["fields"]
    assert list(fields) == ["ends_at"]
    assert PERSIAN.search(str(fields["ends_at"]))


def test_the_calendar_page_shows_the_month_in_persian_and_hides_the_other_province(cast: Cast):
    start = _soon(1)
    isfahan = make_planned_item(cast.isfahan, title="نشست خبری آب", starts_at=start)
    kerman = make_planned_item(cast.kerman, title="پویش برق کرمان", starts_at=start)
    month = JalaliPeriod.containing(local_date(start), "month").key
    page = signed_in_client(cast.alice).get(f"/media/calendar/?month={month}").content.decode()
    assert isfahan.title in page and kerman.title not in page
    assert 'data-testid="calendar-item"' in page
    assert signed_in_client(cast.alice).get(f"/media/calendar/{kerman.pk}/").status_code == 404
    # Persian digits in the month's name.
    assert re.search("[۰-۹]{4}", page)


def test_the_plan_form_names_the_fields_and_the_agency_marks_it_published(cast: Cast, coordinator: User):
    ensure_member(cast.isfahan, cast.isfahan_post)
    client = signed_in_client(coordinator)
    with assert_nothing_changed("media.planneditem"):
        refused = client.post(
            "/media/calendar/new/",
            {"organization": cast.isfahan.pk, "kind": "news", "title": " ", "start_day": "۱۴۰۵/۱۳/۰۱"},
        )
    errors = dict(re.findall(r'data-field-error="([^"]+)">([^<]*)<', refused.content.decode()))
    assert sorted(errors) == ["start_day", "title"]
    assert all(PERSIAN.search(message) for message in errors.values())
    day = local_date(_soon(5))
    from rasad.lib.jalali import format_date

    done = client.post(
        "/media/calendar/new/",
        {
            "organization": cast.isfahan.pk,
            "kind": "interview",
            "title": "گفت‌وگوی زنده دربارهٔ کیفیت آب",
            "agency": cast.isfahan_post.pk,
            "start_day": format_date(day),
            "start_time": "۱۸:۳۰",
        },
    )
    item = PlannedItem.objects.get(title="گفت‌وگوی زنده دربارهٔ کیفیت آب")
    assert done.status_code == 302
    assert (local_date(item.starts_at), item.starts_at.astimezone(TEHRAN).hour) == (day, 18)
    reporter = signed_in_client(cast.ali)
    assert 'data-testid="publish-form"' in reporter.get(f"/media/calendar/{item.pk}/").content.decode()
    refused = reporter.post(f"/media/calendar/{item.pk}/publish/", {"link": "نشانی"})
    assert refused.status_code == 400
    assert (
        reporter.post(
            f"/media/calendar/{item.pk}/publish/", {"link": "https://tv.example/live/1"}
        ).status_code
        == 302
    )
    item.refresh_from_db()
    assert item.state == "published"
