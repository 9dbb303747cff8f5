"""The media calendar as iCalendar (RFC 5545): a month of a headquarters' planned items, for a
calendar program.

Times are written in UTC, which calendar programs convert to the reader's zone; an item without
its own end (a press conference at 10:00) has no ``DTEND`` and lasts its moment. The summary is
the kind and the title; the description says when in the Jalali calendar and Tehran time, in
Persian (calendar programs show only the Gregorian date), for which headquarters and agency, on
which channel, where it was published or why it was cancelled, then the item's own description
and its address in Rasad. A cancelled item stays with ``STATUS:CANCELLED``, so a calendar that
imported it before drops it; the ``UID`` is stable, so importing the month again updates it."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from django.utils.translation import gettext as _
from icalendar import Event as CalendarEvent

from rasad.lib import formatting, ical
from rasad.lib.display import PERSIAN, in_persian
from rasad.media.choices import Channel, PlanKind, PlanState
from rasad.media.models import PlannedItem

CONTENT_TYPE = ical.CONTENT_TYPE
PRODUCT = "-//Rasad//Media calendar//FA"


def _when(item: PlannedItem) -> str:
    start = formatting.datetime_text(item.starts_at, style="long", prefs=PERSIAN)
    if item.ends_at == item.starts_at:
        return start
    return f"{start} – {formatting.datetime_text(item.ends_at, style='long', prefs=PERSIAN)}"


def _description(item: PlannedItem, address: str) -> str:
    with in_persian():
        lines = [
            _("When: %(when)s (Tehran time)") % {"when": _when(item)},
            _("Media headquarters: %(name)s") % {"name": item.organization.name},
            _("Agency: %(name)s")
            % {"name": item.agency.name if item.agency else _("The headquarters itself")},
        ]
        if item.channel:
            lines.append(_("Channel: %(channel)s") % {"channel": Channel(item.channel).label})
        if item.training_event is not None:
            lines.append(_("Training event it announces: %(title)s") % {"title": item.training_event.title})
        if item.axis is not None:
            lines.append(
                _("Roadmap axis: %(axis)s (%(programme)s)")
                % {"axis": item.axis.title, "programme": item.axis.programme.title}
            )
        if item.state == PlanState.PUBLISHED:
            lines.append(_("Published at: %(link)s") % {"link": item.link})
        elif item.state == PlanState.CANCELLED:
            lines.append(_("Cancelled: %(reason)s") % {"reason": item.cancel_reason})
        if item.description:
            lines.extend(["", item.description])
        if address:
            lines.extend(["", address])
    return "\n".join(lines)


def _entry(item: PlannedItem, *, address: str, stamp: datetime) -> CalendarEvent:
    entry = CalendarEvent()
    entry.add("uid", f"media-plan-{item.pk}@rasad")
    entry.add("dtstamp", stamp)
    entry.add("last-modified", item.last_updated.astimezone(UTC).replace(microsecond=0))
    entry.add("dtstart", item.starts_at.astimezone(UTC))
    if item.ends_at > item.starts_at:
        entry.add("dtend", item.ends_at.astimezone(UTC))
    with in_persian():
        entry.add("summary", f"{PlanKind(item.kind).label}: {item.title}")
    entry.add("description", _description(item, address))
    if address:
        entry.add("url", address)
    entry.add("status", "CANCELLED" if item.state == PlanState.CANCELLED else "CONFIRMED")
    return entry


def calendar(items: Iterable[PlannedItem], *, name: str, address_of: dict[int, str] | None = None) -> bytes:
    """The iCalendar text of ``items``; ``address_of`` gives each item's absolute address."""
    made = ical.stamp()
    addresses = address_of or {}
    return ical.calendar_file(
        (_entry(item, address=addresses.get(item.pk, ""), stamp=made) for item in items),
        product=PRODUCT,
        name=name,
    )
