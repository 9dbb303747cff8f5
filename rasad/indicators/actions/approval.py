"""Indicator actions: submission, approval, reopening."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rasad.core.access import ObjectNotFound
from rasad.core.models import Organization, User, common_ancestor
from rasad.core.scope import organization_scope
from rasad.indicators import rollups, validation
from rasad.indicators.audit import IndicatorAuditEvent, audit_batch
from rasad.indicators.choices import (
    ObservationStatus,
)
from rasad.indicators.models import (
    Observation,
)
from rasad.lib.events import send_event_on_commit
from rasad.lib.persian import normalize_text


def _submit(observations: Sequence[Observation], *, acting_user: User | None) -> list[Observation]:
    drafts = [o for o in observations if o.status == ObservationStatus.DRAFT]
    errors: dict[str, list[str]] = {}
    for o in drafts:
        name = f"{o.indicator.code}.{o.period_key}"
        if validation.has_errors(o.findings):
            errors[name] = [
                _("Correct the errors before submitting: %(errors)s")
                % {"errors": "; ".join(validation.message(f) for f in o.findings if f["severity"] == "error")}
            ]
        elif validation.has_warnings(o.findings) and not o.comment.strip():
            errors[name] = [
                _("Explain the warning in a comment before submitting: %(warnings)s")
                % {
                    "warnings": "; ".join(
                        validation.message(f) for f in o.findings if f["severity"] == "warning"
                    )
                }
            ]
    if errors:
        raise ValidationError(errors)
    if acting_user is not None:
        scope = organization_scope(acting_user, Observation, "submit")
        if not all(scope.contains(o.organization) for o in drafts):
            raise ObjectNotFound(_("No such object, or you may not see it."))
    now = timezone.now()
    for o in drafts:
        o.status = ObservationStatus.SUBMITTED
        o.submitted_at = now
    Observation.objects.bulk_update(drafts, ["status", "submitted_at"], batch_size=1000)
    if drafts:
        audit_batch(
            IndicatorAuditEvent.OBSERVATIONS_SUBMITTED,
            acting_user=acting_user,
            organization=common_ancestor(list({o.organization_id: o.organization for o in drafts}.values())),
            new={"count": len(drafts), "ids": sorted(o.pk for o in drafts)[:1000]},
        )
    return drafts


@transaction.atomic
def do_submit_period(
    organization: Organization, period_key: str, *, acting_user: User | None
) -> list[Observation]:
    """Submit an organization's draft values of a period (warnings need comments, errors block)."""
    observations = list(
        Observation.objects.select_for_update()
        .filter(organization=organization, period_key=period_key)
        .select_related("indicator", "organization")
    )
    if not any(o.status == ObservationStatus.DRAFT for o in observations):
        raise ValidationError({"period": [_("There is nothing to submit in this period.")]})
    submitted = _submit(observations, acting_user=acting_user)
    send_event_on_commit(
        "indicators.period.submitted", {"period": period_key}, organization_ids=[organization.pk]
    )
    return submitted


def may_approve(user: User, organization: Organization, action: str = "approve") -> bool:
    """Approval belongs to the parent: the permission must cover the organization's parent."""
    if user.is_superuser:
        return True
    if organization.parent_id is None:
        return False
    parent = organization.parent
    assert parent is not None
    return organization_scope(user, Observation, action).contains(parent)


def _approval_deltas(observations: Sequence[Observation], sign: int) -> None:
    if not observations:
        return
    deltas = rollups.Deltas()
    provinces = rollups.province_codes({o.organization_id: o.organization for o in observations}.values())
    for o in observations:
        deltas.add(
            o.organization,
            provinces[o.organization_id],
            o.indicator_id,
            o.period_key,
            o.year,
            approved_total=sign * o.value,
            approved_count=sign,
        )
    deltas.apply()


@transaction.atomic
def do_approve_period(organization: Organization, period_key: str, *, acting_user: User) -> list[Observation]:
    """The parent organization approves a period's submitted values, which locks the period."""
    if not may_approve(acting_user, organization):
        raise ObjectNotFound(_("No such object, or you may not see it."))
    observations = list(
        Observation.objects.select_for_update()
        .filter(organization=organization, period_key=period_key)
        .select_related("organization")
    )
    if any(o.status == ObservationStatus.DRAFT for o in observations):
        raise ValidationError(
            {"period": [_("Some values of this period are still drafts; they must be submitted first.")]}
        )
    pending = [o for o in observations if o.status == ObservationStatus.SUBMITTED]
    if not pending:
        raise ValidationError({"period": [_("There is nothing to approve in this period.")]})
    now = timezone.now()
    for o in pending:
        o.status = ObservationStatus.APPROVED
        o.approved_by = acting_user
        o.approved_at = now
    Observation.objects.bulk_update(pending, ["status", "approved_by", "approved_at"])
    _approval_deltas(pending, +1)
    audit_batch(
        IndicatorAuditEvent.PERIOD_APPROVED,
        acting_user=acting_user,
        organization=organization,
        new={"period": period_key, "count": len(pending)},
    )
    send_event_on_commit(
        "indicators.period.approved", {"period": period_key}, organization_ids=[organization.pk]
    )
    return pending


@transaction.atomic
def do_reopen_period(
    organization: Organization, period_key: str, *, acting_user: User, reason: str
) -> list[Observation]:
    """Unlock an approved period for correction: audited, with a reason; values go back to draft."""
    if not may_approve(acting_user, organization, "reopen"):
        raise ObjectNotFound(_("No such object, or you may not see it."))
    if not reason.strip():
        raise ValidationError({"reason": [_("Say why the approved values must be corrected.")]})
    approved = list(
        Observation.objects.select_for_update()
        .filter(organization=organization, period_key=period_key, status=ObservationStatus.APPROVED)
        .select_related("organization")
    )
    if not approved:
        raise ValidationError({"period": [_("This period is not approved.")]})
    _approval_deltas(approved, -1)
    for o in approved:
        o.status = ObservationStatus.DRAFT
        o.approved_by = None
        o.approved_at = None
    Observation.objects.bulk_update(approved, ["status", "approved_by", "approved_at"])
    audit_batch(
        IndicatorAuditEvent.PERIOD_REOPENED,
        acting_user=acting_user,
        organization=organization,
        new={"period": period_key, "count": len(approved)},
        extra={"reason": normalize_text(reason)},
    )
    send_event_on_commit(
        "indicators.period.reopened", {"period": period_key}, organization_ids=[organization.pk]
    )
    return approved
