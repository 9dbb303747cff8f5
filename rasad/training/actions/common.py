"""What the training actions share: error collection, scope checks, dates in messages, the
after-commit push, and adding months in the Jalali calendar."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.db import models

from rasad.core.models import Organization, User
from rasad.core.scope import organization_scope
from rasad.lib import display
from rasad.lib.events import send_event_on_commit
from rasad.lib.jalali import format_date, format_datetime, from_jalali, jalali_month_length, to_jalali


def allowed(user: User | None, model: type[models.Model], action: str, organization: Organization) -> bool:
    return user is not None and organization_scope(user, model, action).contains(organization)


def day(value: date) -> str:
    """A date in a message, in the reader's calendar and digits."""
    prefs = display.current()
    try:
        return format_date(value, calendar=prefs.calendar, persian_digits=prefs.persian_digits)
    except (ValueError, OverflowError):
        return value.isoformat()


def moment(value: datetime) -> str:
    prefs = display.current()
    return format_datetime(value, calendar=prefs.calendar, persian_digits=prefs.persian_digits)


def add_months(start: date, months: int) -> date:
    """``start`` plus whole Jalali months; a day beyond the target month's length becomes its last
    day (31 Shahrivar + 1 month = 30 Mehr). See docs/reference/methods.md, "Training"."""
    jalali = to_jalali(start)
    index = jalali.year * 12 + (jalali.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    return from_jalali(year, month, min(jalali.day, jalali_month_length(year, month)))


def push(kind: str, organization_ids: set[int], **payload: Any) -> None:
    send_event_on_commit(kind, payload, organization_ids=organization_ids)
