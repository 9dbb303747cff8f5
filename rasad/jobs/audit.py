"""Audit events of background work (codes 1200-1249; reports take 1250-1299)."""

from __future__ import annotations

from enum import IntEnum, unique
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _

from rasad.core.audit_log import record, register_event_types

if TYPE_CHECKING:
    from rasad.core.models import User
    from rasad.jobs.models import Schedule, TaskRun


@unique
class JobAuditEvent(IntEnum):
    TASK_RETRIED = 1201
    SCHEDULE_CHANGED = 1202
    EXPORT_REQUESTED = 1210
    EXPORT_DOWNLOADED = 1211


register_event_types(
    JobAuditEvent,
    {
        JobAuditEvent.TASK_RETRIED: _("Parked task retried"),
        JobAuditEvent.SCHEDULE_CHANGED: _("Schedule changed"),
        JobAuditEvent.EXPORT_REQUESTED: _("Export requested"),
        JobAuditEvent.EXPORT_DOWNLOADED: _("Export downloaded"),
    },
)


def audit_task_retried(run: TaskRun, *, acting_user: User) -> None:
    """Tasks are the system's own work, so their events go to the system chain."""
    record(
        JobAuditEvent.TASK_RETRIED,
        actor=acting_user,
        obj=run,
        object_repr=run.title or str(run.task_id),
        old={"parked_at": run.parked_at},
        new={"parked_at": None},
    )


def audit_schedule_changed(
    schedule: Schedule, *, acting_user: User, old: dict[str, Any], new: dict[str, Any]
) -> None:
    record(JobAuditEvent.SCHEDULE_CHANGED, actor=acting_user, obj=schedule, old=old, new=new)
