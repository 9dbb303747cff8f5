"""Holidays fixed in the Jalali calendar come from their rules in every year; lunar holidays of
a year nobody entered are estimated (and said to be), and administrators are warned 60 days
before such a year starts."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from rasad.cases.calendar import (
    current_calendar,
    estimated_lunar_holidays,
    lunar_warning,
    lunar_years,
)
from rasad.cases.sla import TEHRAN, add_working_time
from rasad.lib.jalali import from_jalali

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("year", [1406, 1410, 1420])
def test_nowruz_is_a_holiday_in_any_year(year):
    calendar = current_calendar(from_jalali(1405, 9, 1))
    for day in range(1, 5):
        assert calendar.working_window(from_jalali(year, 1, day)) is None
    assert calendar.working_window(from_jalali(year, 1, 13)) is None
    assert calendar.working_window(from_jalali(year, 11, 22)) is None


def test_an_sla_clock_stops_over_nowruz_1406():
    calendar = current_calendar(from_jalali(1405, 12, 1))
    # Tuesday 24 Esfand 1405, 08:00; 40 working hours cannot run through 1-4 Farvardin 1406.
    start = datetime(2027, 3, 16, 8, 0, tzinfo=TEHRAN)
    due = add_working_time(calendar, start, timedelta(hours=40))
    assert due.astimezone(TEHRAN).date() > from_jalali(1406, 1, 4)


def test_years_without_lunar_holidays_are_estimated():
    years = {y.year: y.entered for y in lunar_years(from_jalali(1405, 9, 1))}
    assert years == {1404: True, 1405: True, 1406: False, 1407: False}
    estimates = estimated_lunar_holidays(1406)
    assert len(estimates) >= 15
    assert all(from_jalali(1406, 1, 1) <= day < from_jalali(1407, 1, 1) for day in estimates)
    calendar = current_calendar(from_jalali(1405, 9, 1))
    assert all(calendar.working_window(day) is None for day in estimates)


def test_administrators_are_warned_sixty_days_before_a_year_without_lunar_holidays():
    nowruz = from_jalali(1406, 1, 1)
    assert lunar_warning(nowruz - timedelta(days=61)) is None
    warning = lunar_warning(nowruz - timedelta(days=60))
    assert warning is not None and warning.year == 1406


def test_the_warning_is_on_the_administrators_queue_only(cast):
    from rasad.cases.home import provide

    today = from_jalali(1406, 1, 1) - timedelta(days=30)
    kinds = [item.kind for item in provide(cast.root, today).items]
    assert "cases.lunar_holidays" in kinds
    assert "cases.lunar_holidays" not in [item.kind for item in provide(cast.alice, today).items]
