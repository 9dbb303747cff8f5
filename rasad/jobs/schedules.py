"""Periodic jobs kept as data: cron expressions read in Tehran time.

Each worker ticks the schedule every few seconds. A due row is taken under a row lock (skipped by
the other workers), its task is enqueued with a key naming the slot, and its next moment is moved
on, all in one transaction: however many workers run, each slot enqueues its task once. A slot
missed while no worker ran is run once when a worker comes back, not once per missed slot.
"""

from __future__ import annotations

import logging
import zoneinfo
from datetime import datetime

from croniter import croniter
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

SCHEDULE_TIME_ZONE = "Asia/Tehran"


def schedule_zone() -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(getattr(settings, "RASAD_SCHEDULE_TIME_ZONE", SCHEDULE_TIME_ZONE))


def validate_cron(expression: str) -> str:
    """Return the expression normalised (single spaces), or raise a translated ValidationError.

    Five fields: minute, hour, day of month, month, day of week (``30 7 * * 6`` is 07:30 every
    Saturday, Tehran time)."""
    text = " ".join(str(expression).split())
    fields = text.split(" ") if text else []
    if len(fields) != 5 or not croniter.is_valid(text):
        raise ValidationError(
            {
                "cron": [
                    _(
                        "“%(value)s” is not a valid cron expression: give five fields (minute, hour, "
                        "day of month, month, day of week), e.g. “0 7 * * *” for 07:00 every day."
                    )
                    % {"value": str(expression)[:100]}
                ]
            }
        )
    return text


def next_run(expression: str, after: datetime) -> datetime:
    """The first moment strictly after ``after`` that the expression names, in UTC."""
    local = after.astimezone(schedule_zone())
    moment: datetime = croniter(expression, local).get_next(datetime)
    return moment.astimezone(zoneinfo.ZoneInfo("UTC"))


def sync_schedules(using: str = "default") -> None:
    """Give every declared periodic job a row (with its default expression), bring task paths in
    step, and mark rows whose job is no longer declared. An administrator's expression or on/off
    choice is kept."""
    from rasad.jobs.engine import periodic_jobs
    from rasad.jobs.models import Schedule

    now = timezone.now()
    jobs = periodic_jobs()
    with transaction.atomic(using=using):
        for job in jobs.values():
            row = Schedule.objects.using(using).filter(name=job.name).first()
            if row is None:
                Schedule.objects.using(using).create(
                    name=job.name,
                    task_path=job.task.module_path,
                    cron=job.cron,
                    next_run_at=next_run(job.cron, now),
                )
            elif row.task_path != job.task.module_path or row.is_orphaned:
                row.task_path = job.task.module_path
                row.is_orphaned = False
                row.save(update_fields=["task_path", "is_orphaned"])
        Schedule.objects.using(using).exclude(name__in=list(jobs)).update(is_orphaned=True)


def tick(now: datetime | None = None) -> int:
    """Enqueue the task of every due schedule once; returns how many were enqueued."""
    from rasad.jobs.engine import enqueue, periodic_jobs
    from rasad.jobs.models import Schedule

    moment = now or timezone.now()
    due = list(
        Schedule.objects.filter(is_enabled=True, is_orphaned=False, next_run_at__lte=moment).values_list(
            "pk", flat=True
        )
    )
    enqueued = 0
    jobs = periodic_jobs()
    for pk in due:
        with transaction.atomic():
            row = (
                Schedule.objects.select_for_update(skip_locked=True)
                .filter(pk=pk, is_enabled=True, next_run_at__lte=moment)
                .first()
            )
            if row is None:
                continue
            slot = row.next_run_at
            assert slot is not None
            job = jobs.get(row.name)
            try:
                declared = job.task if job is not None else import_string(row.task_path)
            except ImportError:
                logger.exception("schedule %s names a task that does not exist: %s", row.name, row.task_path)
                row.is_orphaned = True
                row.save(update_fields=["is_orphaned"])
                continue
            run = enqueue(
                declared,
                key=f"schedule:{row.name}:{slot.isoformat()}",
                title=job.title if job is not None else row.name,
            )
            row.last_run_at = slot
            row.last_task_id = run.task_id
            row.next_run_at = next_run(row.cron, moment)
            row.save(update_fields=["last_run_at", "last_task", "next_run_at"])
            enqueued += 1
    return enqueued
