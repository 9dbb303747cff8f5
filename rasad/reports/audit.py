"""Audit events of the reports app (codes 1250-1299)."""

from __future__ import annotations

from enum import IntEnum, unique
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from rasad.core.audit_log import record, register_event_types

if TYPE_CHECKING:
    from rasad.core.models import User
    from rasad.reports.models import ReportSubscription


@unique
class ReportAuditEvent(IntEnum):
    REPORT_REQUESTED = 1251
    SUBSCRIBED = 1252
    UNSUBSCRIBED = 1253


register_event_types(
    ReportAuditEvent,
    {
        ReportAuditEvent.REPORT_REQUESTED: _("Report requested"),
        ReportAuditEvent.SUBSCRIBED: _("Report subscription added"),
        ReportAuditEvent.UNSUBSCRIBED: _("Report subscription ended"),
    },
)


def audit_subscription(
    subscription: ReportSubscription, event: ReportAuditEvent, *, acting_user: User
) -> None:
    record(
        event,
        actor=acting_user,
        organization=subscription.organization,
        obj=subscription,
        new={
            "report": subscription.report,
            "frequency": subscription.frequency,
            "format": subscription.file_format,
        },
    )
