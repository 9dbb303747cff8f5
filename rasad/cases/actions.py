"""Every state change of the cases app. ``check_*`` validates, ``do_*`` executes.

Each ``do_*`` runs in one transaction, writes the case timeline (CaseEvent) and the audit trail,
and sends its push event and notifications only after commit. Transitions lock the case row
(``SELECT ... FOR UPDATE``) and compare ``version``, so two people acting at once cannot both
succeed: the second gets a translated error naming ``version`` (or ``action``).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rasad.cases.audit import (
    CaseAuditEvent,
    audit_attachment_added,
    audit_calendar_event,
    audit_case_changed,
    audit_case_escalated,
    audit_case_opened,
    audit_case_transitioned,
    audit_cases_merged,
    audit_comment_added,
    audit_dossier_forwarded,
)
from rasad.cases.calendar import compute_due
from rasad.cases.choices import OPEN_STATUSES, CaseKind, CaseStatus, NotificationKind, Priority
from rasad.cases.models import (
    Attachment,
    Case,
    CaseEvent,
    CasePause,
    Category,
    Comment,
    Dossier,
    Holiday,
    Notification,
    WorkingCalendarSettings,
)
from rasad.cases.notifications import notify, users_who_can
from rasad.cases.workflow import ACTION_LABELS, TRANSITIONS, Action, Party
from rasad.core import geo
from rasad.core.access import ObjectNotFound
from rasad.core.events import send_event_on_commit
from rasad.core.models import Organization, Province, User
from rasad.core.persian import normalize_text, search_key
from rasad.core.scope import organization_scope

REFERENCE_PREFIX = {
    CaseKind.CHALLENGE: "CH",
    CaseKind.RISK: "RK",
    CaseKind.INCIDENT: "IN",
    CaseKind.DIRECTIVE: "DR",
}
MAX_ATTACHMENT_BYTES = int(getattr(settings, "CASES_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024))
# Allowed extensions and the leading bytes their content must start with (None: plain text).
ALLOWED_ATTACHMENTS: dict[str, tuple[str, tuple[bytes, ...] | None]] = {
    ".pdf": ("application/pdf", (b"%PDF-",)),
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        (b"PK\x03\x04",),
    ),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (b"PK\x03\x04",)),
    ".txt": ("text/plain", None),
    ".csv": ("text/csv", None),
}
MENTION = re.compile(r"(?<![\w@])@([A-Za-z0-9_.\-]+)")


def _now(now: datetime | None) -> datetime:
    return now or timezone.now()


def _event(
    case: Case,
    action: str,
    *,
    actor: User | None,
    created: datetime,
    from_status: str = "",
    to_status: str = "",
    note: str = "",
    data: dict[str, Any] | None = None,
) -> CaseEvent:
    return CaseEvent.objects.create(
        case=case,
        action=action,
        actor=actor,
        created=created,
        from_status=from_status,
        to_status=to_status,
        note=note,
        data=data or {},
    )


def _visible(case_pk: int, user: User, action: str = "view") -> bool:
    return Case.objects.visible_to(user, action).filter(pk=case_pk).exists()


def _push(kind: str, case: Case) -> None:
    send_event_on_commit(
        kind,
        {"id": case.pk, "status": case.status},
        organization_ids=[case.reporter_organization_id, case.owner_organization_id],
    )


# ---------------------------------------------------------------------------------------------
# Opening and editing cases
# ---------------------------------------------------------------------------------------------


@dataclass
class CaseValues:
    """The values of a new case, as a form, the API, an alert handler or the demo gives them."""

    kind: str
    category: Category
    title: str
    reporter_organization: Organization
    description: str = ""
    priority: str = Priority.MEDIUM
    owner_organization: Organization | None = None
    deadline: date | None = None
    latitude: float | None = None
    longitude: float | None = None
    site: Organization | None = None
    likelihood: int | None = None
    impact: int | None = None
    treatment_plan: str = ""
    origin: str = ""
    watchers: Sequence[User] = field(default_factory=list)


def check_case_values(values: CaseValues, *, now: datetime | None = None) -> None:
    """Validate a new case; raises ValidationError naming each bad field."""
    errors: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    if values.kind not in CaseKind.values:
        add("kind", _("Unknown case kind “%(kind)s”.") % {"kind": values.kind})
    if values.priority not in Priority.values:
        add("priority", _("Unknown priority “%(priority)s”.") % {"priority": values.priority})
    if not values.title.strip():
        add("title", _("A title is required."))
    if not values.category.is_active:
        add("category", _("The category “%(name)s” is no longer in use.") % {"name": values.category.name})
    today = timezone.localdate(_now(now))
    if values.deadline is not None and values.deadline < today:
        add("deadline", _("The deadline %(date)s is in the past.") % {"date": values.deadline.isoformat()})
    if values.kind == CaseKind.DIRECTIVE and values.deadline is None:
        add("deadline", _("A directive needs a deadline."))
    if values.kind == CaseKind.RISK:
        for name in ("likelihood", "impact"):
            value = getattr(values, name)
            if value is None or not 1 <= value <= 5:
                add(name, _("Give a %(name)s from 1 to 5.") % {"name": _(name)})
    elif values.likelihood is not None or values.impact is not None:
        add("likelihood", _("Only risks have a likelihood and an impact."))
    point_error = geo.point_error(values.latitude, values.longitude)
    if point_error is not None:
        add("latitude", point_error)
    if values.kind == CaseKind.INCIDENT and values.site is None and values.latitude is None:
        add("latitude", _("An incident needs a site or a point on the map."))
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def do_open_case(
    values: CaseValues,
    *,
    acting_user: User | None,
    now: datetime | None = None,
    source: models.Model | None = None,
) -> Case:
    """Open a case reported by ``values.reporter_organization``. ``acting_user`` None means the
    system (an indicator alert); ``now`` lets importers and the demo date a case in the past."""
    moment = _now(now)
    check_case_values(values, now=moment)
    owner = values.owner_organization or values.reporter_organization
    if acting_user is not None:
        if not organization_scope(acting_user, Case, "add").contains(values.reporter_organization):
            raise ObjectNotFound(_("No such object, or you may not see it."))
        if owner.pk != values.reporter_organization.pk and not organization_scope(
            acting_user, Case, "assign"
        ).contains(owner):
            raise ValidationError(
                {"owner_organization": [_("You may not route cases to this organization.")]}
            )
    latitude, longitude = values.latitude, values.longitude
    if latitude is None and values.site is not None and values.site.latitude is not None:
        latitude, longitude = values.site.latitude, values.site.longitude
    province = None
    if latitude is not None and longitude is not None:
        province = Province.objects.filter(code=geo.province_code_at(latitude, longitude)).first()
    case = Case(
        reference="",
        kind=values.kind,
        category=values.category,
        title=normalize_text(values.title)[:300],
        description=normalize_text(values.description),
        priority=values.priority,
        status=CaseStatus.NEW,
        reporter_organization=values.reporter_organization,
        owner_organization=owner,
        reported_by=acting_user,
        opened_at=moment,
        sla_started_at=moment,
        deadline=values.deadline,
        likelihood=values.likelihood,
        impact=values.impact,
        treatment_plan=normalize_text(values.treatment_plan),
        site=values.site,
        latitude=latitude,
        longitude=longitude,
        province=province,
        origin=normalize_text(values.origin)[:300],
    )
    if source is not None:
        case.source_type = ContentType.objects.get_for_model(source)
        case.source_id = str(source.pk)
        case.source_display = str(source)[:200]
    case.search_text = search_key(" ".join([case.title, case.description, case.origin]))
    case.save()
    case.reference = f"{REFERENCE_PREFIX[CaseKind(case.kind)]}-{case.pk:06d}"
    case.due_at = compute_due(case)
    case.next_escalation_at = case.due_at
    case.save(update_fields=["reference", "due_at", "next_escalation_at"])
    watchers = [*values.watchers, *([acting_user] if acting_user is not None else [])]
    if watchers:
        case.watchers.add(*watchers)
    _event(case, "open", actor=acting_user, created=moment, to_status=CaseStatus.NEW)
    audit_case_opened(
        case,
        acting_user=acting_user,
        values={
            "reference": case.reference,
            "kind": case.kind,
            "category": case.category.code,
            "priority": case.priority,
            "reporter_organization": case.reporter_organization_id,
            "owner_organization": case.owner_organization_id,
            "due_at": case.due_at,
            "source": case.source_display,
        },
    )
    _push("case.opened", case)
    return case


EDITABLE_FIELDS = (
    "title",
    "description",
    "category_id",
    "priority",
    "likelihood",
    "impact",
    "treatment_plan",
)


@transaction.atomic
def do_update_case(case: Case, changes: dict[str, Any], *, acting_user: User) -> Case:
    """Edit what a case says (not its workflow): title, description, category, priority, and a
    risk's matrix and treatment plan. Either side (reporter or owner) with ``change`` may edit."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    scope = organization_scope(acting_user, Case, "change")
    if not (scope.contains(case.reporter_organization) or scope.contains(case.owner_organization)):
        if _visible(case.pk, acting_user):
            raise PermissionDenied(_("You may not change this case."))
        raise ObjectNotFound(_("No such object, or you may not see it."))
    expected = changes.pop("version", None)
    if expected is not None and expected != case.version:
        raise ValidationError({"version": [_stale_message(case)]})
    old = {name: getattr(case, name) for name in EDITABLE_FIELDS}
    for name, value in changes.items():
        if name == "category":
            case.category = value
        elif name in {"title", "description", "treatment_plan"}:
            setattr(case, name, normalize_text(value or ""))
        elif name in {"priority", "likelihood", "impact"}:
            setattr(case, name, value)
    errors: dict[str, list[str]] = {}
    if not case.title.strip():
        errors["title"] = [_("A title is required.")]
    if case.priority not in Priority.values:
        errors["priority"] = [_("Unknown priority “%(priority)s”.") % {"priority": case.priority}]
    for name in ("likelihood", "impact"):
        value = getattr(case, name)
        if case.kind == CaseKind.RISK and (value is None or not 1 <= value <= 5):
            errors[name] = [_("Give a %(name)s from 1 to 5.") % {"name": _(name)}]
        elif case.kind != CaseKind.RISK and value is not None:
            errors[name] = [_("Only risks have a likelihood and an impact.")]
    if errors:
        raise ValidationError(errors)
    new = {name: getattr(case, name) for name in EDITABLE_FIELDS}
    changed = {name: old[name] for name in EDITABLE_FIELDS if old[name] != new[name]}
    if not changed:
        return case
    case.search_text = search_key(" ".join([case.title, case.description, case.origin]))
    if "priority" in changed:
        case.due_at = compute_due(case)
        if case.escalation_level == 0:
            case.next_escalation_at = case.due_at
    case.version += 1
    case.save()
    _event(case, "edit", actor=acting_user, created=timezone.now(), data={"fields": sorted(changed)})
    audit_case_changed(case, acting_user=acting_user, old=changed, new={name: new[name] for name in changed})
    _push("case.changed", case)
    return case


# ---------------------------------------------------------------------------------------------
# The workflow
# ---------------------------------------------------------------------------------------------


def _stale_message(case: Case) -> str:
    return _(
        "Someone else changed this case meanwhile (it is now at version %(version)s). "
        "Reload it and try again."
    ) % {"version": case.version}


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
        raise PermissionDenied(
            _("You may not “%(action)s” this case: that is for the %(party)s organization.")
            % {
                "action": ACTION_LABELS[key],
                "party": _("owner") if transition.party == Party.OWNER else _("reporter"),
            }
        )
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
        raise ObjectNotFound(_("No such object, or you may not see it."))
    # No select_related here: PostgreSQL re-checks a locked join after waiting, and a changed
    # owner would make the row vanish instead of being re-read.
    locked: Case = Case.objects.select_for_update().get(pk=case.pk)
    if expected_version is not None and expected_version != locked.version:
        raise ValidationError({"version": [_stale_message(locked)]})
    party = check_transition(locked, action, acting_user=acting_user)
    transition = TRANSITIONS[(CaseStatus(locked.status), Action(action))]
    note = normalize_text(note or "")
    old = {
        "status": locked.status,
        "owner_organization": locked.owner_organization_id,
        "assignee": locked.assignee_id,
        "version": locked.version,
    }
    if action in (Action.REJECT, Action.RESOLVE, Action.REQUEST_INFO) and not note:
        raise ValidationError({"note": [_("Say why: a note is required for this step.")]})
    if action == Action.ASSIGN:
        _apply_assignment(locked, acting_user, owner_organization, assignee)
    elif owner_organization is not None or assignee is not None:
        raise ValidationError({"action": [_("Only the assign step takes an organization and an assignee.")]})
    source_status = locked.status
    locked.status = transition.to
    if action == Action.REQUEST_INFO:
        CasePause.objects.create(case=locked, started=moment)
    if action == Action.PROVIDE_INFO:
        locked.pauses.filter(ended__isnull=True).update(ended=moment)
    if action == Action.RESOLVE:
        locked.resolved_at = moment
        locked.resolution = note
    if action == Action.VERIFY:
        locked.closed_at = moment
    if action == Action.REOPEN:
        locked.resolved_at = None
        locked.closed_at = None
        locked.sla_started_at = moment
        locked.escalation_level = 0
        locked.escalated_to = None
        if locked.deadline is not None and locked.deadline < timezone.localdate(moment):
            locked.deadline = None
    if action == Action.REJECT:
        locked.resolution = note
    locked.due_at = compute_due(locked)
    if locked.escalation_level == 0 or action == Action.PROVIDE_INFO:
        locked.next_escalation_at = locked.due_at
    locked.version += 1
    locked.save()
    new = {
        "status": locked.status,
        "owner_organization": locked.owner_organization_id,
        "assignee": locked.assignee_id,
        "version": locked.version,
    }
    _event(
        locked,
        action,
        actor=acting_user,
        created=moment,
        from_status=source_status,
        to_status=locked.status,
        note=note,
        data={
            key: value
            for key, value in {
                "owner_organization": locked.owner_organization_id,
                "assignee": locked.assignee_id,
            }.items()
            if action == Action.ASSIGN and value is not None
        },
    )
    party_organization = locked.owner_organization if party == Party.OWNER else locked.reporter_organization
    audit_case_transitioned(
        locked,
        acting_user=acting_user,
        organization=party_organization,
        action=action,
        old={key: value for key, value in old.items() if new[key] != value},
        new={key: value for key, value in new.items() if old[key] != value},
    )
    if not _visible(locked.pk, acting_user):
        raise ObjectNotFound(_("No such object, or you may not see it."))
    _notify_transition(locked, action, acting_user)
    _push("case.transitioned", locked)
    return locked


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
    if not assignee.is_active or not organization_scope(assignee, Case, "change").contains(target):
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
    label = str(ACTION_LABELS[Action(action)])
    status = str(CaseStatus(case.status).label)
    if action == Action.ASSIGN and case.assignee is not None:
        notify(
            [case.assignee],
            case,
            NotificationKind.ASSIGNED,
            _("%(reference)s was assigned to you: %(title)s")
            % {"reference": case.reference, "title": case.title},
            exclude=acting_user,
        )
    watchers = list(case.watchers.all())
    notify(
        watchers,
        case,
        NotificationKind.STATUS,
        _("%(reference)s: %(action)s, now %(status)s.")
        % {"reference": case.reference, "action": label, "status": status},
        exclude=acting_user,
    )


# ---------------------------------------------------------------------------------------------
# Escalation
# ---------------------------------------------------------------------------------------------


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
        [*users_who_can("assign", target), *locked.watchers.all()],
        locked,
        NotificationKind.ESCALATED,
        _("%(reference)s is overdue and was escalated to %(organization)s.")
        % {"reference": locked.reference, "organization": target.name},
    )
    _push("case.escalated", locked)
    return locked


# ---------------------------------------------------------------------------------------------
# Consolidation: merging duplicates and forwarding dossiers
# ---------------------------------------------------------------------------------------------


def _require_forward(acting_user: User, cases: Sequence[Case], field_name: str) -> None:
    scope = organization_scope(acting_user, Case, "forward")
    for case in cases:
        if not scope.contains(case.reporter_organization):
            raise ValidationError(
                {field_name: [_("You may not consolidate %(reference)s.") % {"reference": case.reference}]}
            )


@transaction.atomic
def do_merge_cases(
    primary: Case,
    duplicates: Sequence[Case],
    *,
    acting_user: User,
    note: str = "",
    now: datetime | None = None,
) -> Case:
    """Merge duplicates into ``primary``: each duplicate keeps its link (``merged_into``) and its
    reporter keeps seeing it, with the primary's progress."""
    ids = sorted({primary.pk, *(d.pk for d in duplicates)})
    locked = {c.pk: c for c in Case.objects.select_for_update().filter(pk__in=ids).order_by("pk")}
    primary = locked[primary.pk]
    others = [locked[d.pk] for d in duplicates if d.pk != primary.pk]
    if not others:
        raise ValidationError({"duplicates": [_("Choose at least one other case to merge.")]})
    _require_forward(acting_user, [primary, *others], "duplicates")
    for case in [primary, *others]:
        if case.status not in OPEN_STATUSES:
            raise ValidationError(
                {"duplicates": [_("%(reference)s is not open.") % {"reference": case.reference}]}
            )
    for case in others:
        if case.kind != primary.kind:
            raise ValidationError(
                {"duplicates": [_("%(reference)s is of another kind.") % {"reference": case.reference}]}
            )
    moment = _now(now)
    note = normalize_text(note)
    for case in others:
        source_status = case.status
        case.pauses.filter(ended__isnull=True).update(ended=moment)
        case.status = CaseStatus.MERGED
        case.merged_into = primary
        case.due_at = None
        case.next_escalation_at = None
        case.version += 1
        case.save()
        _event(
            case,
            "merge",
            actor=acting_user,
            created=moment,
            from_status=source_status,
            to_status=CaseStatus.MERGED,
            note=note,
            data={"merged_into": primary.pk, "merged_into_reference": primary.reference},
        )
    primary.version += 1
    primary.save(update_fields=["version", "last_updated"])
    _event(
        primary,
        "absorb",
        actor=acting_user,
        created=moment,
        note=note,
        data={"duplicates": [c.pk for c in others], "references": [c.reference for c in others]},
    )
    audit_cases_merged(primary, acting_user=acting_user, duplicate_ids=[c.pk for c in others])
    _push("case.merged", primary)
    return primary


FORWARDABLE = (CaseStatus.NEW, CaseStatus.TRIAGED, CaseStatus.REOPENED)


@transaction.atomic
def do_forward_dossier(
    from_organization: Organization,
    to_organization: Organization,
    cases: Sequence[Case],
    *,
    acting_user: User,
    title: str,
    summary: str,
    now: datetime | None = None,
) -> Dossier:
    """Forward consolidated cases with a summary to a coordinating organization outside the
    sender's subtree. The coordinator becomes the owner of each case and sees exactly these."""
    moment = _now(now)
    errors: dict[str, list[str]] = {}
    if not organization_scope(acting_user, Case, "forward").contains(from_organization):
        raise ObjectNotFound(_("No such object, or you may not see it."))
    if to_organization.path.startswith(from_organization.path):
        errors["to_organization"] = [
            _("The coordinating organization must be outside %(organization)s and its members.")
            % {"organization": from_organization.name}
        ]
    if not title.strip():
        errors["title"] = [_("A title is required.")]
    if not summary.strip():
        errors["summary"] = [_("Write a summary for the coordinating organization.")]
    if not cases:
        errors["cases"] = [_("Choose at least one case.")]
    if errors:
        raise ValidationError(errors)
    locked = list(Case.objects.select_for_update().filter(pk__in=[c.pk for c in cases]).order_by("pk"))
    for case in locked:
        if not case.reporter_organization.path.startswith(from_organization.path):
            raise ValidationError(
                {
                    "cases": [
                        _("%(reference)s was not reported inside %(organization)s.")
                        % {"reference": case.reference, "organization": from_organization.name}
                    ]
                }
            )
        if case.status not in FORWARDABLE:
            raise ValidationError(
                {
                    "cases": [
                        _(
                            "%(reference)s is already being worked (%(status)s); "
                            "only new or triaged cases can be forwarded."
                        )
                        % {"reference": case.reference, "status": CaseStatus(case.status).label}
                    ]
                }
            )
    _require_forward(acting_user, locked, "cases")
    dossier = Dossier.objects.create(
        reference="",
        title=normalize_text(title)[:300],
        summary=normalize_text(summary),
        from_organization=from_organization,
        to_organization=to_organization,
        forwarded_by=acting_user,
        forwarded_at=moment,
    )
    dossier.reference = f"DS-{dossier.pk:06d}"
    dossier.search_text = search_key(" ".join([dossier.title, dossier.summary]))
    dossier.save(update_fields=["reference", "search_text"])
    dossier.cases.set(locked)
    for case in locked:
        previous_owner = case.owner_organization_id
        case.owner_organization = to_organization
        if case.status == CaseStatus.NEW:
            case.status = CaseStatus.TRIAGED
        case.version += 1
        case.save()
        _event(
            case,
            "forward",
            actor=acting_user,
            created=moment,
            to_status=case.status,
            note=dossier.summary[:500],
            data={
                "dossier": dossier.pk,
                "dossier_reference": dossier.reference,
                "from_owner": previous_owner,
                "to_organization": to_organization.pk,
                "to_organization_name": to_organization.name,
            },
        )
        _push("case.forwarded", case)
    audit_dossier_forwarded(dossier, acting_user=acting_user, case_ids=[c.pk for c in locked])
    notify(
        users_who_can("assign", to_organization),
        None,
        NotificationKind.DOSSIER,
        _("Dossier %(reference)s from %(organization)s: %(title)s")
        % {"reference": dossier.reference, "organization": from_organization.name, "title": dossier.title},
        exclude=acting_user,
    )
    return dossier


# ---------------------------------------------------------------------------------------------
# Collaboration: comments, mentions, attachments, notifications
# ---------------------------------------------------------------------------------------------


def _require_comment(case: Case, acting_user: User) -> None:
    if not _visible(case.pk, acting_user, "view"):
        raise ObjectNotFound(_("No such object, or you may not see it."))
    if not _visible(case.pk, acting_user, "comment"):
        raise PermissionDenied(_("You may not comment on this case."))


@transaction.atomic
def do_add_comment(case: Case, body: str, *, acting_user: User) -> Comment:
    _require_comment(case, acting_user)
    text = normalize_text(body or "")
    if not text:
        raise ValidationError({"body": [_("Write something.")]})
    usernames = sorted(set(MENTION.findall(text)))
    mentioned: list[User] = []
    for username in usernames:
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None or not _visible(case.pk, user):
            raise ValidationError(
                {
                    "body": [
                        _("@%(username)s cannot be mentioned: nobody of that name can see this case.")
                        % {"username": username}
                    ]
                }
            )
        mentioned.append(user)
    comment = Comment.objects.create(case=case, author=acting_user, body=text)
    if mentioned:
        comment.mentions.set(mentioned)
    case.watchers.add(acting_user)
    audit_comment_added(comment, acting_user=acting_user)
    notify(
        mentioned,
        case,
        NotificationKind.MENTION,
        _("%(author)s mentioned you on %(reference)s.")
        % {"author": str(acting_user), "reference": case.reference},
        exclude=acting_user,
    )
    notify(
        [w for w in case.watchers.all() if w not in mentioned],
        case,
        NotificationKind.COMMENT,
        _("%(author)s commented on %(reference)s.")
        % {"author": str(acting_user), "reference": case.reference},
        exclude=acting_user,
    )
    send_event_on_commit(
        "case.commented",
        {"id": case.pk, "comment": comment.pk},
        organization_ids=[case.reporter_organization_id, case.owner_organization_id],
    )
    return comment


def check_attachment(upload: UploadedFile[Any]) -> tuple[str, bytes]:
    """Validate an upload's size and type (by extension and by its first bytes)."""
    name = PurePath(upload.name or "").name
    suffix = PurePath(name).suffix.lower()
    if (upload.size or 0) > MAX_ATTACHMENT_BYTES:
        raise ValidationError(
            {
                "file": [
                    _("The file is too large (%(size)s bytes); the limit is %(limit)s bytes.")
                    % {"size": upload.size, "limit": MAX_ATTACHMENT_BYTES}
                ]
            }
        )
    if suffix not in ALLOWED_ATTACHMENTS:
        raise ValidationError(
            {
                "file": [
                    _("Files of type “%(suffix)s” are not accepted. Allowed: %(allowed)s.")
                    % {"suffix": suffix or "?", "allowed": ", ".join(sorted(ALLOWED_ATTACHMENTS))}
                ]
            }
        )
    content = upload.read(MAX_ATTACHMENT_BYTES + 1)
    if len(content) > MAX_ATTACHMENT_BYTES:
        raise ValidationError(
            {
                "file": [
                    _("The file is too large (%(size)s bytes); the limit is %(limit)s bytes.")
                    % {"size": len(content), "limit": MAX_ATTACHMENT_BYTES}
                ]
            }
        )
    if not content:
        raise ValidationError({"file": [_("The file is empty.")]})
    _content_type, signatures = ALLOWED_ATTACHMENTS[suffix]
    if signatures is None:
        try:
            content.decode("utf-8")
        except UnicodeDecodeError:
            raise ValidationError(
                {"file": [_("The file's content does not match its type “%(suffix)s”.") % {"suffix": suffix}]}
            ) from None
    elif not content.startswith(signatures):
        raise ValidationError(
            {"file": [_("The file's content does not match its type “%(suffix)s”.") % {"suffix": suffix}]}
        )
    return name, content


@transaction.atomic
def do_add_attachment(case: Case, upload: UploadedFile[Any], *, acting_user: User) -> Attachment:
    """Store a file with the case. Nothing is written (no row, no file) unless it is accepted."""
    _require_comment(case, acting_user)
    name, content = check_attachment(upload)
    suffix = PurePath(name).suffix.lower()
    attachment = Attachment(
        case=case,
        uploaded_by=acting_user,
        name=normalize_text(name)[:200] or f"file{suffix}",
        content_type=ALLOWED_ATTACHMENTS[suffix][0],
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
    )
    # The file is written first; if any database write fails, it is removed again, so a failed
    # upload leaves neither a row nor a file behind.
    attachment.file.save(name, ContentFile(content), save=False)
    stored = attachment.file.name
    try:
        with transaction.atomic():
            attachment.save()
            audit_attachment_added(attachment, acting_user=acting_user)
            case.watchers.add(acting_user)
    except Exception:
        if stored:
            attachment.file.storage.delete(stored)
        raise
    send_event_on_commit(
        "case.attachment",
        {"id": case.pk, "attachment": attachment.pk},
        organization_ids=[case.reporter_organization_id, case.owner_organization_id],
    )
    return attachment


@transaction.atomic
def do_mark_notifications_read(notifications: Sequence[Notification], *, acting_user: User) -> int:
    ids = [n.pk for n in notifications if n.user_id == acting_user.pk]
    return Notification.objects.filter(pk__in=ids, read_at__isnull=True).update(read_at=timezone.now())


# ---------------------------------------------------------------------------------------------
# The working calendar (platform administrators)
# ---------------------------------------------------------------------------------------------


def _require_platform_admin(acting_user: User | None) -> None:
    if acting_user is not None and not acting_user.is_superuser:
        raise PermissionDenied(_("Only a platform administrator may change the working calendar."))


@transaction.atomic
def do_set_holiday(
    day: date, name_fa: str, *, acting_user: User | None, name_en: str = "", kind: str = "one_off"
) -> Holiday:
    _require_platform_admin(acting_user)
    name = normalize_text(name_fa)
    if not name:
        raise ValidationError({"name_fa": [_("A name is required.")]})
    holiday, created = Holiday.objects.update_or_create(
        date=day, name_fa=name, defaults={"name_en": name_en.strip(), "kind": kind}
    )
    audit_calendar_event(
        CaseAuditEvent.HOLIDAY_CHANGED,
        acting_user=acting_user,
        obj=holiday,
        new={"date": day, "name_fa": name, "kind": kind, "created": created},
    )
    recompute_due_times(acting_user=acting_user)
    return holiday


@transaction.atomic
def do_update_holiday(
    holiday: Holiday,
    *,
    acting_user: User | None,
    day: date,
    name_fa: str,
    name_en: str = "",
    kind: str = "one_off",
) -> Holiday:
    """Correct a holiday's date, names or kind, then recompute every open case's due time."""
    _require_platform_admin(acting_user)
    name = normalize_text(name_fa)
    if not name:
        raise ValidationError({"name_fa": [_("A name is required.")]})
    holiday = Holiday.objects.select_for_update().get(pk=holiday.pk)
    if Holiday.objects.filter(date=day, name_fa=name).exclude(pk=holiday.pk).exists():
        raise ValidationError({"date": [_("A holiday with this name is already on that date.")]})
    old = {"date": holiday.date, "name_fa": holiday.name_fa, "name_en": holiday.name_en, "kind": holiday.kind}
    holiday.date, holiday.name_fa, holiday.name_en, holiday.kind = day, name, name_en.strip(), kind
    new = {"date": holiday.date, "name_fa": holiday.name_fa, "name_en": holiday.name_en, "kind": holiday.kind}
    changed = [key for key in old if old[key] != new[key]]
    if not changed:
        return holiday
    holiday.save()
    audit_calendar_event(
        CaseAuditEvent.HOLIDAY_CHANGED,
        acting_user=acting_user,
        obj=holiday,
        old={key: old[key] for key in changed},
        new={key: new[key] for key in changed},
    )
    recompute_due_times(acting_user=acting_user)
    return holiday


@transaction.atomic
def do_delete_holiday(holiday: Holiday, *, acting_user: User | None) -> None:
    _require_platform_admin(acting_user)
    audit_calendar_event(
        CaseAuditEvent.HOLIDAY_CHANGED,
        acting_user=acting_user,
        obj=holiday,
        old={"date": holiday.date, "name_fa": holiday.name_fa, "kind": holiday.kind},
    )
    holiday.delete()
    recompute_due_times(acting_user=acting_user)


def recompute_due_times(*, acting_user: User | None) -> int:
    """After the calendar changes, recompute the due time of every open case."""
    from rasad.cases.calendar import current_calendar

    calendar = current_calendar()
    changed = 0
    for case in Case.objects.open().select_for_update().order_by("pk"):
        due = compute_due(case, calendar)
        if due != case.due_at:
            case.due_at = due
            if case.escalation_level == 0:
                case.next_escalation_at = due
            case.save(update_fields=["due_at", "next_escalation_at", "last_updated"])
            changed += 1
    audit_calendar_event(CaseAuditEvent.DUE_TIMES_RECOMPUTED, acting_user=acting_user, new={"cases": changed})
    return changed


@transaction.atomic
def do_update_working_calendar(
    *,
    acting_user: User | None,
    workday: tuple[time, time],
    thursday: tuple[time, time] | None,
) -> WorkingCalendarSettings:
    """Change the office week (Saturday-Wednesday hours; Thursday hours or closed), then
    recompute every open case's due time."""
    _require_platform_admin(acting_user)
    if not workday[0] < workday[1]:
        raise ValidationError({"workday_end": [_("A working day must end after it starts.")]})
    if thursday is not None and not thursday[0] < thursday[1]:
        raise ValidationError({"thursday_end": [_("A working day must end after it starts.")]})
    row: WorkingCalendarSettings
    row, _created = WorkingCalendarSettings.objects.select_for_update().get_or_create(
        code="default", defaults={"workday_start": workday[0], "workday_end": workday[1]}
    )
    old = {
        "workday": [row.workday_start, row.workday_end],
        "thursday": [row.thursday_start, row.thursday_end],
    }
    row.workday_start, row.workday_end = workday
    row.thursday_start, row.thursday_end = thursday if thursday is not None else (None, None)
    row.save()
    audit_calendar_event(
        CaseAuditEvent.CALENDAR_CHANGED,
        acting_user=acting_user,
        obj=row,
        old=old,
        new={"workday": list(workday), "thursday": list(thursday) if thursday else None},
    )
    recompute_due_times(acting_user=acting_user)
    return row
