"""Audit events of the training app (codes 1500-1599): one function writes them all, in the
chain of the organization that owns the changed record."""

from __future__ import annotations

from enum import IntEnum, unique
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _

from rasad.core.audit_log import record, register_event_types

if TYPE_CHECKING:
    from django.db import models

    from rasad.core.models import Organization, User


@unique
class TrainingAuditEvent(IntEnum):
    COURSE_SAVED = 1501
    EVENT_SAVED = 1502
    EVENT_CANCELLED = 1503
    EVENT_ANNOUNCED = 1504
    CHECK_IN_OPENED = 1505
    ENROLLED = 1510
    ENROLMENT_CANCELLED = 1511
    PROMOTED_FROM_WAITING_LIST = 1512
    ATTENDANCE_RECORDED = 1513
    ROSTER_IMPORTED = 1514
    CHECKED_IN = 1515
    COMPLETIONS_IMPORTED = 1516
    REQUIREMENT_SAVED = 1520
    POSITION_ASSIGNED = 1530
    POSITION_ENDED = 1531
    CALENDAR_FEED_MADE = 1540
    CALENDAR_FEED_STOPPED = 1541


register_event_types(
    TrainingAuditEvent,
    {
        TrainingAuditEvent.COURSE_SAVED: _("Course saved"),
        TrainingAuditEvent.EVENT_SAVED: _("Training event saved"),
        TrainingAuditEvent.EVENT_CANCELLED: _("Training event cancelled"),
        TrainingAuditEvent.EVENT_ANNOUNCED: _("Training event announced"),
        TrainingAuditEvent.CHECK_IN_OPENED: _("Check-in code made for a training event"),
        TrainingAuditEvent.ENROLLED: _("Enrolled in a training event"),
        TrainingAuditEvent.ENROLMENT_CANCELLED: _("Training enrolment cancelled"),
        TrainingAuditEvent.PROMOTED_FROM_WAITING_LIST: _("Moved from the waiting list to a place"),
        TrainingAuditEvent.ATTENDANCE_RECORDED: _("Attendance recorded"),
        TrainingAuditEvent.ROSTER_IMPORTED: _("Enrolments and attendance imported"),
        TrainingAuditEvent.CHECKED_IN: _("Checked in at a training event"),
        TrainingAuditEvent.COMPLETIONS_IMPORTED: _("Past completions imported"),
        TrainingAuditEvent.REQUIREMENT_SAVED: _("Training requirement saved"),
        TrainingAuditEvent.POSITION_ASSIGNED: _("Position assigned"),
        TrainingAuditEvent.POSITION_ENDED: _("Position ended"),
        TrainingAuditEvent.CALENDAR_FEED_MADE: _("Calendar address made"),
        TrainingAuditEvent.CALENDAR_FEED_STOPPED: _("Calendar address stopped"),
    },
)


def audit(
    event: TrainingAuditEvent,
    *,
    acting_user: User | None,
    organization: Organization | None,
    obj: models.Model | None = None,
    object_type: str = "",
    old: dict[str, Any] | None = None,
    new: dict[str, Any] | None = None,
) -> None:
    record(
        event,
        actor=acting_user,
        actor_name="" if acting_user is not None else "system",
        organization=organization,
        obj=obj,
        object_type=object_type,
        old=old,
        new=new,
    )
