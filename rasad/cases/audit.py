"""Audit events of the cases app (codes 300-399): one small function per event."""

from __future__ import annotations

from enum import IntEnum, unique
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _

from rasad.core.audit_log import record, register_event_types

if TYPE_CHECKING:
    from rasad.cases.models import Attachment, Case, Comment, Dossier
    from rasad.core.models import Organization, User


@unique
class CaseAuditEvent(IntEnum):
    CASE_OPENED = 301
    CASE_CHANGED = 302
    CASE_TRANSITIONED = 303
    CASE_ASSIGNED = 304
    CASE_ESCALATED = 305
    CASES_MERGED = 306
    BREACH_ADDED = 307
    OCCURRENCE_ADDED = 308
    COMMENT_ADDED = 310
    ATTACHMENT_ADDED = 311
    DOSSIER_FORWARDED = 320
    HOLIDAY_CHANGED = 330
    CALENDAR_CHANGED = 331
    DUE_TIMES_RECOMPUTED = 332


register_event_types(
    CaseAuditEvent,
    {
        CaseAuditEvent.CASE_OPENED: _("Case opened"),
        CaseAuditEvent.CASE_CHANGED: _("Case changed"),
        CaseAuditEvent.CASE_TRANSITIONED: _("Case status changed"),
        CaseAuditEvent.CASE_ASSIGNED: _("Case assigned"),
        CaseAuditEvent.CASE_ESCALATED: _("Case escalated"),
        CaseAuditEvent.CASES_MERGED: _("Cases merged"),
        CaseAuditEvent.BREACH_ADDED: _("Threshold breach added to the case"),
        CaseAuditEvent.OCCURRENCE_ADDED: _("A new occurrence of the problem added to the case"),
        CaseAuditEvent.COMMENT_ADDED: _("Comment added"),
        CaseAuditEvent.ATTACHMENT_ADDED: _("Attachment added"),
        CaseAuditEvent.DOSSIER_FORWARDED: _("Dossier forwarded"),
        CaseAuditEvent.HOLIDAY_CHANGED: _("Holiday changed"),
        CaseAuditEvent.CALENDAR_CHANGED: _("Working calendar changed"),
        CaseAuditEvent.DUE_TIMES_RECOMPUTED: _("Due times recomputed"),
    },
)


def audit_case_opened(case: Case, *, acting_user: User | None, values: dict[str, Any]) -> None:
    record(
        CaseAuditEvent.CASE_OPENED,
        actor=acting_user,
        organization=case.reporter_organization,
        obj=case,
        new=values,
        actor_name="" if acting_user else "system",
    )


def audit_occurrence_added(
    case: Case, event: CaseAuditEvent, *, data: dict[str, Any], old_priority: str
) -> None:
    """A later signal of the same problem joined an open case (``BREACH_ADDED`` for an
    indicator's breach, ``OCCURRENCE_ADDED`` for the others)."""
    label = "breach" if event == CaseAuditEvent.BREACH_ADDED else "occurrence"
    record(
        event,
        actor=None,
        organization=case.reporter_organization,
        obj=case,
        old={"priority": old_priority} if old_priority != case.priority else {},
        new={label: data, **({"priority": case.priority} if old_priority != case.priority else {})},
        actor_name="system",
    )


def audit_case_changed(
    case: Case, *, acting_user: User | None, old: dict[str, Any], new: dict[str, Any]
) -> None:
    record(
        CaseAuditEvent.CASE_CHANGED,
        actor=acting_user,
        organization=case.reporter_organization,
        obj=case,
        old=old,
        new=new,
    )


def audit_case_transitioned(
    case: Case,
    *,
    acting_user: User | None,
    organization: Organization,
    action: str,
    old: dict[str, Any],
    new: dict[str, Any],
) -> None:
    event = CaseAuditEvent.CASE_ASSIGNED if action == "assign" else CaseAuditEvent.CASE_TRANSITIONED
    record(
        event,
        actor=acting_user,
        organization=organization,
        obj=case,
        old=old,
        new=new,
        extra={"action": action},
    )


def audit_case_escalated(
    case: Case, *, organization: Organization, level: int, acting_user: User | None = None, reason: str = ""
) -> None:
    """An escalation: by the SLA job (no actor) or by a person, with their reason."""
    new: dict[str, object] = {"escalated_to": organization.pk, "escalation_level": level}
    if reason:
        new["reason"] = reason
    record(
        CaseAuditEvent.CASE_ESCALATED,
        actor=acting_user,
        actor_name="" if acting_user is not None else "system",
        organization=case.owner_organization,
        obj=case,
        new=new,
    )


def audit_cases_merged(primary: Case, *, acting_user: User, duplicate_ids: list[int]) -> None:
    record(
        CaseAuditEvent.CASES_MERGED,
        actor=acting_user,
        organization=primary.reporter_organization,
        obj=primary,
        new={"duplicates": duplicate_ids},
    )


def audit_comment_added(comment: Comment, *, acting_user: User) -> None:
    record(
        CaseAuditEvent.COMMENT_ADDED,
        actor=acting_user,
        organization=comment.case.reporter_organization,
        obj=comment,
        # Never the text (a confidential comment's object_repr is "[confidential]" too).
        new={
            "case": comment.case_id,
            "mentions": sorted(u.pk for u in comment.mentions.all()),
            "confidential": comment.confidential,
        },
    )


def audit_attachment_added(attachment: Attachment, *, acting_user: User) -> None:
    record(
        CaseAuditEvent.ATTACHMENT_ADDED,
        actor=acting_user,
        organization=attachment.case.reporter_organization,
        obj=attachment,
        new={
            "case": attachment.case_id,
            "name": attachment.name,
            "size": attachment.size,
            "sha256": attachment.sha256,
        },
    )


def audit_dossier_forwarded(dossier: Dossier, *, acting_user: User, case_ids: list[int]) -> None:
    record(
        CaseAuditEvent.DOSSIER_FORWARDED,
        actor=acting_user,
        organization=dossier.from_organization,
        obj=dossier,
        new={"to_organization": dossier.to_organization_id, "cases": case_ids},
    )


def audit_calendar_event(
    event: CaseAuditEvent,
    *,
    acting_user: User | None,
    obj: Any = None,
    old: dict[str, Any] | None = None,
    new: dict[str, Any] | None = None,
) -> None:
    record(
        event,
        actor=acting_user,
        obj=obj,
        old=old,
        new=new,
        object_type="cases.holiday" if obj is None else "",
    )
