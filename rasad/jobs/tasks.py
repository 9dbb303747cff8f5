"""Background work of the jobs app itself: forgetting finished work after a while.

The queue keeps a row per task (``DBTaskResult``, with Rasad's ``TaskRun``), and every prepared
file leaves an ``ExportFile`` row after its file is deleted. Without pruning both tables grow by
every e-mail, export and periodic tick (the escalation job alone adds 1,440 rows a day). A daily
job deletes, in small batches so that no lock is held for long:

* tasks that succeeded more than ``RASAD_FINISHED_TASK_KEEP_DAYS`` (30) days ago;
* parked tasks (failed on every attempt) more than ``RASAD_PARKED_TASK_KEEP_DAYS`` (90) days ago,
  and the keys of effects made that long ago (a task is never retried after its row is gone,
  so its effect keys are no longer needed);
* records of prepared files that expired or failed more than ``RASAD_FINISHED_TASK_KEEP_DAYS``
  days ago (their files were deleted when they expired).

Tasks waiting or running are never touched. The audit trail keeps who asked for which export.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from rasad.jobs.engine import background_task, periodic
from rasad.jobs.models import EffectKey, ExportFile, ExportStatus
from rasad.lib.progress import Progress

BATCH = 1000


def finished_keep_days() -> int:
    return int(getattr(settings, "RASAD_FINISHED_TASK_KEEP_DAYS", 30))


def parked_keep_days() -> int:
    return int(getattr(settings, "RASAD_PARKED_TASK_KEEP_DAYS", 90))


def delete_in_batches(queryset: models.QuerySet[Any], progress: Progress | None = None) -> int:
    """Delete the rows of ``queryset`` a batch at a time, each batch in its own short transaction;
    returns how many top-level rows were deleted."""
    deleted = 0
    model = queryset.model
    while True:
        pks = list(queryset.order_by().values_list("pk", flat=True)[:BATCH])
        if not pks:
            return deleted
        with transaction.atomic():
            model._default_manager.filter(pk__in=pks).delete()
        deleted += len(pks)
        if progress is not None:
            progress.advance(len(pks))


@periodic("jobs-prune", cron="40 3 * * *", title=gettext_lazy("Forget finished background work"))
@background_task(max_attempts=3, backoff_seconds=60)
def prune_finished_work() -> dict[str, int]:
    """Delete finished tasks, parked tasks, effect keys and file records past their time.
    Idempotent: a second run finds nothing more to delete."""
    now = timezone.now()
    finished_before = now - timedelta(days=finished_keep_days())
    parked_before = now - timedelta(days=parked_keep_days())
    succeeded = DBTaskResult.objects.filter(
        status=TaskResultStatus.SUCCESSFUL, finished_at__lt=finished_before
    )
    parked = DBTaskResult.objects.filter(status=TaskResultStatus.FAILED, finished_at__lt=parked_before)
    files = ExportFile.objects.filter(
        Q(finished_at__lt=finished_before) | Q(finished_at__isnull=True, created__lt=finished_before),
        status__in=[ExportStatus.EXPIRED, ExportStatus.FAILED],
    )
    keys = EffectKey.objects.filter(created__lt=parked_before)
    progress = Progress(None, _("deleting old records"))
    return {
        "tasks": delete_in_batches(succeeded, progress),
        "parked": delete_in_batches(parked, progress),
        "files": delete_in_batches(files, progress),
        "effect_keys": delete_in_batches(keys, progress),
    }
