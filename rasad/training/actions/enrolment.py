"""Training actions: enrolment (self, by a manager, or by the organizer), the waiting list,
cancellation, attendance and completion, and the roster import.

Who may enrol whom:

* a person enrols **themselves** in an event they can see, when one of their memberships is in
  the event's audience (its organization or anything under it);
* a **manager** (``training.add_enrolment`` over the person's organization) enrols their staff;
* the **organizer** (``training.attend_event`` over the event's organization) enrols anyone of
  the audience, and records attendance.

An event that is full puts the next people on its waiting list; a cancelled place goes to the
first person waiting. Attendance is recorded only for people holding a place and only once the
event has started; attending a course's session completes the course on the event's last day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rasad.core.access import refusal
from rasad.core.models import Membership, Organization, User
from rasad.lib.actions import Errors
from rasad.lib.jalali import local_date
from rasad.training.actions.common import add_months, allowed, moment, push
from rasad.training.audit import TrainingAuditEvent, audit
from rasad.training.choices import CompletionSource, EnrolmentStatus, EventStatus
from rasad.training.codes import new_code
from rasad.training.models import Completion, Course, Enrolment, Event

MAX_SCORE = Decimal(100)
BEFORE_START = gettext_lazy(
    "The event starts on %(start)s; attendance and completion cannot be recorded before it."
)


def audience_membership(event: Event, person: User) -> Membership | None:
    """The person's membership in the event's audience (primary first), if any."""
    membership: Membership | None = (
        Membership.objects.filter(user=person, organization__path__startswith=event.audience.path)
        .select_related("organization")
        .order_by("-is_primary", "pk")
        .first()
    )
    return membership


def missing_prerequisites(event: Event, person: User) -> list[Course]:
    """The prerequisite courses of the event's course that ``person`` has never completed (a
    completion counts even after its certificate lapsed: the knowledge came first)."""
    if event.course is None:
        return []
    required = list(event.course.prerequisites.order_by("title"))
    if not required:
        return []
    done = set(
        Completion.objects.filter(user=person, course__in=required).values_list("course_id", flat=True)
    )
    return [course for course in required if course.pk not in done]


def _lock(event: Event) -> Event:
    locked: Event = (
        Event.objects.select_for_update(of=("self",)).select_related("audience", "course").get(pk=event.pk)
    )
    return locked


def _may_see_event(user: User, event: Event) -> bool:
    return Event.objects.visible_to(user, "view").filter(pk=event.pk).exists()


def _enrol(
    event: Event, person: User, *, acting_user: User | None, now: datetime, late: bool = False
) -> Enrolment:
    """Enrol without an audit event (the callers write theirs). ``event`` is locked."""
    if event.status == EventStatus.CANCELLED:
        raise ValidationError({"event": [_("The event was cancelled.")]})
    if not late and now >= event.ends_at:
        raise ValidationError(
            {
                "event": [
                    _("The event ended on %(end)s; enrolment is closed.") % {"end": moment(event.ends_at)}
                ]
            }
        )
    membership = audience_membership(event, person)
    organizer = allowed(acting_user, Event, "attend", event.organization)
    if acting_user is None:
        pass  # the system (the demo loader, a task)
    elif acting_user.pk == person.pk:
        if not _may_see_event(acting_user, event):
            raise refusal()
    elif not organizer and (
        membership is None or not allowed(acting_user, Enrolment, "add", membership.organization)
    ):
        raise refusal()
    if membership is None:
        raise ValidationError(
            {
                "user": [
                    _("%(person)s does not work in %(audience)s or under it; the event is for them.")
                    % {"person": person, "audience": event.audience.name}
                ]
            }
        )
    if acting_user is not None and not late:
        missing = missing_prerequisites(event, person)
        if missing:
            raise ValidationError(
                {
                    "user": [
                        _("%(person)s has not completed what this course requires first: %(courses)s.")
                        % {"person": person, "courses": "، ".join(c.title for c in missing)}
                    ]
                }
            )
    existing = Enrolment.objects.select_for_update().filter(event=event, user=person).first()
    if existing is not None and existing.status != EnrolmentStatus.CANCELLED:
        raise ValidationError(
            {
                "user": [
                    _("%(person)s is already enrolled (%(status)s).")
                    % {"person": person, "status": EnrolmentStatus(existing.status).label}
                ]
            }
        )
    full = event.capacity is not None and event.enrolments.holding_places().count() >= event.capacity
    status = EnrolmentStatus.WAITLISTED if full else EnrolmentStatus.ENROLLED
    enrolment = existing or Enrolment(event=event, user=person)
    enrolment.organization = membership.organization
    enrolment.status = status
    enrolment.enrolled_by = acting_user
    if existing is None:
        enrolment.save()
    else:
        enrolment.save(update_fields=["organization", "status", "enrolled_by", "last_updated"])
    return enrolment


@transaction.atomic
def do_enrol(
    event: Event, person: User, *, acting_user: User | None, now: datetime | None = None
) -> Enrolment:
    """Enrol ``person`` (themselves, by their manager, or by the organizer); on the waiting list
    when the event is full."""
    locked = _lock(event)
    enrolment = _enrol(locked, person, acting_user=acting_user, now=now or timezone.now())
    audit(
        TrainingAuditEvent.ENROLLED,
        acting_user=acting_user,
        organization=enrolment.organization,
        obj=enrolment,
        new={"event": locked.pk, "user": person.pk, "status": enrolment.status},
    )
    push("training.enrolment", {locked.organization_id, enrolment.organization_id}, event=locked.pk)
    return enrolment


def may_cancel(user: User, enrolment: Enrolment) -> bool:
    return (
        user.pk == enrolment.user_id
        or allowed(user, Enrolment, "add", enrolment.organization)
        or allowed(user, Event, "attend", enrolment.event.organization)
    )


@transaction.atomic
def do_cancel_enrolment(enrolment: Enrolment, *, acting_user: User | None) -> Enrolment:
    """Give up a place (the person, their manager or the organizer); the first person waiting
    takes it."""
    locked_event = _lock(enrolment.event)
    locked: Enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    if acting_user is not None and not may_cancel(acting_user, locked):
        raise refusal()
    if locked.status == EnrolmentStatus.CANCELLED:
        return locked
    if locked.attended:
        raise ValidationError({"status": [_("Attendance was recorded; the enrolment cannot be cancelled.")]})
    held_place = locked.status == EnrolmentStatus.ENROLLED
    old_status = locked.status
    locked.status = EnrolmentStatus.CANCELLED
    locked.save(update_fields=["status", "last_updated"])
    audit(
        TrainingAuditEvent.ENROLMENT_CANCELLED,
        acting_user=acting_user,
        organization=locked.organization,
        obj=locked,
        old={"status": old_status},
        new={"status": EnrolmentStatus.CANCELLED},
    )
    if held_place:
        waiting = (
            Enrolment.objects.select_for_update()
            .filter(event=locked_event, status=EnrolmentStatus.WAITLISTED)
            .order_by("created", "pk")
            .first()
        )
        if waiting is not None:
            waiting.status = EnrolmentStatus.ENROLLED
            waiting.save(update_fields=["status", "last_updated"])
            audit(
                TrainingAuditEvent.PROMOTED_FROM_WAITING_LIST,
                acting_user=None,
                organization=waiting.organization,
                obj=waiting,
                old={"status": EnrolmentStatus.WAITLISTED},
                new={"status": EnrolmentStatus.ENROLLED},
            )
    push("training.enrolment", {locked_event.organization_id, locked.organization_id}, event=locked_event.pk)
    return locked


@dataclass
class AttendanceMark:
    enrolment: Enrolment
    attended: bool
    score: Decimal | None = None


def _check_score(score: Decimal | None, errors: Errors, name: str) -> None:
    if score is not None and not Decimal(0) <= score <= MAX_SCORE:
        errors.add(name, _("A score is from 0 to 100."))


def _mark(event: Event, mark: AttendanceMark, *, acting_user: User | None) -> bool:
    """Apply one mark (checked already); whether anything changed."""
    enrolment = mark.enrolment
    score = mark.score if mark.attended else None
    if enrolment.attended == mark.attended and enrolment.score == score:
        return False
    enrolment.attended = mark.attended
    enrolment.score = score
    enrolment.save(update_fields=["attended", "score", "last_updated"])
    Completion.objects.filter(enrolment=enrolment).delete()
    if mark.attended and event.course is not None:
        completed_on = local_date(event.ends_at)
        validity = event.course.validity_months
        Completion.objects.create(
            user_id=enrolment.user_id,
            course=event.course,
            organization_id=enrolment.organization_id,
            completed_on=completed_on,
            expires_on=add_months(completed_on, validity) if validity else None,
            score=score,
            source=CompletionSource.EVENT,
            enrolment=enrolment,
            recorded_by=acting_user,
            code=new_code(),
        )
    return True


def check_marks(event: Event, marks: list[AttendanceMark], *, now: datetime, prefix: str = "") -> None:
    errors = Errors()
    if event.status == EventStatus.CANCELLED:
        errors.add("event", _("The event was cancelled."))
    if now < event.starts_at:
        errors.add(
            "event",
            BEFORE_START % {"start": moment(event.starts_at)},
        )
    for index, mark in enumerate(marks):
        name = f"{prefix}[{index}]." if prefix else ""
        if mark.enrolment.event_id != event.pk or (
            mark.enrolment.status != EnrolmentStatus.ENROLLED and mark.attended
        ):
            errors.add(
                f"{name}user",
                _("%(person)s holds no place at this event; attendance cannot be recorded.")
                % {"person": mark.enrolment.user},
            )
        _check_score(mark.score, errors, f"{name}score")
    errors.raise_if_any()


@transaction.atomic
def do_record_attendance(
    event: Event, marks: list[AttendanceMark], *, acting_user: User | None, now: datetime | None = None
) -> list[Enrolment]:
    """The organizer's attendance list: who came (and their score). Attending a course's session
    completes the course; unticking someone removes that completion. One audit event per list."""
    if acting_user is not None and not allowed(acting_user, Event, "attend", event.organization):
        raise refusal()
    locked = _lock(event)
    ids = [m.enrolment.pk for m in marks]
    current = {
        e.pk: e
        for e in Enrolment.objects.select_for_update(of=("self",)).filter(pk__in=ids).select_related("user")
    }
    marks = [AttendanceMark(current.get(m.enrolment.pk, m.enrolment), m.attended, m.score) for m in marks]
    check_marks(locked, marks, now=now or timezone.now(), prefix="marks")
    changed = [m for m in marks if _mark(locked, m, acting_user=acting_user)]
    if changed:
        audit(
            TrainingAuditEvent.ATTENDANCE_RECORDED,
            acting_user=acting_user,
            organization=locked.organization,
            obj=locked,
            new={
                "attended": sorted(m.enrolment.user_id for m in changed if m.attended),
                "absent": sorted(m.enrolment.user_id for m in changed if not m.attended),
            },
        )
        push("training.attendance", {locked.organization_id}, event=locked.pk)
    return [m.enrolment for m in changed]


@dataclass
class RosterRow:
    """One row of a roster import: a person of the audience, whether they attended (``None``:
    only enrol them), and their score."""

    row: int
    person: User
    attended: bool | None
    score: Decimal | None = None


@transaction.atomic
def do_import_roster(
    event: Event,
    rows: list[RosterRow],
    *,
    acting_user: User | None,
    sha256: str,
    now: datetime | None = None,
) -> list[Enrolment]:
    """The organizer's roster from a spreadsheet: enrol whoever is not yet enrolled, then record
    attendance where the row says. All rows or none; errors come back per row
    (``rows[<row>].<column>``); one audit event with the file's SHA-256."""
    if acting_user is not None and not allowed(acting_user, Event, "attend", event.organization):
        raise refusal()
    moment_now = now or timezone.now()
    locked = _lock(event)
    errors = Errors()
    enrolled: list[Enrolment] = []
    marks: list[tuple[int, AttendanceMark]] = []
    for row in rows:
        enrolment = Enrolment.objects.filter(event=locked, user=row.person).first()
        if enrolment is None or enrolment.status == EnrolmentStatus.CANCELLED:
            try:
                enrolment = _enrol(locked, row.person, acting_user=acting_user, now=moment_now, late=True)
            except ValidationError as error:
                for field, messages in error.message_dict.items():
                    for message in messages:
                        errors.add(
                            f"rows[{row.row}].{'user' if field in ('user', 'event') else field}", message
                        )
                continue
            enrolled.append(enrolment)
        if row.attended is not None:
            mark = AttendanceMark(enrolment, row.attended, row.score)
            if row.attended and moment_now < locked.starts_at:
                errors.add(
                    f"rows[{row.row}].attended",
                    BEFORE_START % {"start": moment(locked.starts_at)},
                )
            if row.attended and enrolment.status != EnrolmentStatus.ENROLLED:
                errors.add(
                    f"rows[{row.row}].user",
                    _("%(person)s holds no place at this event; attendance cannot be recorded.")
                    % {"person": row.person},
                )
            _check_score(row.score, errors, f"rows[{row.row}].score")
            marks.append((row.row, mark))
    errors.raise_if_any()
    for _row, mark in marks:
        _mark(locked, mark, acting_user=acting_user)
    audit(
        TrainingAuditEvent.ROSTER_IMPORTED,
        acting_user=acting_user,
        organization=locked.organization,
        obj=locked,
        new={
            "rows": len(rows),
            "enrolled": sorted(e.user_id for e in enrolled),
            "attended": sorted(m.enrolment.user_id for _r, m in marks if m.attended),
            "sha256": sha256,
        },
    )
    push("training.enrolment", {locked.organization_id}, event=locked.pk)
    return enrolled


def organizations_of(person: User) -> list[Organization]:
    return [m.organization for m in person.memberships.select_related("organization")]
