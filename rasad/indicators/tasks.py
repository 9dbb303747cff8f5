"""Background work of the indicators app: idempotent, safe to run on any node.

Batch ids (``ObservationBatch``) are kept for ``RASAD_BATCH_KEEP_DAYS`` days: long enough for any
client's retry to get its stored answer, short enough that the table does not grow for ever. A
batch id older than that is forgotten: sending it again records the rows as a new batch (which
writes nothing when the values are unchanged). Deleted a thousand rows at a time, each batch in
its own short transaction (``rasad.jobs.tasks.delete_in_batches``).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy

from rasad.indicators.models import ObservationBatch
from rasad.jobs.engine import background_task, periodic
from rasad.jobs.tasks import delete_in_batches


def prune_batches(now: datetime | None = None) -> int:
    """Delete the batch ids recorded more than ``RASAD_BATCH_KEEP_DAYS`` days before ``now``."""
    cutoff = (now or timezone.now()) - timedelta(days=int(settings.RASAD_BATCH_KEEP_DAYS))
    return delete_in_batches(ObservationBatch.objects.filter(created__lt=cutoff))


@periodic("indicators-prune-batches", cron="50 3 * * *", title=gettext_lazy("Forget old batch ids"))
@background_task(max_attempts=3, backoff_seconds=60)
def prune_observation_batches() -> int:
    return prune_batches()
