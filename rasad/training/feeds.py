"""Which events a person's calendar shows: the ones they may see in Rasad now, among those they
hold a place at (or wait for) and those they were told of, from 90 days back; at most 500."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Q, QuerySet

from rasad.core.models import User
from rasad.training.choices import EnrolmentStatus
from rasad.training.models import Event

KEEP_DAYS = 90
MOST = 500


def events_for(person: User, *, now: datetime) -> QuerySet[Event]:
    theirs = Event.objects.filter(
        Q(
            enrolments__user=person,
            enrolments__status__in=[EnrolmentStatus.ENROLLED, EnrolmentStatus.WAITLISTED],
        )
        | Q(notices__user=person)
    ).values("pk")
    events: QuerySet[Event] = (
        Event.objects.visible_to(person, "view")
        .filter(pk__in=theirs, ends_at__gte=now - timedelta(days=KEEP_DAYS))
        .select_related("organization")
        .order_by("starts_at", "pk")[:MOST]
    )
    return events
