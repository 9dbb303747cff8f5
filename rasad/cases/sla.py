"""Working-time arithmetic for case SLAs.

Cases (challenges, incidents, directives) carry a response budget counted in
*working* time: only the hours an office is open count, and weekends and
official holidays do not. This module is the pure engine behind those due
times. It knows nothing about Django or the database; callers pass a
`WorkingCalendar` built from holiday data and get aware datetimes back.

Conventions used throughout:

* Every datetime argument must be timezone-aware; naive values raise
  `ValueError` rather than being guessed at. Returned datetimes are in UTC.
* A working day is the half-open interval ``[start, end)`` in the calendar's
  local time zone, so 16:00 on a 08:00-16:00 day is already closed.
* Durations are exact `timedelta` values; nothing is rounded to minutes.
* The engine walks the calendar one day at a time, never minute by minute, so
  a budget of a thousand working hours costs a few hundred cheap iterations.

See ``docs/reference/working-calendar.md`` for the semantics in prose and for
how the holiday data is maintained.
"""

from __future__ import annotations

import csv
import functools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from types import MappingProxyType
from typing import Final, Literal
from zoneinfo import ZoneInfo

import jdatetime

__all__ = [
    "DEFAULT_HOLIDAYS_PATH",
    "FIXED_JALALI",
    "HOLIDAY_COLUMNS",
    "IRAN_THURSDAY",
    "IRAN_WORKDAY",
    "LUNAR_HIJRI",
    "TEHRAN",
    "HolidayKind",
    "HolidayRecord",
    "Pause",
    "WorkingCalendar",
    "WorkingDay",
    "add_working_time",
    "due_at",
    "fixed_jalali_holidays",
    "is_working_moment",
    "load_holidays",
    "next_working_moment",
    "read_holiday_records",
    "solar_holiday_days",
    "tabular_hijri_to_gregorian",
    "tabular_lunar_holidays",
    "working_time_between",
    "working_time_between_excluding",
]

TEHRAN: Final = ZoneInfo("Asia/Tehran")
DEFAULT_HOLIDAYS_PATH: Final = Path(__file__).parent / "data" / "holidays.csv"

ZERO: Final = timedelta(0)
ONE_DAY: Final = timedelta(days=1)

# A pause is a period during which an SLA clock is stopped, typically while the
# case waits for the reporter. ``None`` as the end means "still paused".
Pause = tuple[datetime, datetime | None]


# ---------------------------------------------------------------------------
# Calendar
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class WorkingDay:
    """The opening hours of one weekday, as local wall-clock times."""

    start: time
    end: time

    def __post_init__(self) -> None:
        if self.start.tzinfo is not None or self.end.tzinfo is not None:
            raise ValueError("WorkingDay times are local wall-clock times and must be naive.")
        if not self.start < self.end:
            raise ValueError(f"A working day must end after it starts ({self.start} >= {self.end}).")


IRAN_WORKDAY: Final = WorkingDay(time(8, 0), time(16, 0))
IRAN_THURSDAY: Final = WorkingDay(time(8, 0), time(13, 0))


@dataclass(frozen=True)
class WorkingCalendar:
    """When an organization is at work: weekly hours, holidays and the local time zone.

    ``hours`` is keyed by Python weekday (Monday=0 ... Sunday=6); a missing key
    or ``None`` means the day is off. ``holidays`` are Gregorian dates on which
    nobody works regardless of the weekday. ``solar_holidays`` are (Jalali
    month, day) pairs that are holidays in every year (Nowruz ...), so that no
    year is ever without them.
    """

    hours: Mapping[int, WorkingDay | None] = field(hash=False)
    holidays: frozenset[date] = frozenset()
    tz: ZoneInfo = TEHRAN
    solar_holidays: frozenset[tuple[int, int]] = frozenset()

    def __post_init__(self) -> None:
        unknown = set(self.hours) - set(range(7))
        if unknown:
            raise ValueError(f"Weekday keys must be 0 (Monday) to 6 (Sunday); got {sorted(unknown)}.")
        if not any(self.hours.values()):
            # Without a single working weekday no due time could ever be found.
            raise ValueError("A working calendar needs at least one working weekday.")
        # Freeze the mapping and the holiday set so that a calendar, once built,
        # cannot change under a computation that is holding it.
        object.__setattr__(self, "hours", MappingProxyType(dict(self.hours)))
        object.__setattr__(self, "holidays", frozenset(self.holidays))
        object.__setattr__(self, "solar_holidays", frozenset(self.solar_holidays))

    @classmethod
    def iran_default(
        cls,
        holidays: Iterable[date] = (),
        *,
        thursday: WorkingDay | None = IRAN_THURSDAY,
        workday: WorkingDay = IRAN_WORKDAY,
        tz: ZoneInfo = TEHRAN,
        solar_holidays: Iterable[tuple[int, int]] = (),
    ) -> WorkingCalendar:
        """Iran's usual office week: Saturday to Wednesday full days, Thursday short, Friday off.

        Pass ``thursday=None`` for bodies that close on Thursdays, or another
        `WorkingDay` for different Thursday hours.
        """
        saturday_to_wednesday = (5, 6, 0, 1, 2)
        hours: dict[int, WorkingDay | None] = dict.fromkeys(saturday_to_wednesday, workday)
        hours[3] = thursday
        hours[4] = None
        return cls(hours=hours, holidays=frozenset(holidays), tz=tz, solar_holidays=frozenset(solar_holidays))

    def working_window(self, day: date) -> tuple[datetime, datetime] | None:
        """The UTC opening and closing moments of ``day`` (a local date), or None if it is off."""
        if day in self.holidays or (self.solar_holidays and _jalali_month_day(day) in self.solar_holidays):
            return None
        hours = self.hours.get(day.weekday())
        if hours is None:
            return None
        opens = datetime.combine(day, hours.start, tzinfo=self.tz).astimezone(UTC)
        closes = datetime.combine(day, hours.end, tzinfo=self.tz).astimezone(UTC)
        return opens, closes

    def local_date(self, moment: datetime) -> date:
        """The calendar day, in the calendar's time zone, that contains ``moment``."""
        return moment.astimezone(self.tz).date()


# ---------------------------------------------------------------------------
# Working-time arithmetic
# ---------------------------------------------------------------------------


def _require_aware(moment: datetime, name: str) -> datetime:
    """Return ``moment`` in UTC, refusing naive datetimes."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be a timezone-aware datetime.")
    return moment.astimezone(UTC)


def is_working_moment(cal: WorkingCalendar, moment: datetime) -> bool:
    """True if ``moment`` falls inside a working day's opening hours."""
    instant = _require_aware(moment, "moment")
    window = cal.working_window(cal.local_date(instant))
    return window is not None and window[0] <= instant < window[1]


def add_working_time(cal: WorkingCalendar, start: datetime, duration: timedelta) -> datetime:
    """The moment at which ``duration`` of working time has elapsed after ``start``.

    A start outside working hours first rolls forward to the next opening. A
    budget that is used up exactly at closing time is due at closing time, not
    at the next opening. A zero duration returns the rolled-forward start.
    """
    cursor = _require_aware(start, "start")
    if duration < ZERO:
        raise ValueError("duration must not be negative.")
    remaining = duration
    day = cal.local_date(cursor)
    while True:
        window = cal.working_window(day)
        if window is not None:
            opens, closes = window
            segment_start = max(opens, cursor)
            if segment_start < closes:
                available = closes - segment_start
                if remaining <= available:
                    return segment_start + remaining
                remaining -= available
        day += ONE_DAY


def next_working_moment(cal: WorkingCalendar, moment: datetime) -> datetime:
    """``moment`` itself if it is working time, otherwise the next opening (in UTC)."""
    return add_working_time(cal, moment, ZERO)


def working_time_between(cal: WorkingCalendar, start: datetime, end: datetime) -> timedelta:
    """Working time inside ``[start, end)``; zero when ``end`` is not after ``start``."""
    start_utc = _require_aware(start, "start")
    end_utc = _require_aware(end, "end")
    if end_utc <= start_utc:
        return ZERO
    total = ZERO
    day = cal.local_date(start_utc)
    last_day = cal.local_date(end_utc)
    while day <= last_day:
        window = cal.working_window(day)
        if window is not None:
            overlap = min(window[1], end_utc) - max(window[0], start_utc)
            if overlap > ZERO:
                total += overlap
        day += ONE_DAY
    return total


def _closed_pauses(
    pauses: Sequence[Pause], *, not_before: datetime, open_until: datetime | None
) -> list[tuple[datetime, datetime]]:
    """Validate pauses and return them clipped, sorted and merged.

    Pauses are clipped so that none begins before ``not_before``. An open pause
    ends at ``open_until``; callers that cannot handle open pauses pass None and
    must have rejected them already. Overlapping or touching pauses are merged so
    that no stretch of time is subtracted twice.
    """
    clipped: list[tuple[datetime, datetime]] = []
    for pause_start, pause_end in pauses:
        begins = _require_aware(pause_start, "pause start")
        if pause_end is None:
            if open_until is None:
                raise ValueError("Open pauses are not allowed here.")
            ends = open_until
        else:
            ends = _require_aware(pause_end, "pause end")
            if ends < begins:
                raise ValueError(f"A pause ends before it starts ({pause_start} > {pause_end}).")
        if open_until is not None:
            ends = min(ends, open_until)
        begins = max(begins, not_before)
        if begins < ends:
            clipped.append((begins, ends))
    clipped.sort()
    merged: list[tuple[datetime, datetime]] = []
    for begins, ends in clipped:
        if merged and begins <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], ends))
        else:
            merged.append((begins, ends))
    return merged


def working_time_between_excluding(
    cal: WorkingCalendar, start: datetime, end: datetime, pauses: Sequence[Pause]
) -> timedelta:
    """Working time inside ``[start, end)`` that is not covered by any pause.

    An open pause (end ``None``) counts as lasting until ``end``. Pauses may
    overlap each other or stick out of ``[start, end)``; only the working time
    they actually cover inside the interval is removed, once.
    """
    start_utc = _require_aware(start, "start")
    end_utc = _require_aware(end, "end")
    if end_utc <= start_utc:
        return ZERO
    paused = sum(
        (
            working_time_between(cal, begins, ends)
            for begins, ends in _closed_pauses(pauses, not_before=start_utc, open_until=end_utc)
        ),
        ZERO,
    )
    return working_time_between(cal, start_utc, end_utc) - paused


def due_at(
    cal: WorkingCalendar, start: datetime, budget: timedelta, pauses: Sequence[Pause]
) -> datetime | None:
    """When a case started at ``start`` with ``budget`` of working time falls due.

    Working time spent inside a pause does not count against the budget, so each
    pause pushes the due time later by exactly the working time it covered
    before the budget ran out. While any pause is still open the clock is
    stopped and there is no due time: the result is None. Pauses that begin
    after the budget is already used up do not move the due time.
    """
    cursor = _require_aware(start, "start")
    if budget < ZERO:
        raise ValueError("budget must not be negative.")
    if any(pause_end is None for _, pause_end in pauses):
        return None
    remaining = budget
    for pause_start, pause_end in _closed_pauses(pauses, not_before=cursor, open_until=None):
        if pause_start > cursor:
            candidate = add_working_time(cal, cursor, remaining)
            if candidate <= pause_start:
                return candidate
            remaining -= working_time_between(cal, cursor, pause_start)
        cursor = max(cursor, pause_end)
    return add_working_time(cal, cursor, remaining)


# ---------------------------------------------------------------------------
# Holiday reference data
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _SolarDay:
    month: int
    day: int
    name_fa: str
    name_en: str


@dataclass(frozen=True)
class _LunarDay:
    month: int
    day: int | None  # None: the last day of the month (lunar months have 29 or 30 days)
    name_fa: str
    name_en: str


# Official holidays fixed in the solar (Jalali) calendar. The Persian names
# follow the wording of the official calendar published by the Council for
# Public Culture. 13 Farvardin is officially "Nature Day". When Esfand has 30
# days, 29 Esfand remains the holiday; whether 30 Esfand is also closed is
# decided year by year and, if so, is entered as data.
FIXED_JALALI: Final[tuple[_SolarDay, ...]] = (
    _SolarDay(1, 1, "آغاز نوروز", "Nowruz (New Year's Day)"),
    _SolarDay(1, 2, "عید نوروز", "Nowruz holiday (day 2)"),
    _SolarDay(1, 3, "عید نوروز", "Nowruz holiday (day 3)"),
    _SolarDay(1, 4, "عید نوروز", "Nowruz holiday (day 4)"),
    _SolarDay(1, 12, "روز جمهوری اسلامی ایران", "Islamic Republic Day"),
    _SolarDay(1, 13, "روز طبیعت (سیزده‌بدر)", "Nature Day (Sizdah Bedar)"),
    _SolarDay(3, 14, "رحلت حضرت امام خمینی", "Anniversary of Imam Khomeini's death"),
    _SolarDay(3, 15, "قیام ۱۵ خرداد", "Uprising of 15 Khordad"),
    _SolarDay(11, 22, "پیروزی انقلاب اسلامی", "Victory of the Islamic Revolution"),
    _SolarDay(12, 29, "روز ملی شدن صنعت نفت ایران", "Oil Nationalization Day"),
)

# Official holidays fixed in the lunar (Hijri) calendar. Their Gregorian dates
# depend on moon sighting in Iran, so they are entered as data every year;
# this table only drives the tabular estimate below.
LUNAR_HIJRI: Final[tuple[_LunarDay, ...]] = (
    _LunarDay(1, 9, "تاسوعای حسینی", "Tasua"),
    _LunarDay(1, 10, "عاشورای حسینی", "Ashura"),
    _LunarDay(2, 20, "اربعین حسینی", "Arbaeen"),
    _LunarDay(
        2,
        28,
        "رحلت حضرت رسول اکرم و شهادت امام حسن مجتبی",
        "Demise of the Prophet and martyrdom of Imam Hasan",
    ),
    _LunarDay(2, None, "شهادت امام رضا", "Martyrdom of Imam Reza"),
    _LunarDay(3, 8, "شهادت امام حسن عسکری", "Martyrdom of Imam Hasan Askari"),
    _LunarDay(3, 17, "میلاد حضرت رسول اکرم و امام جعفر صادق", "Birth of the Prophet and Imam Sadiq"),
    _LunarDay(6, 3, "شهادت حضرت فاطمه زهرا", "Martyrdom of Fatima"),
    _LunarDay(7, 13, "ولادت امام علی", "Birth of Imam Ali"),
    _LunarDay(7, 27, "مبعث حضرت رسول اکرم", "Mab'ath (the Prophet's mission)"),
    _LunarDay(8, 15, "ولادت حضرت قائم", "Birth of Imam Mahdi"),
    _LunarDay(9, 21, "شهادت حضرت علی", "Martyrdom of Imam Ali"),
    _LunarDay(10, 1, "عید سعید فطر", "Eid al-Fitr"),
    _LunarDay(10, 2, "تعطیل به مناسبت عید سعید فطر", "Eid al-Fitr holiday (day 2)"),
    _LunarDay(10, 25, "شهادت امام جعفر صادق", "Martyrdom of Imam Sadiq"),
    _LunarDay(12, 10, "عید سعید قربان", "Eid al-Adha"),
    _LunarDay(12, 18, "عید سعید غدیر خم", "Eid al-Ghadir"),
)


@functools.lru_cache(maxsize=4096)
def _jalali_month_day(day: date) -> tuple[int, int]:
    jalali = jdatetime.date.fromgregorian(date=day)
    return int(jalali.month), int(jalali.day)


def solar_holiday_days() -> frozenset[tuple[int, int]]:
    """The (month, day) of every official holiday fixed in the Jalali calendar."""
    return frozenset((named.month, named.day) for named in FIXED_JALALI)


def _jalali_to_gregorian(year: int, month: int, day: int) -> date:
    converted: date = jdatetime.date(year, month, day).togregorian()
    return converted


def _gregorian_to_jalali_text(day: date) -> str:
    jalali = jdatetime.date.fromgregorian(date=day)
    return f"{jalali.year:04d}/{jalali.month:02d}/{jalali.day:02d}"


def fixed_jalali_holidays(jalali_year: int) -> dict[date, str]:
    """The solar-calendar official holidays of ``jalali_year``: Gregorian date -> Persian name."""
    return {
        _jalali_to_gregorian(jalali_year, named.month, named.day): named.name_fa for named in FIXED_JALALI
    }


# Day number (proleptic Gregorian ordinal, as in `date.toordinal`) of
# 1 Muharram AH 1 in the arithmetical calendar: Friday 16 July 622 (Julian).
_HIJRI_EPOCH: Final = 227015


def tabular_hijri_to_gregorian(year: int, month: int, day: int) -> date:
    """Convert a Hijri date with the arithmetical (tabular) Islamic calendar.

    The tabular calendar alternates 30- and 29-day months and adds a leap day
    to Dhu al-Hijjah in 11 years of every 30. Iran fixes its lunar months by
    observation, so real dates differ from this estimate by a day or so either
    way; use it only to draft holiday data that an administrator then confirms.
    """
    if not 1 <= month <= 12 or not 1 <= day <= 30:
        raise ValueError(f"Not a Hijri date: {year}/{month}/{day}.")
    days_before_year = (year - 1) * 354 + (3 + 11 * year) // 30
    days_before_month = 29 * (month - 1) + month // 2
    return date.fromordinal(_HIJRI_EPOCH - 1 + days_before_year + days_before_month + day)


def tabular_lunar_holidays(hijri_year: int) -> dict[date, str]:
    """Tabular estimates of the lunar official holidays of ``hijri_year``: date -> Persian name.

    These are drafts for an administrator to check against the official
    calendar, never data to rely on unchecked.
    """
    estimates: dict[date, str] = {}
    for named in LUNAR_HIJRI:
        if named.day is None:
            next_year, next_month = (hijri_year, named.month + 1) if named.month < 12 else (hijri_year + 1, 1)
            estimate = tabular_hijri_to_gregorian(next_year, next_month, 1) - ONE_DAY
        else:
            estimate = tabular_hijri_to_gregorian(hijri_year, named.month, named.day)
        estimates[estimate] = named.name_fa
    return estimates


HolidayKind = Literal["fixed", "lunar"]
HOLIDAY_COLUMNS: Final = ("date", "jalali_date", "name_fa", "name_en", "kind")
_HOLIDAY_KINDS: Final[Mapping[str, HolidayKind]] = {"fixed": "fixed", "lunar": "lunar"}


@dataclass(frozen=True)
class HolidayRecord:
    """One row of the holiday reference file."""

    date: date
    jalali_date: str
    name_fa: str
    name_en: str
    kind: HolidayKind


def read_holiday_records(path: Path | str = DEFAULT_HOLIDAYS_PATH) -> list[HolidayRecord]:
    """Read and check every row of a holiday CSV file.

    Each row's ``jalali_date`` must be the same day as its Gregorian ``date``;
    a mismatch is almost always a typing mistake, so it is refused with the
    line number rather than loaded silently.
    """
    records: list[HolidayRecord] = []
    with open(path, encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        if tuple(reader.fieldnames or ()) != HOLIDAY_COLUMNS:
            raise ValueError(f"{path}: the header must be {','.join(HOLIDAY_COLUMNS)}.")
        for row in reader:
            where = f"{path}, line {reader.line_num}"
            try:
                day = date.fromisoformat(row["date"])
            except ValueError as error:
                raise ValueError(f"{where}: {row['date']!r} is not an ISO date.") from error
            expected_jalali = _gregorian_to_jalali_text(day)
            if row["jalali_date"] != expected_jalali:
                raise ValueError(
                    f"{where}: jalali_date {row['jalali_date']!r} does not match {day} ({expected_jalali})."
                )
            kind = _HOLIDAY_KINDS.get(row["kind"])
            if kind is None:
                raise ValueError(f"{where}: kind must be 'fixed' or 'lunar', not {row['kind']!r}.")
            if not row["name_fa"].strip():
                raise ValueError(f"{where}: name_fa is empty.")
            records.append(HolidayRecord(day, row["jalali_date"], row["name_fa"], row["name_en"], kind))
    return records


def load_holidays(path: Path | str = DEFAULT_HOLIDAYS_PATH) -> dict[date, str]:
    """Gregorian date -> Persian name for every holiday in the CSV file.

    Two occasions on one day (Nowruz and a lunar holiday, say) become one
    entry whose names are joined with a Persian semicolon.
    """
    holidays: dict[date, str] = {}
    for record in read_holiday_records(path):
        if record.date in holidays:
            holidays[record.date] = f"{holidays[record.date]}؛ {record.name_fa}"
        else:
            holidays[record.date] = record.name_fa
    return holidays
