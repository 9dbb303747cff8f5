"""What the assessment actions share: refusals that read like a missing object, and the Tehran
date that decides whether a window is open."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models

from rasad.core.access import can, refusal
from rasad.core.models import Organization, User
from rasad.core.scope import organization_scope
from rasad.lib.jalali import today_in_tehran


def require(user: User, action: str, obj: models.Model) -> None:
    """404 unless ``user`` may ``action`` on ``obj`` (a saved row, judged by its queryset)."""
    if not can(user, action, obj):
        raise refusal()


def require_over(
    user: User, model: type[models.Model], action: str, organization: Organization | None
) -> None:
    """404 unless ``user`` may ``action`` on ``model`` for ``organization`` (none: platform
    administrators only)."""
    scope = organization_scope(user, model, action)
    if organization is None:
        if not scope.is_everything:
            raise refusal()
        return
    if not scope.contains(organization):
        raise refusal()


def today(now: Any = None) -> date:
    """Today in Tehran (``now``: an aware moment, or a date, for tests and replays)."""
    if isinstance(now, datetime):
        return today_in_tehran(now)
    if isinstance(now, date):
        return now
    return today_in_tehran()


def refuse(field_name: str, message: str) -> ValidationError:
    return ValidationError({field_name: [message]})
