"""The one formatting layer: numbers, quantities with units, periods, dates and durations as
people read them.

Templates use it through the filters in ``rasad.web.templatetags.rasad`` (``num``, ``qty``,
``unit``, ``period``, ``jdate``, ``jdatetime``, ``days``, ``digits``); generated texts (case titles,
notifications, e-mails, audit labels), flash messages, exports and PDFs call these functions
directly. Every function follows the current person's display preferences
(``rasad.lib.display``: language, calendar, Persian digits) unless ``prefs`` is given, so one
preference governs every page, message and file. ``docs/development/conventions.md`` shows the
output of each function.

Units are data: anything with ``code``, ``name`` (Persian), ``name_en`` and ``decimals``
attributes (``rasad.indicators.models.Unit`` is one) is a unit here, so this module needs no
model. A unit's ``decimals`` says how many places its values are shown with; when it is ``None``
the number of places follows the size of the value (:func:`auto_decimals`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Final, Protocol

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from rasad.lib import display, jalali, persian

__all__ = [
    "EMPTY",
    "HOUR",
    "PERCENT",
    "RIAL",
    "UNIT_JOIN",
    "FixedUnit",
    "UnitLike",
    "auto_decimals",
    "code",
    "counted",
    "counted_of",
    "date_range_text",
    "date_text",
    "datetime_text",
    "day_month_text",
    "days_text",
    "deadline_text",
    "digits",
    "due_text",
    "file_format",
    "file_stamp",
    "join",
    "limit_refusal",
    "number",
    "percent",
    "period",
    "person_name",
    "quantity",
    "round_for_unit",
    "span_text",
    "unit_name",
]

EMPTY: Final = persian.EMPTY_VALUE

# What joins a number to its unit («۱۲ ساعت», «۴۷٫۹ مگاوات‌ساعت», "3 days"): a no-break space, so
# that a line never ends on the number and starts the next on its unit (an alert's «آستانهٔ
# بحرانی ۱۲ / ساعت» at desktop width). A stored text loses it (``persian.normalize_text`` makes
# every space one space); what is formatted when it is shown keeps it.
UNIT_JOIN: Final = "\u00a0"

# Jalali month and season names in Latin letters, for people reading in English.
_JALALI_MONTHS_EN: Final = (
    "Farvardin",
    "Ordibehesht",
    "Khordad",
    "Tir",
    "Mordad",
    "Shahrivar",
    "Mehr",
    "Aban",
    "Azar",
    "Dey",
    "Bahman",
    "Esfand",
)
_JALALI_SEASONS_EN: Final = ("Spring", "Summer", "Autumn", "Winter")
_JALALI_HALVES_FA: Final = ("نیمهٔ نخست", "نیمهٔ دوم")
_JALALI_HALVES_EN: Final = ("First half", "Second half")


class UnitLike(Protocol):
    """What the formatting layer needs of a unit of measurement (read only: a catalogue unit or a
    ``FixedUnit``)."""

    @property
    def code(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def name_en(self) -> str: ...
    @property
    def decimals(self) -> int | None: ...


@dataclass(frozen=True)
class FixedUnit:
    """A unit the code measures in itself, outside the indicators' catalogue: money as the app
    stores it, a duration, a percentage. Named as the catalogue names the unit of the same code
    (``rasad.indicators.starter.UNITS``): Persian in Persian, the code (the symbol) in English."""

    code: str
    name: str
    name_en: str
    decimals: int | None = None


# Amounts are stored in whole rials (green-jobs schemes and applications); IRR is ISO 4217's code.
RIAL: Final = FixedUnit("IRR", "ریال", "rial", 0)
HOUR: Final = FixedUnit("h", "ساعت", "hour")
PERCENT: Final = FixedUnit("%", "درصد", "percent", 1)

Number = int | float | Decimal


def _prefs(prefs: display.DisplayPreferences | None) -> display.DisplayPreferences:
    return prefs if prefs is not None else display.current()


def _is_persian(prefs: display.DisplayPreferences) -> bool:
    return prefs.language.startswith("fa")


def _with_unit(template: str, name: str, shown: str) -> str:
    """``template`` (a translated "%(count)s days") with ``shown`` put in for ``%(name)s``, bound
    to the word beside it by :data:`UNIT_JOIN` on whichever side a language writes its unit."""
    placeholder = f"%({name})s"
    bound = template.replace(f"{placeholder} ", placeholder + UNIT_JOIN)
    bound = bound.replace(f" {placeholder}", UNIT_JOIN + placeholder)
    return bound % {name: shown}


def digits(text: object, *, prefs: display.DisplayPreferences | None = None) -> str:
    """Any text with its digits in the reader's digits (a code, a reference, a year)."""
    value = "" if text is None else str(text)
    return persian.to_persian_digits(value) if _prefs(prefs).persian_digits else value


# The codes of Django's and DRF's own refusals whose message holds no number but the limit the code
# set and the size of what was sent («... کوچکتر یا مساوی با 100 باشد.», "at most 150 characters
# (it has 151)"): they put the number in as Python writes it. Any other refusal may quote what
# the person typed, which is shown as it was typed, so only these are rewritten.
LIMIT_CODES: Final = frozenset(
    {
        "max_value",
        "min_value",
        "max_length",
        "min_length",
        "max_digits",
        "max_decimal_places",
        "max_whole_digits",
        "step_size",
        "too_many_forms",
        "too_few_forms",
    }
)


def limit_refusal(message: str, code: str | None, *, prefs: display.DisplayPreferences | None = None) -> str:
    """A framework's refusal ``message`` with its digits in the reader's digits when its ``code``
    is one of :data:`LIMIT_CODES` (a bound, a length); any other message as it is. The forms
    (``rasad.web.forms.ActionFormMixin``) and the API's errors (``rasad.api.errors``) show
    Django's and DRF's messages through it."""
    return digits(message, prefs=prefs) if code in LIMIT_CODES else message


def code(value: object, *, prefs: display.DisplayPreferences | None = None) -> str:
    """A record's code or reference (a case's CH-000012, an application's GJ-000006, an
    organization's IMIDRO-M1) as it is shown: with the reader's digits, like every other number on
    the page, so that one screen never mixes «CH-000012» and «۱۴۰۵/۰۹/۱۲» (``CH-۰۰۰۰۱۲``).

    This is the one rule for codes; templates write ``{{ case.reference|code }}`` inside an element
    that keeps it left to right (``<bdi dir="ltr">`` or ``.ltr``). Searches and imports read
    either digits (``rasad.lib.persian.to_latin_digits``). What a person must type exactly as it is
    stored (a formula, a token, a username) is not a code here: it is marked ``translate="no"``.
    """
    return digits(value, prefs=prefs)


class PersonLike(Protocol):
    """What the formatting layer needs of a person (read only: a ``rasad.core.models.User``, a
    ``rasad.lib.stored_text.Person``)."""

    @property
    def display_name(self) -> str: ...
    @property
    def latin_name(self) -> str: ...
    @property
    def first_name(self) -> str: ...
    @property
    def last_name(self) -> str: ...
    @property
    def username(self) -> str: ...


# A letter of the Arabic script (Persian included): a name with one is not written for English.
_ARABIC_SCRIPT: Final = re.compile("[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]")


def has_arabic_script(text: str) -> bool:
    """Whether ``text`` has a letter or digit of the Arabic script (Persian included): such a
    name is not one an English reader can read (and not one a Latin-name field accepts)."""
    return _ARABIC_SCRIPT.search(text) is not None


def person_name(person: PersonLike, *, prefs: display.DisplayPreferences | None = None) -> str:
    """The name a page calls a person by. In Persian: their display name, else their first and
    last names, else their username. In English: their name in Latin letters (the one they gave,
    else first and last names or a display name written in Latin letters), and ``""`` when they
    have none: an English page does not greet «عرفان پیشین» by a name its reader cannot read; it
    says "Welcome" alone, or shows the username where a name must be."""
    full_name = f"{person.first_name} {person.last_name}".strip()
    if _is_persian(_prefs(prefs)):
        return person.display_name or full_name or person.username
    for name in (person.latin_name, full_name, person.display_name):
        if name and not has_arabic_script(name):
            return name
    return ""


# Files by the names people know them by: «اکسل» rather than "XLSX". The keys are the formats of
# exports and downloads (``rasad.jobs``, ``rasad.reports``).
_FILE_FORMATS: Final = {
    "xlsx": gettext_lazy("Excel"),
    "csv": gettext_lazy("CSV"),
    "pdf": gettext_lazy("PDF"),
    "ics": gettext_lazy("iCalendar"),
    "zip": gettext_lazy("ZIP"),
}


def file_format(name: str | None) -> str:
    """A file format by the name people know it by: ``xlsx`` → «اکسل» / "Excel", ``csv`` → "CSV"."""
    key = (name or "").lower().lstrip(".")
    label = _FILE_FORMATS.get(key)
    return str(label) if label is not None else key.upper()


def separator(*, outer: bool = False, prefs: display.DisplayPreferences | None = None) -> str:
    """What stands between the facts of one line (a kind and a version, a date and a person):
    «، » in Persian, «؛ » with ``outer`` (between facts one of which is itself a list written with
    «، »). Never «·»: beside Persian digits a middle dot reads as a zero («نسخه ۳ · ۱۴۰۵» reads
    «نسخه ۳۰ ۱۴۰۵»), and a bar «|» reads as a one. In English " · " (English pages have Latin
    digits, ``rasad.lib.display``). Templates write ``{% sep %}`` (``{% sep outer=True %}``) with no
    space on either side; ``docs/development/conventions.md`` (Persian text) says the same."""
    if _is_persian(_prefs(prefs)):
        return "؛ " if outer else "، "
    return " · "


def join(items: Iterable[object], *, prefs: display.DisplayPreferences | None = None) -> str:
    """Items listed in the reader's language: «الف، ب، پ» in Persian, "a, b, c" in English."""
    separator = "، " if _is_persian(_prefs(prefs)) else ", "
    return separator.join(str(item) for item in items)


def auto_decimals(value: Number) -> int:
    """How many decimal places show a value sensibly when its unit does not say.

    Large values need no fraction (۱۲٬۳۴۵), values from 10 to 100 one place (۴۷٫۹), from 1 to 10
    two (۳٫۴۲), and smaller ones enough for three significant digits (۰٫۰۰۴۵۶), at most six.
    """
    magnitude = abs(float(value))
    if magnitude == 0 or not math.isfinite(magnitude) or magnitude >= 100:
        return 0
    if magnitude >= 10:
        return 1
    if magnitude >= 1:
        return 2
    return min(6, 2 - math.floor(math.log10(magnitude)))


def _trimmed(value: Number, decimals: int) -> Decimal:
    """``value`` rounded half away from zero to ``decimals`` places, trailing zeros dropped."""
    text = persian.format_number(value, decimals=decimals, persian_digits=False, grouping=False)
    rounded = Decimal(text)
    if rounded == rounded.to_integral_value():
        return rounded.quantize(Decimal(1))
    return rounded.normalize()


def round_for_unit(value: Number, unit: UnitLike | None = None, *, decimals: int | None = None) -> Decimal:
    """The value as it is shown: rounded to ``decimals``, else the unit's places, else by size."""
    places = decimals if decimals is not None else getattr(unit, "decimals", None)
    if places is None:
        return _trimmed(value, auto_decimals(value))
    text = persian.format_number(value, decimals=places, persian_digits=False, grouping=False)
    return Decimal(text)


def number(
    value: Number | str | None,
    *,
    decimals: int | None = None,
    rounded: bool = False,
    prefs: display.DisplayPreferences | None = None,
) -> str:
    """A number for people: «۱۲٬۳۴۵٫۶» (Persian digits) or "12,345.6".

    ``decimals`` fixes the places; ``rounded=True`` picks them by size (:func:`auto_decimals`);
    otherwise the number is shown as it is. Text that is not a number is shown with the reader's
    digits, and ``None`` or "" as «—».
    """
    preferences = _prefs(prefs)
    if value is None or value == "":
        return EMPTY
    if isinstance(value, str):
        try:
            value = Decimal(persian.to_latin_digits(value, separators=True).replace(",", ""))
        except ArithmeticError:
            return digits(value, prefs=preferences)
    if rounded and decimals is None and not isinstance(value, bool):
        value = _trimmed(value, auto_decimals(value))
    return persian.format_number(value, decimals=decimals, persian_digits=preferences.persian_digits)


def file_too_large(limit_bytes: int) -> str:
    """The refusal of an upload over ``limit_bytes``: «حجم فایل از ۵ مگابایت بیشتر است.», the
    limit in megabytes (with its fraction when it has one) in the reader's digits. Every upload
    limit of the UI, the API and the tabular reader says it so."""
    return _("The file is larger than %(size)s MB.") % {"size": megabytes(limit_bytes)}


def megabytes(count: int) -> str:
    """``count`` bytes in megabytes (2²⁰ bytes), in the reader's digits: «۵», «۰٫۵»."""
    size = count / 2**20
    return number(int(size) if size.is_integer() else size)


def file_size(count: int | None, *, prefs: display.DisplayPreferences | None = None) -> str:
    """A file's size in the reader's digits and words: «۳۲۳ بایت», «۲۰ کیلوبایت», «۳٫۵ مگابایت»
    ("323 bytes", "20 KB", "3.5 MB"); one place under ten, none above; a kilobyte is 1,024 bytes,
    as :func:`megabytes` counts. Django's ``filesizeformat`` read «20.0 KB» on a Persian page."""
    if count is None:
        return EMPTY
    if count < 1024:
        return counted(ngettext("%(size)s byte", "%(size)s bytes", count), count, name="size", prefs=prefs)
    power = 1 if count < 1024**2 else 2 if count < 1024**3 else 3
    size = count / 1024**power
    shown = round(size, 1) if size < 10 else round(size)
    template = {1: _("%(size)s KB"), 2: _("%(size)s MB"), 3: _("%(size)s GB")}[power]
    shown_size = number(int(shown) if float(shown).is_integer() else shown, prefs=prefs)
    return _with_unit(template, "size", shown_size)


def unit_name(unit: UnitLike | None, *, prefs: display.DisplayPreferences | None = None) -> str:
    """The unit as the reader names it: «مگاوات‌ساعت» in Persian, "MWh" in English."""
    if unit is None:
        return ""
    if _is_persian(_prefs(prefs)):
        return unit.name or unit.code
    return unit.code


def quantity(
    value: Number | None,
    unit: UnitLike | None,
    *,
    decimals: int | None = None,
    prefs: display.DisplayPreferences | None = None,
) -> str:
    """A value with its unit, rounded for the unit: «۴۷٫۹ مگاوات‌ساعت», "47.9 MWh".

    A percentage is written «۱۲٫۵٪» / "12.5%". ``None`` gives «—» without a unit.
    """
    preferences = _prefs(prefs)
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return EMPTY
    shown = round_for_unit(value, unit, decimals=decimals)
    text = persian.format_number(shown, persian_digits=preferences.persian_digits)
    if unit is None:
        return text
    if unit.code == "%":
        return text + ("٪" if preferences.persian_digits else "%")
    name = unit_name(unit, prefs=preferences)
    return f"{text}{UNIT_JOIN}{name}" if name else text


def percent(
    value: Number | None, *, decimals: int = 0, prefs: display.DisplayPreferences | None = None
) -> str:
    """A share as a percentage: 0.875 → «۸۸٪» (``value`` is a fraction of one)."""
    preferences = _prefs(prefs)
    if value is None:
        return EMPTY
    text = persian.format_number(
        Decimal(str(value)) * 100, decimals=decimals, persian_digits=preferences.persian_digits
    )
    return text + ("٪" if preferences.persian_digits else "%")


def period(
    value: jalali.JalaliPeriod | str | None, *, prefs: display.DisplayPreferences | None = None
) -> str:
    """A reporting period by name: «آذر ۱۴۰۵», «پاییز ۱۴۰۵», «نیمهٔ دوم ۱۴۰۵», «۱۴۰۵»; in English
    "Azar 1405", "Autumn 1405", "Second half 1405", "1405". A key that is not a period is shown
    as it is, with the reader's digits."""
    preferences = _prefs(prefs)
    if value is None or value == "":
        return EMPTY
    if isinstance(value, str):
        try:
            value = jalali.JalaliPeriod.parse(value)
        except ValueError:
            return digits(value, prefs=preferences)
    year = digits(value.year, prefs=preferences)
    persian_names = _is_persian(preferences)
    names: tuple[str, ...]
    if value.kind == "month":
        names = jalali.JALALI_MONTH_NAMES if persian_names else _JALALI_MONTHS_EN
    elif value.kind == "season":
        names = jalali.JALALI_SEASON_NAMES if persian_names else _JALALI_SEASONS_EN
    elif value.kind == "half":
        names = _JALALI_HALVES_FA if persian_names else _JALALI_HALVES_EN
    else:
        return year
    return f"{names[value.index - 1]} {year}"


def date_text(
    value: date | datetime | None,
    *,
    style: jalali.DateStyle = "short",
    prefs: display.DisplayPreferences | None = None,
) -> str:
    """A date in the reader's calendar and digits: «۱۴۰۵/۰۹/۱۲», «۱۲ آذر ۱۴۰۵»."""
    preferences = _prefs(prefs)
    if value is None or value == "":
        return EMPTY
    if preferences.calendar == "jalali" and style == "long" and not _is_persian(preferences):
        day = jalali.to_jalali(value)
        return f"{day.day} {_JALALI_MONTHS_EN[day.month - 1]} {day.year}"
    return jalali.format_date(
        value, calendar=preferences.calendar, persian_digits=preferences.persian_digits, style=style
    )


def day_month_text(value: date, *, prefs: display.DisplayPreferences | None = None) -> str:
    """A day and its month without the year, where the year is said once nearby (a week's
    days): «۱۲ آذر», "12 Azar"; in the Gregorian calendar the whole date."""
    preferences = _prefs(prefs)
    if preferences.calendar != "jalali":
        return date_text(value, style="long", prefs=preferences)
    day = jalali.to_jalali(value)
    names = jalali.JALALI_MONTH_NAMES if _is_persian(preferences) else _JALALI_MONTHS_EN
    return f"{digits(day.day, prefs=preferences)} {names[day.month - 1]}"


def date_range_text(first: date, last: date, *, prefs: display.DisplayPreferences | None = None) -> str:
    """Days from ``first`` to ``last`` (both included) without repeating what they share:
    «۸ تا ۱۴ آذر ۱۴۰۵», «۲۹ آبان تا ۵ آذر ۱۴۰۵», «۲۷ اسفند ۱۴۰۴ تا ۳ فروردین ۱۴۰۵»; in the
    Gregorian calendar both days in full."""
    preferences = _prefs(prefs)
    first_text = date_text(first, style="long", prefs=preferences)
    if preferences.calendar == "jalali":
        start, end = jalali.to_jalali(first), jalali.to_jalali(last)
        if (start.year, start.month) == (end.year, end.month):
            first_text = digits(start.day, prefs=preferences)
        elif start.year == end.year:
            first_text = day_month_text(first, prefs=preferences)
    last_text = date_text(last, style="long", prefs=preferences)
    return _("%(first)s to %(last)s") % {"first": first_text, "last": last_text}


def datetime_text(
    value: datetime | None,
    *,
    style: jalali.DateStyle = "short",
    prefs: display.DisplayPreferences | None = None,
) -> str:
    """A moment in the reader's calendar and digits, in Tehran time: «۱۴۰۵/۰۹/۱۲ ۱۴:۳۰»."""
    preferences = _prefs(prefs)
    if value is None or value == "":
        return EMPTY
    return jalali.format_datetime(
        value, calendar=preferences.calendar, persian_digits=preferences.persian_digits, style=style
    )


def file_stamp(value: datetime, *, prefs: display.DisplayPreferences | None = None) -> str:
    """A moment as a file name carries it: the reader's calendar and digits in Tehran time, with
    only hyphens and a space, which every file system accepts: «۱۴۰۵-۰۹-۱۴ ۲۲-۵۱» (Jalali),
    «2026-12-05 22-51» (Gregorian, Latin digits)."""
    preferences = _prefs(prefs)
    moment = jalali.to_tehran(value)
    if preferences.calendar == "jalali":
        day = jalali.to_jalali(moment.date())
        year, month, day_of_month = day.year, day.month, day.day
    else:
        year, month, day_of_month = moment.year, moment.month, moment.day
    stamp = f"{year:04d}-{month:02d}-{day_of_month:02d} {moment.hour:02d}-{moment.minute:02d}"
    return digits(stamp, prefs=preferences)


def deadline_text(
    value: datetime | date | None,
    *,
    style: jalali.DateStyle = "short",
    prefs: display.DisplayPreferences | None = None,
) -> str:
    """A deadline as people read it. A deadline set as a date falls due at the midnight that ends
    that day (``rasad.cases.calendar.deadline_moment``): it reads as that day, without a time
    («۱۴۰۵/۱۰/۱۴», not «۱۴۰۵/۱۰/۱۵ ۰۰:۰۰», which reads as the next day). Any other moment (a
    deadline counted in hours) reads with its time, as :func:`datetime_text`."""
    preferences = _prefs(prefs)
    if value is None or value == "":
        return EMPTY
    if not isinstance(value, datetime):
        return date_text(value, style=style, prefs=preferences)
    local = jalali.to_tehran(value)
    if (local.hour, local.minute, local.second, local.microsecond) == (0, 0, 0, 0):
        return date_text(local.date() - timedelta(days=1), style=style, prefs=preferences)
    return datetime_text(value, style=style, prefs=preferences)


def counted(
    template: str, count: int, *, name: str = "count", prefs: display.DisplayPreferences | None = None
) -> str:
    """A count of things in words, the count (``%(count)s``, or ``%(name)s``) in the reader's digits
    and bound to its noun (:data:`UNIT_JOIN`): ``counted(ngettext("%(count)s row", "%(count)s
    rows", n), n)`` → «۱۲ ردیف»."""
    return _with_unit(template, name, number(count, prefs=prefs))


def counted_of(
    template: str, done: int, total: int, *, prefs: display.DisplayPreferences | None = None
) -> str:
    """How far along a count is, in words: ``template`` is "%(done)s of %(total)s rows" («۵۰۰ از
    ۱٬۲۰۰ ردیف», the total bound to its noun), never «۵۰۰ / ۱٬۲۰۰», which reads as a fraction."""
    bound = template.replace("%(total)s ", "%(total)s" + UNIT_JOIN)
    return bound % {"done": number(done, prefs=prefs), "total": number(total, prefs=prefs)}


def days_text(count: int, *, prefs: display.DisplayPreferences | None = None) -> str:
    """A number of days: «۳ روز», "3 days"."""
    return counted(ngettext("%(count)s day", "%(count)s days", count), count, prefs=prefs)


# Up to this many days a span reads in days («۴۵ روز»); longer, in whole months and years.
SPAN_DAYS: Final = 59


def span_text(start: date, end: date, *, prefs: display.DisplayPreferences | None = None) -> str:
    """The time between two days as people say it: in days up to ``SPAN_DAYS`` («۴۵ روز»), then
    in the whole months of the reader's calendar that fit («۳ ماه»; from the 10th of a month to
    the 9th of the next is not yet a month), and from a year on in years and months («۱ سال و ۳
    ماه», «۲ سال»): a certificate valid for two more years reads «۲ سال», not «۷۳۰ روز»."""
    preferences = _prefs(prefs)
    first, last = sorted((start, end))
    days = (last - first).days
    if days <= SPAN_DAYS:
        return days_text(days, prefs=preferences)
    if preferences.calendar == "gregorian":
        (y1, m1, d1), (y2, m2, d2) = (first.year, first.month, first.day), (last.year, last.month, last.day)
    else:
        (y1, m1, d1), (y2, m2, d2) = jalali.to_jalali(first), jalali.to_jalali(last)
    months = (y2 - y1) * 12 + (m2 - m1) - (1 if d2 < d1 else 0)
    years, months = divmod(months, 12)
    shown_months = _with_unit(
        ngettext("%(count)s month", "%(count)s months", months), "count", number(months, prefs=preferences)
    )
    if not years:
        return shown_months
    shown_years = _with_unit(
        ngettext("%(count)s year", "%(count)s years", years), "count", number(years, prefs=preferences)
    )
    if not months:
        return shown_years
    return _("%(years)s and %(months)s") % {"years": shown_years, "months": shown_months}


def due_text(due: date, *, today: date | None = None, prefs: display.DisplayPreferences | None = None) -> str:
    """How a deadline stands from today: «مهلت ۳ روز دیگر», «مهلت امروز», «۲ روز از مهلت گذشته»;
    a far one in months and years (:func:`span_text`)."""
    today = today or jalali.today_in_tehran()
    remaining = (due - today).days
    if remaining == 0:
        return _("due today")
    if remaining == 1:
        return _("due tomorrow")
    if remaining > 0:
        return _("due in %(days)s") % {"days": span_text(today, due, prefs=prefs)}
    return _("%(days)s overdue") % {"days": span_text(due, today, prefs=prefs)}
