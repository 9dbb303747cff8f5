"""Idempotent background work of the programmes app: safe to run any number of times, on any node.

* ``programs-status-reports`` (daily, 06:00 Tehran time): after each Jalali season, ask every
  party of every active programme for its quarterly status report on each open action item
  (``do_request_status_reports``). Each request is a directive case, so a missing report becomes
  overdue and escalates through the cases app's own escalation job.
* ``programs-expire`` (daily, 00:30): a programme still active or suspended after its end date
  becomes expired.
"""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy

from rasad.jobs.engine import background_task, periodic
from rasad.lib.jalali import local_date
from rasad.programs.actions import do_request_status_reports, do_transition_programme
from rasad.programs.choices import ProgrammeStatus
from rasad.programs.models import Programme
from rasad.programs.workflow import Step


def request_reports(now: datetime | None = None) -> int:
    """Ask for the reports due after the season that ended last; returns how many were asked."""
    moment = now or timezone.now()
    count = 0
    for pk in Programme.objects.active().order_by("pk").values_list("pk", flat=True):
        count += len(do_request_status_reports(Programme(pk=pk), now=moment))
    return count


def expire_programmes(now: datetime | None = None) -> int:
    moment = now or timezone.now()
    today = local_date(moment)
    due = Programme.objects.filter(
        status__in=[ProgrammeStatus.ACTIVE, ProgrammeStatus.SUSPENDED], ends_on__lt=today
    ).values_list("pk", flat=True)
    count = 0
    for pk in list(due):
        try:
            do_transition_programme(Programme.objects.get(pk=pk), Step.EXPIRE, acting_user=None, now=moment)
        except ValidationError:
            continue  # another run expired it meanwhile (the step is checked under the lock)
        count += 1
    return count


@periodic(
    "programs-status-reports",
    cron="0 6 * * *",
    title=gettext_lazy("Ask parties for their quarterly status reports"),
)
@background_task(max_attempts=3, backoff_seconds=60)
def request_status_reports() -> int:
    return request_reports()


@periodic("programs-expire", cron="30 0 * * *", title=gettext_lazy("Expire programmes past their end date"))
@background_task(max_attempts=3, backoff_seconds=60)
def expire_ended_programmes() -> int:
    return expire_programmes()
