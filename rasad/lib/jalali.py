"""Jalali (Solar Hijri) dates for Rasad: formatting, parsing and reporting periods.

Rasad stores Gregorian ``date`` and aware ``datetime`` values and shows them in the Jalali
calendar (or, by a person's choice, the Gregorian one). Everything a person reads is in Tehran
time. Reporting periods (a Jalali month, season or year) are :class:`JalaliPeriod` values whose
``start`` and ``end`` are Gregorian dates, ready for database filters.
``docs/reference/persian-text.md`` describes the formats.
"""

from __future__ import annotations

import calendar as calendar_module
import functools
import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Final, Literal, NamedTuple, get_args
from zoneinfo import ZoneInfo

import jdatetime
from django.utils.translation import gettext_lazy as _

from rasad.lib.persian import (
    BIDI_MARKS,
    EMPTY_VALUE,
    OwnNumber,
    TextParseError,
    describe_character,
    to_latin_digits,
    to_persian_digits,
)

__all__ = [
    "GREGORIAN_MONTH_NAMES_EN",
    "GREGORIAN_MONTH_NAMES_FA",
    "JALALI_MONTH_NAMES",
    "JALALI_SEASON_NAMES",
    "TEHRAN",
    "Calendar",
    "DateStyle",
    "JalaliDate",
    "JalaliPeriod",
    "PeriodKind",
    "check_accepted_date",
    "format_date",
    "format_datetime",
    "from_jalali",
    "is_jalali_leap_year",
    "jalali_month_length",
    "jalali_month_names",
    "local_date",
    "parse_date",
    "periods_between",
    "to_jalali",
    "to_tehran",
    "today_in_tehran",
    "today_jalali",
]

Calendar = Literal["jalali", "gregorian"]
DateStyle = Literal["short", "long"]
PeriodKind = Literal["month", "season", "half", "year"]

TEHRAN: Final = ZoneInfo("Asia/Tehran")

JALALI_MONTH_NAMES: Final = (
    "فروردین",
    "اردیبهشت",
    "خرداد",
    "تیر",
    "مرداد",
    "شهریور",
    "مهر",
    "آبان",
    "آذر",
    "دی",
    "بهمن",
    "اسفند",
)
jalali_month_names: Final = JALALI_MONTH_NAMES
JALALI_SEASON_NAMES: Final = ("بهار", "تابستان", "پاییز", "زمستان")
JALALI_HALF_NAMES: Final = ("نیمهٔ نخست", "نیمهٔ دوم")
GREGORIAN_MONTH_NAMES_EN: Final = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
GREGORIAN_MONTH_NAMES_FA: Final = (
    "ژانویه",
    "فوریه",
    "مارس",
    "آوریل",
    "مه",
    "ژوئن",
    "ژوئیه",
    "اوت",
    "سپتامبر",
    "اکتبر",
    "نوامبر",
    "دسامبر",
)

# Supported Jalali years: the Gregorian date type reaches 9999, which is Jalali 9378.
MIN_JALALI_YEAR: Final = 1
MAX_JALALI_YEAR: Final = 9377
# A four-digit year above this is Gregorian whatever calendar was asked for (Jalali 1700 is
# Gregorian 2321, so the two ranges people actually type never meet).
GREGORIAN_YEAR_THRESHOLD: Final = 1700
# The dates Rasad accepts from people and programs (forms, API, imports, filters): Jalali years
# 1200 to 1500, Gregorian 1821-03-21 to 2122-03-20. Wide enough for the founding date of the
# oldest ministry and for any deadline or plan, narrow enough that every accepted date converts,
# formats and takes arithmetic (a deadline plus working hours) without overflowing.
# docs/reference/persian-text.md ("Accepted dates") states the range for users.
FIRST_ACCEPTED_JALALI_YEAR: Final = 1200
LAST_ACCEPTED_JALALI_YEAR: Final = 1500


class JalaliDate(NamedTuple):
    """A day in the Jalali calendar; month and day count from 1."""

    year: int
    month: int
    day: int


# ---------------------------------------------------------------------------------------------
# The calendar
# ---------------------------------------------------------------------------------------------


def is_jalali_leap_year(year: int) -> bool:
    """Whether Esfand of ``year`` has 30 days (1403 does, 1404 does not)."""
    return bool(jdatetime.date(year, 1, 1).isleap())


def jalali_month_length(year: int, month: int) -> int:
    """Number of days in a Jalali month: 31 for months 1-6, 30 for 7-11, 29 or 30 for Esfand."""
    if not 1 <= month <= 12:
        raise ValueError(f"month must be 1..12, not {month}")
    if month <= 6:
        return 31
    if month <= 11:
        return 30
    return 30 if is_jalali_leap_year(year) else 29


def to_jalali(value: date) -> JalaliDate:
    """The Jalali day of a Gregorian date (of its Tehran date, for an aware datetime).

    Raises ``ValueError`` for a date before the Jalali era or after Jalali 9377 (Gregorian
    0001-01-01 ... 0622-03-21 and 9999-12-31 have no Jalali day here)."""
    day = local_date(value)
    converted = jdatetime.date.fromgregorian(date=day)
    return JalaliDate(int(converted.year), int(converted.month), int(converted.day))


def first_accepted_date() -> date:
    """Gregorian 1821-03-21, Jalali 1200/01/01: the earliest date Rasad accepts."""
    return _gregorian_of(FIRST_ACCEPTED_JALALI_YEAR, 1, 1)


def last_accepted_date() -> date:
    """Gregorian 2122-03-20, the last day of Jalali 1500: the latest date Rasad accepts."""
    return date.fromordinal(_gregorian_of(LAST_ACCEPTED_JALALI_YEAR + 1, 1, 1).toordinal() - 1)


def is_accepted_period(period: JalaliPeriod) -> bool:
    """Whether ``period`` lies in the years Rasad accepts a date in (``check_accepted_date``):
    a page that reads a period from its address also links the periods beside it, and those of
    the calendar's first and last years have a neighbour that cannot be made (review 23)."""
    return FIRST_ACCEPTED_JALALI_YEAR <= period.year <= LAST_ACCEPTED_JALALI_YEAR


def check_accepted_date(value: date, *, margin_days: int = 0) -> None:
    """Raise :class:`TextParseError` (code ``date_range``) for a date (or the Tehran day of a
    datetime) outside the accepted range, Jalali 1200/01/01 to 1500/12/29. ``margin_days``
    widens the range on both sides, for values derived from accepted ones (a due time a few
    working days after a deadline on the last accepted day)."""
    try:
        day = local_date(value)
    except OverflowError:  # an aware datetime at the very edge of the representable range
        day = value.date() if isinstance(value, datetime) else value
    first, last = first_accepted_date(), last_accepted_date()
    if not first.toordinal() - margin_days <= day.toordinal() <= last.toordinal() + margin_days:
        raise TextParseError(
            _("The date %(date)s is outside the range Rasad accepts, %(first)s to %(last)s."),
            code="date_range",
            params={
                "date": OwnNumber(day.isoformat()),
                "first": OwnNumber(f"{FIRST_ACCEPTED_JALALI_YEAR}/01/01 ({first.isoformat()})"),
                "last": OwnNumber(f"{format_date(last, persian_digits=False)} ({last.isoformat()})"),
            },
        )


def from_jalali(year: int, month: int, day: int) -> date:
    """The Gregorian date of a Jalali day; raises :class:`TextParseError` naming a bad part."""
    _check_jalali(year, month, day)
    return _gregorian_of(year, month, day)


@functools.lru_cache(maxsize=8192)
def _gregorian_of(year: int, month: int, day: int) -> date:
    # Bulk imports convert the same few period starts thousands of times per batch.
    converted = jdatetime.date(year, month, day).togregorian()
    return date(converted.year, converted.month, converted.day)


def _check_jalali(year: int, month: int, day: int) -> None:
    if not MIN_JALALI_YEAR <= year <= MAX_JALALI_YEAR:
        raise TextParseError(
            _("Year %(year)s is outside the supported range."), code="year_range", params={"year": year}
        )
    _check_month(month)
    length = jalali_month_length(year, month)
    if month == 12 and day == 30 and length == 29:
        raise TextParseError(
            _("%(year)s is not a leap year, so Esfand (month 12) has only 29 days."),
            code="not_leap_year",
            params={"year": year},
        )
    _check_day(year, month, day, length)


def _check_gregorian(year: int, month: int, day: int) -> None:
    if not 1 <= year <= 9999:
        raise TextParseError(
            _("Year %(year)s is outside the supported range."), code="year_range", params={"year": year}
        )
    _check_month(month)
    length = calendar_module.monthrange(year, month)[1]
    if month == 2 and day == 29 and length == 28:
        raise TextParseError(
            _("%(year)s is not a leap year, so February has only 28 days."),
            code="not_leap_year",
            params={"year": year},
        )
    _check_day(year, month, day, length)


def _check_month(month: int) -> None:
    if not 1 <= month <= 12:
        raise TextParseError(
            _("Month %(month)s does not exist; months run from 1 to 12."),
            code="month_range",
            params={"month": month},
        )


def _check_day(year: int, month: int, day: int, length: int) -> None:
    if not 1 <= day <= length:
        raise TextParseError(
            _("Day %(day)s does not exist: month %(month)s of %(year)s has %(length)s days."),
            code="day_range",
            params={"day": day, "month": month, "year": year, "length": length},
        )


# ---------------------------------------------------------------------------------------------
# Tehran time
# ---------------------------------------------------------------------------------------------


def to_tehran(value: datetime) -> datetime:
    """An aware datetime in Tehran time. A naive one is taken to be Tehran wall-clock time already
    (Rasad stores aware datetimes only, so a naive one comes from code that built it by hand)."""
    if value.tzinfo is None or value.utcoffset() is None:
        return value
    return value.astimezone(TEHRAN)


def local_date(value: date) -> date:
    """The calendar day a person in Tehran sees for a date or datetime."""
    if isinstance(value, datetime):
        return to_tehran(value).date()
    return value


def today_in_tehran(now: datetime | None = None) -> date:
    """Today's Gregorian date in Tehran; ``now`` (aware) may be given for tests and replays."""
    return local_date(now if now is not None else datetime.now(TEHRAN))


def today_jalali(now: datetime | None = None) -> JalaliDate:
    """Today's Jalali date in Tehran."""
    return to_jalali(today_in_tehran(now))


# ---------------------------------------------------------------------------------------------
# Formatting
# ---------------------------------------------------------------------------------------------


def format_date(
    value: date | datetime | None,
    *,
    calendar: Calendar = "jalali",
    persian_digits: bool = True,
    style: DateStyle = "short",
) -> str:
    """Format a date for people.

    ==========  ==============  ===================  ===================
    calendar    style           persian_digits=True  persian_digits=False
    ==========  ==============  ===================  ===================
    jalali      short           ۱۴۰۳/۱۲/۱۳           1403/12/13
    jalali      long            ۱۳ اسفند ۱۴۰۳        13 اسفند 1403
    gregorian   short           ۲۰۲۵-۰۳-۰۳           2025-03-03
    gregorian   long            ۳ مارس ۲۰۲۵          3 March 2025
    ==========  ==============  ===================  ===================

    An aware datetime is first converted to Tehran time; ``None`` gives "—". The short forms are
    also what :func:`parse_date` reads back.
    """
    if value is None:
        return EMPTY_VALUE
    _check_choice(calendar, Calendar, "calendar")
    _check_choice(style, DateStyle, "style")
    try:
        day = local_date(value)
    except OverflowError:  # Tehran time of an aware datetime past 9999-12-31
        day = value.date() if isinstance(value, datetime) else value
    if calendar == "jalali" and not _has_jalali_day(day):
        # A stored date outside the Jalali range (0001-01-01, 9999-12-31) must not break the
        # page that shows it, or nobody could open it to correct it: show it in ISO form.
        calendar = "gregorian"
        style = "short"
    if calendar == "jalali":
        jalali = to_jalali(day)
        if style == "short":
            text = f"{jalali.year:04d}/{jalali.month:02d}/{jalali.day:02d}"
        else:
            text = f"{jalali.day} {JALALI_MONTH_NAMES[jalali.month - 1]} {jalali.year}"
    elif style == "short":
        text = f"{day.year:04d}-{day.month:02d}-{day.day:02d}"
    else:
        names = GREGORIAN_MONTH_NAMES_FA if persian_digits else GREGORIAN_MONTH_NAMES_EN
        text = f"{day.day} {names[day.month - 1]} {day.year}"
    return to_persian_digits(text) if persian_digits else text


def _has_jalali_day(day: date) -> bool:
    return date(623, 1, 1) <= day <= date(9999, 3, 19)


def format_datetime(
    value: datetime | None,
    *,
    calendar: Calendar = "jalali",
    persian_digits: bool = True,
    style: DateStyle = "short",
) -> str:
    """Format a moment for people: its Tehran date as :func:`format_date` does, then HH:MM.

    Short: «۱۴۰۳/۱۲/۱۳ ۱۶:۲۱»; long: «۱۳ اسفند ۱۴۰۳، ساعت ۱۶:۲۱», or "3 March 2025, 16:21" for
    the Gregorian calendar in Latin digits. A plain date is formatted as a date.
    """
    if value is None:
        return EMPTY_VALUE
    if not isinstance(value, datetime):
        return format_date(value, calendar=calendar, persian_digits=persian_digits, style=style)
    try:
        local = to_tehran(value)
    except OverflowError:  # 9999-12-31 23:00 UTC has no Tehran time
        local = value
    day_text = format_date(local, calendar=calendar, persian_digits=persian_digits, style=style)
    time_text = f"{local.hour:02d}:{local.minute:02d}"
    if persian_digits:
        time_text = to_persian_digits(time_text)
    if style == "short":
        return f"{day_text} {time_text}"
    if calendar == "gregorian" and not persian_digits:
        return f"{day_text}, {time_text}"
    return f"{day_text}، ساعت {time_text}"


def _check_choice(value: str, choices: object, name: str) -> None:
    allowed = get_args(choices)
    if value not in allowed:
        raise ValueError(f"{name} must be one of {', '.join(allowed)}, not {value!r}")


# ---------------------------------------------------------------------------------------------
# Parsing
# ---------------------------------------------------------------------------------------------

_DATE_PATTERN: Final = re.compile(r"(\d+)\s*[/\-.]\s*(\d+)\s*[/\-.]\s*(\d+)")


def parse_date(text: str, *, calendar: Calendar = "jalali") -> date:
    """Read a date typed by a person and return it as a Gregorian ``date``.

    The date is year/month/day with "/", "-" or "." between the parts, in Persian, Arabic-Indic
    or Latin digits: "1403/12/13", "۱۴۰۳-۱۲-۱۳", "1403.12.13". A year above 1700 is Gregorian
    whatever ``calendar`` says, so ISO dates ("2025-03-03") are always understood. A date
    outside the accepted range (:func:`check_accepted_date`) is refused. Anything else raises
    :class:`TextParseError` whose message names the cause (empty text, wrong shape, day before
    year, month 13, day 31 of a 30-day month, Esfand 30 in a common year ...).
    """
    _check_choice(calendar, Calendar, "calendar")
    cleaned = to_latin_digits(BIDI_MARKS.sub("", text)).strip()
    if not cleaned:
        raise TextParseError(_("Enter a date; the text is empty."), code="empty")
    hidden = next((c for c in cleaned if not c.isprintable()), None)
    if hidden is not None:  # pasted with the date: quoting the text would not show it
        raise TextParseError(
            _("The date holds an invisible character (%(character)s); type it again."),
            code="invalid_character",
            params={"character": describe_character(hidden)},
        )
    match = _DATE_PATTERN.fullmatch(cleaned)
    if match is None:
        raise TextParseError(
            _("“%(text)s” is not a date; write year/month/day, for example 1403/12/13."),
            code="invalid_format",
            params={"text": text.strip()},
        )
    year_text, month_text, day_text = match.groups()
    if len(year_text) <= 2 and len(day_text) == 4:
        raise TextParseError(
            _("Write the year first, as year/month/day, for example 1403/12/13."), code="year_last"
        )
    if len(year_text) != 4:
        raise TextParseError(
            _("The year “%(year)s” must have four digits."), code="year_digits", params={"year": year_text}
        )
    year, month, day = int(year_text), int(month_text), int(day_text)
    if year > GREGORIAN_YEAR_THRESHOLD:
        _check_gregorian(year, month, day)
        result = date(year, month, day)
    elif calendar == "gregorian":
        raise TextParseError(
            _("%(year)s looks like a Jalali year; enter a Gregorian date such as 2025-03-21."),
            code="jalali_year",
            params={"year": year},
        )
    else:
        result = from_jalali(year, month, day)
    check_accepted_date(result)
    return result


# ---------------------------------------------------------------------------------------------
# Reporting periods
# ---------------------------------------------------------------------------------------------

_MONTHS_PER_PERIOD: Final[dict[str, int]] = {"month": 1, "season": 3, "half": 6, "year": 12}
_PERIODS_PER_YEAR: Final[dict[str, int]] = {"month": 12, "season": 4, "half": 2, "year": 1}
_PARSED: dict[str, JalaliPeriod] = {}
_PERIOD_KEY: Final = re.compile(r"(\d{4})(?:[-/](?:(\d{1,2})|[Ss](\d)|[Hh](\d)))?")


@functools.total_ordering
@dataclass(frozen=True)
class JalaliPeriod:
    """A Jalali month, season, half-year or year, the unit of periodic reporting.

    ``index`` is the month (1-12), the season (1-4: بهار، تابستان، پاییز، زمستان), the half
    (1-2: فروردین-شهریور، مهر-اسفند) or 1 for a year. ``start`` and ``end`` are Gregorian
    dates with ``end`` exclusive, so a period selects ``start <= day < end``. Periods sort by
    when they start, and a longer one after a shorter one that starts the same day
    (فروردین ۱۴۰۳ < بهار ۱۴۰۳ < ۱۴۰۳).
    """

    kind: PeriodKind
    year: int
    index: int = 1

    def __post_init__(self) -> None:
        if self.kind not in _MONTHS_PER_PERIOD:
            raise ValueError(f"kind must be month, season, half or year, not {self.kind!r}")
        if not MIN_JALALI_YEAR <= self.year < MAX_JALALI_YEAR:
            raise ValueError(f"year {self.year} is outside {MIN_JALALI_YEAR}..{MAX_JALALI_YEAR - 1}")
        if not 1 <= self.index <= _PERIODS_PER_YEAR[self.kind]:
            raise ValueError(
                f"a {self.kind} index runs from 1 to {_PERIODS_PER_YEAR[self.kind]}, not {self.index}"
            )

    @property
    def first_month(self) -> int:
        """The Jalali month the period starts in."""
        return (self.index - 1) * _MONTHS_PER_PERIOD[self.kind] + 1

    @functools.cached_property
    def start(self) -> date:
        """The first Gregorian day of the period (computed once: periods are immutable)."""
        return from_jalali(self.year, self.first_month, 1)

    @property
    def end(self) -> date:
        """The first Gregorian day after the period (exclusive end)."""
        return self.next().start

    @functools.cached_property
    def key(self) -> str:
        """A stable text key: "1403-07" (month), "1403-S2" (season), "1403-H1" (half), "1403"."""
        if self.kind == "month":
            return f"{self.year:04d}-{self.index:02d}"
        if self.kind == "season":
            return f"{self.year:04d}-S{self.index}"
        if self.kind == "half":
            return f"{self.year:04d}-H{self.index}"
        return f"{self.year:04d}"

    def label(self, *, persian_digits: bool = True) -> str:
        """The name people read: «مهر ۱۴۰۳», «بهار ۱۴۰۳», «نیمهٔ دوم ۱۴۰۳», «۱۴۰۳»."""
        year = to_persian_digits(str(self.year)) if persian_digits else str(self.year)
        if self.kind == "month":
            return f"{JALALI_MONTH_NAMES[self.index - 1]} {year}"
        if self.kind == "season":
            return f"{JALALI_SEASON_NAMES[self.index - 1]} {year}"
        if self.kind == "half":
            return f"{JALALI_HALF_NAMES[self.index - 1]} {year}"
        return year

    def contains(self, value: date) -> bool:
        """Whether a date (or the Tehran date of a datetime) falls in the period."""
        return self.start <= local_date(value) < self.end

    def next(self) -> JalaliPeriod:
        if self.index == _PERIODS_PER_YEAR[self.kind]:
            return JalaliPeriod(self.kind, self.year + 1, 1)
        return JalaliPeriod(self.kind, self.year, self.index + 1)

    def previous(self) -> JalaliPeriod:
        if self.index == 1:
            return JalaliPeriod(self.kind, self.year - 1, _PERIODS_PER_YEAR[self.kind])
        return JalaliPeriod(self.kind, self.year, self.index - 1)

    @classmethod
    def containing(cls, value: date, kind: PeriodKind) -> JalaliPeriod:
        """The period of ``kind`` that a date (or the Tehran date of a datetime) falls in."""
        jalali = to_jalali(value)
        if kind == "month":
            return cls("month", jalali.year, jalali.month)
        if kind == "season":
            return cls("season", jalali.year, (jalali.month - 1) // 3 + 1)
        if kind == "half":
            return cls("half", jalali.year, (jalali.month - 1) // 6 + 1)
        return cls(kind, jalali.year, 1)

    @classmethod
    def parse(cls, key: str) -> JalaliPeriod:
        """Read a key made by :attr:`key`; Persian or Arabic-Indic digits are accepted too."""
        # A bulk import parses the same few keys thousands of times; periods are immutable.
        known = _PARSED.get(key)
        if known is not None and type(known) is cls:
            return known
        period = cls._parse(key)
        if len(_PARSED) < 4096:
            _PARSED[key] = period
        return period

    @classmethod
    def _parse(cls, key: str) -> JalaliPeriod:
        match = _PERIOD_KEY.fullmatch(to_latin_digits(key.strip()))
        if match is None:
            raise TextParseError(
                _(
                    "“%(key)s” is not a period; write 1403 for a year, 1403-H1 for a half-year, "
                    "1403-S2 for a season or 1403-07 for a month."
                ),
                code="invalid_period",
                params={"key": key.strip()},
            )
        year_text, month_text, season_text, half_text = match.groups()
        year = int(year_text)
        if month_text is not None:
            kind: PeriodKind = "month"
            index = int(month_text)
        elif season_text is not None:
            kind, index = "season", int(season_text)
        elif half_text is not None:
            kind, index = "half", int(half_text)
        else:
            kind, index = "year", 1
        if not MIN_JALALI_YEAR <= year < MAX_JALALI_YEAR:
            raise TextParseError(
                _("Year %(year)s is outside the supported range."), code="year_range", params={"year": year}
            )
        if kind == "month":
            _check_month(index)
        if kind == "season" and not 1 <= index <= 4:
            raise TextParseError(
                _("Season %(season)s does not exist; seasons run from 1 to 4."),
                code="season_range",
                params={"season": index},
            )
        if kind == "half" and not 1 <= index <= 2:
            raise TextParseError(
                _("Half %(half)s does not exist; a year has halves 1 and 2."),
                code="half_range",
                params={"half": index},
            )
        return cls(kind, year, index)

    def _sort_key(self) -> tuple[int, int, int]:
        return (self.year, self.first_month, _MONTHS_PER_PERIOD[self.kind])

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, JalaliPeriod):
            return NotImplemented
        return self._sort_key() < other._sort_key()

    def __str__(self) -> str:
        return self.key


def periods_between(start: JalaliPeriod, end: JalaliPeriod) -> list[JalaliPeriod]:
    """Every period from ``start`` to ``end``, both included; empty if ``end`` comes first.

    Both must be of the same kind (a month and a season cannot be walked between).
    """
    if start.kind != end.kind:
        raise ValueError(f"periods_between() needs two periods of one kind, not {start.kind} and {end.kind}")
    periods: list[JalaliPeriod] = []
    current = start
    while current <= end:
        periods.append(current)
        current = current.next()
    return periods
