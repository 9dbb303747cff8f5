"""Audit events of the programmes app (codes 400-499): one small function per kind of event.

Every event is written in the lead organization's chain (the programme's owner), except a status
report, which is written in the chain of the party that submitted it."""

from __future__ import annotations

from enum import IntEnum, unique
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _

from rasad.core.audit_log import record, register_event_types

if TYPE_CHECKING:
    from django.db import models

    from rasad.core.models import Organization, User
    from rasad.programs.models import Programme, StatusReport


@unique
class ProgrammeAuditEvent(IntEnum):
    PROGRAMME_CREATED = 401
    PROGRAMME_CHANGED = 402
    PROGRAMME_TRANSITIONED = 403
    PARTY_ADDED = 404
    PARTY_CHANGED = 405
    PARTY_REMOVED = 406
    AXIS_SAVED = 410
    AXIS_DELETED = 411
    OBJECTIVE_SAVED = 412
    OBJECTIVE_DELETED = 413
    WEIGHTS_SET = 414
    ACTION_ITEM_ADDED = 420
    ACTION_ITEM_CHANGED = 421
    INDICATOR_TARGET_SAVED = 422
    INDICATOR_TARGET_DELETED = 423
    ACTION_ITEMS_IMPORTED = 424
    REPORTS_REQUESTED = 430
    REPORT_SUBMITTED = 431
    ATTACHMENT_ADDED = 440


register_event_types(
    ProgrammeAuditEvent,
    {
        ProgrammeAuditEvent.PROGRAMME_CREATED: _("Programme created"),
        ProgrammeAuditEvent.PROGRAMME_CHANGED: _("Programme changed"),
        ProgrammeAuditEvent.PROGRAMME_TRANSITIONED: _("Programme status changed"),
        ProgrammeAuditEvent.PARTY_ADDED: _("Programme party added"),
        ProgrammeAuditEvent.PARTY_CHANGED: _("Programme party changed"),
        ProgrammeAuditEvent.PARTY_REMOVED: _("Programme party removed"),
        ProgrammeAuditEvent.AXIS_SAVED: _("Programme axis saved"),
        ProgrammeAuditEvent.AXIS_DELETED: _("Programme axis deleted"),
        ProgrammeAuditEvent.OBJECTIVE_SAVED: _("Programme objective saved"),
        ProgrammeAuditEvent.OBJECTIVE_DELETED: _("Programme objective deleted"),
        ProgrammeAuditEvent.WEIGHTS_SET: _("Programme weights set"),
        ProgrammeAuditEvent.ACTION_ITEM_ADDED: _("Action item added"),
        ProgrammeAuditEvent.ACTION_ITEM_CHANGED: _("Action item changed"),
        ProgrammeAuditEvent.INDICATOR_TARGET_SAVED: _("Indicator target saved"),
        ProgrammeAuditEvent.INDICATOR_TARGET_DELETED: _("Indicator target deleted"),
        ProgrammeAuditEvent.ACTION_ITEMS_IMPORTED: _("Action items imported"),
        ProgrammeAuditEvent.REPORTS_REQUESTED: _("Quarterly status reports requested"),
        ProgrammeAuditEvent.REPORT_SUBMITTED: _("Status report submitted"),
        ProgrammeAuditEvent.ATTACHMENT_ADDED: _("Programme file attached"),
    },
)


def audit_programme(
    event: ProgrammeAuditEvent,
    programme: Programme,
    *,
    acting_user: User | None,
    obj: models.Model | None = None,
    old: dict[str, Any] | None = None,
    new: dict[str, Any] | None = None,
    extra: dict[str, Any] | None = None,
) -> None:
    """An event about ``programme`` or one of its parts (``obj``), in the lead's chain."""
    record(
        event,
        actor=acting_user,
        actor_name="" if acting_user is not None else "system",
        organization=programme.organization,
        obj=obj if obj is not None else programme,
        old=old,
        new=new,
        extra={"programme": programme.pk, **(extra or {})},
    )


def audit_reports_requested(
    *, organization: Organization, period_key: str, report_ids: list[int], digest: str
) -> None:
    """One event per batch of requests (one programme, one season): the ids and their SHA-256."""
    record(
        ProgrammeAuditEvent.REPORTS_REQUESTED,
        actor=None,
        actor_name="system",
        organization=organization,
        object_type="programs.statusreport",
        new={"period": period_key, "reports": report_ids, "sha256": digest},
    )


def audit_report_submitted(report: StatusReport, *, acting_user: User, organization: Organization) -> None:
    record(
        ProgrammeAuditEvent.REPORT_SUBMITTED,
        actor=acting_user,
        organization=organization,
        obj=report,
        new={
            "state": report.state,
            "period": report.period_key,
            "action_item": report.action_item_id,
            "case": report.case_id,
        },
        extra={"programme": report.programme_id},
    )
