"""Background work of the training app, idempotent (see rasad.training.actions.announce):

* ``announce_event`` (enqueued by ``do_announce_event``): tell the people of the part of the
  audience announced to;
* ``training-reminders`` (every 15 minutes): remind the people holding a place at an event that
  starts within a day;
* ``training-lapse-notices`` (daily, 07:30 Tehran time): tell people, and their managers, of
  certificates that lapse within 30 days.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy

from rasad.core.models import Organization
from rasad.jobs.engine import PermanentError, background_task, periodic
from rasad.lib.jalali import local_date
from rasad.training.actions.announce import deliver_announcement, send_lapse_notices, send_reminders
from rasad.training.models import Event


@background_task(max_attempts=5, backoff_seconds=30)
def announce_event(
    event_id: int, organization_id: int, announcer_id: int | None = None, address: str = ""
) -> int:
    event = Event.objects.select_related("organization", "audience").filter(pk=event_id).first()
    organization = Organization.objects.filter(pk=organization_id).first()
    if event is None or organization is None:
        raise PermanentError(f"training event {event_id} or organization {organization_id} is gone")
    return deliver_announcement(event, organization, announcer_id=announcer_id, address=address)


@periodic(
    "training-reminders",
    cron="*/15 * * * *",
    title=gettext_lazy("Remind people of the training events they enrolled in"),
)
@background_task(max_attempts=3, backoff_seconds=60)
def remind_enrolled() -> int:
    return send_reminders()


@periodic(
    "training-lapse-notices",
    cron="30 7 * * *",
    title=gettext_lazy("Tell people and their managers of certificates about to lapse"),
)
@background_task(max_attempts=3, backoff_seconds=60)
def notify_lapses() -> int:
    return send_lapse_notices(today=local_date(timezone.now()))
