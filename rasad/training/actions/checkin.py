"""Check-in by QR code: the organizer shows the event's code on a screen at the door; people
holding a place scan it while signed in and are marked as attended.

* The organizer (``training.attend_event`` over the organizer) opens check-in: the event gets a
  random code (``do_open_check_in``; opening again makes a new code and the old one stops
  working, for a code that was passed around).
* A person checks in with the code between ``EARLY_MINUTES`` before the start and the end of the
  event, when they hold a place (enrolled, not waiting). Checking in marks them attended, like a
  tick on the attendance list, so attending a course's session completes the course. Checking in
  twice changes nothing.
* A wrong code, a person without a place, or a moment outside the window is refused with a
  message that names the cause; the code's comparison takes the same time whatever it is.
"""

from __future__ import annotations

import hmac
import secrets
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rasad.core.access import refusal
from rasad.core.models import User
from rasad.training.actions.common import allowed, moment, push
from rasad.training.actions.enrolment import AttendanceMark, _lock, _mark
from rasad.training.audit import TrainingAuditEvent, audit
from rasad.training.choices import EnrolmentStatus, EventStatus
from rasad.training.models import Enrolment, Event

EARLY_MINUTES = 60
CODE_BYTES = 9


@transaction.atomic
def do_open_check_in(event: Event, *, acting_user: User | None) -> Event:
    """Give the event a new check-in code (the old one, if any, stops working)."""
    if acting_user is not None and not allowed(acting_user, Event, "attend", event.organization):
        raise refusal()
    locked = _lock(event)
    if locked.status == EventStatus.CANCELLED:
        raise ValidationError({"event": [_("The event was cancelled.")]})
    renewed = bool(locked.check_in_code)
    locked.check_in_code = secrets.token_urlsafe(CODE_BYTES)
    locked.save(update_fields=["check_in_code", "last_updated"])
    audit(
        TrainingAuditEvent.CHECK_IN_OPENED,
        acting_user=acting_user,
        organization=locked.organization,
        obj=locked,
        new={"renewed": renewed},
    )
    return locked


def code_matches(event: Event, code: str) -> bool:
    return bool(event.check_in_code) and hmac.compare_digest(event.check_in_code.encode(), code.encode()[:64])


@transaction.atomic
def do_check_in(event: Event, code: str, *, acting_user: User, now: datetime | None = None) -> Enrolment:
    """Mark ``acting_user`` attended at ``event`` with the code shown at the door."""
    locked = _lock(event)
    moment_now = now or timezone.now()
    if not code_matches(locked, code):
        raise ValidationError({"code": [_("This check-in code is not the event's current code.")]})
    if locked.status == EventStatus.CANCELLED:
        raise ValidationError({"event": [_("The event was cancelled.")]})
    opens = locked.starts_at - timedelta(minutes=EARLY_MINUTES)
    if moment_now < opens:
        raise ValidationError({"event": [_("Check-in opens at %(start)s.") % {"start": moment(opens)}]})
    if moment_now > locked.ends_at:
        raise ValidationError(
            {
                "event": [
                    _("The event ended on %(end)s; check-in is closed.") % {"end": moment(locked.ends_at)}
                ]
            }
        )
    enrolment: Enrolment | None = (
        Enrolment.objects.select_for_update(of=("self",))
        .filter(event=locked, user=acting_user)
        .select_related("user")
        .first()
    )
    if enrolment is None or enrolment.status != EnrolmentStatus.ENROLLED:
        raise ValidationError(
            {"user": [_("You hold no place at this event; ask the organizer at the door.")]}
        )
    if enrolment.attended:
        return enrolment
    _mark(locked, AttendanceMark(enrolment, True, None), acting_user=acting_user)
    audit(
        TrainingAuditEvent.CHECKED_IN,
        acting_user=acting_user,
        organization=locked.organization,
        obj=enrolment,
        new={"attended": True, "event": locked.pk},
    )
    push("training.attendance", {locked.organization_id}, event=locked.pk)
    return enrolment
