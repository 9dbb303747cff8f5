"""Generated texts about training events: notifications, e-mails and calendar entries.

A notification is kept as its message id and parameters (``rasad.lib.stored_text``) and read in
each reader's language, calendar and digits: the functions below that make one return a
``StoredText``. A calendar entry (``rasad.training.ical``) is one text for every reader, written
in Persian, the platform's language, with Jalali dates, Tehran times and Persian digits
(``rasad.lib.display.in_persian``), whatever the language and preferences of the person whose
action caused it."""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext_noop

from rasad.core.models import User
from rasad.lib import display
from rasad.lib.jalali import to_tehran
from rasad.lib.stored_text import Clock, LongDate, Person, StoredText, Words
from rasad.training.choices import EventKind
from rasad.training.models import Course, Event, Requirement

PERSIAN = display.PERSIAN
in_persian = display.in_persian


def when_text(event: Event) -> StoredText:
    """«۱۲ آذر ۱۴۰۵، ساعت ۰۹:۰۰ تا ۱۳:۰۰» (Tehran time), or over several days: the days and
    hours in the reader's calendar and digits."""
    start_day, end_day = to_tehran(event.starts_at).date(), to_tehran(event.ends_at).date()
    if start_day == end_day:
        return StoredText(
            gettext_noop("%(start_day)s, %(start)s to %(end)s"),
            {"start_day": LongDate(start_day), "start": Clock(event.starts_at), "end": Clock(event.ends_at)},
        )
    return StoredText(
        gettext_noop("%(start_day)s at %(start)s to %(end_day)s at %(end)s"),
        {
            "start_day": LongDate(start_day),
            "start": Clock(event.starts_at),
            "end_day": LongDate(end_day),
            "end": Clock(event.ends_at),
        },
    )


def when(event: Event) -> str:
    """The event's days and hours in Persian (a calendar entry's text)."""
    with in_persian():
        return when_text(event).render()


def _where(event: Event) -> str | Words:
    if event.place:
        return event.place
    if event.online_url:
        return Words(gettext_noop("online"))
    return ""


def where(event: Event) -> str:
    place = _where(event)
    return place if isinstance(place, str) else StoredText(place.msgid).render()


def _place_part(event: Event) -> str | StoredText:
    """«، <place>» after the time, or nothing when the event has no place."""
    place = _where(event)
    return StoredText(gettext_noop(", %(place)s"), {"place": place}) if place else ""


def announcement(event: Event) -> StoredText:
    return StoredText(
        gettext_noop("%(kind)s “%(title)s” of %(organizer)s: %(when)s%(place)s. Open the event to enrol."),
        {
            "kind": Words.of(EventKind(event.kind).label),
            "title": event.title,
            "organizer": event.organization.name,
            "when": when_text(event),
            "place": _place_part(event),
        },
    )


def reminder(event: Event) -> StoredText:
    return StoredText(
        gettext_noop("Reminder: “%(title)s” starts %(when)s%(place)s."),
        {"title": event.title, "when": when_text(event), "place": _place_part(event)},
    )


def lapse_for_person(course: Course, expires_on: date, requirement: Requirement) -> StoredText:
    return StoredText(
        gettext_noop(
            "Your certificate for “%(course)s” is valid until %(date)s; the requirement “%(requirement)s” "
            "asks for it again. Enrol in a session before then."
        ),
        {"course": course.title, "date": LongDate(expires_on), "requirement": requirement.title},
    )


def lapse_for_manager(person: User, course: Course, expires_on: date, requirement: Requirement) -> StoredText:
    return StoredText(
        gettext_noop(
            "The certificate of %(person)s for “%(course)s” is valid until %(date)s; the requirement "
            "“%(requirement)s” asks for it again."
        ),
        {
            "person": Person.of(person),
            "course": course.title,
            "date": LongDate(expires_on),
            "requirement": requirement.title,
        },
    )
