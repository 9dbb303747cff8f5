"""Background work of the indicators app: idempotent, safe to run on any node.

Batch ids (``ObservationBatch``) are kept for ``RASAD_BATCH_KEEP_DAYS`` days: long enough for any
client's retry to get its stored answer, short enough that the table does not grow for ever. A
batch id older than that is forgotten: sending it again records the rows as a new batch (which
writes nothing when the values are unchanged). Deleted a thousand rows at a time, each batch in
its own short transaction (``rasad.jobs.tasks.delete_in_batches``).

``indicators-report-reminders`` (daily, 08:00 Tehran time) tells each organization's reporters
that a report falls due within ``REPORT_NOTICE_DAYS`` days and, once its due day has passed, that
it is overdue: once per organization, period and kind (``do_remind_report`` checks under the
organization's lock, keeps a ``ReportReminder`` row and claims the effect's key), so a second run,
or a run again after a worker was killed, sends nothing twice.

``indicators-fold-rollups`` (every minute) folds the pending rollup deltas that the last writes
of a burst left (``rasad.indicators.rollups``: under load, writers fold at most once a second per
process; the dashboards add pending deltas, so they are exact either way). Idempotent: a fold
moves what is pending, and returns at once if another process is folding.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy

from rasad.core.models import Organization
from rasad.indicators import rollups
from rasad.indicators.actions.reminders import do_remind_report, reminder_kind
from rasad.indicators.deadlines import owed_reports
from rasad.indicators.models import ObservationBatch, ReportReminder
from rasad.jobs.engine import background_task, periodic
from rasad.jobs.tasks import delete_in_batches
from rasad.lib.jalali import local_date


def prune_batches(now: datetime | None = None) -> int:
    """Delete the batch ids recorded more than ``RASAD_BATCH_KEEP_DAYS`` days before ``now``."""
    cutoff = (now or timezone.now()) - timedelta(days=int(settings.RASAD_BATCH_KEEP_DAYS))
    return delete_in_batches(ObservationBatch.objects.filter(created__lt=cutoff))


@periodic("indicators-prune-batches", cron="50 3 * * *", title=gettext_lazy("Forget old batch ids"))
@background_task(max_attempts=3, backoff_seconds=60)
def prune_observation_batches() -> int:
    return prune_batches()


# A job's turns are bounded: under a steady stream of writes there is always something pending, and
# a job that never returns would hold its worker and outlive its lease. What is left is the next
# minute's (and every write's ``fold_due``).
FOLD_JOB_TURNS = 50


@periodic("indicators-fold-rollups", cron="* * * * *", title=gettext_lazy("Fold pending rollup changes"))
@background_task(max_attempts=1)
def fold_rollups() -> int:
    return rollups.fold(turns=FOLD_JOB_TURNS)


def remind_reports(today: date | None = None) -> int:
    """Send the report notices due on ``today``; returns how many were sent now. Only open
    organizations with people of their own are asked: nobody else would be told."""
    day = today or local_date(timezone.now())
    organizations = Organization.objects.filter(closed_on__isnull=True, memberships__isnull=False).distinct()
    sent = set(ReportReminder.objects.values_list("organization_id", "period_key", "kind"))
    count = 0
    for report in owed_reports(organizations, day):
        kind = reminder_kind(report, day)
        if kind is None or (report.organization.pk, report.period.key, kind) in sent:
            continue
        if do_remind_report(report.organization, report.period.key, today=day) is not None:
            count += 1
    return count


@periodic(
    "indicators-report-reminders",
    cron="0 8 * * *",
    title=gettext_lazy("Tell reporters their indicator report falls due or is overdue"),
)
@background_task(max_attempts=3, backoff_seconds=60)
def remind_indicator_reports() -> int:
    return remind_reports()
