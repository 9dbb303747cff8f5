"""Reminders of reports due and overdue (docs/indicators.md, "Reminders").

The daily job ``indicators-report-reminders`` (``rasad.indicators.tasks``) asks ``owed_reports``
which periods each organization still owes and calls ``do_remind_report`` for each: the
organization's reporters are told (each in their own language, calendar and digits) once when the
report falls due within ``REPORT_NOTICE_DAYS`` days and once when its due day has passed, however
many times the job runs.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext_noop

from rasad.core.models import Organization, User
from rasad.indicators.audit import IndicatorAuditEvent, audit_object
from rasad.indicators.choices import ReminderKind
from rasad.indicators.deadlines import OwedReport, owed_reports
from rasad.indicators.models import Indicator, Observation, ReportReminder
from rasad.lib.site import absolute_url
from rasad.lib.stored_text import LongDate, Names, Period, StoredText

# A report is announced this many days before its due day (the home queue shows it all along).
REPORT_NOTICE_DAYS = 3
# Indicators named in a notice; the others are counted.
NAMED_INDICATORS = 3


def reminder_kind(report: OwedReport, today: date) -> str | None:
    """``overdue`` once the due day has passed, ``due`` within the notice days before it."""
    if report.is_overdue(today):
        return ReminderKind.OVERDUE
    if report.due <= today + timedelta(days=REPORT_NOTICE_DAYS):
        return ReminderKind.DUE
    return None


def reporters(organization: Organization) -> list[User]:
    """Who is told: the organization's own people who may submit its values (those the home
    queue shows the report to). Nobody else: a coordinator above sees completeness instead."""
    from rasad.core.scope import users_who_can

    return list(
        users_who_can(Observation, organization, "submit")
        .filter(memberships__organization=organization)
        .distinct()
    )


def _indicator_names(ids: frozenset[int]) -> Names | StoredText:
    names = tuple(Indicator.objects.filter(pk__in=ids).order_by("code").values_list("name", flat=True))
    shown = Names(names[:NAMED_INDICATORS])
    if len(names) > NAMED_INDICATORS:
        return StoredText(
            gettext_noop("%(names)s and %(count)s more"),
            {"names": shown, "count": len(names) - NAMED_INDICATORS},
        )
    return shown


def _reminder_message(organization: Organization, report: OwedReport, kind: str) -> StoredText:
    """The reminder: the report is due on a day, or was due and is overdue. Kept as a message id
    and parameters (``rasad.lib.stored_text``): each reader reads the period, the day and the
    count in their own language, calendar and digits."""
    values: dict[str, Any] = {
        "organization": organization.name,
        "period": Period(report.period.key),
        "day": LongDate(report.due),
        "missing": report.missing,
        "indicators": _indicator_names(report.missing_ids),
    }
    if kind == ReminderKind.OVERDUE:
        return StoredText(
            gettext_noop(
                "The report of %(organization)s for %(period)s was due on %(day)s; "
                "%(missing)s values are not yet submitted: %(indicators)s. Submit them now."
            ),
            values,
        )
    return StoredText(
        gettext_noop(
            "The report of %(organization)s for %(period)s is due on %(day)s; "
            "%(missing)s values are not yet submitted: %(indicators)s."
        ),
        values,
    )


@transaction.atomic
def do_remind_report(organization: Organization, period_key: str, *, today: date) -> ReportReminder | None:
    """Tell the organization's reporters that its report of ``period_key`` falls due soon or is
    overdue: each once per organization and period, however many times the job runs (checked
    again under the organization's lock, kept as a ``ReportReminder`` row and claimed as an
    effect key). None when there is nothing to send: not owed (submitted, or the period ended
    before the indicators were assigned), not yet time, told already, or nobody to tell."""
    from rasad.cases.choices import NotificationKind
    from rasad.cases.notifications import notify
    from rasad.jobs.engine import claim_effect

    locked = Organization.objects.select_for_update().filter(pk=organization.pk).first()
    if locked is None:
        return None
    report = next((r for r in owed_reports([locked], today) if r.period.key == period_key), None)
    if report is None:
        return None
    kind = reminder_kind(report, today)
    if kind is None:
        return None
    if ReportReminder.objects.filter(organization=locked, period_key=period_key, kind=kind).exists():
        return None
    people = reporters(locked)
    if not people:
        return None
    if not claim_effect(f"indicators-report-{kind}:{locked.pk}:{period_key}"):
        return None
    message = _reminder_message(locked, report, kind)
    notify(
        people,
        None,
        NotificationKind.STATUS,
        message,
        link=absolute_url(reverse("indicators:report", args=[locked.pk, period_key])),
    )
    codes = sorted(Indicator.objects.filter(pk__in=report.missing_ids).values_list("code", flat=True))
    reminder = ReportReminder.objects.create(
        organization=locked,
        period_key=period_key,
        kind=kind,
        due_on=report.due,
        sent_on=today,
        indicators=codes,
        recipients=len(people),
    )
    audit_object(
        IndicatorAuditEvent.REPORT_OVERDUE_NOTIFIED
        if kind == ReminderKind.OVERDUE
        else IndicatorAuditEvent.REPORT_DUE_NOTIFIED,
        reminder,
        acting_user=None,
        organization=locked,
        new={
            "period": period_key,
            "due_on": report.due.isoformat(),
            "indicators": codes,
            "recipients": len(people),
        },
    )
    return reminder
