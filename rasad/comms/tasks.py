"""Background work of the comms app: pushing the outbox, rotating keys when due, destroying
retired keys after their grace period. Each function is idempotent and safe to run in several
processes at once; the task engine's schedule (or ``rasad comms worker``) calls them."""

from __future__ import annotations

import logging
from datetime import datetime

from django.utils import timezone

from rasad.comms.actions import do_destroy_retired_keys, do_rotate_keys
from rasad.comms.actions.common import rotation_period
from rasad.comms.choices import KeyPurpose, KeyState
from rasad.comms.delivery import Report, Transport, deliver_due
from rasad.comms.models import Centre, CentreKey

logger = logging.getLogger(__name__)


def deliver_outbox(*, now: datetime | None = None, transport: Transport | None = None) -> Report:
    return deliver_due(now=now, transport=transport)


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
