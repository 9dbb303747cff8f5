"""iCalendar files (RFC 5545): the calendar around an app's entries. Training's events and the
media calendar build their own entries (``icalendar.Event``) and share this wrapper, so every
file Rasad serves has the same header, Gregorian scale and Tehran as its named zone."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from icalendar import Calendar, Event

CONTENT_TYPE = "text/calendar; charset=utf-8"


def stamp() -> datetime:
    """The moment a file is made, as ``DTSTAMP`` wants it: UTC, whole seconds."""
    return datetime.now(UTC).replace(microsecond=0)


def calendar_file(entries: Iterable[Event], *, product: str, name: str) -> bytes:
    """The iCalendar text of ``entries``, published as the calendar ``name`` by ``product``."""
    book = Calendar()
    book.add("prodid", product)
    book.add("version", "2.0")
    book.add("calscale", "GREGORIAN")
    book.add("method", "PUBLISH")
    book.add("x-wr-calname", name)
    book.add("x-wr-timezone", "Asia/Tehran")
    for entry in entries:
        book.add_component(entry)
    data: bytes = book.to_ical()
    return data
