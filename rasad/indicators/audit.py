"""Audit events of the indicators app (codes 200-299): one small function per event."""

from __future__ import annotations

from enum import IntEnum, unique
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _

from rasad.core.audit_log import Appending, appending, record, register_event_types

if TYPE_CHECKING:
    from django.db import models

    from rasad.core.models import Organization, User


@unique
class IndicatorAuditEvent(IntEnum):
    INDICATOR_SAVED = 201
    ASSIGNMENT_SAVED = 202
    ASSIGNMENT_DELETED = 203
    OBSERVATIONS_RECORDED = 210
    OBSERVATIONS_SUBMITTED = 211
    PERIOD_APPROVED = 212
    PERIOD_REOPENED = 213
    TARGET_SAVED = 220
    TARGET_DELETED = 221
    ALERT_RAISED = 222
    ALERT_CLOSED = 223
    BASELINE_SAVED = 230
    SCORECARD_SAVED = 240
    REPORT_DUE_NOTIFIED = 250
    REPORT_OVERDUE_NOTIFIED = 251


register_event_types(
    IndicatorAuditEvent,
    {
        IndicatorAuditEvent.INDICATOR_SAVED: _("Indicator saved"),
        IndicatorAuditEvent.ASSIGNMENT_SAVED: _("Indicator assigned"),
        IndicatorAuditEvent.ASSIGNMENT_DELETED: _("Indicator assignment removed"),
        IndicatorAuditEvent.OBSERVATIONS_RECORDED: _("Indicator values recorded"),
        IndicatorAuditEvent.OBSERVATIONS_SUBMITTED: _("Indicator values submitted"),
        IndicatorAuditEvent.PERIOD_APPROVED: _("Reporting period approved"),
        IndicatorAuditEvent.PERIOD_REOPENED: _("Reporting period reopened"),
        IndicatorAuditEvent.TARGET_SAVED: _("Target saved"),
        IndicatorAuditEvent.TARGET_DELETED: _("Target deleted"),
        IndicatorAuditEvent.ALERT_RAISED: _("Threshold breached"),
        IndicatorAuditEvent.ALERT_CLOSED: _("Alert closed"),
        IndicatorAuditEvent.BASELINE_SAVED: _("Energy baseline saved"),
        IndicatorAuditEvent.SCORECARD_SAVED: _("Scorecard saved"),
        IndicatorAuditEvent.REPORT_DUE_NOTIFIED: _("Reporters told a report falls due"),
        IndicatorAuditEvent.REPORT_OVERDUE_NOTIFIED: _("Reporters told a report is overdue"),
    },
)


def audit_object(
    event: IndicatorAuditEvent,
    obj: models.Model,
    *,
    acting_user: User | None,
    organization: Organization | None = None,
    old: dict[str, Any] | None = None,
    new: dict[str, Any] | None = None,
) -> None:
    record(event, actor=acting_user, organization=organization, obj=obj, old=old, new=new)


def audit_batch(
    event: IndicatorAuditEvent,
    *,
    acting_user: User | None,
    organization: Organization | None,
    new: dict[str, Any],
    extra: dict[str, Any] | None = None,
) -> None:
    """Bulk operations write one event per batch carrying the batch's SHA-256."""
    record(event, **_batch_event(acting_user, organization, new, extra))


def appending_batch(
    event: IndicatorAuditEvent,
    *,
    acting_user: User | None,
    organization: Organization | None,
    new: dict[str, Any],
    extra: dict[str, Any] | None = None,
) -> Appending:
    """``audit_batch``'s event, for a statement of the caller's to append on PostgreSQL
    (``rasad.core.audit_log.appending``)."""
    return appending(event, **_batch_event(acting_user, organization, new, extra))


def _batch_event(
    acting_user: User | None,
    organization: Organization | None,
    new: dict[str, Any],
    extra: dict[str, Any] | None,
) -> dict[str, Any]:
    return {
        "actor": acting_user,
        "organization": organization,
        "object_type": "indicators.observation",
        "new": new,
        "extra": extra,
    }
