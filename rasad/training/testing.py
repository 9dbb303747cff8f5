"""Matrix factories for the training app's API models (see rasad.testing.factories), and helpers
the training tests share.

Courses, events and requirements are made in the organization given; an event's audience is that
organization, so exactly the people who see it (or are under it) see the event. Enrolments,
completions and positions belong to a member of that organization."""

from __future__ import annotations

import itertools
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from rasad.core.actions.people import do_create_user, do_grant_role
from rasad.core.models import Membership, Organization, Role, User
from rasad.lib.persian import to_persian_digits
from rasad.testing.cast import Cast
from rasad.testing.factories import register
from rasad.training.actions import (
    AttendanceMark,
    CourseValues,
    EventValues,
    RequirementValues,
    do_assign_position,
    do_enrol,
    do_record_attendance,
    do_save_course,
    do_save_event,
    do_save_requirement,
)
from rasad.training.choices import DeliveryMode, EventKind
from rasad.training.models import Completion, Course, Enrolment, Event, Position, PositionHolding, Requirement
from rasad.training.positions import load as load_positions

_sequence = itertools.count(1)


def position(code: str = "pr-officer") -> Position:
    load_positions()
    found: Position = Position.objects.get(code=code)
    return found


def make_course(organization: Organization, *, validity_months: int | None = 24, **values: Any) -> Course:
    number = next(_sequence)
    return do_save_course(
        CourseValues(
            organization=organization,
            code=values.pop("code", f"course-{number}"),
            title=values.pop("title", f"دوره آزمایشی {to_persian_digits(str(number))}"),
            hours=values.pop("hours", 8),
            mode=values.pop("mode", DeliveryMode.IN_PERSON),
            validity_months=validity_months,
            **values,
        ),
        acting_user=None,
    )


def make_event(
    organization: Organization,
    *,
    course: Course | None = None,
    audience: Organization | None = None,
    starts_at: datetime | None = None,
    hours: int = 4,
    capacity: int | None = None,
    **values: Any,
) -> Event:
    start = starts_at or timezone.now() + timedelta(days=7)
    course = course if course is not None else make_course(organization)
    return do_save_event(
        EventValues(
            organization=organization,
            audience=audience or organization,
            kind=values.pop("kind", EventKind.SESSION),
            title=values.pop("title", ""),
            starts_at=start,
            ends_at=start + timedelta(hours=hours),
            course=course,
            capacity=capacity,
            place=values.pop("place", "سالن همایش"),
            **values,
        ),
        acting_user=None,
    )


def make_member(
    username: str,
    organization: Organization,
    *,
    role: str | None = None,
    password: str | None = None,
    name: str = "عضو آزمایشی",
) -> User:
    """A member of ``organization`` named ``name`` (a Persian name by default: pages greet
    people by name), with ``role`` over its subtree if given."""
    user = do_create_user(
        username,
        acting_user=None,
        password=password,
        display_name=name,
        organization=organization,
        validate=False,
    )
    if role is not None:
        do_grant_role(user, Role.objects.get(slug=role), acting_user=None, organization=organization)
    return user


def membership_of(user: User, organization: Organization) -> Membership:
    found: Membership = Membership.objects.get(user=user, organization=organization)
    return found


def hold(
    user: User, organization: Organization, code: str = "pr-officer", since: date | None = None
) -> PositionHolding:
    return do_assign_position(
        membership_of(user, organization),
        position(code),
        since=since or timezone.localdate(),
        acting_user=None,
    )


def make_requirement(
    organization: Organization, courses: list[Course], *, code: str = "pr-officer", within_months: int = 6
) -> Requirement:
    return do_save_requirement(
        RequirementValues(
            organization=organization,
            position=position(code),
            courses=courses,
            title=f"الزام آموزشی {to_persian_digits(str(next(_sequence)))}",
            within_months=within_months,
        ),
        acting_user=None,
    )


def complete(user: User, event: Event, *, score: Decimal | None = None) -> Enrolment:
    """Enrol ``user`` (by the system) and record that they attended; the event must have started."""
    enrolment = Enrolment.objects.filter(event=event, user=user).first() or do_enrol(
        event, user, acting_user=None, now=event.starts_at - timedelta(days=1)
    )
    do_record_attendance(
        event,
        [AttendanceMark(enrolment, True, score)],
        acting_user=None,
        now=event.ends_at + timedelta(hours=1),
    )
    enrolment.refresh_from_db()
    return enrolment


def _member(cast: Cast, organization: Organization) -> User:
    return make_member(f"trainee-{next(_sequence)}", organization)


@register(
    "training.course",
    create_payload=lambda cast, org: {
        "organization": org.code,
        "code": f"matrix-{next(_sequence)}",
        "title": "دوره ماتریس",
        "hours": "6",
        "mode": "online",
    },
)
def _make_course(cast: Cast, organization: Organization) -> Course:
    return make_course(organization)


@register(
    "training.event",
    create_payload=lambda cast, org: {
        "organization": org.code,
        "audience": org.code,
        "kind": "workshop",
        "title": "کارگاه ماتریس",
        "starts_at": (timezone.now() + timedelta(days=3)).isoformat(),
        "ends_at": (timezone.now() + timedelta(days=3, hours=3)).isoformat(),
    },
)
def _make_event(cast: Cast, organization: Organization) -> Event:
    return make_event(organization)


@register("training.enrolment")
def _make_enrolment(cast: Cast, organization: Organization) -> Enrolment:
    return do_enrol(make_event(organization), _member(cast, organization), acting_user=None)


@register("training.completion")
def _make_completion(cast: Cast, organization: Organization) -> Completion:
    event = make_event(organization, starts_at=timezone.now() - timedelta(days=2))
    enrolment = complete(_member(cast, organization), event)
    found: Completion = enrolment.completion
    return found


@register(
    "training.requirement",
    create_payload=lambda cast, org: {
        "organization": org.code,
        "position": "manager",
        "courses": [make_course(org).code],
        "title": "الزام ماتریس",
        "within_months": 3,
    },
)
def _make_requirement(cast: Cast, organization: Organization) -> Requirement:
    return make_requirement(organization, [make_course(organization)])


@register("training.positionholding")
def _make_holding(cast: Cast, organization: Organization) -> PositionHolding:
    return hold(_member(cast, organization), organization)
