"""The delivery of subscribed reports: every morning, each active subscription whose last
complete period has no delivery yet gets one (a report made by the worker, sent by e-mail and
left under "My files"). One delivery per subscription and period, however often this runs."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy, gettext_noop

from rasad.core.access import ObjectNotFound
from rasad.jobs.engine import background_task, periodic
from rasad.jobs.exports import do_request_export
from rasad.lib import stored_text
from rasad.lib.jalali import JalaliPeriod, today_in_tehran
from rasad.lib.stored_text import Period, StoredText, Words
from rasad.reports.definitions import REPORTS
from rasad.reports.models import Frequency, ReportDelivery, ReportSubscription


def period_for(report: str, frequency: str, today: date) -> JalaliPeriod:
    """The last complete period for a subscription. A quarterly subscription to a report made
    per month (the indicators report) receives the quarter's last month, with its trend."""
    season = JalaliPeriod.containing(today, "season").previous()
    if frequency == Frequency.MONTHLY:
        return JalaliPeriod.containing(today, "month").previous()
    if report == "case-status":
        return season
    return JalaliPeriod("month", season.year, season.index * 3)


def deliver(today: date | None = None) -> int:
    day = today or today_in_tehran()
    delivered = 0
    for subscription in ReportSubscription.objects.filter(is_active=True).select_related(
        "user", "organization"
    ):
        definition = REPORTS.get(subscription.report)
        if definition is None:
            continue
        period = period_for(subscription.report, subscription.frequency, day)
        if ReportDelivery.objects.filter(subscription=subscription, period_key=period.key).exists():
            continue
        try:
            with transaction.atomic(), translation.override(subscription.user.language or "fa"):
                delivery = ReportDelivery.objects.create(subscription=subscription, period_key=period.key)
                export = do_request_export(
                    f"report-{subscription.report}",
                    subscription.file_format,
                    {
                        "organization": [str(subscription.organization_id)],
                        "period": [period.key],
                        "deliver": ["1"],
                    },
                    acting_user=subscription.user,
                )
                delivery.export = export
                delivery.save(update_fields=["export"])
        except IntegrityError:
            continue  # another worker delivered this period at the same moment
        except (ObjectNotFound, PermissionDenied, ValidationError) as refused:
            _tell_not_made(subscription, period, refused)
            continue
        except Exception:  # the organization is gone, a fault: logged, tried again tomorrow
            import logging

            logging.getLogger(__name__).exception("report subscription %s not delivered", subscription.pk)
            continue
        delivered += 1
    return delivered


def _tell_not_made(subscription: ReportSubscription, period: JalaliPeriod, refused: Exception) -> None:
    """The subscriber may no longer have this report (lost access to the organization): the
    period is recorded as delivered without a file, so it is not tried every morning, and the
    subscriber is told once, in the site and by e-mail, why and what to do. The notice and its
    reason (the refusal's own messages) are kept by message id and parameters, read in the
    language, calendar and digits the subscriber has when they read it (rasad.lib.stored_text)."""
    from rasad.cases.choices import NotificationKind
    from rasad.cases.notifications import notify

    with transaction.atomic():
        _delivery, created = ReportDelivery.objects.get_or_create(
            subscription=subscription, period_key=period.key
        )
        if not created:
            return
        definition = REPORTS[subscription.report]
        if isinstance(refused, ValidationError):
            reason = stored_text.of_refusal(refused)
        else:  # the refusal of an organization out of scope says nothing of it, as everywhere
            reason = StoredText(gettext_noop("you may no longer see this organization, or it is gone."))
        notify(
            [subscription.user],
            None,
            NotificationKind.FILE,
            StoredText(
                gettext_noop(
                    "The report “%(report)s” of %(organization)s for %(period)s was not made: %(reason)s "
                    "End the subscription, or ask for access again."
                ),
                {
                    "report": Words.of(definition.title),
                    "organization": subscription.organization.name,
                    "period": Period(period.key),
                    "reason": reason,
                },
            ),
            link=reverse("reports:list"),
        )


@periodic("reports-deliver", cron="30 6 * * *", title=gettext_lazy("Deliver subscribed reports"))
@background_task(max_attempts=3, backoff_seconds=300)
def deliver_subscribed_reports() -> int:
    return deliver()
