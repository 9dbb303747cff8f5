"""The Jalali calendars of the site (training's events, the media calendar): the Iranian week
(Saturday to Friday) and its day names, the month or week a page asks for, and the days of a
month grid or of a week with the things that fall on each. Each app keeps its own queryset and
scope; only the calendar arithmetic lives here, once.

A "thing" is anything with aware ``starts_at`` and ``ends_at`` (a training event, a planned
media item); it falls on every Tehran day from the day it starts to the day it ends."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime, time, timedelta
from typing import Any, Protocol, TypeVar

from django.utils.functional import Promise
from django.utils.translation import pgettext_lazy

from rasad.lib import formatting
from rasad.lib.jalali import (
    TEHRAN,
    JalaliPeriod,
    is_accepted_period,
    local_date,
    parse_date,
    to_jalali,
)
from rasad.lib.persian import to_latin_digits

# Python's weekday numbers (Monday 0) from Saturday to Friday, the order of the Iranian week.
IRANIAN_WEEK = (5, 6, 0, 1, 2, 3, 4)
FRIDAY = 4
# The site's own names («سه‌شنبه» with its half-space; Django's catalog writes «سه شنبه»).
WEEKDAYS: dict[int, Promise] = {
    0: pgettext_lazy("weekday", "Monday"),
    1: pgettext_lazy("weekday", "Tuesday"),
    2: pgettext_lazy("weekday", "Wednesday"),
    3: pgettext_lazy("weekday", "Thursday"),
    4: pgettext_lazy("weekday", "Friday"),
    5: pgettext_lazy("weekday", "Saturday"),
    6: pgettext_lazy("weekday", "Sunday"),
}


class Dated(Protocol):
    @property
    def starts_at(self) -> datetime: ...
    @property
    def ends_at(self) -> datetime: ...


T = TypeVar("T", bound=Dated)


def weekday_headings() -> list[tuple[str, str]]:
    """The week's day names from Saturday, each with its one-letter form for a phone's grid
    («شنبه», «ش»)."""
    return [(str(WEEKDAYS[number]), str(WEEKDAYS[number])[:1]) for number in IRANIAN_WEEK]


def month_of(text: str | None, today: date) -> JalaliPeriod:
    """The Jalali month of ``?month=1405-09`` (Persian digits too), in the years Rasad accepts
    a date in (``parse_date``'s); the current one otherwise. A month of the calendar's first or
    last year has a neighbour that cannot be made (the pages link both: review 23)."""
    try:
        period = JalaliPeriod.parse(to_latin_digits(text or "").strip())
        if period.kind == "month" and is_accepted_period(period):
            return period
    except ValueError:
        pass
    return JalaliPeriod.containing(today, "month")


def week_start(day: date) -> date:
    """The Saturday on which the week of ``day`` begins."""
    return day - timedelta(days=(day.weekday() - IRANIAN_WEEK[0]) % 7)


def week_of(text: str | None, today: date) -> date:
    """The Saturday of the week holding the day of ``?week=1405-09-08`` (any day of the week,
    Jalali or ISO, Persian digits too); this week's when the text is empty. A day that cannot
    be read raises ``TextParseError`` with the reason in the reader's language."""
    if not (text or "").strip():
        return week_start(today)
    return week_start(parse_date(text or ""))


def day_key(day: date) -> str:
    """The address form of a day, ``1405-09-08`` (Jalali, Latin digits like the other keys of
    the query string: ``?week=1405-09-08``)."""
    jalali_day = to_jalali(day)
    return f"{jalali_day.year:04d}-{jalali_day.month:02d}-{jalali_day.day:02d}"


def bounds(first: date, end: date) -> tuple[datetime, datetime]:
    """The moments of Tehran midnight at ``first`` and at ``end`` (a query's half-open range
    of the things that overlap those days is ``starts_at < end and ends_at >= first``)."""
    return datetime.combine(first, time.min, tzinfo=TEHRAN), datetime.combine(end, time.min, tzinfo=TEHRAN)


def by_day(things: Iterable[T], first: date, end: date) -> dict[date, list[T]]:
    """The days from ``first`` up to (not including) ``end``, each with the things that fall on
    it, in the order given."""
    days: dict[date, list[T]] = {}
    for thing in things:
        day = max(local_date(thing.starts_at), first)
        last = local_date(thing.ends_at)
        while day <= last and day < end:
            days.setdefault(day, []).append(thing)
            day += timedelta(days=1)
    return days


def month_grid(period: JalaliPeriod, things: Sequence[T], today: date) -> list[list[dict[str, Any] | None]]:
    """Weeks (Saturday first) of the Jalali month: each day with its number in the month, its
    things, and whether it is today; the days of the neighbouring months are ``None``."""
    days = by_day(things, period.start, period.end)
    cells: list[dict[str, Any] | None] = [None] * ((period.start - week_start(period.start)).days)
    day, number = period.start, 1
    while day < period.end:
        cells.append(
            {
                "day": day,
                "key": day_key(day),
                "number": number,
                "items": days.get(day, []),
                "today": day == today,
            }
        )
        day += timedelta(days=1)
        number += 1
    cells += [None] * (-len(cells) % 7)
    return [cells[i : i + 7] for i in range(0, len(cells), 7)]


def week_days(start: date, things: Sequence[T], today: date) -> list[dict[str, Any]]:
    """The seven days of the week beginning on Saturday ``start``: each with its name, its day
    and month («۱۲ آذر»), whether it is today or the Friday holiday, and its entries: each thing
    falling on it, with whether it starts and ends that day (a course of three days shows «from
    09:00» on the first, «all day» between and «until 13:00» on the last)."""
    end = start + timedelta(days=7)
    days = by_day(things, start, end)
    week = []
    for offset in range(7):
        day = start + timedelta(days=offset)
        week.append(
            {
                "day": day,
                "key": day_key(day),
                "weekday": WEEKDAYS[day.weekday()],
                "date": formatting.day_month_text(day),
                "today": day == today,
                "holiday": day.weekday() == FRIDAY,
                "entries": [
                    {
                        "item": thing,
                        "starts_here": local_date(thing.starts_at) == day,
                        "ends_here": local_date(thing.ends_at) == day,
                    }
                    for thing in days.get(day, [])
                ],
            }
        )
    return week
