"""Idempotent background work of live operations.

* ``live-sweep`` (every minute): a device that stops sending changes nothing by itself, so the
  sweep re-derives the status of every device heard from and records each change (one status
  event per change, under the device's lock: two workers ticking at once record it once)."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy

from rasad.jobs.engine import background_task, periodic
from rasad.live.actions import do_sweep_device
from rasad.live.choices import Status
from rasad.live.models import Device
from rasad.live.status import device_status


def sweep(now: datetime | None = None) -> int:
    """Record the status changes that time alone made; returns how many."""
    moment = now or timezone.now()
    changed = 0
    for device in Device.objects.in_service().exclude(status=Status.UNKNOWN).order_by("pk"):
        if (
            device_status(device, moment) != device.status
            and do_sweep_device(device.pk, now=moment) is not None
        ):
            changed += 1
    return changed


@periodic("live-sweep", cron="* * * * *", title=gettext_lazy("Mark silent devices offline"))
@background_task(max_attempts=3, backoff_seconds=10)
def sweep_statuses() -> int:
    return sweep()
