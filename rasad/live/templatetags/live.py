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
