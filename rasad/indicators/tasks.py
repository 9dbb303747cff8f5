"""Background work of the indicators app: idempotent, safe to run on any node.

Batch ids (``ObservationBatch``) are kept for ``RASAD_BATCH_KEEP_DAYS`` days: long enough for any
client's retry to get its stored answer, short enough that the table does not grow for ever. A
batch id older than that is forgotten: sending it again records the rows as a new batch (which
writes nothing when the values are unchanged).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy

from rasad.indicators.models import ObservationBatch
from rasad.jobs.engine import background_task, periodic


def prune_batches(now: datetime | None = None) -> int:
    """Delete the batch ids recorded more than ``RASAD_BATCH_KEEP_DAYS`` days before ``now``."""
    cutoff = (now or timezone.now()) - timedelta(days=int(settings.RASAD_BATCH_KEEP_DAYS))
    deleted, _by_model = ObservationBatch.objects.filter(created__lt=cutoff).delete()
    return deleted


@periodic("indicators-prune-batches", cron="41 3 * * *", title=gettext_lazy("Forget old batch ids"))
@background_task(max_attempts=3)
def prune_observation_batches() -> int:
    return prune_batches()
