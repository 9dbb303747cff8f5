"""The SLA working-time engine and the holiday reference data it runs on.

Dates in comments are Jalali (1404/12/26) with the Gregorian date beside them.
Unless a test says otherwise it uses Iran's default week (Saturday-Wednesday
08:00-16:00, Thursday 08:00-13:00, Friday off) with the bundled holidays.
"""

import csv
import time as wallclock
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rasad.cases.sla import (
    DEFAULT_HOLIDAYS_PATH,
    HOLIDAY_COLUMNS,
    Pause,
    WorkingCalendar,
    WorkingDay,
    add_working_time,
    due_at,
    fixed_jalali_holidays,
    is_working_moment,
    load_holidays,
    next_working_moment,
    read_holiday_records,
    tabular_hijri_to_gregorian,
    tabular_lunar_holidays,
    working_time_between,
    working_time_between_excluding,
)

TEHRAN = ZoneInfo("Asia/Tehran")
HOLIDAYS = load_holidays()
CALENDAR = WorkingCalendar.iran_default(HOLIDAYS)
CLOSED_THURSDAYS = WorkingCalendar.iran_default(HOLIDAYS, thursday=None)


def tehran(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=TEHRAN)


def hours(count: float) -> timedelta:
    return timedelta(hours=count)


# --- adding working time ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("calendar", "budget", "expected"),
    [
        # Thursdays closed: Tue 10-16 (6h) + Wed 8-16 (8h) = 14h; then Thursday, 29 Esfand (a Friday),
        # and 1-4 Farvardin 1405 (Saturday to Tuesday, also Eid al-Fitr) are all off, so the last
        # 2 hours fall on Wednesday 1405/01/05.
        pytest.param(CLOSED_THURSDAYS, hours(16), tehran(2026, 3, 25, 10), id="16h-thursdays-closed"),
        # With the short Thursday (5h) the same landing needs 21 hours.
        pytest.param(CALENDAR, hours(21), tehran(2026, 3, 25, 10), id="21h-short-thursday"),
        # ...while 16 hours with the short Thursday run out on Thursday 1404/12/28 itself.
        pytest.param(CALENDAR, hours(16), tehran(2026, 3, 19, 10), id="16h-short-thursday"),
    ],
)
def test_budget_from_26_esfand_1404_lands_after_nowruz(calendar, budget, expected):
    start = tehran(2026, 3, 17, 10)  # Tuesday 1404/12/26

    due = add_working_time(calendar, start, budget)

    assert due == expected
    assert due.tzinfo is UTC


@pytest.mark.parametrize("start_time", [time(0, 0), time(9, 30), time(23, 59)])
def test_start_on_friday_rolls_to_saturday_opening(start_time):
    friday = datetime.combine(date(2025, 10, 3), start_time, tzinfo=TEHRAN)  # 1404/07/11

    assert add_working_time(CALENDAR, friday, timedelta(0)) == tehran(2025, 10, 4, 8)


def test_budget_started_on_friday_counts_from_saturday_opening():
    friday = tehran(2025, 10, 3, 11)

    assert add_working_time(CALENDAR, friday, hours(3)) == tehran(2025, 10, 4, 11)


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        pytest.param(tehran(2025, 10, 4, 16), tehran(2025, 10, 5, 8), id="at-closing"),
        pytest.param(tehran(2025, 10, 4, 6), tehran(2025, 10, 4, 8), id="before-opening"),
        pytest.param(tehran(2025, 10, 4, 11, 15), tehran(2025, 10, 4, 11, 15), id="inside-hours"),
    ],
)
def test_zero_duration_returns_start_rolled_forward(start, expected):
    assert add_working_time(CALENDAR, start, timedelta(0)) == expected


def test_budget_used_up_at_closing_is_due_at_closing():
    assert add_working_time(CALENDAR, tehran(2025, 10, 4, 8), hours(8)) == tehran(2025, 10, 4, 16)


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        pytest.param(tehran(2025, 10, 9, 8), True, id="thursday-opening"),
        pytest.param(tehran(2025, 10, 9, 12, 59), True, id="thursday-12:59"),
        pytest.param(tehran(2025, 10, 9, 13), False, id="thursday-13:00"),
        pytest.param(tehran(2025, 10, 8, 15, 59), True, id="wednesday-15:59"),
        pytest.param(tehran(2025, 10, 8, 16), False, id="wednesday-16:00"),
        pytest.param(tehran(2025, 10, 10, 10), False, id="friday"),
        pytest.param(tehran(2026, 3, 22, 10), False, id="nowruz-sunday"),
    ],
)
def test_is_working_moment(moment, expected):
    assert is_working_moment(CALENDAR, moment) is expected


@pytest.mark.parametrize(
    ("calendar", "expected"),
    [
        # Thursday 1404/07/17: one hour left before 13:00, the second hour on Saturday.
        pytest.param(CALENDAR, tehran(2025, 10, 11, 9), id="short-thursday"),
        pytest.param(CLOSED_THURSDAYS, tehran(2025, 10, 11, 10), id="thursdays-closed"),
    ],
)
def test_thursday_is_a_half_day(calendar, expected):
    assert add_working_time(calendar, tehran(2025, 10, 9, 12), hours(2)) == expected


def test_thousand_hour_budget_is_fast_and_exact():
    start = tehran(2025, 3, 22, 9)  # 1404/01/02, a holiday: the clock starts on Tuesday 1404/01/05

    began = wallclock.perf_counter()
    due = add_working_time(CALENDAR, start, hours(1000))
    elapsed = wallclock.perf_counter() - began

    # Cross-checked with an hour-by-hour walk over is_working_moment.
    assert due == tehran(2025, 9, 9, 15)  # 1404/06/18
    assert elapsed < 0.5


# --- measuring working time --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("calendar", "expected"),
    [
        # Tue 8 + Wed 8 + Thu 5, nothing from Friday 29 Esfand to Tuesday 4 Farvardin, Wed 8.
        pytest.param(CALENDAR, hours(29), id="short-thursday"),
        pytest.param(CLOSED_THURSDAYS, hours(24), id="thursdays-closed"),
    ],
)
def test_working_time_between_across_nowruz(calendar, expected):
    start = tehran(2026, 3, 17, 8)  # Tuesday 1404/12/26
    end = tehran(2026, 3, 25, 16)  # Wednesday 1405/01/05

    assert working_time_between(calendar, start, end) == expected


@pytest.mark.parametrize("end", [tehran(2025, 10, 4, 10), tehran(2025, 10, 4, 9)])
def test_working_time_between_is_zero_when_end_is_not_after_start(end):
    assert working_time_between(CALENDAR, tehran(2025, 10, 4, 10), end) == timedelta(0)


def test_working_time_between_counts_partial_days():
    # Saturday 10:30-16:00 (5.5h) + Sunday 08:00-09:45 (1.75h).
    start = tehran(2025, 10, 4, 10, 30)
    end = tehran(2025, 10, 5, 9, 45)

    assert working_time_between(CALENDAR, start, end) == hours(7.25)


# --- pauses --------------------------------------------------------------------------------------

SATURDAY_OPENING = tehran(2025, 10, 4, 8)  # 1404/07/12; the week has no holidays


@pytest.mark.parametrize(
    "pause",
    [
        pytest.param((tehran(2025, 10, 4, 10), tehran(2025, 10, 4, 12)), id="within-a-day"),
        # 15:00-16:00 Saturday and 08:00-09:00 Sunday: two working hours across a night.
        pytest.param((tehran(2025, 10, 4, 15), tehran(2025, 10, 5, 9)), id="across-a-night"),
    ],
)
def test_pause_of_two_working_hours_pushes_due_by_two_working_hours(pause):
    unpaused = due_at(CALENDAR, SATURDAY_OPENING, hours(8), [])

    paused = due_at(CALENDAR, SATURDAY_OPENING, hours(8), [pause])

    assert unpaused == tehran(2025, 10, 4, 16)
    assert paused == tehran(2025, 10, 5, 10)


def test_open_pause_has_no_due_time():
    pauses: list[Pause] = [(tehran(2025, 10, 4, 10), None)]

    assert due_at(CALENDAR, SATURDAY_OPENING, hours(8), pauses) is None


def test_pause_after_the_budget_ran_out_does_not_move_due():
    pauses: list[Pause] = [(tehran(2025, 10, 5, 9), tehran(2025, 10, 5, 12))]

    assert due_at(CALENDAR, SATURDAY_OPENING, hours(4), pauses) == tehran(2025, 10, 4, 12)


def test_overlapping_pauses_are_counted_once():
    pauses: list[Pause] = [
        (tehran(2025, 10, 4, 10), tehran(2025, 10, 4, 12)),
        (tehran(2025, 10, 4, 11), tehran(2025, 10, 4, 13)),
    ]

    assert due_at(CALENDAR, SATURDAY_OPENING, hours(8), pauses) == tehran(2025, 10, 5, 11)


def test_pause_that_began_before_the_start_only_counts_from_the_start():
    pauses: list[Pause] = [(tehran(2025, 10, 3, 12), tehran(2025, 10, 4, 9))]

    assert due_at(CALENDAR, SATURDAY_OPENING, hours(8), pauses) == tehran(2025, 10, 5, 9)


@pytest.mark.parametrize(
    ("pauses", "expected"),
    [
        pytest.param([], hours(8), id="no-pause"),
        pytest.param([(tehran(2025, 10, 4, 10), tehran(2025, 10, 4, 12))], hours(6), id="closed-pause"),
        pytest.param([(tehran(2025, 10, 4, 14), None)], hours(6), id="open-pause-runs-to-end"),
        pytest.param([(tehran(2025, 10, 4, 17), tehran(2025, 10, 5, 7))], hours(8), id="pause-off-hours"),
    ],
)
def test_working_time_between_excluding_pauses(pauses, expected):
    end = tehran(2025, 10, 4, 16)

    assert working_time_between_excluding(CALENDAR, SATURDAY_OPENING, end, pauses) == expected


def test_pause_ending_before_it_starts_is_refused():
    pauses: list[Pause] = [(tehran(2025, 10, 4, 12), tehran(2025, 10, 4, 10))]

    with pytest.raises(ValueError, match="ends before it starts"):
        due_at(CALENDAR, SATURDAY_OPENING, hours(8), pauses)


# --- input checks --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "call",
    [
        pytest.param(lambda naive: add_working_time(CALENDAR, naive, hours(1)), id="add_working_time"),
        pytest.param(lambda naive: is_working_moment(CALENDAR, naive), id="is_working_moment"),
        pytest.param(lambda naive: working_time_between(CALENDAR, naive, SATURDAY_OPENING), id="between"),
        pytest.param(lambda naive: due_at(CALENDAR, naive, hours(1), []), id="due_at"),
    ],
)
def test_naive_datetimes_are_refused(call):
    with pytest.raises(ValueError, match="timezone-aware"):
        call(datetime(2025, 10, 4, 9))


def test_negative_duration_is_refused():
    with pytest.raises(ValueError, match="negative"):
        add_working_time(CALENDAR, SATURDAY_OPENING, hours(-1))


@pytest.mark.parametrize(
    "hours_by_weekday",
    [
        pytest.param({}, id="no-working-day"),
        pytest.param({7: WorkingDay(time(8), time(16))}, id="weekday-out-of-range"),
    ],
)
def test_calendar_rejects_unusable_weeks(hours_by_weekday):
    with pytest.raises(ValueError, match=r"(?i)weekday"):
        WorkingCalendar(hours=hours_by_weekday)


def test_working_day_must_end_after_it_starts():
    with pytest.raises(ValueError, match="end after it starts"):
        WorkingDay(time(16), time(8))


# --- properties ----------------------------------------------------------------------------------

# Minute-aligned moments from Jalali 1404 to the end of 1405, the span the bundled data covers.
moments = st.integers(min_value=0, max_value=700 * 24 * 60).map(
    lambda minutes: tehran(2025, 3, 21) + timedelta(minutes=minutes)
)


@given(start=moments, minutes=st.integers(min_value=0, max_value=1000 * 60))
def test_working_time_between_inverts_add_working_time(start, minutes):
    aligned = next_working_moment(CALENDAR, start)
    duration = timedelta(minutes=minutes)

    assert working_time_between(CALENDAR, aligned, add_working_time(CALENDAR, aligned, duration)) == duration


def reference_add(calendar, start, minutes):
    """A deliberately naive oracle: walk forward one minute at a time."""
    cursor = start
    while not is_working_moment(calendar, cursor):
        cursor += timedelta(minutes=1)
    while minutes:
        if is_working_moment(calendar, cursor):
            minutes -= 1
        cursor += timedelta(minutes=1)
    return cursor


@settings(max_examples=40, deadline=None)
@given(start=moments, minutes=st.integers(min_value=1, max_value=20 * 60))
def test_add_working_time_matches_minute_by_minute_walk(start, minutes):
    assert add_working_time(CALENDAR, start, timedelta(minutes=minutes)) == reference_add(
        CALENDAR, start, minutes
    )


@given(
    start=moments,
    budget_minutes=st.integers(min_value=0, max_value=200 * 60),
    pause_spans=st.lists(st.tuples(st.integers(0, 60 * 24 * 30), st.integers(0, 60 * 24 * 5)), max_size=4),
)
def test_due_at_spends_exactly_the_budget_outside_pauses(start, budget_minutes, pause_spans):
    pauses: list[Pause] = [
        (start + timedelta(minutes=offset), start + timedelta(minutes=offset + length))
        for offset, length in pause_spans
    ]
    budget = timedelta(minutes=budget_minutes)

    due = due_at(CALENDAR, start, budget, pauses)

    assert due is not None
    assert working_time_between_excluding(CALENDAR, start, due, pauses) == budget
    if budget:
        # ...and it is the earliest such moment.
        assert working_time_between_excluding(CALENDAR, start, due - timedelta(minutes=1), pauses) < budget


# --- holiday reference data ----------------------------------------------------------------------


def test_fixed_jalali_holidays_of_1404():
    assert fixed_jalali_holidays(1404) == {
        date(2025, 3, 21): "آغاز نوروز",
        date(2025, 3, 22): "عید نوروز",
        date(2025, 3, 23): "عید نوروز",
        date(2025, 3, 24): "عید نوروز",
        date(2025, 4, 1): "روز جمهوری اسلامی ایران",
        date(2025, 4, 2): "روز طبیعت (سیزده‌بدر)",
        date(2025, 6, 4): "رحلت حضرت امام خمینی",
        date(2025, 6, 5): "قیام ۱۵ خرداد",
        date(2026, 2, 11): "پیروزی انقلاب اسلامی",
        date(2026, 3, 20): "روز ملی شدن صنعت نفت ایران",
    }


@pytest.mark.parametrize("jalali_year", [1404, 1405])
def test_bundled_file_holds_every_fixed_holiday(jalali_year):
    fixed_rows = {
        (record.date, record.name_fa) for record in read_holiday_records() if record.kind == "fixed"
    }

    assert set(fixed_jalali_holidays(jalali_year).items()) <= fixed_rows


def test_bundled_file_covers_jalali_1404_and_1405_only():
    days = sorted(HOLIDAYS)

    assert days[0] == date(2025, 3, 21)  # 1404/01/01
    assert days[-1] == date(2027, 3, 20)  # 1405/12/29


def test_bundled_lunar_dates_stay_within_a_day_of_the_tabular_estimate():
    estimates: dict[str, list[date]] = {}
    for hijri_year in (1446, 1447, 1448):
        for day, name in tabular_lunar_holidays(hijri_year).items():
            estimates.setdefault(name, []).append(day)

    for record in read_holiday_records():
        if record.kind == "lunar":
            nearest = min(abs((record.date - estimate).days) for estimate in estimates[record.name_fa])
            assert nearest <= 1, record


def test_names_of_a_shared_day_are_joined():
    # 1405/01/01 is both Nowruz and Eid al-Fitr.
    assert HOLIDAYS[date(2026, 3, 21)] == "آغاز نوروز؛ عید سعید فطر"


def test_reading_refuses_a_jalali_date_that_does_not_match(tmp_path: Path):
    broken = tmp_path / "holidays.csv"
    with broken.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HOLIDAY_COLUMNS)
        writer.writerow(["2026-02-11", "1404/11/21", "پیروزی انقلاب اسلامی", "Revolution", "fixed"])

    with pytest.raises(ValueError, match="line 2"):
        load_holidays(broken)


def test_default_path_points_at_the_bundled_file():
    assert DEFAULT_HOLIDAYS_PATH.is_file()


def test_tabular_hijri_calendar_repeats_every_thirty_years():
    cycle = tabular_hijri_to_gregorian(1471, 1, 1) - tabular_hijri_to_gregorian(1441, 1, 1)

    assert cycle == timedelta(days=10631)


def test_tabular_hijri_epoch_is_16_july_622_julian():
    assert tabular_hijri_to_gregorian(1, 1, 1) == date(622, 7, 19)  # proleptic Gregorian
