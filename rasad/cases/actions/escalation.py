"""Case actions: escalation."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from rasad.cases.actions.common import (
    _event,
    _now,
    _push,
    _stale_message,
    _visible,
)
from rasad.cases.audit import (
    audit_case_escalated,
)
from rasad.cases.choices import OPEN_STATUSES, CaseStatus, NotificationKind
from rasad.cases.models import (
    Case,
)
from rasad.cases.notifications import notify
from rasad.core.access import refusal, refuse
from rasad.core.models import Organization, User
from rasad.core.scope import organization_scope, users_who_can
from rasad.lib.persian import normalize_text
from rasad.lib.stored_text import Code, Param, Person, StoredText


def escalation_target(case: Case) -> Organization | None:
    """The next organization up the tree from the owner, above the last escalation."""
    ancestors = list(reversed(case.owner_organization.ancestor_ids()))
    if case.escalation_level >= len(ancestors):
        return None
    return Organization.objects.filter(pk=ancestors[case.escalation_level]).first()


@transaction.atomic
def do_escalate_case(case: Case, *, now: datetime | None = None) -> Case | None:
    """Escalate an overdue case one level up its owner's tree. Idempotent: a case is escalated
    again only when its next escalation moment has passed, and that moment moves on by one
    SLA budget (working time) each time. Returns None when there was nothing to do."""
    from rasad.cases.calendar import budget_for, current_calendar
    from rasad.cases.sla import add_working_time

    moment = _now(now)
    locked: Case | None = (
        Case.objects.select_for_update()
        .filter(pk=case.pk, status__in=OPEN_STATUSES, next_escalation_at__lte=moment)
        .exclude(status=CaseStatus.WAITING)
        .first()
    )
    if locked is None:
        return None
    target = escalation_target(locked)
    if target is None:
        locked.next_escalation_at = None
        locked.save(update_fields=["next_escalation_at"])
        return None
    locked.next_escalation_at = add_working_time(
        current_calendar(), moment, budget_for(locked.kind, locked.priority)
    )
    _escalate(locked, target, moment=moment)
    return locked


def may_escalate_owner_cases(case: Case, user: User) -> bool:
    """Whether ``user`` may assign the cases of ``case``'s owner: who may escalate it by hand
    (the gate before a request's body is read)."""
    return organization_scope(user, Case, "assign").contains(case.owner_organization)


def may_escalate(case: Case, user: User) -> bool:
    """Whether ``user`` may send ``case`` up its owner's tree by hand now: someone who may assign
    the owner's cases, on an open case that has a level above it (for buttons and the API)."""
    return (
        case.status in OPEN_STATUSES
        and escalation_target(case) is not None
        and may_escalate_owner_cases(case, user)
    )


@transaction.atomic
def do_escalate_case_by_hand(
    case: Case, *, acting_user: User, reason: str, expected_version: int | None = None
) -> Case:
    """A person sends a case one level up its owner's tree before its deadline forces it (a
    command centre calling its province in): the same escalation as the SLA job's, with the
    person and their reason on the timeline, in the audit trail and in the notification. The
    SLA clock is not reset: if the case stays overdue, the job escalates it further."""
    if not _visible(case.pk, acting_user):
        raise refusal()
    locked: Case = Case.objects.select_for_update().select_related("owner_organization").get(pk=case.pk)
    if not may_escalate_owner_cases(locked, acting_user):
        raise refuse(acting_user, locked, action="escalate")
    reason = normalize_text(reason or "").strip()
    errors: dict[str, list[str]] = {}
    if not reason:
        errors["reason"] = [_("Say why the case goes up a level.")]
    if expected_version is not None and expected_version != locked.version:
        errors["version"] = [_stale_message(locked)]
    if locked.status not in OPEN_STATUSES:
        errors["status"] = [_("Only an open case is escalated.")]
    target = escalation_target(locked)
    if target is None and "status" not in errors:
        errors["status"] = [_("This case is already at the top of its organization's tree.")]
    if errors:
        raise ValidationError(errors)
    assert target is not None
    _escalate(locked, target, moment=_now(None), acting_user=acting_user, reason=reason)
    return locked


def _escalate(
    locked: Case, target: Organization, *, moment: datetime, acting_user: User | None = None, reason: str = ""
) -> None:
    """One level up, by the SLA job (no ``acting_user``) or by a person: the case, its timeline,
    the audit event and the notification of those who may assign the target's cases."""
    locked.escalation_level += 1
    locked.escalated_to = target
    locked.version += 1
    locked.save(
        update_fields=["escalation_level", "escalated_to", "next_escalation_at", "version", "last_updated"]
    )
    data: dict[str, object] = {
        "escalated_to": target.pk,
        "escalated_to_name": target.name,
        "level": locked.escalation_level,
    }
    _event(
        locked,
        "escalate",
        actor=acting_user,
        created=moment,
        from_status=locked.status,
        to_status=locked.status,
        note=reason,
        data=data,
    )
    audit_case_escalated(
        locked, organization=target, level=locked.escalation_level, acting_user=acting_user, reason=reason
    )
    # Kept as a message id and parameters: each reader reads it in their own language and digits.
    values: dict[str, Param] = {"reference": Code(locked.reference), "organization": target.name}
    if acting_user is None:
        text = StoredText(
            gettext_noop("%(reference)s is overdue and was escalated to %(organization)s."), values
        )
    else:
        text = StoredText(
            gettext_noop("%(person)s escalated %(reference)s to %(organization)s: %(reason)s"),
            # A notification holds 400 characters; the whole reason is on the case's timeline.
            {**values, "person": Person.of(acting_user), "reason": Truncator(reason).chars(200)},
        )
    notify(
        [*users_who_can(Case, target, "assign"), *locked.watchers.all()],
        locked,
        NotificationKind.ESCALATED,
        text,
        exclude=acting_user,
    )
    _push("case.escalated", locked)
