"""What the media actions share: error collection, scope checks, moments in messages, the
after-commit push."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import models

from rasad.core.models import Organization, User
from rasad.core.scope import organization_scope
from rasad.lib import display
from rasad.lib.events import send_event_on_commit
from rasad.lib.jalali import format_datetime


def allowed(user: User | None, model: type[models.Model], action: str, organization: Organization) -> bool:
    return user is None or organization_scope(user, model, action).contains(organization)


def moment(value: datetime) -> str:
    """A moment in a message, in the reader's calendar and digits."""
    prefs = display.current()
    return format_datetime(value, calendar=prefs.calendar, persian_digits=prefs.persian_digits)


def push(kind: str, organization_ids: set[int], **payload: Any) -> None:
    """Tell the live stream (after commit) of the headquarters and agencies concerned."""
    send_event_on_commit(kind, payload, organization_ids=organization_ids)
