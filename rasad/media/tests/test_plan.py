"""The media calendar (the content plan): the headquarters plans content and events for itself
and its member agencies on Jalali days, linked to a training event's announcement; the agency
marks its item published with the address; another province sees none of it; bad input refused
naming the field, in Persian, with nothing written."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
from django.utils import timezone, translation

from rasad.conftest import client_for
from rasad.core.models import Organization, User
from rasad.lib.jalali import TEHRAN, JalaliPeriod, format_date, local_date
from rasad.media.actions import do_cancel_planned_item
from rasad.media.home import provide
from rasad.media.models import PlannedItem
from rasad.media.testing import ensure_member, make_planned_item
from rasad.testing.api import assert_nothing_changed, error_without_request_id
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
    # Changing it, the form shows the stored Jalali day and time in Persian digits.
    edit = client.get(f"/media/calendar/{item.pk}/edit/").content.decode()
    assert f'value="{format_date(day)}"' in edit and 'value="۱۸:۳۰"' in edit
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


def test_two_member_agencies_see_only_the_items_planned_for_them(
    cast: Cast, coordinator: User, agencies: list[Organization], officers: list[User]
):
    """Health and education are members of the same headquarters: each officer sees and publishes
    its own agency's items only, and neither sees what the headquarters plans for itself."""
    health, education = agencies[0], agencies[1]
    for agency in (health, education):
        ensure_member(cast.isfahan, agency)
    start = _soon(2)
    vaccines = make_planned_item(
        cast.isfahan, user=coordinator, title="پویش واکسیناسیون", agency=health, starts_at=start
    )
    schools = make_planned_item(
        cast.isfahan, user=coordinator, title="بازگشایی مدارس", agency=education, starts_at=start
    )
    own = make_planned_item(
        cast.isfahan, user=coordinator, title="نشست خبری ستاد", agency=None, starts_at=start
    )
    health_officer = officers[0]
    api = client_for(health_officer)
    assert [row["id"] for row in api.get(PLAN).json()["results"]] == [vaccines.pk]
    missing = api.get(f"{PLAN}999999/")
    for other in (schools, own):
        refused = api.get(f"{PLAN}{other.pk}/")
        assert refused.status_code == 404
        assert error_without_request_id(refused) == error_without_request_id(missing)
        with assert_nothing_changed("media.planneditem"):
            assert (
                api.post(
                    f"{PLAN}{other.pk}/publish/", {"link": "https://x.example/1"}, format="json"
                ).status_code
                == 404
            )
    month = JalaliPeriod.containing(local_date(start), "month").key
    pages = signed_in_client(health_officer)
    calendar = pages.get(f"/media/calendar/?month={month}").content.decode()
    assert vaccines.title in calendar
    assert schools.title not in calendar and own.title not in calendar
    assert pages.get(f"/media/calendar/{schools.pk}/").status_code == 404
    with assert_nothing_changed("media.planneditem"):
        assert (
            pages.post(f"/media/calendar/{schools.pk}/publish/", {"link": "https://x.example/1"}).status_code
            == 404
        )
    # The other agency's officer publishes its own; the headquarters sees all three.
    assert (
        client_for(officers[1])
        .post(f"{PLAN}{schools.pk}/publish/", {"link": "https://edu.example/1"}, format="json")
        .status_code
        == 200
    )
    whole = signed_in_client(coordinator).get(f"/media/calendar/?month={month}").content.decode()
    assert all(item.title in whole for item in (vaccines, schools, own))


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"kind": "rumour"}, "kind"),
        ({"title": "  "}, "title"),
        ({"channel": "pigeon"}, "channel"),
        ({"starts_at": "دیروز"}, "starts_at"),
        ({"ends_at_days": 91}, "ends_at"),
        ({"starts_at_days": 400}, "starts_at"),
        ({"training_event": 999999}, "training_event"),
    ],
)
def test_each_bad_field_is_named_in_persian_and_nothing_is_written(
    cast: Cast, coordinator: User, change: dict[str, object], field: str
):
    start = _soon()
    body: dict[str, object] = {
        "organization": "ISF-CC",
        "kind": "news",
        "title": "گزارش",
        "starts_at": start.isoformat(),
    }
    change = dict(change)  # the parameter is shared by reruns; this test's copy is changed
    if "ends_at_days" in change:
        body["ends_at"] = (start + timedelta(days=int(str(change.pop("ends_at_days"))))).isoformat()
    if "starts_at_days" in change:
        body["starts_at"] = _soon(int(str(change.pop("starts_at_days")))).isoformat()
    body.update(change)
    with assert_nothing_changed("media.planneditem"):
        response = client_for(coordinator).post(PLAN, body, format="json")
    assert response.status_code == 400
    fields = response.json()["error"]["fields"]
    assert list(fields) == [field]
    assert PERSIAN.search(" ".join(fields[field]))


def test_publishing_needs_an_address_and_cancelling_a_reason(cast: Cast, coordinator: User):
    item = make_planned_item(cast.isfahan, user=coordinator)
    api = client_for(coordinator)
    for path, body, field in (
        ("publish", {"link": "روزنامه"}, "link"),
        ("publish", {"link": "ftp://files.example/a"}, "link"),
        ("cancel", {"reason": " "}, "reason"),
    ):
        with assert_nothing_changed("media.planneditem"):
            response = api.post(f"{PLAN}{item.pk}/{path}/", body, format="json")
        assert response.status_code == 400, (path, body)
        fields = response.json()["error"]["fields"]
        assert list(fields) == [field]
        assert PERSIAN.search(" ".join(fields[field]))
    cancelled = api.post(f"{PLAN}{item.pk}/cancel/", {"reason": "هم‌زمان با تعطیلی رسمی"}, format="json")
    assert (cancelled.status_code, cancelled.json()["state"]) == (200, "cancelled")
    with assert_nothing_changed("media.planneditem"):
        again = api.post(f"{PLAN}{item.pk}/publish/", {"link": "https://x.example/1"}, format="json")
    assert (again.status_code, list(again.json()["error"]["fields"])) == (400, ["state"])


def test_the_forms_name_the_end_the_address_and_the_reason_in_persian(cast: Cast, coordinator: User):
    ensure_member(cast.isfahan, cast.isfahan_post)  # ISF-CC is a media headquarters
    client = signed_in_client(coordinator)
    day = local_date(_soon(5))
    with assert_nothing_changed("media.planneditem"):
        refused = client.post(
            "/media/calendar/new/",
            {
                "organization": cast.isfahan.pk,
                "kind": "campaign",
                "title": "پویش صرفه‌جویی آب",
                "start_day": format_date(day),
                "end_day": format_date(day - timedelta(days=2)),
            },
        )
    errors = _field_errors(refused.content.decode())
    assert list(errors) == ["end_day"]
    assert PERSIAN.search(errors["end_day"])
    item = make_planned_item(cast.isfahan, user=coordinator)
    for path, body, field in (
        ("publish", {"link": "روزنامهٔ محلی"}, "link"),
        ("cancel", {"reason": ""}, "reason"),
    ):
        with assert_nothing_changed("media.planneditem"):
            response = client.post(f"/media/calendar/{item.pk}/{path}/", body)
        assert response.status_code == 400
        errors = _field_errors(response.content.decode())
        assert list(errors) == [field]
        assert PERSIAN.search(errors[field])


def test_the_month_is_a_grid_and_an_agenda_of_jalali_days(cast: Cast):
    """A two-day item shows on both days of the grid, once in the agenda under its first day, and
    the phone's day links lead there."""
    start = _soon(1)
    item = make_planned_item(
        cast.isfahan, title="پویش دوروزه", starts_at=start, ends_at=start + timedelta(days=1)
    )
    period = JalaliPeriod.containing(local_date(start), "month")
    page = signed_in_client(cast.alice).get(f"/media/calendar/?month={period.key}").content.decode()
    anchor = f"day-{local_date(start).isoformat()}"
    assert page.count(f'id="{anchor}"') == 1
    assert page.count(f'href="#{anchor}"') == (2 if local_date(start + timedelta(days=1)) < period.end else 1)
    assert page.count('data-testid="plan-row"') == 1
    assert page.count(f'href="/media/calendar/{item.pk}/" title=') == (
        2 if local_date(start + timedelta(days=1)) < period.end else 1
    )
    assert "سه\u200cشنبه" in page and "Saturday" not in page
    # The phone's day says how many items in words and Persian digits, not a bare «۱» (session 25).
    assert '<span class="plan-count" data-testid="calendar-day-count">۱ برنامه</span>' in page


def test_the_agenda_gives_the_date_once_in_the_days_heading(cast: Cast):
    """Under a day's heading a row gives the times of that day, and a date only for an end on
    another day."""
    start = _soon(1).replace(hour=10, minute=30)
    short = make_planned_item(
        cast.isfahan, title="نشست کوتاه", starts_at=start, ends_at=start + timedelta(hours=2)
    )
    long = make_planned_item(
        cast.isfahan, title="پویش سه‌روزه", starts_at=start, ends_at=start + timedelta(days=2, hours=6)
    )
    period = JalaliPeriod.containing(local_date(start), "month")
    page = signed_in_client(cast.alice).get(f"/media/calendar/?month={period.key}").content.decode()
    heading = re.search(r'data-testid="agenda-day">([^<]*)<', page)
    assert heading is not None and format_date(start, style="long") in heading.group(1)
    when = dict(
        re.findall(r'href="/media/calendar/(\d+)/">[^<]*</a>.*?data-testid="plan-when">([^<]*)<', page, re.S)
    )
    assert when[str(short.pk)] == "۱۰:۳۰ – ۱۲:۳۰"
    assert when[str(long.pk)] == "۱۰:۳۰ – " + format_date(start + timedelta(days=2)) + " ۱۶:۳۰"
    assert page.count(format_date(start)) == 0


def _field_errors(html: str) -> dict[str, str]:
    return dict(re.findall(r'data-field-error="([^"]+)">([^<]*)<', html))


def test_each_agency_finds_its_coming_and_overdue_items_on_its_home_queue(
    cast: Cast, coordinator: User, agencies: list[Organization], officers: list[User]
):
    health, education = agencies[0], agencies[1]
    for agency in (health, education):
        ensure_member(cast.isfahan, agency)
    now = timezone.now()

    def plan(title: str, agency: Organization, days: int) -> PlannedItem:
        return make_planned_item(
            cast.isfahan, user=coordinator, title=title, agency=agency, starts_at=now + timedelta(days=days)
        )

    coming = plan("پویش واکسیناسیون", health, 2)
    plan("گزارش ماه بعد", health, 20)  # beyond the coming week
    late = plan("اینفوگرافیک جامانده", health, -3)
    schools = plan("بازگشایی مدارس", education, 1)
    cancelled = plan("گفت‌وگوی لغوشده", health, 1)
    do_cancel_planned_item(cancelled, "جابه‌جایی برنامهٔ رادیو", acting_user=coordinator)
    today = local_date(now)

    def queue(user: User) -> list[tuple[str, str, str]]:
        return [
            (item.section, str(item.title), item.url)
            for item in provide(user, today).items
            if item.kind == "media.publish"
        ]

    assert queue(officers[0]) == [
        ("overdue", late.title, f"/media/calendar/{late.pk}/"),
        ("waiting", coming.title, f"/media/calendar/{coming.pk}/"),
    ]
    assert queue(officers[1]) == [("waiting", schools.title, f"/media/calendar/{schools.pk}/")]
    assert queue(cast.bob) == []
    with translation.override("fa"):
        detail = next(
            str(item.detail)
            for item in provide(officers[0], today).items
            if item.url.endswith(f"/{coming.pk}/")
        )
    assert detail.startswith(f"خبر یا گزارش، {health.name}، ")
    assert re.search("[۰-۹]{4}/[۰-۹]{2}/[۰-۹]{2}", detail)
