"""Training actions: the catalogue (courses, events), requirements by position, and the
positions people hold."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rasad.core.access import require_scope
from rasad.core.models import Membership, Organization, User
from rasad.lib import formatting
from rasad.lib.actions import Errors, saved_values, text
from rasad.lib.jalali import local_date
from rasad.lib.persian import search_key
from rasad.training.actions.common import day, push
from rasad.training.audit import TrainingAuditEvent, audit
from rasad.training.choices import DeliveryMode, EventKind, EventStatus
from rasad.training.models import Course, Event, Position, PositionHolding, Requirement


@dataclass
class CourseValues:
    organization: Organization
    code: str
    title: str
    hours: Decimal | float | int
    mode: str
    description: str = ""
    tags: list[str] = field(default_factory=list)
    validity_months: int | None = None
    prerequisites: list[Course] = field(default_factory=list)


# What saving an existing course writes: every field the form sets.
_COURSE_FIELDS = (
    "organization",
    "code",
    "title",
    "description",
    "tags",
    "hours",
    "mode",
    "validity_months",
    "search_text",
)


def _saved_course(course: Course, prerequisites: list[Course] | None = None) -> dict[str, Any]:
    """What saving a course writes, its prerequisites (``prerequisites``: those it is to have)
    among it."""
    wanted = course.prerequisites.all() if prerequisites is None else prerequisites
    return {**saved_values(course, _COURSE_FIELDS), "prerequisites": sorted(p.pk for p in wanted)}


@transaction.atomic
def do_save_course(
    values: CourseValues, *, acting_user: User | None, instance: Course | None = None
) -> Course:
    """Add a course to the catalogue (or change one): its provider must be in the actor's scope."""
    require_scope(acting_user, Course, "change" if instance else "add", values.organization)
    if instance is not None:
        require_scope(acting_user, Course, "change", instance.organization)
    errors = Errors()
    title = text(values.title, 300)
    code = text(values.code, 40).lower()
    if not title:
        errors.add("title", _("A course needs a title."))
    if not code:
        errors.add("code", _("A course needs a code."))
    elif Course.objects.filter(code=code).exclude(pk=getattr(instance, "pk", None)).exists():
        errors.add("code", _("Another course has the code “%(code)s”.") % {"code": code})
    try:
        hours = Decimal(str(values.hours)).quantize(Decimal("0.1"))
    except ArithmeticError:
        hours = Decimal(0)
    if not Decimal(0) < hours <= Decimal(2000):
        errors.add("hours", _("Hours are a number above 0 and at most 2000."))
    if values.mode not in DeliveryMode.values:
        errors.add("mode", _("Choose in person, online or blended."))
    if values.validity_months is not None and not 1 <= values.validity_months <= 240:
        errors.add("validity_months", _("A certificate is valid for 1 to 240 months, or for ever (empty)."))
    if instance is not None and any(p.pk == instance.pk for p in values.prerequisites):
        errors.add("prerequisites", _("A course cannot be its own prerequisite."))
    elif instance is not None and _leads_back(instance, values.prerequisites):
        errors.add(
            "prerequisites",
            _("One of these courses requires this course first, directly or through others: a circle."),
        )
    errors.raise_if_any()
    tags = [text(tag, 60) for tag in values.tags if text(tag)][:20]
    course = instance or Course()
    saved = _saved_course(course) if instance else None
    old = (
        {"title": course.title, "hours": str(course.hours), "validity_months": course.validity_months}
        if instance
        else None
    )
    course.organization = values.organization
    course.code = code
    course.title = title
    course.description = text(values.description, 5000)
    course.tags = tags
    course.hours = hours
    course.mode = values.mode
    course.validity_months = values.validity_months
    course.search_text = search_key(" ".join([title, code, *tags]))
    if saved is not None and _saved_course(course, values.prerequisites) == saved:
        return course  # the values it has write nothing
    if instance is None:
        course.save()
    else:
        course.save(update_fields=[*_COURSE_FIELDS, "last_updated"])
    course.prerequisites.set(values.prerequisites)
    audit(
        TrainingAuditEvent.COURSE_SAVED,
        acting_user=acting_user,
        organization=course.organization,
        obj=course,
        old=old,
        new={
            "code": code,
            "title": title,
            "hours": str(hours),
            "mode": values.mode,
            "validity_months": values.validity_months,
        },
    )
    return course


@dataclass
class EventValues:
    organization: Organization
    audience: Organization
    kind: str
    title: str
    starts_at: datetime
    ends_at: datetime
    course: Course | None = None
    description: str = ""
    place: str = ""
    latitude: float | None = None
    longitude: float | None = None
    online_url: str = ""
    capacity: int | None = None


def _leads_back(course: Course, prerequisites: list[Course]) -> bool:
    """Whether ``course`` is among the prerequisites of ``prerequisites``, at any depth."""
    seen: set[int] = set()
    frontier = {p.pk for p in prerequisites}
    while frontier:
        if course.pk in frontier:
            return True
        seen |= frontier
        frontier = (
            set(
                Course.prerequisites.through.objects.filter(from_course_id__in=frontier).values_list(
                    "to_course_id", flat=True
                )
            )
            - seen
        )
    return False


def check_event(values: EventValues, *, instance: Event | None) -> None:
    errors = Errors()
    if values.kind not in EventKind.values:
        errors.add("kind", _("Choose a session, bootcamp, workshop or seminar."))
    if values.kind == EventKind.SESSION and values.course is None:
        errors.add("course", _("A course session names its course."))
    if not text(values.title) and values.course is None:
        errors.add("title", _("An event needs a title."))
    if values.ends_at <= values.starts_at:
        errors.add("ends_at", _("The event must end after it starts."))
    if values.capacity is not None and values.capacity < 1:
        errors.add("capacity", _("Capacity is at least 1, or empty for no limit."))
    if instance is not None and values.capacity is not None:
        taken = instance.enrolments.holding_places().count()
        if values.capacity < taken:
            errors.add(
                "capacity",
                _("%(taken)s people already hold a place; the capacity cannot be less.")
                % {"taken": formatting.number(taken)},
            )
    if (values.latitude is None) != (values.longitude is None):
        errors.add("latitude", _("Give both latitude and longitude, or neither."))
    elif (
        values.latitude is not None
        and values.longitude is not None
        and not (-90 <= values.latitude <= 90 and -180 <= values.longitude <= 180)
    ):
        errors.add("latitude", _("The point is not on the map."))
    if values.online_url and not values.online_url.startswith(("https://", "http://")):
        errors.add("online_url", _("An online link starts with https://."))
    errors.raise_if_any()


# What saving an existing event writes: every field the form sets.
_EVENT_FIELDS = (
    "organization",
    "audience",
    "course",
    "kind",
    "title",
    "description",
    "starts_at",
    "ends_at",
    "place",
    "latitude",
    "longitude",
    "online_url",
    "capacity",
    "search_text",
)


@transaction.atomic
def do_save_event(values: EventValues, *, acting_user: User | None, instance: Event | None = None) -> Event:
    """Schedule an event (or change one). The organizer must be in the actor's scope; the audience
    is any organization the actor may see."""
    require_scope(acting_user, Event, "change" if instance else "add", values.organization)
    if instance is not None:
        require_scope(acting_user, Event, "change", instance.organization)
        instance = Event.objects.select_for_update().get(pk=instance.pk)
        if instance.status == EventStatus.CANCELLED:
            from django.core.exceptions import ValidationError

            raise ValidationError({"status": [_("The event was cancelled; it cannot be changed.")]})
    require_scope(acting_user, Organization, "view", values.audience)
    check_event(values, instance=instance)
    event = instance or Event()
    saved = saved_values(event, _EVENT_FIELDS)
    event.organization = values.organization
    event.audience = values.audience
    event.course = values.course
    event.kind = values.kind
    event.title = text(values.title, 300) or (values.course.title if values.course else "")
    event.description = text(values.description, 5000)
    event.starts_at = values.starts_at
    event.ends_at = values.ends_at
    event.place = text(values.place, 300)
    event.latitude = values.latitude
    event.longitude = values.longitude
    event.online_url = values.online_url
    event.capacity = values.capacity
    event.search_text = search_key(" ".join([event.title, event.place]))
    if instance is not None and saved_values(event, _EVENT_FIELDS) == saved:
        return event  # the values it has write nothing
    if instance is None:
        event.save()
    else:
        event.save(update_fields=[*_EVENT_FIELDS, "last_updated"])
    audit(
        TrainingAuditEvent.EVENT_SAVED,
        acting_user=acting_user,
        organization=event.organization,
        obj=event,
        new={
            "title": event.title,
            "kind": event.kind,
            "course": event.course_id,
            "audience": event.audience_id,
            "starts_at": event.starts_at,
            "ends_at": event.ends_at,
            "capacity": event.capacity,
        },
    )
    push("training.event", {event.organization_id, event.audience_id}, event=event.pk)
    return event


@transaction.atomic
def do_cancel_event(event: Event, *, acting_user: User | None) -> Event:
    require_scope(acting_user, Event, "change", event.organization)
    locked: Event = Event.objects.select_for_update().get(pk=event.pk)
    if locked.status == EventStatus.CANCELLED:
        return locked
    if locked.enrolments.filter(attended=True).exists():
        from django.core.exceptions import ValidationError

        raise ValidationError({"status": [_("Attendance was recorded; the event cannot be cancelled.")]})
    locked.status = EventStatus.CANCELLED
    locked.save(update_fields=["status", "last_updated"])
    audit(
        TrainingAuditEvent.EVENT_CANCELLED,
        acting_user=acting_user,
        organization=locked.organization,
        obj=locked,
        old={"status": EventStatus.SCHEDULED},
        new={"status": EventStatus.CANCELLED},
    )
    push("training.event", {locked.organization_id, locked.audience_id}, event=locked.pk)
    return locked


@dataclass
class RequirementValues:
    organization: Organization
    position: Position
    courses: list[Course]
    title: str
    within_months: int
    basis: str = ""
    is_active: bool = True


_REQUIREMENT_FIELDS = ("organization", "position", "title", "basis", "within_months", "is_active")


def _saved_requirement(requirement: Requirement, courses: list[Course] | None = None) -> dict[str, Any]:
    """What saving a requirement writes, its courses (``courses``: those it is to have) among it."""
    wanted = requirement.courses.all() if courses is None else courses
    return {**saved_values(requirement, _REQUIREMENT_FIELDS), "courses": sorted(c.pk for c in wanted)}


@transaction.atomic
def do_save_requirement(
    values: RequirementValues, *, acting_user: User | None, instance: Requirement | None = None
) -> Requirement:
    """Require the holders of a position in an organization's subtree to complete one of some
    courses within some months."""
    require_scope(acting_user, Requirement, "change" if instance else "add", values.organization)
    if instance is not None:
        require_scope(acting_user, Requirement, "change", instance.organization)
    errors = Errors()
    title = text(values.title, 300)
    if not title:
        errors.add("title", _("A requirement needs a title."))
    if not values.courses:
        errors.add("courses", _("Name at least one course that satisfies the requirement."))
    if not isinstance(values.within_months, int) or not 1 <= values.within_months <= 120:
        errors.add("within_months", _("Give 1 to 120 months."))
    errors.raise_if_any()
    requirement = instance or Requirement()
    saved = _saved_requirement(requirement) if instance else None
    requirement.organization = values.organization
    requirement.position = values.position
    requirement.title = title
    requirement.basis = text(values.basis, 300)
    requirement.within_months = values.within_months
    requirement.is_active = values.is_active
    if saved is not None and _saved_requirement(requirement, values.courses) == saved:
        return requirement  # the values it has write nothing
    if instance is None:
        requirement.save()
    else:
        requirement.save(
            update_fields=[
                "organization",
                "position",
                "title",
                "basis",
                "within_months",
                "is_active",
                "last_updated",
            ]
        )
    requirement.courses.set(values.courses)
    audit(
        TrainingAuditEvent.REQUIREMENT_SAVED,
        acting_user=acting_user,
        organization=requirement.organization,
        obj=requirement,
        new={
            "title": title,
            "position": values.position.code,
            "courses": sorted(c.pk for c in values.courses),
            "within_months": values.within_months,
            "is_active": values.is_active,
        },
    )
    return requirement


@transaction.atomic
def do_assign_position(
    membership: Membership,
    position: Position,
    *,
    since: date | None = None,
    acting_user: User | None,
    now: datetime | None = None,
) -> PositionHolding:
    """Record that a member holds a position in their organization from ``since`` (today by
    default); the requirements on that position start counting from then."""
    require_scope(acting_user, PositionHolding, "add", membership.organization)
    start = since or local_date(now or timezone.now())
    if PositionHolding.objects.filter(membership=membership, position=position, until__isnull=True).exists():
        from django.core.exceptions import ValidationError

        raise ValidationError(
            {
                "position": [
                    _("%(person)s already holds the position “%(position)s” here.")
                    % {"person": membership.user, "position": position.name}
                ]
            }
        )
    holding = PositionHolding.objects.create(membership=membership, position=position, since=start)
    audit(
        TrainingAuditEvent.POSITION_ASSIGNED,
        acting_user=acting_user,
        organization=membership.organization,
        obj=holding,
        new={"user": membership.user_id, "position": position.code, "since": start},
    )
    return holding


@transaction.atomic
def do_end_position(holding: PositionHolding, *, until: date, acting_user: User | None) -> PositionHolding:
    organization = holding.membership.organization
    require_scope(acting_user, PositionHolding, "change", organization)
    if until < holding.since:
        from django.core.exceptions import ValidationError

        raise ValidationError(
            {
                "until": [
                    _("The end %(until)s is before the start %(since)s.")
                    % {"until": day(until), "since": day(holding.since)}
                ]
            }
        )
    holding.until = until
    holding.save(update_fields=["until", "last_updated"])
    audit(
        TrainingAuditEvent.POSITION_ENDED,
        acting_user=acting_user,
        organization=organization,
        obj=holding,
        new={"until": until},
    )
    return holding
