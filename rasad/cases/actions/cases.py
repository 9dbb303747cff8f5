"""Case actions: opening and editing cases."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rasad.cases.actions.common import (
    REFERENCE_PREFIX,
    _event,
    _now,
    _push,
    _stale_message,
    _visible,
)
from rasad.cases.audit import (
    audit_case_changed,
    audit_case_opened,
)
from rasad.cases.calendar import compute_due
from rasad.cases.choices import CaseKind, CaseStatus, Priority
from rasad.cases.models import (
    CONFIDENTIAL_MARK,
    Case,
    Category,
)
from rasad.core.access import refusal
from rasad.core.models import Organization, Province, User
from rasad.core.scope import organization_scope
from rasad.lib import encryption, formatting, geo
from rasad.lib.persian import normalize_text, search_key


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
    confidential_details: str = ""


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
        past = formatting.date_text(values.deadline)
        add("deadline", _("The deadline %(date)s is in the past.") % {"date": past})
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
    if values.confidential_details.strip() and not encryption.available():
        add("confidential_details", _ENCRYPTION_UNAVAILABLE())
    if errors:
        raise ValidationError(errors)


def case_search_text(case: Case) -> str:
    """The search key of a case: its reference, title, description and origin."""
    return search_key(" ".join([case.reference, case.title, case.description, case.origin]))


@transaction.atomic
def do_open_case(
    values: CaseValues,
    *,
    acting_user: User | None,
    now: datetime | None = None,
    source: models.Model | None = None,
    source_key: str = "",
    source_display: str = "",
) -> Case:
    """Open a case reported by ``values.reporter_organization``. ``acting_user`` None means the
    system (an indicator alert); ``now`` lets importers and the demo date a case in the past.
    ``source`` is the record that raised the case, ``source_display`` how a person reads it, and
    ``source_key`` names the ongoing problem later records may join (``breaches.breach_key``)."""
    moment = _now(now)
    check_case_values(values, now=moment)
    owner = values.owner_organization or values.reporter_organization
    if acting_user is not None:
        _require_open_scope(values, owner, acting_user)
    case = _new_case(values, owner, acting_user=acting_user, moment=moment)
    if source is not None:
        case.source_type = ContentType.objects.get_for_model(source)
        case.source_id = str(source.pk)
        case.source_display = normalize_text(source_display or str(source))[:200]
    case.source_key = source_key
    case.save()
    case.reference = f"{REFERENCE_PREFIX[CaseKind(case.kind)]}-{case.pk:06d}"
    case.search_text = case_search_text(case)
    case.due_at = compute_due(case)
    case.next_escalation_at = case.due_at
    case.save(update_fields=["reference", "search_text", "due_at", "next_escalation_at"])
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


def _require_open_scope(values: CaseValues, owner: Organization, acting_user: User) -> None:
    """A person opens cases only for an organization in their ``add`` scope (else the 404 of a
    missing one), and routes them to another owner only inside their ``assign`` scope."""
    if not organization_scope(acting_user, Case, "add").contains(values.reporter_organization):
        raise refusal()
    if owner.pk != values.reporter_organization.pk and not organization_scope(
        acting_user, Case, "assign"
    ).contains(owner):
        raise ValidationError({"owner_organization": [_("You may not route cases to this organization.")]})


def _new_case(values: CaseValues, owner: Organization, *, acting_user: User | None, moment: datetime) -> Case:
    """The new case, unsaved: its fields from ``values`` (texts normalized), placed where it was
    reported or else at its site, in the province of that place."""
    latitude, longitude = values.latitude, values.longitude
    if latitude is None and values.site is not None and values.site.latitude is not None:
        latitude, longitude = values.site.latitude, values.site.longitude
    province = None
    if latitude is not None and longitude is not None:
        province = Province.objects.filter(code=geo.province_code_at(latitude, longitude)).first()
    return Case(
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
        confidential_details=normalize_text(values.confidential_details),
    )


EDITABLE_FIELDS = (
    "title",
    "description",
    "category_id",
    "priority",
    "likelihood",
    "impact",
    "treatment_plan",
    "confidential_details",
)
# Recorded in the audit trail as changed, never with its text.
CONFIDENTIAL_FIELDS = frozenset({"confidential_details"})


def _ENCRYPTION_UNAVAILABLE() -> str:
    return _("Confidential details cannot be stored: encryption at rest is not configured on this server.")


@transaction.atomic
def do_update_case(case: Case, changes: dict[str, Any], *, acting_user: User) -> Case:
    """Edit what a case says (not its workflow): title, description, category, priority, and a
    risk's matrix and treatment plan. Either side (reporter or owner) with ``change`` may edit."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    scope = organization_scope(acting_user, Case, "change")
    if not (scope.contains(case.reporter_organization) or scope.contains(case.owner_organization)):
        if _visible(case.pk, acting_user):
            raise PermissionDenied(_("You may not change this case."))
        raise refusal()
    expected = changes.pop("version", None)
    if expected is not None and expected != case.version:
        raise ValidationError({"version": [_stale_message(case)]})
    old = {name: getattr(case, name) for name in EDITABLE_FIELDS}
    for name, value in changes.items():
        if name == "category":
            case.category = value
        elif name in {"title", "description", "treatment_plan", "confidential_details"}:
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
    details_changed = old["confidential_details"] != case.confidential_details
    if case.confidential_details.strip() and details_changed and not encryption.available():
        errors["confidential_details"] = [_ENCRYPTION_UNAVAILABLE()]
    if errors:
        raise ValidationError(errors)
    new = {name: getattr(case, name) for name in EDITABLE_FIELDS}
    changed = {name: old[name] for name in EDITABLE_FIELDS if old[name] != new[name]}
    if not changed:
        return case
    case.search_text = case_search_text(case)
    if "priority" in changed:
        case.due_at = compute_due(case)
        if case.escalation_level == 0:
            case.next_escalation_at = case.due_at
    case.version += 1
    case.save(
        update_fields=[*changed, "search_text", "due_at", "next_escalation_at", "version", "last_updated"]
    )
    _event(case, "edit", actor=acting_user, created=timezone.now(), data={"fields": sorted(changed)})
    audit_case_changed(
        case,
        acting_user=acting_user,
        old={name: CONFIDENTIAL_MARK if name in CONFIDENTIAL_FIELDS else changed[name] for name in changed},
        new={name: CONFIDENTIAL_MARK if name in CONFIDENTIAL_FIELDS else new[name] for name in changed},
    )
    _push("case.changed", case)
    return case


@transaction.atomic
def do_set_case_deadline(case: Case, deadline: date | None, *, acting_user: User | None) -> Case:
    """Give a case the date it falls due on (a risk's next review, ``rasad.assessments``): it is
    then due at the end of that day as a directive is, its escalation counts from then, and
    without a date its SLA budget applies again. The caller has checked that the person may set
    it (the risk register's rating), and audits why in the same transaction; this writes the
    case's own change, timeline line and audit event. Nothing changes when the date is the same."""
    locked: Case = Case.objects.select_for_update().get(pk=case.pk)
    if locked.deadline == deadline:
        return locked
    old = locked.deadline
    locked.deadline = deadline
    locked.due_at = compute_due(locked)
    # A new date is a new deadline: the escalation job waits for it again.
    locked.next_escalation_at = locked.due_at
    locked.version += 1
    locked.save(update_fields=["deadline", "due_at", "next_escalation_at", "version", "last_updated"])
    _event(locked, "edit", actor=acting_user, created=timezone.now(), data={"fields": ["deadline"]})
    audit_case_changed(
        locked,
        acting_user=acting_user,
        old={"deadline": old.isoformat() if old else None},
        new={"deadline": deadline.isoformat() if deadline else None},
    )
    _push("case.changed", locked)
    return locked
