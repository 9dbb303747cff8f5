"""Audit events of the reports app (codes 1250-1299)."""

from __future__ import annotations

from enum import IntEnum, unique
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from rasad.core.audit_log import record, register_event_types

if TYPE_CHECKING:
    from rasad.core.models import Organization, User
    from rasad.jobs.models import ExportFile
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


def audit_report_requested(
    export: ExportFile, report: str, *, organization: Organization | None, acting_user: User
) -> None:
    """A report asked for now. The export beside it records the file (``EXPORT_REQUESTED``);
    this event names the report and, for a report about an organization, is that organization's."""
    record(
        ReportAuditEvent.REPORT_REQUESTED,
        actor=acting_user,
        organization=organization,
        obj=export,
        new={"report": report, "format": export.file_format, "params": export.params},
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
