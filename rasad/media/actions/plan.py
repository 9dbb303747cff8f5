"""Media actions of the media calendar (the content plan): an item planned by the headquarters for
itself or for a member agency (an event to publicize, a press conference, a news piece, a video,
an interview, a campaign) on a Jalali day, optionally linked to a training event's announcement;
marked published with its link by the agency (or the headquarters), or cancelled with a reason."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from rasad.core.access import refusal, require_scope
from rasad.core.models import Organization, User
from rasad.lib.actions import Errors, saved_values, text
from rasad.lib.persian import search_key
from rasad.media.actions.crisis import MAX_TEXT, member_ids
from rasad.media.audit import MediaAuditEvent, audit
from rasad.media.choices import Channel, PlanKind, PlanState
from rasad.media.models import PlannedItem
from rasad.programs.models import Axis

# A plan reaches a year ahead; an item lasts at most 90 days (a campaign).
MAX_AHEAD_DAYS = 366
MAX_LENGTH_DAYS = 90


@dataclass
class PlanValues:
    organization: Organization
    kind: str
    title: str
    starts_at: datetime
    ends_at: datetime | None = None
    agency: Organization | None = None
    channel: str = ""
    description: str = ""
    training_event: Any = None
    axis: Axis | None = None


def roadmap_axes(hq_ids: Iterable[int]) -> QuerySet[Axis]:
    """The axes a planned item of these headquarters may serve: those of the programmes (the
    cyberspace roadmap) a headquarters leads or is a party to."""
    hq_ids = list(hq_ids)
    axes: QuerySet[Axis] = (
        Axis.objects.filter(
            Q(programme__organization_id__in=hq_ids) | Q(programme__parties__organization_id__in=hq_ids)
        )
        .select_related("programme")
        .distinct()
        .order_by("programme__title", "position", "pk")
    )
    return axes


def _check(values: PlanValues, errors: Errors, *, now: datetime) -> tuple[str, datetime]:
    title = text(values.title, 300)
    if not title:
        errors.add("title", _("Give the planned item a title."))
    if values.kind not in PlanKind.values:
        errors.add("kind", _("Choose what is planned."))
    if values.channel and values.channel not in Channel.values:
        errors.add("channel", _("Choose a channel from the list."))
    ends = values.ends_at or values.starts_at
    if ends < values.starts_at:
        errors.add("ends_at", _("The end day comes before the start day."))
    elif (ends - values.starts_at).days > MAX_LENGTH_DAYS:
        errors.add("ends_at", _("A planned item lasts at most 90 days."))
    if (values.starts_at - now).days > MAX_AHEAD_DAYS:
        errors.add(
            "starts_at", _("The start is more than a year ahead; the calendar plans one year ahead at most.")
        )
    if (
        values.axis is not None
        and not roadmap_axes([values.organization.pk]).filter(pk=values.axis.pk).exists()
    ):
        errors.add("axis", _("Choose an axis of a programme this headquarters takes part in."))
    if values.agency is not None and values.agency.pk not in member_ids(values.organization.pk):
        errors.add(
            "agency",
            _("%(agency)s is not a member agency of this headquarters.") % {"agency": values.agency.name},
        )
    return title, ends


@transaction.atomic
def do_plan_item(values: PlanValues, *, acting_user: User | None, now: datetime | None = None) -> PlannedItem:
    """Put an item on the headquarters' media calendar."""
    require_scope(acting_user, PlannedItem, "add", values.organization)
    errors = Errors()
    title, ends = _check(values, errors, now=now or timezone.now())
    errors.raise_if_any()
    item = PlannedItem.objects.create(
        organization=values.organization,
        agency=values.agency,
        kind=values.kind,
        title=title,
        description=text(values.description, MAX_TEXT),
        starts_at=values.starts_at,
        ends_at=ends,
        channel=values.channel,
        training_event=values.training_event,
        axis=values.axis,
        planned_by=acting_user,
        search_text=search_key(f"{title} {values.description}"),
    )
    audit(
        MediaAuditEvent.ITEM_PLANNED,
        acting_user=acting_user,
        organization=item.organization,
        obj=item,
        new=_snapshot(item),
    )
    return item


# What a change of a planned item writes (the same before and after: nothing is saved).
_ITEM_FIELDS = (
    "kind",
    "title",
    "description",
    "starts_at",
    "ends_at",
    "agency",
    "channel",
    "training_event",
    "axis",
    "search_text",
)


@transaction.atomic
def do_change_planned_item(
    item: PlannedItem, values: PlanValues, *, acting_user: User | None, now: datetime | None = None
) -> PlannedItem:
    """Change a planned item (not once it is published or cancelled)."""
    require_scope(acting_user, PlannedItem, "change", item.organization)
    locked = _lock(item)
    errors = Errors()
    if locked.state != PlanState.PLANNED:
        errors.add("state", _("A published or cancelled item no longer changes."))
    if values.organization.pk != locked.organization_id:
        errors.add("organization", _("An item stays on the calendar of its headquarters."))
    title, ends = _check(values, errors, now=now or timezone.now())
    errors.raise_if_any()
    old = _snapshot(locked)
    saved = saved_values(locked, _ITEM_FIELDS)
    locked.kind = values.kind
    locked.title = title
    locked.description = text(values.description, MAX_TEXT)
    locked.starts_at = values.starts_at
    locked.ends_at = ends
    locked.agency = values.agency
    locked.channel = values.channel
    locked.training_event = values.training_event
    locked.axis = values.axis
    locked.search_text = search_key(f"{title} {values.description}")
    if saved_values(locked, _ITEM_FIELDS) == saved:
        return locked  # the form sent back as it was writes nothing (docs/audit.md, "What is recorded")
    locked.save(update_fields=[*_ITEM_FIELDS, "last_updated"])
    audit(
        MediaAuditEvent.ITEM_CHANGED,
        acting_user=acting_user,
        organization=locked.organization,
        obj=locked,
        old=old,
        new=_snapshot(locked),
    )
    return locked


@transaction.atomic
def do_publish_planned_item(
    item: PlannedItem, link: str, *, acting_user: User | None, now: datetime | None = None
) -> PlannedItem:
    """Mark the item published, with the address where it can be seen: by the agency it is
    planned for, or by the headquarters."""
    locked = _lock(item)
    if acting_user is not None and not may_publish(acting_user, locked):
        raise refusal()
    errors = Errors()
    if locked.state != PlanState.PLANNED:
        errors.add("state", _("A published or cancelled item no longer changes."))
    cleaned = text(link, 500)
    if not cleaned.startswith(("https://", "http://")):
        errors.add("link", _("Give the address (https://…) where it was published."))
    errors.raise_if_any()
    locked.state = PlanState.PUBLISHED
    locked.link = cleaned
    locked.done_at = now or timezone.now()
    locked.done_by = acting_user
    locked.save(update_fields=["state", "link", "done_at", "done_by", "last_updated"])
    audit(
        MediaAuditEvent.ITEM_PUBLISHED,
        acting_user=acting_user,
        organization=locked.agency or locked.organization,
        obj=locked,
        new={"state": locked.state, "link": cleaned},
    )
    return locked


@transaction.atomic
def do_cancel_planned_item(
    item: PlannedItem, reason: str, *, acting_user: User | None, now: datetime | None = None
) -> PlannedItem:
    """Take the item off the plan, saying why (it stays on the calendar, struck through)."""
    require_scope(acting_user, PlannedItem, "change", item.organization)
    locked = _lock(item)
    errors = Errors()
    if locked.state != PlanState.PLANNED:
        errors.add("state", _("A published or cancelled item no longer changes."))
    cleaned = text(reason, MAX_TEXT)
    if not cleaned:
        errors.add("reason", _("Say why the item is cancelled."))
    errors.raise_if_any()
    locked.state = PlanState.CANCELLED
    locked.cancel_reason = cleaned
    locked.done_at = now or timezone.now()
    locked.done_by = acting_user
    locked.save(update_fields=["state", "cancel_reason", "done_at", "done_by", "last_updated"])
    audit(
        MediaAuditEvent.ITEM_CANCELLED,
        acting_user=acting_user,
        organization=locked.organization,
        obj=locked,
        new={"state": locked.state, "reason": cleaned[:200]},
    )
    return locked


def may_publish(user: User, item: PlannedItem) -> bool:
    """The headquarters (who may change the item) or the agency it is planned for."""
    from rasad.core.scope import organization_scope

    if organization_scope(user, PlannedItem, "change").contains(item.organization):
        return True
    return item.agency is not None and organization_scope(user, PlannedItem, "publish").contains(item.agency)


def _lock(item: PlannedItem) -> PlannedItem:
    locked: PlannedItem = PlannedItem.objects.select_for_update().get(pk=item.pk)
    return locked


def _snapshot(item: PlannedItem) -> dict[str, Any]:
    return {
        "kind": item.kind,
        "title": item.title[:200],
        "starts_at": item.starts_at.isoformat(),
        "ends_at": item.ends_at.isoformat(),
        "agency": getattr(item.agency, "code", None),
        "channel": item.channel,
        "training_event": item.training_event_id,
        "axis": item.axis_id,
    }
