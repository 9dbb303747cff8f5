"""Background work of the indicators app: forgetting old batch ids.

An API client's observation batch with a ``batch_id`` leaves an ``ObservationBatch`` row (the
answer it got), so that a retry of the same batch gets the same answer and writes nothing. A
retry arrives within minutes or hours; after ``RASAD_BATCH_KEEP_DAYS`` (30) days the row is
deleted, and the same batch id would then be treated as a new batch (docs/indicators.md)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy

from rasad.indicators.models import ObservationBatch
from rasad.jobs.engine import background_task, periodic
from rasad.jobs.tasks import delete_in_batches


def batch_keep_days() -> int:
    return int(getattr(settings, "RASAD_BATCH_KEEP_DAYS", 30))


@periodic(
    "indicators-forget-batches", cron="50 3 * * *", title=gettext_lazy("Forget old observation batch ids")
)
@background_task(max_attempts=3, backoff_seconds=60)
def forget_old_batches() -> int:
    """Delete batch records older than ``RASAD_BATCH_KEEP_DAYS``; returns how many. Idempotent."""
    cutoff = timezone.now() - timedelta(days=batch_keep_days())
    return delete_in_batches(ObservationBatch.objects.filter(created__lt=cutoff))
