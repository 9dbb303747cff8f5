"""Generated texts about training events: notifications, e-mails and calendar entries.

They are stored or sent, so they are written in Persian, the platform's language, with Jalali
dates, Tehran times and Persian digits (``rasad.lib.display.in_persian``), whatever the language
and preferences of the person whose action caused them."""

from __future__ import annotations

from datetime import date, datetime

from django.utils.translation import gettext as _

from rasad.lib import display, formatting
from rasad.lib.jalali import to_tehran
from rasad.training.choices import EventKind
from rasad.training.models import Course, Event, Requirement

PERSIAN = display.PERSIAN
in_persian = display.in_persian


def _clock(event_moment: datetime) -> str:
    local = to_tehran(event_moment)
    return formatting.digits(f"{local.hour:02d}:{local.minute:02d}", prefs=PERSIAN)


def when(event: Event) -> str:
    """«۱۲ آذر ۱۴۰۵، ساعت ۰۹:۰۰ تا ۱۳:۰۰» (Tehran time), or over several days."""
    start_day = formatting.date_text(event.starts_at, style="long", prefs=PERSIAN)
    end_day = formatting.date_text(event.ends_at, style="long", prefs=PERSIAN)
    if start_day == end_day:
        return _("%(start_day)s, %(start)s to %(end)s") % {
            "start_day": start_day,
            "start": _clock(event.starts_at),
            "end": _clock(event.ends_at),
        }
    return _("%(start_day)s at %(start)s to %(end_day)s at %(end)s") % {
        "start_day": start_day,
        "start": _clock(event.starts_at),
        "end_day": end_day,
        "end": _clock(event.ends_at),
    }


def where(event: Event) -> str:
    if event.place:
        return event.place
    if event.online_url:
        return _("online")
    return ""


def announcement(event: Event) -> str:
    with in_persian():
        text = _("%(kind)s “%(title)s” of %(organizer)s: %(when)s") % {
            "kind": EventKind(event.kind).label,
            "title": event.title,
            "organizer": event.organization.name,
            "when": when(event),
        }
        place = where(event)
        if place:
            text += _(", %(place)s") % {"place": place}
        return text + _(". Open the event to enrol.")


def reminder(event: Event) -> str:
    with in_persian():
        text = _("Reminder: “%(title)s” starts %(when)s") % {"title": event.title, "when": when(event)}
        place = where(event)
        if place:
            text += _(", %(place)s") % {"place": place}
        return text + "."


def lapse_for_person(course: Course, expires_on: date, requirement: Requirement) -> str:
    with in_persian():
        return _(
            "Your certificate for “%(course)s” is valid until %(date)s; the requirement “%(requirement)s” "
            "asks for it again. Enrol in a session before then."
        ) % {
            "course": course.title,
            "date": formatting.date_text(expires_on, style="long", prefs=PERSIAN),
            "requirement": requirement.title,
        }


def lapse_for_manager(person: object, course: Course, expires_on: date, requirement: Requirement) -> str:
    with in_persian():
        return _(
            "The certificate of %(person)s for “%(course)s” is valid until %(date)s; the requirement "
            "“%(requirement)s” asks for it again."
        ) % {
            "person": person,
            "course": course.title,
            "date": formatting.date_text(expires_on, style="long", prefs=PERSIAN),
            "requirement": requirement.title,
        }
