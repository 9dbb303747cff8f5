"""Media actions of the crisis room: open and close a crisis, its shared timeline (entries people
write, and the ones Rasad writes when a statement of the crisis is issued, acknowledged or
answered, or a rumour is logged or answered), and the rumour log."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from rasad.core.access import refusal, require_scope
from rasad.core.models import City, Organization, User
from rasad.lib.actions import Errors, text
from rasad.lib.persian import search_key
from rasad.lib.stored_text import StoredText, Words
from rasad.media.actions.common import push
from rasad.media.audit import MediaAuditEvent, audit
from rasad.media.choices import CrisisState, EntryKind, RumourState, Severity
from rasad.media.models import Crisis, MemberAgency, Recipient, Rumour, Statement, TimelineEntry

MAX_TEXT = 5000


def member_ids(hq_id: int) -> set[int]:
    return set(MemberAgency.objects.filter(hq_id=hq_id, is_active=True).values_list("agency_id", flat=True))


def crisis_push(crisis: Crisis, **payload: Any) -> None:
    """Tell the crisis room's open pages (the headquarters' and every member agency's) that the
    crisis changed: the live stream carries ``media.*`` events (docs/media.md, "Crisis room")."""
    push(
        "media.crisis",
        {crisis.organization_id, *member_ids(crisis.organization_id)},
        crisis=crisis.pk,
        **payload,
    )


def record_on_timeline(
    crisis: Crisis,
    kind: str,
    message: str | StoredText,
    *,
    organization: Organization,
    moment: datetime | None = None,
    author: User | None = None,
    statement: Statement | None = None,
    recipient: Recipient | None = None,
    rumour: Rumour | None = None,
) -> TimelineEntry:
    """Write a timeline entry (inside the caller's transaction) and push it after commit. A line
    Rasad writes itself is a ``StoredText``, read in each reader's language (its Persian text kept
    beside it); a person's line is kept as they wrote it."""
    persian, text_id, text_params = message.kept() if isinstance(message, StoredText) else (message, "", {})
    entry = TimelineEntry.objects.create(
        crisis=crisis,
        moment=moment or timezone.now(),
        kind=kind,
        text=persian[:MAX_TEXT],
        text_id=text_id,
        text_params=text_params,
        organization=organization,
        author=author,
        statement=statement,
        recipient=recipient,
        rumour=rumour,
    )
    crisis_push(crisis, entry=entry.pk)
    return entry


def _lock(crisis: Crisis) -> Crisis:
    locked: Crisis = Crisis.objects.select_for_update().get(pk=crisis.pk)
    return locked


@dataclass
class CrisisValues:
    organization: Organization
    title: str
    severity: str
    description: str = ""
    places: list[City] = field(default_factory=list)


@transaction.atomic
def do_open_crisis(values: CrisisValues, *, acting_user: User | None, now: datetime | None = None) -> Crisis:
    """Open a crisis in the headquarters' crisis room."""
    require_scope(acting_user, Crisis, "add", values.organization)
    errors = Errors()
    title = text(values.title, 300)
    if not title:
        errors.add("title", _("A crisis needs a title."))
    if values.severity not in Severity.values:
        errors.add("severity", _("Choose the severity."))
    errors.raise_if_any()
    moment = now or timezone.now()
    crisis = Crisis.objects.create(
        organization=values.organization,
        title=title,
        description=text(values.description, MAX_TEXT),
        severity=values.severity,
        opened_at=moment,
        opened_by=acting_user,
        search_text=search_key(f"{title} {values.description}"),
    )
    crisis.places.set(values.places)
    opened = StoredText(
        gettext_noop("The crisis room was opened: %(title)s (severity: %(severity)s)."),
        {"title": title, "severity": Words.of(Severity(crisis.severity).label)},
    )
    record_on_timeline(
        crisis, EntryKind.EVENT, opened, organization=crisis.organization, moment=moment, author=acting_user
    )
    audit(
        MediaAuditEvent.CRISIS_OPENED,
        acting_user=acting_user,
        organization=crisis.organization,
        obj=crisis,
        new={
            "title": title,
            "severity": values.severity,
            "places": sorted(city.pk for city in values.places),
        },
    )
    return crisis


@transaction.atomic
def do_add_timeline_entry(
    crisis: Crisis,
    kind: str,
    message: str,
    *,
    organization: Organization,
    acting_user: User | None,
    now: datetime | None = None,
) -> TimelineEntry:
    """An event or a decision, written by the headquarters or a member agency for itself."""
    require_scope(acting_user, TimelineEntry, "add", organization)
    locked = _lock(crisis)
    errors = Errors()
    if locked.state != CrisisState.OPEN:
        errors.add("crisis", _("The crisis is closed; its timeline no longer changes."))
    if organization.pk != locked.organization_id and organization.pk not in member_ids(
        locked.organization_id
    ):
        errors.add(
            "organization",
            _("%(name)s is neither the headquarters nor one of its member agencies.")
            % {"name": organization.name},
        )
    if kind not in (EntryKind.EVENT, EntryKind.DECISION):
        errors.add("kind", _("Choose an event or a decision."))
    cleaned = text(message, MAX_TEXT)
    if not cleaned:
        errors.add("text", _("Write what happened or what was decided."))
    errors.raise_if_any()
    entry = record_on_timeline(
        locked, kind, cleaned, organization=organization, moment=now, author=acting_user
    )
    audit(
        MediaAuditEvent.TIMELINE_ENTRY_ADDED,
        acting_user=acting_user,
        organization=organization,
        obj=entry,
        new={"crisis": locked.pk, "kind": kind, "text": cleaned[:200]},
    )
    return entry


@transaction.atomic
def do_close_crisis(
    crisis: Crisis, summary: str, *, acting_user: User | None, now: datetime | None = None
) -> Crisis:
    """Close the crisis with its summary; the closing report is read from what was recorded."""
    require_scope(acting_user, Crisis, "change", crisis.organization)
    locked = _lock(crisis)
    errors = Errors()
    if locked.state != CrisisState.OPEN:
        errors.add("state", _("The crisis is already closed."))
    cleaned = text(summary, MAX_TEXT)
    if not cleaned:
        errors.add("closing_summary", _("Write the closing summary."))
    errors.raise_if_any()
    moment = now or timezone.now()
    locked.state = CrisisState.CLOSED
    locked.closed_at = moment
    locked.closed_by = acting_user
    locked.closing_summary = cleaned
    locked.save(update_fields=["state", "closed_at", "closed_by", "closing_summary", "last_updated"])
    closed = StoredText(gettext_noop("The crisis room was closed."))
    record_on_timeline(
        locked, EntryKind.EVENT, closed, organization=locked.organization, moment=moment, author=acting_user
    )
    audit(
        MediaAuditEvent.CRISIS_CLOSED,
        acting_user=acting_user,
        organization=locked.organization,
        obj=locked,
        old={"state": CrisisState.OPEN},
        new={"state": CrisisState.CLOSED, "closed_at": moment.isoformat()},
    )
    return locked


# ---- rumours --------------------------------------------------------------------------------


@dataclass
class RumourValues:
    organization: Organization
    claim: str
    seen_where: str
    crisis: Crisis | None = None
    reach: int | None = None
    facts: str = ""


def _rumour_lock(rumour: Rumour) -> Rumour:
    locked: Rumour = (
        Rumour.objects.select_for_update(of=("self",)).select_related("crisis", "agency").get(pk=rumour.pk)
    )
    return locked


@transaction.atomic
def do_log_rumour(values: RumourValues, *, acting_user: User | None, now: datetime | None = None) -> Rumour:
    """Log a claim circulating among the public."""
    require_scope(acting_user, Rumour, "add", values.organization)
    errors = Errors()
    claim = text(values.claim, MAX_TEXT)
    seen = text(values.seen_where, 300)
    if not claim:
        errors.add("claim", _("Write the claim as it circulates."))
    if not seen:
        errors.add("seen_where", _("Say where it was seen (a channel, a page, a group)."))
    if values.reach is not None and not 0 <= values.reach <= 100_000_000:
        errors.add("reach", _("The reach is a number of people from 0 to 100,000,000."))
    if values.crisis is not None:
        if values.crisis.organization_id != values.organization.pk:
            errors.add("crisis", _("The crisis belongs to another headquarters."))
        elif values.crisis.state != CrisisState.OPEN:
            errors.add("crisis", _("The crisis is closed; its timeline no longer changes."))
    errors.raise_if_any()
    moment = now or timezone.now()
    rumour = Rumour.objects.create(
        organization=values.organization,
        crisis=values.crisis,
        claim=claim,
        seen_where=seen,
        reach=values.reach,
        facts=text(values.facts, MAX_TEXT),
        logged_at=moment,
        logged_by=acting_user,
        search_text=search_key(f"{claim} {seen}"),
    )
    if rumour.crisis is not None:
        logged = StoredText(
            gettext_noop("Rumour logged: %(claim)s (seen on %(where)s)."),
            {"claim": claim[:300], "where": seen},
        )
        record_on_timeline(
            rumour.crisis,
            EntryKind.RUMOUR,
            logged,
            organization=rumour.organization,
            moment=moment,
            author=acting_user,
            rumour=rumour,
        )
    audit(
        MediaAuditEvent.RUMOUR_LOGGED,
        acting_user=acting_user,
        organization=rumour.organization,
        obj=rumour,
        new={
            "claim": claim[:200],
            "seen_where": seen,
            "reach": values.reach,
            "crisis": getattr(values.crisis, "pk", None),
        },
    )
    return rumour


@transaction.atomic
def do_assign_rumour(
    rumour: Rumour, agency: Organization, *, acting_user: User | None, now: datetime | None = None
) -> Rumour:
    """Ask a member agency to answer the rumour."""
    require_scope(acting_user, Rumour, "change", rumour.organization)
    locked = _rumour_lock(rumour)
    errors = Errors()
    if locked.state not in (RumourState.LOGGED, RumourState.ASSIGNED):
        errors.add("state", _("The rumour was already answered or set aside."))
    if agency.pk not in member_ids(locked.organization_id):
        errors.add(
            "agency", _("%(agency)s is not a member agency of this headquarters.") % {"agency": agency.name}
        )
    errors.raise_if_any()
    old = {"agency": getattr(locked.agency, "code", None), "state": locked.state}
    locked.agency = agency
    locked.state = RumourState.ASSIGNED
    locked.assigned_at = now or timezone.now()
    locked.save(update_fields=["agency", "state", "assigned_at", "last_updated"])
    audit(
        MediaAuditEvent.RUMOUR_ASSIGNED,
        acting_user=acting_user,
        organization=locked.organization,
        obj=locked,
        old=old,
        new={"agency": agency.code, "state": locked.state},
    )
    if locked.crisis is not None:
        crisis_push(locked.crisis, rumour=locked.pk)
    return locked


@transaction.atomic
def do_answer_rumour(
    rumour: Rumour, response: str, *, acting_user: User | None, now: datetime | None = None
) -> Rumour:
    """Record the answer given to the rumour (by the agency it is assigned to, or by the
    headquarters itself)."""
    locked = _rumour_lock(rumour)
    if acting_user is not None and not may_answer(acting_user, locked):
        raise refusal()
    errors = Errors()
    if locked.state in (RumourState.ANSWERED, RumourState.DISMISSED):
        errors.add("state", _("The rumour was already answered or set aside."))
    cleaned = text(response, MAX_TEXT)
    if not cleaned:
        errors.add("response", _("Write the answer that was given."))
    errors.raise_if_any()
    moment = now or timezone.now()
    locked.state = RumourState.ANSWERED
    locked.response = cleaned
    locked.answered_at = moment
    locked.answered_by = acting_user
    locked.save(update_fields=["state", "response", "answered_at", "answered_by", "last_updated"])
    by = locked.agency or locked.organization
    if locked.crisis is not None:
        answered = StoredText(
            gettext_noop("%(by)s answered the rumour “%(claim)s”: %(response)s"),
            {"by": by.name, "claim": locked.claim[:200], "response": cleaned[:500]},
        )
        record_on_timeline(
            locked.crisis,
            EntryKind.RUMOUR,
            answered,
            organization=by,
            moment=moment,
            author=acting_user,
            rumour=locked,
        )
    audit(
        MediaAuditEvent.RUMOUR_ANSWERED,
        acting_user=acting_user,
        organization=by,
        obj=locked,
        new={"state": locked.state, "response": cleaned[:200]},
    )
    return locked


@transaction.atomic
def do_dismiss_rumour(rumour: Rumour, *, acting_user: User | None) -> Rumour:
    """Set a rumour aside (it did not spread, or was not a rumour)."""
    require_scope(acting_user, Rumour, "change", rumour.organization)
    locked = _rumour_lock(rumour)
    if locked.state in (RumourState.ANSWERED, RumourState.DISMISSED):
        raise ValidationError({"state": [_("The rumour was already answered or set aside.")]})
    old = locked.state
    locked.state = RumourState.DISMISSED
    locked.save(update_fields=["state", "last_updated"])
    audit(
        MediaAuditEvent.RUMOUR_DISMISSED,
        acting_user=acting_user,
        organization=locked.organization,
        obj=locked,
        old={"state": old},
        new={"state": locked.state},
    )
    if locked.crisis is not None:
        crisis_push(locked.crisis, rumour=locked.pk)
    return locked


def may_write_on_timeline(user: User, crisis: Crisis) -> bool:
    """Whether the user may write on the crisis's timeline for the headquarters or for one of its
    member agencies."""
    from rasad.core.scope import organization_scope

    scope = organization_scope(user, TimelineEntry, "add")
    candidates = Organization.objects.filter(
        pk__in={crisis.organization_id, *member_ids(crisis.organization_id)}
    )
    return any(scope.contains(organization) for organization in candidates.only("pk", "path"))


def may_answer(user: User, rumour: Rumour) -> bool:
    """The headquarters (who may change the rumour) or the agency it is assigned to."""
    return _may(user, "change", rumour.organization) or (
        rumour.agency is not None and _may(user, "answer", rumour.agency)
    )


def _may(user: User, action: str, organization: Organization) -> bool:
    from rasad.core.scope import organization_scope

    return organization_scope(user, Rumour, action).contains(organization)
