"""Idempotent background work of the green-jobs app: safe to run any number of times, on any node.

* ``greenjobs-certificate-expiry`` (daily, 07:00 Tehran time): tell each business whose green
  certificate lapses within thirty days, once per certificate (``do_notify_expiry`` checks under
  the certificate's lock and claims the effect's key), unless a renewal is already on its way.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy

from rasad.greenjobs.actions import EXPIRY_NOTICE_DAYS, do_notify_expiry, do_remind_outcome, due_milestones
from rasad.greenjobs.choices import CertificateStatus
from rasad.greenjobs.models import Application, Certificate, OutcomeReminder
from rasad.jobs.engine import background_task, periodic
from rasad.lib.jalali import local_date


def notify_expiring(today: date | None = None) -> int:
    """Send the notices due on ``today``; returns how many were sent now."""
    day = today or local_date(timezone.now())
    due = Certificate.objects.filter(
        status=CertificateStatus.GRANTED,
        expiry_notified_on__isnull=True,
        valid_until__gte=day,
        valid_until__lte=day + timedelta(days=EXPIRY_NOTICE_DAYS),
    ).values_list("pk", flat=True)
    return sum(1 for pk in list(due) if do_notify_expiry(Certificate(pk=pk), today=day))


@periodic(
    "greenjobs-certificate-expiry",
    cron="0 7 * * *",
    title=gettext_lazy("Tell businesses their green certificate expires within thirty days"),
)
@background_task(max_attempts=3, backoff_seconds=60)
def notify_expiring_certificates() -> int:
    return notify_expiring()


def remind_outcomes(today: date | None = None) -> int:
    """Send the outcome report notices due on ``today``; returns how many were sent now."""
    day = today or local_date(timezone.now())
    sent = set(OutcomeReminder.objects.values_list("application_id", "milestone", "kind"))
    count = 0
    for item in due_milestones(Application.objects.all(), today=day):
        kind = "overdue" if item.is_overdue(day) else "due"
        if (item.application.pk, item.milestone, kind) in sent:
            continue
        if do_remind_outcome(Application(pk=item.application.pk), item.milestone, today=day) is not None:
            count += 1
    return count


@periodic(
    "greenjobs-outcome-reminders",
    cron="15 7 * * *",
    title=gettext_lazy("Tell funded businesses their outcome report falls due or is overdue"),
)
@background_task(max_attempts=3, backoff_seconds=60)
def remind_outcome_reports() -> int:
    return remind_outcomes()
