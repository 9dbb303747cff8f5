"""Report requests and subscriptions."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from rasad.core.models import Organization, User
from rasad.jobs.exports import do_request_export
from rasad.jobs.models import ExportFile
from rasad.reports.audit import ReportAuditEvent, audit_report_requested, audit_subscription
from rasad.reports.definitions import REPORTS, organization_param
from rasad.reports.models import Frequency, ReportSubscription


@transaction.atomic
def do_request_report(
    name: str, file_format: str, params: dict[str, Any], *, acting_user: User
) -> ExportFile:
    """Ask for a report now: checked (scope, parameters), then made by a worker into "My files"."""
    export = do_request_export(
        f"report-{name}", file_format, {k: [str(v)] for k, v in params.items()}, acting_user=acting_user
    )
    audit_report_requested(export, name, organization=_organization_of(export), acting_user=acting_user)
    return export


def _organization_of(export: ExportFile) -> Organization | None:
    """The organization a report is about (its ``organization`` parameter, which the export has
    checked against the user's scope), or ``None`` for a report that names none (a baseline)."""
    values = export.params.get("organization") or [""]
    return Organization.objects.filter(pk=int(values[0])).first() if values[0].isdecimal() else None


@transaction.atomic
def do_subscribe(
    name: str, organization_id: Any, frequency: str, *, file_format: str = "pdf", acting_user: User
) -> ReportSubscription:
    definition = REPORTS.get(name)
    if definition is None or not definition.subscribable:
        raise ValidationError({"report": [_("This report cannot be subscribed to.")]})
    organization = organization_param(acting_user, organization_id, definition.permission)
    if frequency not in Frequency.values:
        raise ValidationError({"frequency": [_("Choose monthly or quarterly.")]})
    if file_format not in ("pdf", "xlsx"):
        raise ValidationError({"file_format": [_("Choose PDF or Excel.")]})
    try:
        with transaction.atomic():
            subscription = ReportSubscription.objects.create(
                user=acting_user,
                report=name,
                organization=organization,
                frequency=frequency,
                file_format=file_format,
            )
    except IntegrityError:
        raise ValidationError(
            {"frequency": [_("You already receive this report of this organization at this frequency.")]}
        ) from None
    audit_subscription(subscription, ReportAuditEvent.SUBSCRIBED, acting_user=acting_user)
    return subscription


@transaction.atomic
def do_unsubscribe(subscription: ReportSubscription, *, acting_user: User) -> None:
    locked = ReportSubscription.objects.select_for_update().get(pk=subscription.pk, user=acting_user)
    if not locked.is_active:
        return
    locked.is_active = False
    locked.save(update_fields=["is_active"])
    audit_subscription(locked, ReportAuditEvent.UNSUBSCRIBED, acting_user=acting_user)
