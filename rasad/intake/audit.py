"""Audit events of the intake app (codes 700-799): one small function per event."""

from __future__ import annotations

from enum import IntEnum, unique
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _

from rasad.core.audit_log import record, register_event_types

if TYPE_CHECKING:
    from django.db import models

    from rasad.core.models import User
    from rasad.intake.models import IntakeDocument, OrganizationAlias, Proposal


@unique
class IntakeAuditEvent(IntEnum):
    DOCUMENT_SUBMITTED = 701
    DOCUMENT_DELETED = 702
    PROPOSAL_ACCEPTED = 710
    PROPOSALS_REJECTED = 711
    PROPOSAL_CORRECTED = 712
    ALIAS_ADDED = 720
    ALIAS_CHANGED = 721
    ALIAS_DELETED = 722


register_event_types(
    IntakeAuditEvent,
    {
        IntakeAuditEvent.DOCUMENT_SUBMITTED: _("Document submitted for intake"),
        IntakeAuditEvent.DOCUMENT_DELETED: _("Intake document deleted"),
        IntakeAuditEvent.PROPOSAL_ACCEPTED: _("Intake proposal accepted"),
        IntakeAuditEvent.PROPOSALS_REJECTED: _("Intake proposals rejected"),
        IntakeAuditEvent.PROPOSAL_CORRECTED: _("Intake proposal corrected"),
        IntakeAuditEvent.ALIAS_ADDED: _("Organization alias added"),
        IntakeAuditEvent.ALIAS_CHANGED: _("Organization alias changed"),
        IntakeAuditEvent.ALIAS_DELETED: _("Organization alias deleted"),
    },
)


def audit_document_submitted(document: IntakeDocument, *, acting_user: User, proposals: int) -> None:
    record(
        IntakeAuditEvent.DOCUMENT_SUBMITTED,
        actor=acting_user,
        organization=document.organization,
        obj=document,
        new={
            "title": document.title,
            "source_kind": document.source_kind,
            "sha256": document.sha256,
            "proposals": proposals,
        },
    )


def audit_document_deleted(document: IntakeDocument, *, acting_user: User) -> None:
    record(
        IntakeAuditEvent.DOCUMENT_DELETED,
        actor=acting_user,
        organization=document.organization,
        obj=document,
        old={"title": document.title, "sha256": document.sha256},
    )


def audit_proposal_accepted(
    proposal: Proposal, created: models.Model | None, *, acting_user: User, target: str
) -> None:
    """One event per accepted proposal, naming the record it became (if any)."""
    record(
        IntakeAuditEvent.PROPOSAL_ACCEPTED,
        actor=acting_user,
        organization=proposal.document.organization,
        obj=proposal,
        new={
            "target": target,
            "record_type": created._meta.label_lower if created is not None else "",
            "record_id": str(created.pk) if created is not None else "",
            "document": proposal.document_id,
            "spans": proposal.spans,
        },
    )


def audit_proposals_rejected(document: IntakeDocument, keys: list[str], *, acting_user: User) -> None:
    record(
        IntakeAuditEvent.PROPOSALS_REJECTED,
        actor=acting_user,
        organization=document.organization,
        obj=document,
        new={"rejected": keys},
    )


def audit_proposal_corrected(
    proposal: Proposal, *, acting_user: User, old: dict[str, Any], new: dict[str, Any]
) -> None:
    record(
        IntakeAuditEvent.PROPOSAL_CORRECTED,
        actor=acting_user,
        organization=proposal.document.organization,
        obj=proposal,
        old=old,
        new=new,
    )


def audit_alias(
    event: IntakeAuditEvent,
    alias: OrganizationAlias,
    *,
    acting_user: User | None,
    old: dict[str, Any] | None = None,
    new: dict[str, Any] | None = None,
) -> None:
    record(event, actor=acting_user, organization=alias.organization, obj=alias, old=old, new=new)
