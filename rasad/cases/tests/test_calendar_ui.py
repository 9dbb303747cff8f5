"""The working calendar pages (office week and holidays) and the SLA policy table: everyone signed
in reads them; only a platform administrator changes the calendar, and every change recomputes
open cases' due times."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from rasad.cases.actions import do_set_holiday
from rasad.cases.choices import Priority
from rasad.cases.models import Holiday, SlaPolicy, WorkingCalendarSettings
from rasad.cases.testing import open_challenge
from rasad.core.models import User
from rasad.testing.api import assert_nothing_changed
from rasad.testing.cast import Cast

TEHRAN = ZoneInfo("Asia/Tehran")


def tehran(year: int, month: int, day: int, hour: int = 0) -> datetime:
    return datetime(year, month, day, hour, tzinfo=TEHRAN)


def browser_for(user: User) -> Client:
    """Signed in; a platform administrator has also passed two-factor."""
    client = Client()
    client.force_login(user)
    if user.is_superuser:
        device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


@pytest.fixture
def root(cast: Cast) -> Client:
    return browser_for(cast.root)


def test_the_calendar_lists_the_holidays_of_the_chosen_jalali_year(cast: Cast):
    do_set_holiday(date(2026, 3, 21), "تعطیلی آزمایشی الف", acting_user=cast.root)  # 1405/01/01
    do_set_holiday(date(2026, 3, 19), "تعطیلی آزمایشی ب", acting_user=cast.root)  # 1404/12/28
    page = browser_for(cast.alice).get("/cases/calendar/", {"year": "1405"}).content.decode()
    assert "تعطیلی آزمایشی الف" in page and "۱ فروردین ۱۴۰۵" in page
    assert "تعطیلی آزمایشی ب" not in page
    assert 'data-testid="add-holiday"' not in page


def test_a_platform_administrator_adds_a_holiday_in_jalali(cast: Cast, root: Client):
    response = root.post(
        "/cases/calendar/holidays/new/",
        {"date": "۱۴۰۵/۰۲/۱۹", "name_fa": "تعطیلی آلودگی هوا", "name_en": "", "kind": "one_off"},
    )
    assert response.status_code == 302 and response["Location"] == "/cases/calendar/?year=1405"
    holiday = Holiday.objects.get(name_fa="تعطیلی آلودگی هوا")
    assert (holiday.date, holiday.name_fa, holiday.kind) == (date(2026, 5, 9), "تعطیلی آلودگی هوا", "one_off")


def test_a_holiday_added_in_the_ui_pushes_open_due_times(cast: Cast, root: Client):
    case = open_challenge(
        cast, cast.isfahan_post, user=cast.ali, priority=Priority.HIGH, now=tehran(2026, 5, 6, 14)
    )
    before = case.due_at
    root.post("/cases/calendar/holidays/new/", {"date": "1405/02/19", "name_fa": "تعطیلی", "kind": "one_off"})
    case.refresh_from_db()
    assert (before, case.due_at) == (tehran(2026, 5, 11, 9), tehran(2026, 5, 12, 9))


def test_an_invalid_jalali_date_is_a_field_error(cast: Cast, root: Client):
    with assert_nothing_changed("cases.holiday"):
        response = root.post(
            "/cases/calendar/holidays/new/?lang=en",
            {"date": "1404/12/30", "name_fa": "تعطیلی", "kind": "one_off"},
        )
    assert response.status_code == 400
    assert 'data-field-error="date"' in response.content.decode()


def test_an_action_error_shows_next_to_its_field(cast: Cast, root: Client):
    do_set_holiday(date(2026, 3, 21), "تعطیلی آزمایشی", acting_user=cast.root)
    other = do_set_holiday(date(2026, 3, 22), "تعطیلی آزمایشی", acting_user=cast.root)
    with assert_nothing_changed("cases.holiday"):
        response = root.post(
            f"/cases/calendar/holidays/{other.pk}/edit/?lang=en",
            {"date": "1405/01/01", "name_fa": "تعطیلی آزمایشی", "kind": "one_off"},
        )
    assert response.status_code == 400
    assert 'data-field-error="date"' in response.content.decode()


def test_a_platform_administrator_edits_and_removes_a_holiday(cast: Cast, root: Client):
    holiday = do_set_holiday(date(2026, 5, 9), "تعطیلی آزمایشی", acting_user=cast.root)
    assert root.get(f"/cases/calendar/holidays/{holiday.pk}/edit/").status_code == 200
    response = root.post(
        f"/cases/calendar/holidays/{holiday.pk}/edit/",
        {"date": "1405/02/20", "name_fa": "تعطیلی آزمایشی", "name_en": "Test closure", "kind": "fixed"},
    )
    assert response.status_code == 302
    holiday.refresh_from_db()
    assert (holiday.date, holiday.name_en, holiday.kind) == (date(2026, 5, 10), "Test closure", "fixed")
    assert root.post(f"/cases/calendar/holidays/{holiday.pk}/delete/").status_code == 302
    assert not Holiday.objects.filter(pk=holiday.pk).exists()


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", "/cases/calendar/holidays/new/"),
        ("post", "/cases/calendar/holidays/new/"),
        ("get", "/cases/calendar/holidays/{pk}/edit/"),
        ("post", "/cases/calendar/holidays/{pk}/edit/"),
        ("post", "/cases/calendar/holidays/{pk}/delete/"),
        ("get", "/cases/calendar/week/"),
        ("post", "/cases/calendar/week/"),
    ],
)
def test_only_a_platform_administrator_changes_the_calendar(cast: Cast, method: str, url: str):
    holiday = do_set_holiday(date(2026, 5, 9), "تعطیلی آزمایشی", acting_user=cast.root)
    data = {
        "date": "1405/01/05",
        "name_fa": "تعطیلی",
        "kind": "one_off",
        "workday_start": "07:00",
        "workday_end": "15:00",
    }
    client = browser_for(cast.nadia)
    with assert_nothing_changed("cases.holiday", "cases.workingcalendarsettings", "cases.case"):
        response = getattr(client, method)(url.format(pk=holiday.pk), data)
    assert response.status_code == 404


def test_a_platform_administrator_edits_the_office_week(cast: Cast, root: Client):
    case = open_challenge(cast, cast.isfahan_post, user=cast.ali, now=tehran(2026, 5, 9, 8))
    assert case.due_at == tehran(2026, 5, 13, 16)  # 40 working hours: Saturday to Wednesday 8–16
    assert root.get("/cases/calendar/week/").status_code == 200
    response = root.post(
        "/cases/calendar/week/", {"workday_start": "07:00", "workday_end": "15:00", "thursday_open": ""}
    )
    assert response.status_code == 302 and response["Location"] == "/cases/calendar/"
    row = WorkingCalendarSettings.objects.get()
    assert (row.workday_start, row.workday_end, row.thursday_start) == (time(7), time(15), None)
    case.refresh_from_db()
    # Offices now work 07–15 and close on Thursdays: Saturday 08–15 (7h), Sunday to Wednesday
    # 4 × 8h, and the last hour on the next Saturday.
    assert case.due_at == tehran(2026, 5, 16, 8)
    assert "۰۷:۰۰" in root.get("/cases/calendar/").content.decode()


def test_a_working_day_that_ends_before_it_starts_is_a_field_error(cast: Cast, root: Client):
    with assert_nothing_changed("cases.workingcalendarsettings", "cases.case"):
        response = root.post(
            "/cases/calendar/week/?lang=en",
            {"workday_start": "16:00", "workday_end": "08:00", "thursday_open": ""},
        )
    assert response.status_code == 400
    page = response.content.decode()
    assert 'data-field-error="workday_end"' in page and "must end after it starts" in page


def test_thursday_hours_are_required_when_thursday_is_open(cast: Cast, root: Client):
    with assert_nothing_changed("cases.workingcalendarsettings"):
        response = root.post(
            "/cases/calendar/week/?lang=en",
            {
                "workday_start": "08:00",
                "workday_end": "16:00",
                "thursday_open": "on",
                "thursday_start": "08:00",
            },
        )
    assert response.status_code == 400
    assert 'data-field-error="thursday_end"' in response.content.decode()


def test_the_sla_policy_shows_working_hours_per_kind_and_priority(cast: Cast):
    SlaPolicy.objects.filter(kind="incident", priority="critical").update(working_hours=3)
    response = browser_for(cast.ali).get("/cases/sla/?lang=en")
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="sla-policy"' in page
    incident_row = page.split("Incident", 1)[1].split("</tr>", 1)[0]
    assert [cell.split("</td>")[0] for cell in incident_row.split('<td class="text-center">')[1:]] == [
        "40",
        "24",
        "8",
        "3",
    ]
