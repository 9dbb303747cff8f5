"""The week of the events calendar: Saturday to Friday in Jalali days and Persian digits, the same
events as the month grid shows for those days (Ali and Alice see Isfahan's, Bob and Bahram
Kerman's, never each other's), the previous and next week, the way to and from the month, and
a week that cannot be read answered with the reason and this week."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from rasad.lib.jalali import TEHRAN, JalaliPeriod, local_date, to_jalali
from rasad.lib.persian import to_persian_digits
from rasad.testing.cast import Cast
from rasad.testing.web import signed_in_client
from rasad.training.actions import do_cancel_event
from rasad.training.testing import make_event
from rasad.web.calendars import day_key, week_start

pytestmark = pytest.mark.django_db

WEEK = "/training/week/"
PERSIAN_WEEK = ["شنبه", "یکشنبه", "دوشنبه", "سه‌شنبه", "چهارشنبه", "پنجشنبه", "جمعه"]
# A week in the past, so that it is never this week: Saturday 8 Azar 1404 (2025-11-29) to
# Friday 14 Azar (2025-12-05).
SATURDAY = date(2025, 11, 29)


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=TEHRAN)


def _days(page: str) -> list[str]:
    return re.findall(r'data-testid="week-day" data-day="([0-9-]+)"', page)


def _titles(page: str) -> list[str]:
    return re.findall(r'class="training-week-title">([^<]*)<', page)


def _day(page: str, key: str) -> str:
    """The markup of one day of the week (up to the next day)."""
    return page.split(f'data-day="{key}"', 1)[1].split('data-testid="week-day"', 1)[0]


def test_the_week_runs_saturday_to_friday_in_jalali_days_and_persian_digits(cast: Cast) -> None:
    response = signed_in_client(cast.ali).get(WEEK, {"week": "1404-09-10"})
    assert response.status_code == 200
    page = response.content.decode()
    assert _days(page) == [day_key(SATURDAY + timedelta(days=n)) for n in range(7)]
    assert _days(page)[0] == "1404-09-08" and _days(page)[-1] == "1404-09-14"
    headings = re.findall(r'<h3 class="training-week-heading"><span>([^<]*)</span> <span[^>]*>([^<]*)<', page)
    assert [name for name, _ in headings] == PERSIAN_WEEK
    assert [day for _, day in headings] == [f"{to_persian_digits(str(n))} آذر" for n in range(8, 15)]
    assert "هفتهٔ ۸ تا ۱۴ آذر ۱۴۰۴" in page
    assert 'dir="rtl"' in page


def test_any_day_of_the_week_in_any_digits_opens_the_same_week(cast: Cast) -> None:
    client = signed_in_client(cast.ali)
    for typed in ("1404-09-08", "۱۴۰۴/۰۹/۱۴", "1404/9/11", "2025-12-02"):
        page = client.get(WEEK, {"week": typed}).content.decode()
        assert _days(page)[0] == "1404-09-08", typed


@pytest.mark.parametrize(
    ("typed", "label"),
    [
        ("1404-08-26", "هفتهٔ ۲۴ تا ۳۰ آبان ۱۴۰۴"),
        ("1404-10-01", "هفتهٔ ۲۹ آذر تا ۵ دی ۱۴۰۴"),
        ("1406-01-01", "هفتهٔ ۲۹ اسفند ۱۴۰۵ تا ۶ فروردین ۱۴۰۶"),
    ],
)
def test_a_week_says_its_month_and_year_once_unless_it_crosses_them(
    cast: Cast, typed: str, label: str
) -> None:
    page = signed_in_client(cast.ali).get(WEEK, {"week": typed}).content.decode()
    assert f'data-testid="week-label">{label}<' in page


def test_the_previous_and_next_week_and_the_month_are_linked(cast: Cast) -> None:
    page = signed_in_client(cast.ali).get(WEEK, {"week": "1404-09-10"}).content.decode()
    assert 'href="?week=1404-09-01" data-testid="previous-week"' in page
    assert 'href="?week=1404-09-15" data-testid="next-week"' in page
    assert 'href="/training/?month=1404-09"' in page
    assert 'data-testid="this-week"' in page  # a week other than this one leads back to today


def test_without_a_day_the_week_is_this_one_with_today_marked(cast: Cast) -> None:
    today = local_date(timezone.now())
    page = signed_in_client(cast.ali).get(WEEK).content.decode()
    assert _days(page)[0] == day_key(week_start(today))
    assert f'data-day="{day_key(today)}"' in page
    assert 'aria-current="date"' in _day(page, day_key(today))
    assert 'data-testid="this-week"' not in page
    assert f'href="/training/?month={JalaliPeriod.containing(today, "month").key}"' in page


def test_the_month_grid_leads_to_the_week_of_each_day_and_back(cast: Cast) -> None:
    client = signed_in_client(cast.ali)
    month = client.get("/training/", {"month": "1404-09"}).content.decode()
    days = re.findall(r'href="/training/week/\?week=([0-9-]+)" data-testid="calendar-day"', month)
    assert days[0] == "1404-09-01" and days[-1] == "1404-09-30" and len(days) == 30
    assert len(set(days)) == 30
    # The switch of a month other than this one opens its first week.
    assert 'href="/training/week/?week=1404-09-01" data-testid="show-week"' in month
    week = client.get(WEEK, {"week": days[9]}).content.decode()
    assert 'href="/training/?month=1404-09" data-testid="show-month"' in week


def test_a_day_of_the_month_grid_says_how_many_events_it_has_in_words(cast: Cast) -> None:
    # On a phone the titles do not fit a day's column: the day reads «۲ رویداد», not a bare mark.
    for hour in (9, 14):
        make_event(cast.isfahan, title=f"کارگاه {hour}", starts_at=_at(SATURDAY, hour))
    make_event(cast.isfahan, title="کارگاه دیگر", starts_at=_at(SATURDAY + timedelta(days=2), 9))
    month = signed_in_client(cast.ali).get("/training/", {"month": "1404-09"}).content.decode()
    counts = re.findall(r'\?week=([0-9-]+)"[^>]*>[^<]*<span class="training-day-count"[^>]*>([^<]*)<', month)
    assert counts == [("1404-09-08", "۲ رویداد"), ("1404-09-10", "۱ رویداد")]


def test_each_province_sees_its_own_events_only(cast: Cast) -> None:
    isfahan = make_event(cast.isfahan, title="کارگاه اصفهان", starts_at=_at(SATURDAY + timedelta(days=1), 9))
    kerman = make_event(cast.kerman, title="کارگاه کرمان", starts_at=_at(SATURDAY + timedelta(days=2), 9))
    query = {"week": "1404-09-08"}
    for person in (cast.ali, cast.alice):
        assert _titles(signed_in_client(person).get(WEEK, query).content.decode()) == [isfahan.title]
    for person in (cast.bob, cast.bahram):
        assert _titles(signed_in_client(person).get(WEEK, query).content.decode()) == [kerman.title]
    assert _titles(signed_in_client(cast.nadia).get(WEEK, query).content.decode()) == [
        isfahan.title,
        kerman.title,
    ]
    assert _titles(signed_in_client(cast.charlie).get(WEEK, query).content.decode()) == []


def test_the_week_shows_what_the_month_grid_shows_for_its_days(cast: Cast) -> None:
    for offset, organization in enumerate([cast.isfahan, cast.isfahan_post, cast.kerman, cast.national]):
        make_event(
            organization, title=f"رویداد {offset}", starts_at=_at(SATURDAY + timedelta(days=offset), 10)
        )
    for person in (cast.ali, cast.bob, cast.nadia, cast.wali, cast.charlie):
        client = signed_in_client(person)
        month = client.get("/training/", {"month": "1404-09"}).content.decode()
        in_month_grid = re.findall(r'title="([^"]*)" data-testid="calendar-event"', month)
        week = client.get(WEEK, {"week": "1404-09-08"}).content.decode()
        assert _titles(week) == in_month_grid, person.username


def test_an_event_of_several_days_is_on_each_of_its_days(cast: Cast) -> None:
    event = make_event(
        cast.isfahan, title="دورهٔ سه‌روزه", starts_at=_at(SATURDAY + timedelta(days=1), 9), hours=52
    )
    page = signed_in_client(cast.ali).get(WEEK, {"week": "1404-09-08"}).content.decode()
    assert event.title not in _day(page, "1404-09-08")
    times = {
        key: re.findall(r'class="training-week-time">([^<]*)<', _day(page, key))
        for key in ("1404-09-09", "1404-09-10", "1404-09-11")
    }
    assert times == {
        "1404-09-09": ["از ساعت ۰۹:۰۰"],
        "1404-09-10": ["تمام روز"],
        "1404-09-11": ["تا ساعت ۱۳:۰۰"],
    }
    assert event.title not in _day(page, "1404-09-12")


def test_an_event_of_one_day_shows_its_hours_and_a_cancelled_one_is_struck_through(cast: Cast) -> None:
    event = make_event(cast.isfahan, title="سمینار", starts_at=_at(SATURDAY, 9), hours=4)
    do_cancel_event(make_event(cast.isfahan, title="لغوشده", starts_at=_at(SATURDAY, 15)), acting_user=None)
    day = _day(signed_in_client(cast.ali).get(WEEK, {"week": "1404-09-08"}).content.decode(), "1404-09-08")
    assert "۰۹:۰۰ تا ۱۳:۰۰" in day
    assert f'href="/training/events/{event.pk}/"' in day
    assert "training-week-event is-cancelled" in day and "لغوشده" in day


def test_the_friday_is_marked_as_the_holiday(cast: Cast) -> None:
    page = signed_in_client(cast.ali).get(WEEK, {"week": "1404-09-08"}).content.decode()
    assert re.findall(
        r'training-week-day[^"]*is-holiday[^"]*" data-testid="week-day" data-day="([0-9-]+)"', page
    ) == ["1404-09-14"]


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("1405-13-01", "ماه"),
        ("1405-12-30", "اسفند"),
        ("hello", "تاریخ"),
        ("' OR 1=1 --", "تاریخ"),
        ("1600-01-01", "۱۲۰۰"),
        ("0001-01-01", "۱۲۰۰"),
    ],
)
def test_a_week_that_cannot_be_read_says_why_and_shows_this_week(cast: Cast, typed: str, reason: str) -> None:
    response = signed_in_client(cast.ali).get(WEEK, {"week": typed})
    assert response.status_code == 400
    page = response.content.decode()
    problem = page.split('data-testid="week-problem">', 1)[1].split("</div>", 1)[0]
    assert reason in problem and "به جای آن، این هفته نشان داده شده است." in problem
    assert _days(page)[0] == day_key(week_start(local_date(timezone.now())))


def test_the_week_is_read_in_a_fixed_number_of_queries(cast: Cast) -> None:
    client = signed_in_client(cast.nadia)
    client.get(WEEK, {"week": "1404-09-08"})

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(WEEK, {"week": "1404-09-08"}).status_code == 200
        return len(queries)

    make_event(cast.isfahan, starts_at=_at(SATURDAY, 9))
    one = count()
    for offset in range(6):
        make_event(
            [cast.isfahan, cast.kerman][offset % 2], starts_at=_at(SATURDAY + timedelta(days=offset), 11)
        )
    assert count() == one


def test_an_english_reader_gets_the_jalali_week_in_latin_letters(cast: Cast) -> None:
    client = signed_in_client(cast.ali)
    page = client.get(WEEK, {"week": "1404-09-08", "lang": "en"}).content.decode()
    assert "Week of 8 to 14 Azar 1404" in page
    assert "Saturday" in page and "شنبه" not in page.split('data-testid="week"', 1)[1]
    assert to_jalali(SATURDAY) == (1404, 9, 8)


def test_an_empty_week_leads_to_the_week_of_the_next_event_the_reader_may_see(cast: Cast) -> None:
    later = make_event(cast.isfahan, title="کارگاه بعدی", starts_at=_at(SATURDAY + timedelta(days=23), 9))
    make_event(cast.kerman, title="رویداد کرمان", starts_at=_at(SATURDAY + timedelta(days=10), 9))
    page = signed_in_client(cast.ali).get(WEEK, {"week": "1404-09-08"}).content.decode()
    following = page.split('data-testid="following-event">', 1)[1].split("</p>", 1)[0]
    assert 'href="?week=1404-10-01"' in following and later.title in following
    assert "۱ دی ۱۴۰۴" in following and "رویداد کرمان" not in page
    with_event = signed_in_client(cast.bob).get(WEEK, {"week": "1404-09-15"}).content.decode()
    assert 'data-testid="following-event"' not in with_event


def test_the_week_is_under_the_events_calendar_tab(cast: Cast) -> None:
    """The week is the events calendar's, so its tab is the current one, as on the month."""
    client = signed_in_client(cast.ali)
    for url in (WEEK, "/training/"):
        page = client.get(url, {"week": "1404-09-10"}).content.decode()
        nav = page.split('data-testid="training-nav"', 1)[1].split("</ul>", 1)[0]
        current = re.findall(r'<a class="nav-link active" href="([^"]*)" aria-current="page">', nav)
        assert current == ["/training/"], url
        assert nav.count('aria-current="page"') == 1
