"""How a status is derived (docs/live.md, "Status"): from the time since the last heartbeat the
server received, against the device's expected interval, and from the readings it carried.

* online: a heartbeat within 1.5 intervals, battery and link above 20 %;
* degraded: one or two beats late (up to ``RASAD_LIVE_OFFLINE_INTERVALS`` intervals), or low
  battery or link;
* offline: no heartbeat for ``RASAD_LIVE_OFFLINE_INTERVALS`` intervals;
* never heard from: no heartbeat yet.

A post's status is its devices': online when all are online, offline when none is online or
degraded (and at least one was heard from), degraded in between."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING

from django.conf import settings

from rasad.live.choices import Status

if TYPE_CHECKING:
    from rasad.live.models import Device

LATE_FACTOR = 1.5
LOW_PERCENT = 20.0


def device_status(device: Device, now: datetime) -> Status:
    if device.last_heartbeat_at is None:
        return Status.UNKNOWN
    age = (now - device.last_heartbeat_at).total_seconds()
    interval = max(1, device.heartbeat_interval)
    if age > settings.RASAD_LIVE_OFFLINE_INTERVALS * interval:
        return Status.OFFLINE
    low = any(
        reading is not None and reading < LOW_PERCENT
        for reading in (device.battery_percent, device.link_quality)
    )
    if age > LATE_FACTOR * interval or low:
        return Status.DEGRADED
    return Status.ONLINE


def post_status(statuses: Iterable[str]) -> Status:
    known = [Status(s) for s in statuses if s != Status.UNKNOWN]
    if not known:
        return Status.UNKNOWN
    if all(s == Status.ONLINE for s in known):
        return Status.ONLINE
    if all(s == Status.OFFLINE for s in known):
        return Status.OFFLINE
    return Status.DEGRADED


STATUS_COLOURS = {
    Status.ONLINE: "#198754",
    Status.DEGRADED: "#e0a800",
    Status.OFFLINE: "#dc3545",
    Status.UNKNOWN: "#6c757d",
}
# How bad a status is, for a map cluster's colour (its worst post's).
STATUS_RANKS = {Status.ONLINE: 0, Status.UNKNOWN: 1, Status.DEGRADED: 2, Status.OFFLINE: 3}
STATUS_BADGES = {
    Status.ONLINE: "success",
    Status.DEGRADED: "warning",
    Status.OFFLINE: "danger",
    Status.UNKNOWN: "secondary",
}
