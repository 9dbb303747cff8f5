"""Audit events of the green-jobs app (codes 1600-1699), written in the chain of the organization
that owns the changed record."""

from __future__ import annotations

from enum import IntEnum, unique
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _

from rasad.core.audit_log import record, register_event_types

if TYPE_CHECKING:
    from django.db import models

    from rasad.core.models import Organization, User


@unique
class GreenAuditEvent(IntEnum):
    OCCUPATION_SAVED = 1601
    BUSINESS_SAVED = 1602
    SCHEME_SAVED = 1610
    APPLICATION_SUBMITTED = 1620
    APPLICATION_RESUBMITTED = 1621
    ELIGIBILITY_CHECKED = 1622
    COMPLIANCE_CONFIRMED = 1623
    TRAINING_CONFIRMED = 1624
    APPLICATION_APPROVED = 1625
    INSTALMENT_PAID = 1626
    APPLICATION_CLOSED = 1627
    APPLICATION_RETURNED = 1628
    APPLICATION_REFUSED = 1629
    CERTIFICATE_REQUESTED = 1640
    SITE_VISIT_RECORDED = 1641
    CERTIFICATE_GRANTED = 1642
    CERTIFICATE_REFUSED = 1643
    CERTIFICATE_EXPIRY_NOTIFIED = 1644
    OUTCOME_REPORTED = 1650
    OUTCOME_DUE_NOTIFIED = 1651
    OUTCOME_OVERDUE_NOTIFIED = 1652


register_event_types(
    GreenAuditEvent,
    {
        GreenAuditEvent.OCCUPATION_SAVED: _("Green occupation saved"),
        GreenAuditEvent.BUSINESS_SAVED: _("Green business saved"),
        GreenAuditEvent.SCHEME_SAVED: _("Incentive scheme saved"),
        GreenAuditEvent.APPLICATION_SUBMITTED: _("Incentive application submitted"),
        GreenAuditEvent.APPLICATION_RESUBMITTED: _("Incentive application corrected and resubmitted"),
        GreenAuditEvent.ELIGIBILITY_CHECKED: _("Eligibility checked by the labour office"),
        GreenAuditEvent.COMPLIANCE_CONFIRMED: _("Environmental compliance confirmed"),
        GreenAuditEvent.TRAINING_CONFIRMED: _("Training requirement confirmed"),
        GreenAuditEvent.APPLICATION_APPROVED: _("Incentive application approved"),
        GreenAuditEvent.INSTALMENT_PAID: _("Instalment paid"),
        GreenAuditEvent.APPLICATION_CLOSED: _("Incentive application closed"),
        GreenAuditEvent.APPLICATION_RETURNED: _("Incentive application returned for correction"),
        GreenAuditEvent.APPLICATION_REFUSED: _("Incentive application refused"),
        GreenAuditEvent.CERTIFICATE_REQUESTED: _("Green certification requested"),
        GreenAuditEvent.SITE_VISIT_RECORDED: _("Site visit for green certification recorded"),
        GreenAuditEvent.CERTIFICATE_GRANTED: _("Green certificate granted"),
        GreenAuditEvent.CERTIFICATE_REFUSED: _("Green certification refused"),
        GreenAuditEvent.CERTIFICATE_EXPIRY_NOTIFIED: _("Business told its green certificate expires soon"),
        GreenAuditEvent.OUTCOME_REPORTED: _("Outcomes of a funded application reported"),
        GreenAuditEvent.OUTCOME_DUE_NOTIFIED: _("Business told an outcome report falls due soon"),
        GreenAuditEvent.OUTCOME_OVERDUE_NOTIFIED: _("Business told an outcome report is overdue"),
    },
)


def audit(
    event: GreenAuditEvent,
    *,
    acting_user: User | None,
    organization: Organization | None,
    obj: models.Model | None = None,
    old: dict[str, Any] | None = None,
    new: dict[str, Any] | None = None,
) -> None:
    record(
        event,
        actor=acting_user,
        actor_name="" if acting_user is not None else "system",
        organization=organization,
        obj=obj,
        old=old,
        new=new,
    )
