"""Background work of the comms app, on the task engine (``rasad.jobs``): pushing the outbox,
rotating keys when due, destroying retired keys after their grace period.

* Sending enqueues ``deliver_outbox`` in the sending transaction; a push that cannot get through
  enqueues the next try for when the outbox's backoff allows it; and a periodic job every minute
  catches anything else (a node restarted, a task parked).
* Key rotation and destruction run hourly from the schedule.

Every function here is idempotent and safe in several workers at once: deliveries are claimed row
by row (``rasad.comms.delivery``), rotation and destruction re-check under a row lock.
"""

from __future__ import annotations

import logging
from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rasad.comms.actions import do_destroy_retired_keys, do_rotate_keys, register_delivery_scheduler
from rasad.comms.actions.common import rotation_period
from rasad.comms.choices import KeyPurpose, KeyState
from rasad.comms.delivery import Report, Transport, deliver_due
from rasad.comms.models import Centre, CentreKey
from rasad.jobs.engine import background_task, enqueue, periodic

logger = logging.getLogger(__name__)


def deliver_outbox_now(*, now: datetime | None = None, transport: Transport | None = None) -> Report:
    """One pass over the outbox; when a peer is still unreachable, the next pass is enqueued for
    the moment its backoff ends."""
    report = deliver_due(now=now, transport=transport)
    if report.retry_at is not None:
        enqueue(
            deliver_outbox,
            run_after=report.retry_at,
            key=f"comms-deliver-retry:{report.retry_at.isoformat(timespec='seconds')}",
            title=_("Push the outbox to peer nodes"),
        )
    return report


@periodic("comms-deliver", cron="* * * * *", title=_("Push the outbox to peer nodes"))
@background_task(max_attempts=3, backoff_seconds=5)
def deliver_outbox() -> int:
    return deliver_outbox_now().delivered


def _enqueue_delivery() -> None:
    enqueue(deliver_outbox, title=_("Push the outbox to peer nodes"))


register_delivery_scheduler(_enqueue_delivery)


def rotate_due_keys(*, now: datetime | None = None) -> list[str]:
    """Rotate the keys of every local centre whose encryption key is older than the rotation
    period (30 days by default). Returns the codes of the centres rotated."""
    moment = now or timezone.now()
    rotated = []
    for centre in Centre.objects.filter(is_local=True).order_by("code"):
        newest = (
            CentreKey.objects.filter(centre=centre, purpose=KeyPurpose.ENCRYPT, state=KeyState.ACTIVE)
            .order_by("-not_before")
            .values_list("not_before", flat=True)
            .first()
        )
        if newest is None or newest + rotation_period() <= moment:
            do_rotate_keys(centre, acting_user=None, now=moment)
            rotated.append(centre.code)
            logger.info("rotated the keys of %s", centre.code)
    return rotated


def destroy_retired_keys(*, now: datetime | None = None) -> list[str]:
    """Destroy retired encryption keys past their grace period (archive re-wrapped first)."""
    moment = now or timezone.now()
    destroyed: list[str] = []
    for centre in Centre.objects.filter(is_local=True).order_by("code"):
        destroyed.extend(do_destroy_retired_keys(centre, acting_user=None, now=moment))
    return destroyed


@periodic("comms-rotate-keys", cron="7 * * * *", title=_("Rotate centres' keys that are due"))
@background_task(max_attempts=3, backoff_seconds=60)
def rotate_keys() -> int:
    return len(rotate_due_keys())


@periodic("comms-destroy-keys", cron="37 * * * *", title=_("Destroy retired keys after their grace period"))
@background_task(max_attempts=3, backoff_seconds=60)
def destroy_keys() -> int:
    return len(destroy_retired_keys())
