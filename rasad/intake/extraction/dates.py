"""Dates in Persian administrative text, resolved to Gregorian days.

Three families of expressions are read, each by its own rule (the rule's name travels with the
proposal, so a reviewer can see why a date was proposed):

* absolute Jalali dates, written out («۱۳ اسفند ۱۴۰۳»، «شنبه ۱۷ آبان ماه ۱۴۰۴») or numeric
  («۱۴۰۳/۱۲/۱۳»); a written-out date without a year takes the year that puts it nearest the
  document's date, and a weekday, when given, decides between candidate years;
* absolute Gregorian dates («2025-10-29»، «۳ مارس ۲۰۲۵»، "3 March 2025");
* relative expressions that the document's date makes definite: «امروز»، «دیروز»، «فردا»،
  «شنبه گذشته»، «تا پایان هفته/ماه/سال (جاری)»، «تا پایان خرداد»، «ابتدای مهر»، «ظرف دو هفته»،
  «تا ۱۰ روز آینده». Working days («ده روز کاری») need the working calendar and are not
  resolved; a bare weekday («روز شنبه») is tense-dependent and is not resolved either.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Final

from rasad.intake.extraction.text import Document
from rasad.lib.jalali import (
    GREGORIAN_MONTH_NAMES_EN,
    GREGORIAN_MONTH_NAMES_FA,
    JALALI_MONTH_NAMES,
    from_jalali,
    jalali_month_length,
    to_jalali,
)
from rasad.lib.persian import TextParseError

_S: Final = r"[\s\u200c]+"  # one or more spaces or ZWNJs between words
_B: Final = r"(?<![\w\u200c])"  # a word starts here
_E: Final = r"(?![\w\u200c])"  # a word ends here

_JMONTHS: Final = "|".join(sorted(JALALI_MONTH_NAMES, key=len, reverse=True))
_JMONTH_INDEX: Final = {name: i + 1 for i, name in enumerate(JALALI_MONTH_NAMES)}
_GMONTH_INDEX: Final = {
    **{name: i + 1 for i, name in enumerate(GREGORIAN_MONTH_NAMES_FA)},
    **{name.lower(): i + 1 for i, name in enumerate(GREGORIAN_MONTH_NAMES_EN)},
    **{name.lower()[:3]: i + 1 for i, name in enumerate(GREGORIAN_MONTH_NAMES_EN)},
    "می": 5,
    "جولای": 7,
    "آگوست": 8,
    "sept": 9,
}
_GMONTHS: Final = "|".join(sorted(_GMONTH_INDEX, key=len, reverse=True))

# Persian weekdays, Saturday first; date.weekday() numbers Monday 0, so Saturday is 5.
_WEEKDAYS: Final = {
    "شنبه": 5,
    "یکشنبه": 6,
    "دوشنبه": 0,
    "سهشنبه": 1,
    "چهارشنبه": 2,
    "پنجشنبه": 3,
    "جمعه": 4,
}
_WEEKDAY: Final = r"(?:(?:یک|دو|سه|چهار|پنج)[\s\u200c]?)?شنبه|جمعه"

_NUMBER_WORDS: Final = {
    "یک": 1,
    "دو": 2,
    "سه": 3,
    "چهار": 4,
    "پنج": 5,
    "شش": 6,
    "هفت": 7,
    "هشت": 8,
    "نه": 9,
    "ده": 10,
    "یازده": 11,
    "دوازده": 12,
    "چهارده": 14,
    "پانزده": 15,
    "بیست": 20,
    "سی": 30,
    "چهل": 40,
    "چهل و پنج": 45,
    "شصت": 60,
    "نود": 90,
}
_NUMBER: Final = r"\d{1,3}|" + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True))


@dataclass(frozen=True)
class DateMention:
    """A date found in the text. ``rule`` names the rule that read it."""

    start: int
    end: int
    value: date
    rule: str
    relative: bool = False
    weekday_mismatch: bool = False

    @property
    def jalali(self) -> str:
        j = to_jalali(self.value)
        return f"{j.year:04d}/{j.month:02d}/{j.day:02d}"


_JALALI_LONG: Final = re.compile(
    rf"{_B}(?:(?:روز{_S})?(?P<weekday>{_WEEKDAY}){_S}(?:مورخ{_S})?)?"
    rf"(?P<day>\d{{1,2}}){_S}(?P<month>{_JMONTHS})(?:{_S}ماه)?"
    rf"(?:{_S}(?:سال{_S})?(?P<year>1[2-4]\d\d))?(?!\d){_E}"
)
_JALALI_NUMERIC: Final = re.compile(
    rf"(?<![\d/.\-])(?:(?P<weekday>{_WEEKDAY}){_S}(?:مورخ{_S})?)?"
    r"(?P<year>1[2-4]\d\d)\s*(?P<sep>[/\-.])\s*(?P<month>\d{1,2})\s*(?P=sep)\s*(?P<day>\d{1,2})(?![\d/])"
)
# Day first, as some minutes write it: «۲۱/۰۵/۱۴۰۴».
_JALALI_NUMERIC_DAY_FIRST: Final = re.compile(
    r"(?<![\d/.\-])(?P<day>\d{1,2})(?P<sep>[/\-.])(?P<month>\d{1,2})(?P=sep)(?P<year>1[2-4]\d\d)(?![\d/])"
)
_GREGORIAN_NUMERIC: Final = re.compile(
    r"(?<![\d/.\-])(?P<year>(?:19|20)\d\d)(?P<sep>[/\-.])(?P<month>\d{1,2})(?P=sep)(?P<day>\d{1,2})(?![\d/])"
)
_GREGORIAN_LONG: Final = re.compile(
    rf"(?<![\w])(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<month>{_GMONTHS})\.?,?\s+(?P<year>(?:19|20)\d\d)(?!\d)",
    re.IGNORECASE,
)
_GREGORIAN_LONG_US: Final = re.compile(
    rf"{_B}(?P<month>{_GMONTHS})\.?\s+(?P<day>\d{{1,2}}),?\s+(?P<year>(?:19|20)\d\d)(?!\d)", re.IGNORECASE
)
_DAY_WORDS: Final = re.compile(rf"{_B}(?P<word>امروز|دیروز|پریروز|فردا|پس{_S}?فردا){_E}")
_WEEKDAY_RELATIVE: Final = re.compile(
    rf"{_B}(?:روز{_S})?(?P<weekday>{_WEEKDAY}){_S}(?:(?P<which>گذشته|قبل|پیش|آینده|بعد)|"
    rf"(?:هفته|هفتهٔ|هفته‌ی){_S}(?P<week>گذشته|قبل|آینده|بعد))(?![\w\u200c])"
)
_END_OF_PERIOD: Final = re.compile(
    rf"{_B}(?:پایان|آخر|انتهای|اواخر)(?:{_S}(?:همین|این))?{_S}(?P<period>هفته|ماه|سال)"
    rf"(?:{_S}(?P<which>جاری|آینده|بعد)|{_S}(?P<year>1[2-4]\d\d)(?!\d))?{_E}"
)
_END_OF_MONTH: Final = re.compile(
    rf"{_B}(?P<edge>پایان|آخر|انتهای|ابتدای|اول|آغاز|نیمه)(?:{_S}(?:ماه))?{_S}(?P<month>{_JMONTHS})"
    rf"(?:{_S}ماه)?(?:{_S}(?:سال{_S})?(?P<year>1[2-4]\d\d))?(?!\d){_E}"
)
_DURATION: Final = re.compile(
    rf"{_B}(?P<cue>ظرف|طی|تا|حداکثر{_S}ظرف|حداکثر{_S}تا|حداکثر|در|برای){_S}(?:مدت{_S})?"
    rf"(?P<number>{_NUMBER}){_S}(?P<unit>روز|هفته|ماه)(?P<working>{_S}کاری)?(?P<ahead>{_S}(?:آینده|پیش{_S}رو))?{_E}"
)


def _weekday_of(text: str | None) -> int | None:
    if not text:
        return None
    return _WEEKDAYS.get(re.sub(r"[\s\u200c]", "", text))


def _number(text: str) -> int:
    text = text.strip()
    if text.isdecimal():
        return int(text)
    return _NUMBER_WORDS[re.sub(r"[\s\u200c]+", " ", text)]


def _jalali_or_none(year: int, month: int, day: int) -> date | None:
    try:
        return from_jalali(year, month, day)
    except TextParseError:
        return None


def _gregorian_or_none(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _nearest_year(month: int, day: int, weekday: int | None, reference: date | None) -> date | None:
    """The Jalali day/month nearest ``reference`` (matching ``weekday`` if given)."""
    if reference is None:
        return None
    year = to_jalali(reference).year
    candidates = [d for y in (year - 1, year, year + 1) if (d := _jalali_or_none(y, month, day)) is not None]
    if weekday is not None:
        candidates = [d for d in candidates if d.weekday() == weekday] or candidates
    if not candidates:
        return None
    return min(candidates, key=lambda d: abs((d - reference).days))


def _month_edge(year: int, month: int, edge: str) -> date | None:
    if edge in ("پایان", "آخر", "انتهای"):
        return _jalali_or_none(year, month, jalali_month_length(year, month))
    if edge == "نیمه":
        return _jalali_or_none(year, month, 15)
    return _jalali_or_none(year, month, 1)


def _add_months(reference: date, months: int) -> date:
    j = to_jalali(reference)
    month_index = j.month - 1 + months
    year, month = j.year + month_index // 12, month_index % 12 + 1
    day = min(j.day, jalali_month_length(year, month))
    return from_jalali(year, month, day)


def find_dates(document: Document, reference: date | None) -> list[DateMention]:
    """Every date in ``document``; relative ones only when ``reference`` (its date) is known."""
    text = document.latin
    found: list[DateMention] = []

    def add(match: re.Match[str], value: date | None, rule: str, **extra: bool) -> None:
        if value is None:
            return
        start, end = match.span()
        if any(m.start < end and start < m.end for m in found):
            return
        found.append(DateMention(start, end, value, rule, **extra))

    _find_absolute(text, reference, add)
    if reference is not None:
        _find_relative(text, reference, add)
    return sorted(found, key=lambda m: m.start)


# Adds a mention for a match (``None``: no date) unless it overlaps one found before.
_Add = Callable[..., None]


def _find_absolute(text: str, reference: date | None, add: _Add) -> None:
    """Dates written in full, Jalali or Gregorian, in words or digits, and the first or last
    day of a named month (a month without a year, or a written date without one, only when the
    document's date is known)."""
    for match in _JALALI_LONG.finditer(text):
        weekday = _weekday_of(match.group("weekday"))
        month, day = _JMONTH_INDEX[match.group("month")], int(match.group("day"))
        if match.group("year"):
            value = _jalali_or_none(int(match.group("year")), month, day)
            mismatch = value is not None and weekday is not None and value.weekday() != weekday
            add(match, value, "date.jalali_written", weekday_mismatch=mismatch)
        else:
            add(
                match,
                _nearest_year(month, day, weekday, reference),
                "date.jalali_without_year",
                relative=True,
            )
    for match in _JALALI_NUMERIC.finditer(text):
        value = _jalali_or_none(int(match.group("year")), int(match.group("month")), int(match.group("day")))
        weekday = _weekday_of(match.group("weekday"))
        mismatch = value is not None and weekday is not None and value.weekday() != weekday
        add(match, value, "date.jalali_numeric", weekday_mismatch=mismatch)
    for match in _JALALI_NUMERIC_DAY_FIRST.finditer(text):
        add(
            match,
            _jalali_or_none(int(match.group("year")), int(match.group("month")), int(match.group("day"))),
            "date.jalali_numeric",
        )
    for match in _GREGORIAN_NUMERIC.finditer(text):
        add(
            match,
            _gregorian_or_none(int(match.group("year")), int(match.group("month")), int(match.group("day"))),
            "date.gregorian_numeric",
        )
    for pattern in (_GREGORIAN_LONG, _GREGORIAN_LONG_US):
        for match in pattern.finditer(text):
            month_number = _GMONTH_INDEX.get(match.group("month").lower())
            if month_number is None:
                continue
            add(
                match,
                _gregorian_or_none(int(match.group("year")), month_number, int(match.group("day"))),
                "date.gregorian_written",
            )
    for match in _END_OF_MONTH.finditer(text):
        month = _JMONTH_INDEX[match.group("month")]
        edge = match.group("edge")
        if match.group("year"):
            add(match, _month_edge(int(match.group("year")), month, edge), "date.month_edge")
        elif reference is not None:
            j = to_jalali(reference)
            year = j.year if month >= j.month else j.year + 1
            add(match, _month_edge(year, month, edge), "date.month_edge", relative=True)


def _find_relative(text: str, reference: date, add: _Add) -> None:
    """Dates relative to the document's date: today and its neighbours, a weekday of this or
    the last week, the end of this or the next week, month or year, a duration from now."""
    for match in _DAY_WORDS.finditer(text):
        word = re.sub(r"[\s\u200c]", "", match.group("word"))
        offset = {"امروز": 0, "دیروز": -1, "پریروز": -2, "فردا": 1, "پسفردا": 2}[word]
        add(match, reference + timedelta(days=offset), "date.day_word", relative=True)
    for match in _WEEKDAY_RELATIVE.finditer(text):
        weekday = _weekday_of(match.group("weekday"))
        if weekday is None:
            continue
        direction = match.group("which") or match.group("week")
        if direction in ("گذشته", "قبل", "پیش"):
            delta = (reference.weekday() - weekday) % 7 or 7
            add(match, reference - timedelta(days=delta), "date.weekday_relative", relative=True)
        else:
            delta = (weekday - reference.weekday()) % 7 or 7
            add(match, reference + timedelta(days=delta), "date.weekday_relative", relative=True)
    for match in _END_OF_PERIOD.finditer(text):
        period, which = match.group("period"), match.group("which")
        following = which in ("آینده", "بعد")
        j = to_jalali(reference)
        if period == "هفته":
            # The Iranian week runs Saturday to Friday; Friday is weekday 4.
            value = reference + timedelta(days=(4 - reference.weekday()) % 7 + (7 if following else 0))
        elif period == "ماه":
            year, month = (j.year, j.month + 1) if following else (j.year, j.month)
            if month == 13:
                year, month = year + 1, 1
            value = from_jalali(year, month, jalali_month_length(year, month))
        else:
            year = int(match.group("year") or j.year + (1 if following else 0))
            value = from_jalali(year, 12, jalali_month_length(year, 12))
        add(match, value, "date.end_of_period", relative=True)
    for match in _DURATION.finditer(text):
        if match.group("working"):
            continue
        cue = match.group("cue")
        if cue in ("در", "برای", "تا") and not match.group("ahead"):
            continue
        amount, unit = _number(match.group("number")), match.group("unit")
        if unit == "ماه":
            value = _add_months(reference, amount)
        else:
            value = reference + timedelta(days=amount * (7 if unit == "هفته" else 1))
        add(match, value, "date.duration", relative=True)


def detect_document_date(document: Document) -> DateMention | None:
    """The document's own date: the first absolute date near its top (a dateline or header)."""
    head_end = min(len(document.text), 400)
    for mention in find_dates(document, None):
        if mention.start < head_end and not mention.relative:
            return mention
    return None
