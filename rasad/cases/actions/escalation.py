"""Case actions: escalation."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from rasad.cases.actions.common import (
    _event,
    _now,
    _push,
)
from rasad.cases.audit import (
    audit_case_escalated,
)
from rasad.cases.choices import OPEN_STATUSES, CaseStatus, NotificationKind
from rasad.cases.models import (
    Case,
)
from rasad.cases.notifications import notify
from rasad.core.models import Organization
from rasad.core.scope import users_who_can
from rasad.lib import formatting


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
    locked.escalation_level += 1
    locked.escalated_to = target
    locked.next_escalation_at = add_working_time(
        current_calendar(), moment, budget_for(locked.kind, locked.priority)
    )
    locked.version += 1
    locked.save()
    _event(
        locked,
        "escalate",
        actor=None,
        created=moment,
        from_status=locked.status,
        to_status=locked.status,
        data={"escalated_to": target.pk, "escalated_to_name": target.name, "level": locked.escalation_level},
    )
    audit_case_escalated(locked, organization=target, level=locked.escalation_level)
    notify(
        [*users_who_can(Case, target, "assign"), *locked.watchers.all()],
        locked,
        NotificationKind.ESCALATED,
        _("%(reference)s is overdue and was escalated to %(organization)s.")
        % {"reference": formatting.digits(locked.reference), "organization": target.name},
    )
    _push("case.escalated", locked)
    return locked
