"""Programme actions: creating and editing a programme with its parties, and its status steps."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rasad.core.access import refusal, require_scope
from rasad.core.models import Organization, User
from rasad.core.scope import organization_scope
from rasad.lib.actions import Errors, text
from rasad.lib.jalali import local_date
from rasad.lib.persian import search_key
from rasad.programs.actions.common import day, lock, may_see, number, push
from rasad.programs.audit import ProgrammeAuditEvent, audit_programme
from rasad.programs.choices import FINISHED_STATUSES, ProgrammeKind, ProgrammeStatus
from rasad.programs.models import Party, Programme
from rasad.programs.workflow import STEP_LABELS, TRANSITIONS, Step

MAX_LEGAL_BASIS_ITEMS = 30
MAX_PARTIES = 30


@dataclass
class PartyValues:
    """One signatory of a programme: the organization, who signed for it and their title."""

    organization: Organization
    signatory_name: str
    signatory_title: str


@dataclass
class ProgrammeValues:
    """A new programme as a form, the API, the intake target or the demo gives it. ``parties``
    lists every party, the lead (``organization``) among them."""

    kind: str
    title: str
    organization: Organization
    parties: Sequence[PartyValues]
    starts_on: date | None
    ends_on: date | None
    reference_number: str = ""
    reviewing_organization: Organization | None = None
    description: str = ""
    signed_on: date | None = None
    legal_basis: Sequence[str] = field(default_factory=list)
    renews: Programme | None = None


def clean_legal_basis(items: Sequence[Any], errors: Errors) -> list[str]:
    cleaned = [text(item, 500) for item in items]
    cleaned = [item for item in cleaned if item]
    if len(cleaned) > MAX_LEGAL_BASIS_ITEMS:
        errors.add(
            "legal_basis",
            _("At most %(count)s legal basis items are accepted.") % {"count": number(MAX_LEGAL_BASIS_ITEMS)},
        )
    return cleaned[:MAX_LEGAL_BASIS_ITEMS]


def check_dates(starts_on: date | None, ends_on: date | None, errors: Errors) -> None:
    if starts_on is None:
        errors.add("starts_on", _("Give the date the programme starts."))
    if ends_on is None:
        errors.add("ends_on", _("Give the date the programme ends."))
    if starts_on is not None and ends_on is not None and ends_on < starts_on:
        errors.add(
            "ends_on",
            _("The end date %(end)s is before the start date %(start)s.")
            % {"end": day(ends_on), "start": day(starts_on)},
        )


def _check_party(party: PartyValues, user: User | None, errors: Errors, prefix: str, seen: set[int]) -> None:
    organization = party.organization
    if user is not None and not may_see(user, organization):
        errors.add(f"{prefix}organization", _("No such organization, or you may not see it."))
        return
    if organization.pk in seen:
        errors.add(
            f"{prefix}organization",
            _("%(organization)s is listed twice.") % {"organization": organization.name},
        )
    seen.add(organization.pk)
    if organization.closed_on is not None:
        errors.add(
            f"{prefix}organization",
            _("%(organization)s is closed and cannot sign a programme.")
            % {"organization": organization.name},
        )
    if not text(party.signatory_name):
        errors.add(f"{prefix}signatory_name", _("Name the person who signed for this party."))
    if not text(party.signatory_title):
        errors.add(f"{prefix}signatory_title", _("Give the signatory's title."))


def _may_see_programme(user: User, programme: Programme) -> bool:
    return Programme.objects.visible_to(user).filter(pk=programme.pk).exists()


def check_programme_values(values: ProgrammeValues, *, acting_user: User | None) -> None:
    """Validate a new programme; raises ValidationError naming each bad field."""
    errors = Errors()
    if values.kind not in ProgrammeKind.values:
        errors.add("kind", _("Unknown kind of programme “%(kind)s”.") % {"kind": values.kind})
    if not text(values.title):
        errors.add("title", _("A title is required."))
    check_dates(values.starts_on, values.ends_on, errors)
    clean_legal_basis(values.legal_basis, errors)
    if len(values.parties) < 2:
        errors.add("parties", _("A programme has at least two parties."))
    if len(values.parties) > MAX_PARTIES:
        errors.add("parties", _("At most %(count)s parties are accepted.") % {"count": number(MAX_PARTIES)})
    seen: set[int] = set()
    for index, party in enumerate(values.parties[:MAX_PARTIES]):
        _check_party(party, acting_user, errors, f"parties.{index}.", seen)
    if values.organization.pk not in {p.organization.pk for p in values.parties}:
        errors.add("organization", _("The lead organization must be one of the parties."))
    reviewer = values.reviewing_organization
    if reviewer is not None and acting_user is not None and not may_see(acting_user, reviewer):
        errors.add("reviewing_organization", _("No such organization, or you may not see it."))
    renews = values.renews
    if renews is not None and acting_user is not None and not _may_see_programme(acting_user, renews):
        errors.add("renews", _("No such programme, or you may not see it."))
    errors.raise_if_any()


def _search_text(programme: Programme) -> str:
    return search_key(" ".join([programme.title, programme.reference_number, programme.description]))


def _snapshot(programme: Programme) -> dict[str, Any]:
    return {
        "kind": programme.kind,
        "title": programme.title,
        "reference_number": programme.reference_number,
        "reviewing_organization": programme.reviewing_organization_id,
        "description": programme.description,
        "signed_on": programme.signed_on,
        "starts_on": programme.starts_on,
        "ends_on": programme.ends_on,
        "legal_basis": list(programme.legal_basis),
        "renews": programme.renews_id,
    }


@transaction.atomic
def do_create_programme(values: ProgrammeValues, *, acting_user: User | None) -> Programme:
    """Create a programme (status draft) with all its parties, or nothing. ``acting_user`` None
    means the system (the demo loader acting as an administrator passes its user)."""
    if acting_user is not None:
        require_scope(acting_user, Programme, "add", values.organization)
    check_programme_values(values, acting_user=acting_user)
    assert values.starts_on is not None and values.ends_on is not None
    programme = Programme(
        kind=values.kind,
        title=text(values.title, 300),
        reference_number=text(values.reference_number, 80),
        organization=values.organization,
        reviewing_organization=values.reviewing_organization,
        description=text(values.description),
        signed_on=values.signed_on,
        starts_on=values.starts_on,
        ends_on=values.ends_on,
        legal_basis=clean_legal_basis(values.legal_basis, Errors()),
        renews=values.renews,
        created_by=acting_user,
    )
    programme.search_text = _search_text(programme)
    programme.save()
    for position, party in enumerate(values.parties):
        Party.objects.create(
            programme=programme,
            organization=party.organization,
            is_lead=party.organization.pk == values.organization.pk,
            signatory_name=text(party.signatory_name, 150),
            signatory_title=text(party.signatory_title, 200),
            position=position,
        )
    audit_programme(
        ProgrammeAuditEvent.PROGRAMME_CREATED,
        programme,
        acting_user=acting_user,
        new={
            **_snapshot(programme),
            "organization": programme.organization_id,
            "parties": [p.organization.pk for p in values.parties],
        },
    )
    push("programme.created", programme)
    return programme


EDITABLE_FIELDS = (
    "kind",
    "title",
    "reference_number",
    "reviewing_organization",
    "description",
    "signed_on",
    "starts_on",
    "ends_on",
    "legal_basis",
    "renews",
)


@transaction.atomic
def do_update_programme(programme: Programme, changes: dict[str, Any], *, acting_user: User) -> Programme:
    """Edit what a programme says (not its lead, parties or status). ``changes`` may hold
    ``version`` to detect a concurrent edit."""
    require_scope(acting_user, Programme, "change", programme.organization)
    locked = lock(programme)
    errors = Errors()
    expected = changes.pop("version", None)
    if expected is not None and expected != locked.version:
        raise ValidationError(
            {
                "version": [
                    _(
                        "Someone else changed this programme meanwhile (it is now at version "
                        "%(version)s). Reload it and try again."
                    )
                    % {"version": number(locked.version)}
                ]
            }
        )
    if locked.status in FINISHED_STATUSES:
        raise ValidationError(
            {
                "status": [
                    _("The programme is “%(status)s”; it cannot be changed.")
                    % {"status": ProgrammeStatus(locked.status).label}
                ]
            }
        )
    old = _snapshot(locked)
    for name, value in changes.items():
        if name not in EDITABLE_FIELDS:
            continue
        if name in ("title", "reference_number", "description"):
            setattr(
                locked,
                name,
                text(value, 300 if name == "title" else (80 if name == "reference_number" else None)),
            )
        elif name == "legal_basis":
            locked.legal_basis = clean_legal_basis(value or [], errors)
        else:
            setattr(locked, name, value)
    if locked.kind not in ProgrammeKind.values:
        errors.add("kind", _("Unknown kind of programme “%(kind)s”.") % {"kind": locked.kind})
    if not locked.title:
        errors.add("title", _("A title is required."))
    check_dates(locked.starts_on, locked.ends_on, errors)
    reviewer = locked.reviewing_organization
    if "reviewing_organization" in changes and reviewer is not None and not may_see(acting_user, reviewer):
        errors.add("reviewing_organization", _("No such organization, or you may not see it."))
    renews = locked.renews
    if "renews" in changes and renews is not None:
        if renews.pk == locked.pk:
            errors.add("renews", _("A programme cannot renew itself."))
        elif not _may_see_programme(acting_user, renews):
            errors.add("renews", _("No such programme, or you may not see it."))
    errors.raise_if_any()
    new = _snapshot(locked)
    changed = {name for name in new if new[name] != old[name]}
    if not changed:
        return locked
    locked.search_text = _search_text(locked)
    locked.version += 1
    locked.save(update_fields=[*EDITABLE_FIELDS, "search_text", "version", "last_updated"])
    audit_programme(
        ProgrammeAuditEvent.PROGRAMME_CHANGED,
        locked,
        acting_user=acting_user,
        old={name: old[name] for name in sorted(changed)},
        new={name: new[name] for name in sorted(changed)},
    )
    push("programme.changed", locked)
    return locked


# ---------------------------------------------------------------------------------------------
# Parties
# ---------------------------------------------------------------------------------------------


@transaction.atomic
def do_add_party(programme: Programme, values: PartyValues, *, acting_user: User) -> Party:
    """Add a party to a programme that has not ended (an amendment, when it is active)."""
    require_scope(acting_user, Party, "add", programme.organization)
    locked = lock(programme)
    errors = Errors()
    if locked.status in FINISHED_STATUSES:
        errors.add(
            "programme",
            _("The programme is “%(status)s”; no party can join it.")
            % {"status": ProgrammeStatus(locked.status).label},
        )
    seen = set(locked.parties.values_list("organization_id", flat=True))
    if len(seen) >= MAX_PARTIES:
        errors.add(
            "organization", _("At most %(count)s parties are accepted.") % {"count": number(MAX_PARTIES)}
        )
    _check_party(values, acting_user, errors, "", seen)
    errors.raise_if_any()
    position = locked.parties.count()
    party = Party.objects.create(
        programme=locked,
        organization=values.organization,
        signatory_name=text(values.signatory_name, 150),
        signatory_title=text(values.signatory_title, 200),
        position=position,
    )
    audit_programme(
        ProgrammeAuditEvent.PARTY_ADDED,
        locked,
        acting_user=acting_user,
        obj=party,
        new={"organization": party.organization_id, "signatory_name": party.signatory_name},
    )
    push("programme.changed", locked)
    return party


@transaction.atomic
def do_update_party(party: Party, *, signatory_name: str, signatory_title: str, acting_user: User) -> Party:
    programme = party.programme
    require_scope(acting_user, Party, "change", programme.organization)
    lock(programme)
    errors = Errors()
    name, title = text(signatory_name, 150), text(signatory_title, 200)
    if not name:
        errors.add("signatory_name", _("Name the person who signed for this party."))
    if not title:
        errors.add("signatory_title", _("Give the signatory's title."))
    errors.raise_if_any()
    old = {"signatory_name": party.signatory_name, "signatory_title": party.signatory_title}
    party.signatory_name, party.signatory_title = name, title
    new = {"signatory_name": name, "signatory_title": title}
    if old == new:
        return party
    party.save(update_fields=["signatory_name", "signatory_title", "last_updated"])
    audit_programme(
        ProgrammeAuditEvent.PARTY_CHANGED, programme, acting_user=acting_user, obj=party, old=old, new=new
    )
    push("programme.changed", programme)
    return party


@transaction.atomic
def do_remove_party(party: Party, *, acting_user: User) -> None:
    """Remove a party that owes nothing; the lead cannot leave, and two parties must remain."""
    programme = party.programme
    require_scope(acting_user, Party, "delete", programme.organization)
    locked = lock(programme)
    errors = Errors()
    if party.is_lead:
        errors.add("party", _("The lead party cannot leave the programme."))
    elif party.action_items.exists() or party.indicator_targets.exists():
        errors.add(
            "party",
            _("%(organization)s owes action items or indicator targets; it cannot leave the programme.")
            % {"organization": party.organization.name},
        )
    if locked.parties.count() <= 2:
        errors.add("party", _("A programme has at least two parties."))
    errors.raise_if_any()
    audit_programme(
        ProgrammeAuditEvent.PARTY_REMOVED,
        locked,
        acting_user=acting_user,
        obj=party,
        old={"organization": party.organization_id, "signatory_name": party.signatory_name},
    )
    party.delete()
    push("programme.changed", locked)


# ---------------------------------------------------------------------------------------------
# Status
# ---------------------------------------------------------------------------------------------


def allowed_steps(programme: Programme, user: User) -> list[Step]:
    """The status steps ``user`` may take on ``programme`` now (buttons and the API)."""
    if not organization_scope(user, Programme, "change").contains(programme.organization):
        return []
    return [step for (status, step) in TRANSITIONS if status == programme.status]


def readiness_errors(programme: Programme) -> dict[str, list[str]]:
    """What keeps a draft from becoming active: fewer than two parties, or weights that do not
    sum to 100 (axes of the programme; objectives of each axis)."""
    errors = Errors()
    if programme.parties.count() < 2:
        errors.add("parties", _("A programme has at least two parties."))
    axes = list(programme.axes.prefetch_related("objectives"))
    if axes:
        total = sum(axis.weight for axis in axes)
        if total != 100:
            errors.add(
                "weights",
                _("The weights of the axes sum to %(total)s, not 100.") % {"total": number(total)},
            )
    for axis in axes:
        objectives = list(axis.objectives.all())
        total = sum(objective.weight for objective in objectives)
        if objectives and total != 100:
            errors.add(
                "weights",
                _("The weights of the objectives of “%(axis)s” sum to %(total)s, not 100.")
                % {"axis": axis.title, "total": number(total)},
            )
    return errors.fields


@transaction.atomic
def do_transition_programme(
    programme: Programme,
    step: str,
    *,
    acting_user: User | None,
    note: str = "",
    now: datetime | None = None,
) -> Programme:
    """Take one status step (see ``rasad.programs.workflow.TRANSITIONS``). ``acting_user`` None is
    the periodic job, which only expires programmes past their end date."""
    moment = now or timezone.now()
    if acting_user is not None:
        require_scope(acting_user, Programme, "change", programme.organization)
    locked = lock(programme)
    try:
        key = Step(step)
    except ValueError:
        raise ValidationError({"step": [_("Unknown step “%(step)s”.") % {"step": step}]}) from None
    transition = TRANSITIONS.get((ProgrammeStatus(locked.status), key))
    if transition is None:
        raise ValidationError(
            {
                "step": [
                    _("“%(step)s” is not allowed while the programme is “%(status)s”.")
                    % {"step": STEP_LABELS[key], "status": ProgrammeStatus(locked.status).label}
                ]
            }
        )
    if acting_user is None and key != Step.EXPIRE:
        raise refusal()
    note = text(note)
    if transition.needs_note and not note:
        raise ValidationError({"note": [_("Say why: a note is required for this step.")]})
    today = local_date(moment)
    if key == Step.EXPIRE and locked.ends_on >= today:
        raise ValidationError(
            {
                "step": [
                    _("The programme runs until %(date)s; it has not expired.")
                    % {"date": day(locked.ends_on)}
                ]
            }
        )
    if key == Step.ACTIVATE:
        problems = readiness_errors(locked)
        if problems:
            raise ValidationError(problems)
    old = {"status": locked.status, "version": locked.version}
    locked.status = transition.to
    locked.status_note = note
    locked.version += 1
    locked.save(update_fields=["status", "status_note", "version", "last_updated"])
    audit_programme(
        ProgrammeAuditEvent.PROGRAMME_TRANSITIONED,
        locked,
        acting_user=acting_user,
        old=old,
        new={"status": locked.status, "version": locked.version},
        extra={"step": key.value, "note": note},
    )
    push("programme.transitioned", locked, status=locked.status)
    return locked
