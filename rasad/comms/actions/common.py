"""Helpers shared by the comms actions."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from rasad.comms.models import Centre
from rasad.core.access import require_permission_in_scope
from rasad.core.models import User


def now_or(moment: datetime | None) -> datetime:
    return moment if moment is not None else timezone.now()


def rotation_period() -> timedelta:
    return timedelta(days=settings.COMMS_ROTATION_DAYS)


def grace_period() -> timedelta:
    return timedelta(days=settings.COMMS_GRACE_DAYS)


def require(user: User | None, permission: str, centre: Centre) -> None:
    """``user`` (None: the system itself) must hold ``comms.<permission>`` over the
    organization hosting ``centre``; otherwise the centre reads as missing (404)."""
    if user is None:
        return
    if centre.organization is None:
        from rasad.core.access import ObjectNotFound

        raise ObjectNotFound()
    require_permission_in_scope(user, f"comms.{permission}", centre.organization)
