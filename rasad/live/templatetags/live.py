"""Template filters of the live pages: a status's badge colour and label."""

from __future__ import annotations

from typing import Any

from django import template

from rasad.live.choices import Status
from rasad.live.status import STATUS_BADGES

register = template.Library()


def _status(value: Any) -> Status:
    try:
        return Status(value)
    except ValueError:
        return Status.UNKNOWN


@register.filter
def status_badge(value: Any) -> str:
    return STATUS_BADGES[_status(value)]


@register.filter
def status_label(value: Any) -> str:
    return str(_status(value).label)


CASE_BADGES = {
    "new": "danger",
    "triaged": "warning",
    "reopened": "danger",
    "assigned": "primary",
    "in_progress": "primary",
    "waiting": "secondary",
    "resolved": "success",
}


@register.filter
def case_badge(value: Any) -> str:
    """The badge colour of an incident case's status on the command view: red until someone
    acknowledged it, amber until someone is assigned, blue while it is worked."""
    return CASE_BADGES.get(str(value), "secondary")
