"""Training events as iCalendar (RFC 5545): one event's file, and a person's feed.

Times are written in UTC (``DTSTART:20261203T053000Z``), which every calendar program converts
to the reader's zone. The summary is the event's title; the description says when in the Jalali
calendar and Tehran time, in Persian (calendar programs show only the Gregorian date), who
organizes it and where, then the event's own description and its address in Rasad. A cancelled
event stays in the feed with ``STATUS:CANCELLED``, so calendars that copied it drop it."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from django.utils.translation import gettext as _
from icalendar import Event as CalendarEvent

from rasad.lib import ical
from rasad.training import texts
from rasad.training.choices import EventKind, EventStatus
from rasad.training.models import Event

CONTENT_TYPE = ical.CONTENT_TYPE
# The type an e-mail attachment is sent with (the message gives the charset, UTF-8).
ATTACHMENT_TYPE = "text/calendar"
PRODUCT = "-//Rasad//Training//FA"


def _description(event: Event, address: str) -> str:
    with texts.in_persian():
        lines = [
            _("When: %(when)s (Tehran time)") % {"when": texts.when(event)},
            _("Organizer: %(organizer)s") % {"organizer": event.organization.name},
        ]
        place = texts.where(event)
        if place:
            lines.append(_("Place: %(place)s") % {"place": place})
        if event.online_url:
            lines.append(event.online_url)
        if event.description:
            lines.extend(["", event.description])
        if address:
            lines.extend(["", address])
    return "\n".join(lines)


def _entry(event: Event, *, address: str, stamp: datetime) -> CalendarEvent:
    entry = CalendarEvent()
    entry.add("uid", f"training-event-{event.pk}@rasad")
    entry.add("dtstamp", stamp)
    entry.add("last-modified", event.last_updated.astimezone(UTC))
    entry.add("dtstart", event.starts_at.astimezone(UTC))
    entry.add("dtend", event.ends_at.astimezone(UTC))
    with texts.in_persian():
        entry.add("summary", f"{EventKind(event.kind).label}: {event.title}")
    entry.add("description", _description(event, address))
    place = event.place or event.online_url
    if place:
        entry.add("location", place)
    if event.latitude is not None and event.longitude is not None:
        entry.add("geo", (event.latitude, event.longitude))
    if address:
        entry.add("url", address)
    entry.add("status", "CANCELLED" if event.status == EventStatus.CANCELLED else "CONFIRMED")
    return entry


def calendar(events: Iterable[Event], *, name: str, address_of: dict[int, str] | None = None) -> bytes:
    """The iCalendar text of ``events``; ``address_of`` gives each event's absolute address."""
    made = ical.stamp()
    addresses = address_of or {}
    return ical.calendar_file(
        (_entry(event, address=addresses.get(event.pk, ""), stamp=made) for event in events),
        product=PRODUCT,
        name=name,
    )


def event_file(event: Event, *, address: str = "") -> bytes:
    """One event's file, as downloaded from its page and attached to its announcement e-mail
    (``address``, the event's absolute address, when the request gives one)."""
    return calendar([event], name=event.title, address_of={event.pk: address} if address else None)


def event_file_name(event: Event) -> str:
    return f"training-event-{event.pk}.ics"
