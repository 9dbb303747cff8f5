"""Audit events of the assessments app (codes 500-599): one small function per kind of event."""

from __future__ import annotations

from enum import IntEnum, unique
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _

from rasad.core.audit_log import record, register_event_types

if TYPE_CHECKING:
    from django.db import models

    from rasad.assessments.models import Assessment, Cycle, Instrument
    from rasad.cases.models import Case
    from rasad.core.models import Organization, User


@unique
class AssessmentAuditEvent(IntEnum):
    INSTRUMENT_CREATED = 501
    INSTRUMENT_CHANGED = 502
    INSTRUMENT_VERSIONED = 503
    INSTRUMENT_PUBLISHED = 504
    INSTRUMENT_IMPORTED = 505
    INSTRUMENT_DELETED = 506
    INSTRUMENT_PART_SAVED = 507
    INSTRUMENT_PART_DELETED = 508
    CYCLE_SAVED = 510
    CYCLE_LAUNCHED = 511
    CYCLE_CLOSED = 512
    CYCLE_AUDIT_NAMED = 513
    CYCLE_DELETED = 514
    CYCLE_AUDIT_REMOVED = 515
    ANSWERS_SAVED = 520
    EVIDENCE_ADDED = 521
    EVIDENCE_REMOVED = 522
    ASSESSMENT_SUBMITTED = 523
    ASSESSMENT_REOPENED = 524
    INDICATOR_ANSWERS_FILLED = 525
    ASSESSOR_ASSIGNED = 530
    ASSESSOR_WITHDRAWN = 531
    REVIEW_SCORES_SAVED = 532
    REVIEW_SUBMITTED = 533
    CONSENSUS_SAVED = 534
    CONSENSUS_AGREED = 535
    AUDIT_STARTED = 536
    FEEDBACK_SAVED = 537
    ASSESSMENT_FINALIZED = 540
    FINDING_CASE_OPENED = 541
    RISK_PROPOSED = 542
    RISK_RATED = 550
    RISK_ACTION_ADDED = 551
    RISK_ACTION_DONE = 552
    RISK_RATINGS_IMPORTED = 553


register_event_types(
    AssessmentAuditEvent,
    {
        AssessmentAuditEvent.INSTRUMENT_CREATED: _("Assessment instrument created"),
        AssessmentAuditEvent.INSTRUMENT_CHANGED: _("Assessment instrument changed"),
        AssessmentAuditEvent.INSTRUMENT_VERSIONED: _("New version of an assessment instrument"),
        AssessmentAuditEvent.INSTRUMENT_PUBLISHED: _("Assessment instrument published"),
        AssessmentAuditEvent.INSTRUMENT_IMPORTED: _("Assessment instrument imported from a spreadsheet"),
        AssessmentAuditEvent.INSTRUMENT_DELETED: _("Assessment instrument deleted"),
        AssessmentAuditEvent.INSTRUMENT_PART_SAVED: _("Part of an assessment instrument saved"),
        AssessmentAuditEvent.INSTRUMENT_PART_DELETED: _("Part of an assessment instrument deleted"),
        AssessmentAuditEvent.CYCLE_SAVED: _("Assessment cycle saved"),
        AssessmentAuditEvent.CYCLE_LAUNCHED: _("Assessment cycle launched"),
        AssessmentAuditEvent.CYCLE_CLOSED: _("Assessment cycle closed and results published"),
        AssessmentAuditEvent.CYCLE_AUDIT_NAMED: _("Auditing agency named for an assessment cycle"),
        AssessmentAuditEvent.CYCLE_DELETED: _("Assessment cycle deleted"),
        AssessmentAuditEvent.CYCLE_AUDIT_REMOVED: _("Auditing agency removed from an assessment cycle"),
        AssessmentAuditEvent.ANSWERS_SAVED: _("Self-assessment answers saved"),
        AssessmentAuditEvent.EVIDENCE_ADDED: _("Evidence added to an assessment"),
        AssessmentAuditEvent.EVIDENCE_REMOVED: _("Evidence removed from an assessment"),
        AssessmentAuditEvent.ASSESSMENT_SUBMITTED: _("Self-assessment submitted"),
        AssessmentAuditEvent.ASSESSMENT_REOPENED: _("Self-assessment reopened"),
        AssessmentAuditEvent.INDICATOR_ANSWERS_FILLED: _("Answers filled from approved indicator values"),
        AssessmentAuditEvent.ASSESSOR_ASSIGNED: _("Assessor assigned"),
        AssessmentAuditEvent.ASSESSOR_WITHDRAWN: _("Assessor withdrawn"),
        AssessmentAuditEvent.REVIEW_SCORES_SAVED: _("Review scores saved"),
        AssessmentAuditEvent.REVIEW_SUBMITTED: _("Review submitted"),
        AssessmentAuditEvent.CONSENSUS_SAVED: _("Consensus scores saved"),
        AssessmentAuditEvent.CONSENSUS_AGREED: _("Consensus confirmed"),
        AssessmentAuditEvent.AUDIT_STARTED: _("Audit of an assessment taken up"),
        AssessmentAuditEvent.FEEDBACK_SAVED: _("Assessment feedback saved"),
        AssessmentAuditEvent.ASSESSMENT_FINALIZED: _("Assessment finalized"),
        AssessmentAuditEvent.FINDING_CASE_OPENED: _("Case opened for a non-compliant section"),
        AssessmentAuditEvent.RISK_PROPOSED: _("Risk proposed from a non-compliant section"),
        AssessmentAuditEvent.RISK_RATED: _("Risk rated (residual risk and next review)"),
        AssessmentAuditEvent.RISK_ACTION_ADDED: _("Risk treatment action added"),
        AssessmentAuditEvent.RISK_ACTION_DONE: _("Risk treatment action done"),
        AssessmentAuditEvent.RISK_RATINGS_IMPORTED: _("Risk ratings imported from a spreadsheet"),
    },
)


def audit_instrument(
    event: AssessmentAuditEvent,
    instrument: Instrument,
    *,
    acting_user: User | None,
    old: dict[str, Any] | None = None,
    new: dict[str, Any] | None = None,
    extra: dict[str, Any] | None = None,
) -> None:
    record(
        event,
        actor=acting_user,
        organization=instrument.owner,
        obj=instrument,
        old=old,
        new=new,
        extra=extra,
    )


def audit_part(
    event: AssessmentAuditEvent,
    instrument: Instrument,
    part: models.Model,
    *,
    acting_user: User | None,
    old: dict[str, Any] | None = None,
    new: dict[str, Any] | None = None,
) -> None:
    record(
        event,
        actor=acting_user,
        organization=instrument.owner,
        obj=part,
        old=old,
        new=new,
        extra={"instrument": instrument.pk, "version": instrument.version},
    )


def audit_cycle(
    event: AssessmentAuditEvent,
    cycle: Cycle,
    *,
    acting_user: User | None,
    old: dict[str, Any] | None = None,
    new: dict[str, Any] | None = None,
    obj: models.Model | None = None,
) -> None:
    record(event, actor=acting_user, organization=cycle.organization, obj=obj or cycle, old=old, new=new)


def audit_assessment(
    event: AssessmentAuditEvent,
    assessment: Assessment,
    *,
    acting_user: User | None,
    obj: models.Model | None = None,
    old: dict[str, Any] | None = None,
    new: dict[str, Any] | None = None,
    organization: Organization | None = None,
) -> None:
    """Events about one assessment go on the chain of the organization that did the thing: the
    assessed organization for its answers, the assessor's or auditor's organization for theirs,
    the cycle's owner for its decisions (``organization``; default: the assessed one)."""
    record(
        event,
        actor=acting_user,
        organization=organization or assessment.organization,
        obj=obj or assessment,
        old=old,
        new=new,
        extra={"assessment": assessment.pk, "cycle": assessment.cycle_id},
    )


def audit_risk(
    event: AssessmentAuditEvent,
    case: Case,
    *,
    acting_user: User | None,
    obj: models.Model | None = None,
    old: dict[str, Any] | None = None,
    new: dict[str, Any] | None = None,
) -> None:
    """Events of the risk register go on the chain of the organization that owns the risk."""
    record(
        event,
        actor=acting_user,
        organization=case.owner_organization,
        obj=obj or case,
        old=old,
        new=new,
        extra={"case": case.pk, "reference": case.reference},
    )
