"""State changes of background work made by people: retrying a parked task, changing a
schedule. (The worker's own bookkeeping lives in ``rasad.jobs.worker``.)"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from rasad.core.audit_log import changes
from rasad.jobs.access import may_manage_jobs
from rasad.jobs.audit import audit_schedule_changed, audit_task_retried
from rasad.jobs.engine import options_for
from rasad.jobs.models import Schedule, TaskRun
from rasad.jobs.schedules import next_run, validate_cron

if TYPE_CHECKING:
    from rasad.core.models import User


class NotAllowed(Exception):
    """The acting user may not manage background work (the views answer 404)."""


def _require_manager(user: User) -> None:
    if not may_manage_jobs(user):
        raise NotAllowed


@transaction.atomic
def do_retry_task(run: TaskRun, *, acting_user: User) -> TaskRun:
    """Put a parked task back in the queue with a fresh round of attempts."""
    _require_manager(acting_user)
    locked = TaskRun.objects.select_for_update().get(pk=run.pk)
    result = DBTaskResult.objects.select_for_update().get(pk=locked.pk)
    if locked.parked_at is None or result.status != TaskResultStatus.FAILED:
        raise ValidationError({"task": [_("Only a parked task can be retried.")]})
    audit_task_retried(locked, acting_user=acting_user)
    result.status = TaskResultStatus.READY
    result.run_after = timezone.now()
    result.finished_at = None
    result.save(update_fields=["status", "run_after", "finished_at"])
    locked.max_attempts = locked.attempts + options_for(result.task_path).max_attempts
    locked.parked_at = None
    locked.save(update_fields=["max_attempts", "parked_at"])
    return locked


@transaction.atomic
def do_change_schedule(schedule: Schedule, *, cron: str, is_enabled: bool, acting_user: User) -> Schedule:
    """Change a periodic job's cron expression (Tehran time) or switch it on or off."""
    _require_manager(acting_user)
    expression = validate_cron(cron)
    locked = Schedule.objects.select_for_update().get(pk=schedule.pk)
    old = {"cron": locked.cron, "is_enabled": locked.is_enabled}
    new = {"cron": expression, "is_enabled": is_enabled}
    if old == new:
        return locked
    locked.cron = expression
    locked.is_enabled = is_enabled
    locked.next_run_at = next_run(expression, timezone.now())
    locked.save(update_fields=["cron", "is_enabled", "next_run_at"])
    before, after = changes(old, new)
    audit_schedule_changed(locked, acting_user=acting_user, old=before, new=after)
    return locked
