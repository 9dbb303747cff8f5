"""Telling people of training: announcements, reminders, lapse notices, and whether they opened
what they were told.

* The organizer (``change`` on the event) **announces** an event to its audience, or to a part of
  it. A background task tells every active person of that part who may see the event, once each:
  an in-app notification that links to the event, and its e-mail with the event's calendar file
  (``training-event-<id>.ics``, the file of the event's page) attached. Announcing again (to the same
  part, later, or to a wider one) tells only the people not told yet. The file links back to the
  event (``URL`` and the last line of its description) at the event page's absolute address
  (``rasad.lib.site.absolute_url``): the site's address ``RASAD_PUBLIC_URL`` when it is set,
  else the one the organizer's request came to (the same address as the page's own calendar
  file). One made without a request (the demo, a command) while the setting is empty sends the
  file without it.
* A periodic job **reminds** the people holding a place at an event that starts within
  ``REMINDER_HOURS``, once each.
* A daily job tells a person, and the managers who may enrol them, when a certificate a
  requirement counts on lapses within ``LAPSE_NOTICE_DAYS``, once per certificate.
* A person's first visit to the event's page after being told counts as **opened**; the event's
  publicity is how many were told, how many opened, and how many enrolled.

Each telling is one transaction: its ``Notice`` row (unique per person, event and kind), the
notification and the queued e-mail commit together, so a task run again after a crash tells
nobody twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from rasad.cases.choices import NotificationKind
from rasad.cases.notifications import notify
from rasad.core.access import refusal
from rasad.core.models import Organization, User
from rasad.core.scope import users_who_can
from rasad.jobs.engine import claim_effect, enqueue
from rasad.jobs.mail import Attachment
from rasad.lib.actions import Errors
from rasad.lib.progress import track
from rasad.lib.site import public_url
from rasad.lib.stored_text import StoredText
from rasad.training import ical, texts
from rasad.training.actions.common import allowed, moment, push
from rasad.training.audit import TrainingAuditEvent, audit
from rasad.training.choices import EnrolmentStatus, EventStatus, NoticeKind
from rasad.training.models import Enrolment, Event, Notice, PositionHolding, Requirement

REMINDER_HOURS = 24
LAPSE_NOTICE_DAYS = 30


@transaction.atomic
def do_announce_event(
    event: Event,
    *,
    acting_user: User | None,
    organization: Organization | None = None,
    now: datetime | None = None,
    address: str = "",
) -> Event:
    """Announce ``event`` to ``organization`` (its audience when not given) and everything under
    it; the telling happens in the background, after commit. ``address`` is the event page's
    absolute address, when the request that announces gives one; the calendar file links to it."""
    from rasad.training.tasks import announce_event

    locked: Event = (
        Event.objects.select_for_update(of=("self",))
        .select_related("audience", "organization")
        .get(pk=event.pk)
    )
    if acting_user is not None and not allowed(acting_user, Event, "change", locked.organization):
        raise refusal()
    moment_now = now or timezone.now()
    target = organization or locked.audience
    errors = Errors()
    if locked.status == EventStatus.CANCELLED:
        errors.add("event", _("The event was cancelled."))
    elif moment_now >= locked.ends_at:
        errors.add(
            "event",
            _("The event ended on %(end)s; there is nothing to announce.") % {"end": moment(locked.ends_at)},
        )
    if not target.path.startswith(locked.audience.path):
        errors.add(
            "organization",
            _("%(organization)s is not in the event's audience (%(audience)s and everything under it).")
            % {"organization": target.name, "audience": locked.audience.name},
        )
    errors.raise_if_any()
    old = locked.announced_at
    locked.announced_at = moment_now
    locked.save(update_fields=["announced_at", "last_updated"])
    audit(
        TrainingAuditEvent.EVENT_ANNOUNCED,
        acting_user=acting_user,
        organization=locked.organization,
        obj=locked,
        old={"announced_at": old} if old else None,
        new={"announced_at": moment_now, "to": target.pk},
    )
    enqueue(
        announce_event,
        locked.pk,
        target.pk,
        acting_user.pk if acting_user is not None else None,
        address,
        key=f"training-announce:{locked.pk}:{target.pk}:{moment_now.isoformat()}",
        owner=acting_user,
        title=StoredText(gettext_noop("Announce “%(title)s”"), {"title": locked.title}),
    )
    push("training.event", {locked.organization_id}, event=locked.pk)
    return locked


def tell(
    event: Event,
    person: User,
    kind: NoticeKind,
    message: StoredText,
    *,
    now: datetime | None = None,
    attachments: Sequence[Attachment] = (),
) -> bool:
    """Tell ``person`` of ``event`` once (its notice, the notification and the e-mail, with
    ``attachments``, in one transaction); False when they were told already."""
    with transaction.atomic():
        _notice, created = Notice.objects.get_or_create(
            event=event, user=person, kind=kind, defaults={"sent_at": now or timezone.now()}
        )
        if created:
            notify(
                [person],
                None,
                NotificationKind.TRAINING,
                message,
                link=event.get_absolute_url(),
                attachments=attachments,
            )
    return created


def calendar_attachment(event: Event, address: str = "") -> Attachment:
    """The event's calendar file as an e-mail attachment: the same file as its page's «add to
    my calendar» link, with the page's ``address`` when the announcement knows it."""
    return Attachment(
        ical.event_file_name(event), ical.event_file(event, address=address).decode(), ical.ATTACHMENT_TYPE
    )


def may_see(person: User, event: Event) -> bool:
    return Event.objects.visible_to(person, "view").filter(pk=event.pk).exists()


def deliver_announcement(
    event: Event,
    organization: Organization,
    *,
    announcer_id: int | None = None,
    now: datetime | None = None,
    address: str = "",
) -> int:
    """Tell the active people of ``organization`` and under it who may see the event and were
    not told yet (but the person who announced it); how many were told. Nothing for a cancelled
    or ended event. ``address``: the event page's absolute address, for the calendar file."""
    moment_now = now or timezone.now()
    if event.status != EventStatus.SCHEDULED or moment_now >= event.ends_at:
        return 0
    told = set(event.notices.filter(kind=NoticeKind.ANNOUNCEMENT).values_list("user_id", flat=True))
    people = list(
        User.objects.filter(is_active=True, memberships__organization__path__startswith=organization.path)
        .exclude(pk__in=told)
        .exclude(pk=announcer_id)
        .distinct()
        .order_by("pk")
    )
    message = texts.announcement(event)
    # Without a request's address (the demo, a command), the site's own when it is set.
    attachments = [calendar_attachment(event, address or public_url(event.get_absolute_url()))]
    count = 0
    for person in track(people, total=len(people)):
        if may_see(person, event) and tell(
            event, person, NoticeKind.ANNOUNCEMENT, message, now=moment_now, attachments=attachments
        ):
            count += 1
    return count


def send_reminders(*, now: datetime | None = None) -> int:
    """Remind the people holding a place at events that start within ``REMINDER_HOURS``."""
    moment_now = now or timezone.now()
    soon = Event.objects.filter(
        status=EventStatus.SCHEDULED,
        starts_at__gt=moment_now,
        starts_at__lte=moment_now + timedelta(hours=REMINDER_HOURS),
    ).select_related("organization")
    count = 0
    for event in soon:
        reminded = set(event.notices.filter(kind=NoticeKind.REMINDER).values_list("user_id", flat=True))
        holders = (
            Enrolment.objects.filter(event=event, status=EnrolmentStatus.ENROLLED, user__is_active=True)
            .exclude(user_id__in=reminded)
            .select_related("user")
        )
        message = texts.reminder(event)
        for enrolment in holders:
            if tell(event, enrolment.user, NoticeKind.REMINDER, message, now=moment_now):
                count += 1
    return count


def send_lapse_notices(*, today: date) -> int:
    """Tell each person whose certificate (counted by a requirement) lapses within
    ``LAPSE_NOTICE_DAYS``, and the managers who may enrol them, once per certificate."""
    from rasad.training.compliance import obligations

    found = obligations(
        PositionHolding.objects.all(),
        Requirement.objects.active().select_related("organization").prefetch_related("courses"),
        today=today,
    )
    horizon = today + timedelta(days=LAPSE_NOTICE_DAYS)
    count = 0
    for obligation in found:
        completion = obligation.completion
        if not obligation.is_met or completion is None or completion.expires_on is None:
            continue
        if completion.expires_on > horizon:
            continue
        with transaction.atomic():
            if not claim_effect(f"training-lapse:{obligation.holding.pk}:{completion.pk}"):
                continue
            person = obligation.user
            notify(
                [person],
                None,
                NotificationKind.TRAINING,
                texts.lapse_for_person(completion.course, completion.expires_on, obligation.requirement),
                link=reverse("training:my-learning"),
            )
            managers = [
                m for m in users_who_can(Enrolment, obligation.organization, "add") if m.pk != person.pk
            ]
            notify(
                managers,
                None,
                NotificationKind.TRAINING,
                texts.lapse_for_manager(
                    person, completion.course, completion.expires_on, obligation.requirement
                ),
                link=reverse("training:compliance"),
            )
            count += 1
    return count


@transaction.atomic
def do_open_notices(event: Event, *, acting_user: User, now: datetime | None = None) -> int:
    """The person opened the event's page: their notices of it count as opened (the first time
    only). Like marking one's notifications read, this is not audited."""
    return Notice.objects.filter(event=event, user=acting_user, opened_at__isnull=True).update(
        opened_at=now or timezone.now()
    )


@dataclass(frozen=True)
class Publicity:
    """How far word of an event went: people told of it, of them those who opened it, and the
    people enrolled (holding a place or waiting)."""

    notified: int
    opened: int
    enrolled: int
    reminded: int


def publicity(event: Event) -> Publicity:
    told = event.notices.filter(kind=NoticeKind.ANNOUNCEMENT).aggregate(
        notified=Count("pk"), opened=Count("pk", filter=Q(opened_at__isnull=False))
    )
    reminded = event.notices.filter(kind=NoticeKind.REMINDER).count()
    enrolled = event.enrolments.exclude(status=EnrolmentStatus.CANCELLED).count()
    return Publicity(told["notified"], told["opened"], enrolled, reminded)
