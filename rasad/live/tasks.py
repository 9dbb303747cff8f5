"""Idempotent background work of live operations.

* ``live-sweep`` (every minute): a device that stops sending changes nothing by itself, so the
  sweep re-derives the status of every device heard from and records each change (one status
  event per change, under the device's lock: two workers ticking at once record it once); then
  it opens the outage (and incident case) of every post silent for long enough, and ends the
  outage of every post heard from again (``do_check_outage``, under the post's lock)."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy

from rasad.jobs.engine import background_task, periodic
from rasad.live.actions import do_check_outage, do_sweep_device
from rasad.live.choices import Status
from rasad.live.models import Device, Outage
from rasad.live.status import device_status


def sweep(now: datetime | None = None) -> int:
    """Record the status changes that time alone made, and open or end the outages they make;
    returns how many devices changed status."""
    moment = now or timezone.now()
    changed = 0
    for device in Device.objects.in_service().exclude(status=Status.UNKNOWN).order_by("pk"):
        if (
            device_status(device, moment) != device.status
            and do_sweep_device(device.pk, now=moment) is not None
        ):
            changed += 1
    posts = set(Outage.objects.filter(ended_at__isnull=True).values_list("organization_id", flat=True))
    posts |= set(
        Device.objects.in_service().filter(status=Status.OFFLINE).values_list("organization_id", flat=True)
    )
    for post_id in sorted(posts):
        do_check_outage(post_id, now=moment)
    return changed


@periodic("live-sweep", cron="* * * * *", title=gettext_lazy("Mark silent devices offline"))
@background_task(max_attempts=3, backoff_seconds=10)
def sweep_statuses() -> int:
    return sweep()
