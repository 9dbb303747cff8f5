"""Case actions: the workflow."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
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
    audit_case_transitioned,
)
from rasad.cases.calendar import compute_due
from rasad.cases.choices import CaseStatus, NotificationKind
from rasad.cases.models import (
    Case,
    CasePause,
)
from rasad.cases.notifications import notify
from rasad.cases.workflow import ACTION_LABELS, TRANSITIONS, Action, Party
from rasad.core.access import refusal, refuse
from rasad.core.audit_log import changes
from rasad.core.models import Organization, User
from rasad.core.scope import organization_scope, users_who_can
from rasad.lib.persian import normalize_text
from rasad.lib.stored_text import Code, StoredText, Words


def allowed_actions(case: Case, user: User) -> list[Action]:
    """The actions ``user`` may take on ``case`` now (for buttons and the API)."""
    result = []
    for (source, action), transition in TRANSITIONS.items():
        if source != case.status:
            continue
        party = case.owner_organization if transition.party == Party.OWNER else case.reporter_organization
        if organization_scope(user, Case, transition.permission).contains(party):
            result.append(action)
    return result


def may_take_steps(case: Case, user: User) -> bool:
    """Whether ``user`` may take some workflow step on ``case`` in some status: the gate before
    a step's body is read (a viewer's step is refused like a missing case, whatever it says)."""
    for transition in {(t.permission, t.party) for t in TRANSITIONS.values()}:
        permission, side = transition
        party = case.owner_organization if side == Party.OWNER else case.reporter_organization
        if organization_scope(user, Case, permission).contains(party):
            return True
    return False


def assignee_candidates(organization: Organization, viewer: User) -> models.QuerySet[User]:
    """Who may be assigned a case owned by ``organization``: the people who may work (change) its
    cases through a grant that counts now, among the people ``viewer`` may see. Platform
    administrators are candidates only through grants of their own."""
    visible = User.objects.visible_to(viewer).values("pk")
    candidates: models.QuerySet[User] = users_who_can(Case, organization, "change").filter(pk__in=visible)
    return candidates


def check_transition(case: Case, action: str, *, acting_user: User) -> Party:
    """Whether ``acting_user`` may take ``action`` on ``case`` in its current status."""
    try:
        key = Action(action)
    except ValueError:
        raise ValidationError({"action": [_("Unknown action “%(action)s”.") % {"action": action}]}) from None
    transition = TRANSITIONS.get((CaseStatus(case.status), key))
    if transition is None:
        raise ValidationError(
            {
                "action": [
                    _("“%(action)s” is not allowed while the case is “%(status)s”.")
                    % {"action": ACTION_LABELS[key], "status": CaseStatus(case.status).label}
                ]
            }
        )
    party = case.owner_organization if transition.party == Party.OWNER else case.reporter_organization
    if not organization_scope(acting_user, Case, transition.permission).contains(party):
        # A step the user may not take reads like a missing case (issue 8, "Bad input").
        raise refuse(acting_user, case, action=transition.permission)
    return transition.party


@transaction.atomic
def do_transition_case(
    case: Case,
    action: str,
    *,
    acting_user: User,
    note: str = "",
    expected_version: int | None = None,
    owner_organization: Organization | None = None,
    assignee: User | None = None,
    now: datetime | None = None,
) -> Case:
    """Take one step of the workflow (see ``rasad.cases.workflow.TRANSITIONS``)."""
    moment = _now(now)
    if not _visible(case.pk, acting_user):
        raise refusal()
    # No select_related here: PostgreSQL re-checks a locked join after waiting, and a changed
    # owner would make the row vanish instead of being re-read.
    locked: Case = Case.objects.select_for_update().get(pk=case.pk)
    if expected_version is not None and expected_version != locked.version:
        raise ValidationError({"version": [_stale_message(locked)]})
    party = check_transition(locked, action, acting_user=acting_user)
    transition = TRANSITIONS[(CaseStatus(locked.status), Action(action))]
    note = normalize_text(note or "")
    old = _tracked(locked)
    if action in (Action.REJECT, Action.RESOLVE, Action.REQUEST_INFO) and not note:
        raise ValidationError({"note": [_("Say why: a note is required for this step.")]})
    if action == Action.ASSIGN:
        _apply_assignment(locked, acting_user, owner_organization, assignee)
    elif owner_organization is not None or assignee is not None:
        raise ValidationError({"action": [_("Only the assign step takes an organization and an assignee.")]})
    source_status = locked.status
    _apply_step(locked, action, transition.to, note=note, moment=moment)
    locked.save(update_fields=[*_ASSIGNMENT_FIELDS, *_STEP_FIELDS, "last_updated"])
    _record_transition(
        locked,
        action,
        party,
        acting_user=acting_user,
        moment=moment,
        source_status=source_status,
        note=note,
        old=old,
    )
    if not _visible(locked.pk, acting_user):
        raise refusal()
    _notify_transition(locked, action, acting_user)
    _push("case.transitioned", locked)
    return locked


# What ``_apply_assignment`` and ``_apply_step`` may change: a transition saves these.
_ASSIGNMENT_FIELDS = ("owner_organization", "assignee")
_STEP_FIELDS = (
    "status",
    "resolved_at",
    "resolution",
    "closed_at",
    "sla_started_at",
    "escalation_level",
    "escalated_to",
    "deadline",
    "due_at",
    "next_escalation_at",
    "version",
)


def _tracked(case: Case) -> dict[str, Any]:
    """The fields a transition's audit row compares before and after."""
    return {
        "status": case.status,
        "owner_organization": case.owner_organization_id,
        "assignee": case.assignee_id,
        "version": case.version,
    }


def _apply_step(case: Case, action: str, to_status: str, *, note: str, moment: datetime) -> None:
    """The step's changes to the (locked) case, unsaved: its new status, the pause it starts or
    ends, its resolution and closing times, what a reopening resets, and its new due time."""
    case.status = to_status
    if action == Action.REQUEST_INFO:
        CasePause.objects.create(case=case, started=moment)
    if action == Action.PROVIDE_INFO:
        case.pauses.filter(ended__isnull=True).update(ended=moment)
    if action == Action.RESOLVE:
        case.resolved_at = moment
        case.resolution = note
    if action == Action.VERIFY:
        case.closed_at = moment
    if action == Action.REOPEN:
        case.resolved_at = None
        case.closed_at = None
        case.sla_started_at = moment
        case.escalation_level = 0
        case.escalated_to = None
        if case.deadline is not None and case.deadline < timezone.localdate(moment):
            case.deadline = None
    if action == Action.REJECT:
        case.resolution = note
    case.due_at = compute_due(case)
    if case.escalation_level == 0 or action == Action.PROVIDE_INFO:
        case.next_escalation_at = case.due_at
    case.version += 1


def _record_transition(
    case: Case,
    action: str,
    party: Party,
    *,
    acting_user: User,
    moment: datetime,
    source_status: str,
    note: str,
    old: dict[str, Any],
) -> None:
    """The step on the case's timeline, and its audit row (in the trail of the party that took
    it) with the tracked fields that changed."""
    new = _tracked(case)
    _event(
        case,
        action,
        actor=acting_user,
        created=moment,
        from_status=source_status,
        to_status=case.status,
        note=note,
        data={
            key: value
            for key, value in {
                "owner_organization": case.owner_organization_id,
                "assignee": case.assignee_id,
            }.items()
            if action == Action.ASSIGN and value is not None
        },
    )
    party_organization = case.owner_organization if party == Party.OWNER else case.reporter_organization
    before, after = changes(old, new)
    audit_case_transitioned(
        case,
        acting_user=acting_user,
        organization=party_organization,
        action=action,
        old=before,
        new=after,
    )


def _apply_assignment(
    case: Case, acting_user: User, owner_organization: Organization | None, assignee: User | None
) -> None:
    target = owner_organization or case.owner_organization
    if target.pk != case.owner_organization_id and not organization_scope(
        acting_user, Case, "assign"
    ).contains(target):
        raise ValidationError({"owner_organization": [_("You may not route cases to this organization.")]})
    if assignee is None:
        raise ValidationError({"assignee": [_("Choose the person who will work the case.")]})
    if not users_who_can(Case, target, "change").filter(pk=assignee.pk).exists():
        raise ValidationError(
            {
                "assignee": [
                    _("%(name)s cannot work cases of %(organization)s.")
                    % {"name": str(assignee), "organization": target.name}
                ]
            }
        )
    case.owner_organization = target
    case.assignee = assignee
    case.watchers.add(assignee)


def _notify_transition(case: Case, action: str, acting_user: User | None) -> None:
    # Kept as message ids and parameters: each watcher reads them in their own language.
    label = Words.of(ACTION_LABELS[Action(action)])
    status = Words.of(CaseStatus(case.status).label)
    if action == Action.ASSIGN and case.assignee is not None:
        notify(
            [case.assignee],
            case,
            NotificationKind.ASSIGNED,
            StoredText(
                gettext_noop("%(reference)s was assigned to you: %(title)s"),
                {"reference": Code(case.reference), "title": case.title},
            ),
            exclude=acting_user,
        )
    watchers = list(case.watchers.all())
    notify(
        watchers,
        case,
        NotificationKind.STATUS,
        StoredText(
            gettext_noop("%(reference)s: %(action)s, now %(status)s."),
            {"reference": Code(case.reference), "action": label, "status": status},
        ),
        exclude=acting_user,
    )
