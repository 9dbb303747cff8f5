"""What the programme actions share: error collection, scope checks, the after-commit push."""

from __future__ import annotations

from datetime import date
from typing import Any

from rasad.core.models import Organization, User
from rasad.core.scope import organization_scope
from rasad.lib import display
from rasad.lib.events import send_event_on_commit
from rasad.lib.jalali import format_date
from rasad.lib.persian import format_number
from rasad.programs.models import Programme


def may_see(user: User, organization: Organization) -> bool:
    return organization_scope(user, Organization, "view").contains(organization)


def lock(programme: Programme) -> Programme:
    locked: Programme = Programme.objects.select_for_update().get(pk=programme.pk)
    return locked


def party_organization_ids(programme: Programme) -> list[int]:
    return list(programme.parties.values_list("organization_id", flat=True))


def push(kind: str, programme: Programme, **payload: Any) -> None:
    """Tell open pages of the programme that it changed (after commit; the programme page polls
    its progress, and live push can subscribe here later)."""
    organizations = {programme.organization_id, *party_organization_ids(programme)}
    if programme.reviewing_organization_id is not None:
        organizations.add(programme.reviewing_organization_id)
    send_event_on_commit(kind, {"programme": programme.pk, **payload}, organization_ids=organizations)


def day(value: date) -> str:
    """A date in a message, in the reader's calendar and digits."""
    prefs = display.current()
    try:
        return format_date(value, calendar=prefs.calendar, persian_digits=prefs.persian_digits)
    except (ValueError, OverflowError):
        return value.isoformat()  # a date outside the Jalali calendar's range, as typed


def number(value: int | float) -> str:
    """A number in a message, in the reader's digits."""
    return format_number(value, persian_digits=display.current().persian_digits)
