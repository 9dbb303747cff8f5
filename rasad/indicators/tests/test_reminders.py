"""Reminders of indicator reports: the daily job tells an organization's reporters, in Persian,
that a period's report falls due within three days and, once its day has passed, that it is
overdue; each once however often the job runs; nothing for a submitted period, nothing for a
period that ended before the indicators were assigned, nothing to another organization's people."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import override_settings
from django.urls import reverse

from rasad.cases.models import Notification
from rasad.core.models import AuditEvent
from rasad.indicators.actions import do_submit_period
from rasad.indicators.actions.reminders import do_remind_report
from rasad.indicators.audit import IndicatorAuditEvent
from rasad.indicators.models import ReportReminder
from rasad.indicators.tasks import remind_indicator_reports, remind_reports
from rasad.indicators.testing import assign, record
from rasad.jobs.engine import periodic_jobs
from rasad.jobs.models import EffectKey, Schedule
from rasad.jobs.schedules import sync_schedules
from rasad.jobs.testing import run_queued
from rasad.lib.jalali import from_jalali
from rasad.testing.cast import Cast
from rasad.testing.web import verified_client

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("ten_days_grace")]

# Azar 1405's report is due on 10 Dey 1405 (ten days' grace).
DUE_SOON = from_jalali(1405, 10, 7)
LATE = from_jalali(1405, 10, 15)
SINCE = from_jalali(1404, 9, 1)


@pytest.fixture
def ten_days_grace():
    with override_settings(REPORT_GRACE_DAYS=10):
        yield


def _told(cast: Cast) -> dict[str, list[str]]:
    told: dict[str, list[str]] = {}
    for username, message in Notification.objects.order_by("pk").values_list("user__username", "message"):
        told.setdefault(username, []).append(message)
    return told


def test_an_overdue_report_is_told_once_in_persian(cast: Cast):
    assign(cast.isfahan, "ELEC_CONS", "GAS_CONS", subtree=False, since=SINCE)
    assert remind_reports(LATE) == 1
    assert remind_reports(LATE) == 0
    assert remind_reports(from_jalali(1405, 10, 16)) == 0
    assert do_remind_report(cast.isfahan, "1405-09", today=LATE) is None
    reminder = ReportReminder.objects.get()
    assert (reminder.period_key, reminder.kind, reminder.due_on, reminder.sent_on, reminder.recipients) == (
        "1405-09",
        "overdue",
        from_jalali(1405, 10, 10),
        LATE,
        2,
    )
    assert reminder.indicators == ["ELEC_CONS", "GAS_CONS"]
    told = _told(cast)
    assert sorted(told) == ["ali", "alice"]  # Isfahan's people who may submit its values
    [message] = told["ali"]
    assert message == (
        "موعد گزارش مرکز فرماندهی استان اصفهان برای آذر ۱۴۰۵، ۱۰ دی ۱۴۰۵ بود؛ "
        "۲ مقدار هنوز ارسال نشده است: مصرف برق، مصرف گاز طبیعی. همین حالا ارسال کنید."
    )
    note = Notification.objects.filter(user=cast.ali).get()
    assert note.link == f"/indicators/report/{cast.isfahan.pk}/1405-09/"
    assert EffectKey.objects.filter(key=f"indicators-report-overdue:{cast.isfahan.pk}:1405-09").exists()
    assert AuditEvent.objects.filter(event_type=IndicatorAuditEvent.REPORT_OVERDUE_NOTIFIED).count() == 1


def test_due_soon_then_overdue_each_once(cast: Cast):
    assign(cast.isfahan, "ELEC_CONS", subtree=False, since=SINCE)
    assert remind_reports(from_jalali(1405, 10, 6)) == 0  # four days before: not yet
    assert remind_reports(DUE_SOON) == 1
    assert remind_reports(from_jalali(1405, 10, 9)) == 0
    assert remind_reports(LATE) == 1
    assert sorted(ReportReminder.objects.values_list("kind", flat=True)) == ["due", "overdue"]
    first, second = Notification.objects.filter(user=cast.ali).order_by("pk")
    assert first.message.startswith("موعد گزارش مرکز فرماندهی استان اصفهان برای آذر ۱۴۰۵، ۱۰ دی ۱۴۰۵ است؛")
    assert "۱۰ دی ۱۴۰۵ بود؛" in second.message


def test_nothing_for_a_submitted_period(cast: Cast):
    assign(cast.isfahan, "ELEC_CONS", subtree=False, since=SINCE)
    record(cast.isfahan, "ELEC_CONS", "1405-09", 120.0, user=cast.ali)
    do_submit_period(cast.isfahan, "1405-09", acting_user=cast.ali)
    assert remind_reports(LATE) == 0
    assert not Notification.objects.exists()
    assert not ReportReminder.objects.exists()


def test_nothing_for_a_period_that_ended_before_the_assignment(cast: Cast):
    # Assigned on 1 Dey 1405, the day after Azar ended: Azar's report is not owed.
    assign(cast.isfahan, "ELEC_CONS", subtree=False, since=from_jalali(1405, 10, 1))
    assert remind_reports(LATE) == 0
    assert not Notification.objects.exists()


def test_each_organization_hears_only_of_its_own_report(cast: Cast):
    assign(cast.isfahan, "ELEC_CONS", subtree=False, since=SINCE)
    assign(cast.kerman, "GAS_CONS", subtree=False, since=SINCE)
    assert remind_reports(LATE) == 2
    told = _told(cast)
    assert sorted(told) == ["ali", "alice", "bahram", "bob"]
    for username in ("ali", "alice"):
        assert ["اصفهان" in m and "مصرف برق" in m for m in told[username]] == [True]
    for username in ("bob", "bahram"):
        assert ["کرمان" in m and "مصرف گاز طبیعی" in m for m in told[username]] == [True]
    assert not Notification.objects.filter(user__username__in=["charlie", "nadia", "erfan"]).exists()


def test_the_job_is_on_the_schedules_page(cast: Cast):
    job = periodic_jobs()["indicators-report-reminders"]
    assert job.cron == "0 8 * * *"
    sync_schedules()
    schedule = Schedule.objects.get(name="indicators-report-reminders")
    assert (schedule.cron, schedule.is_enabled) == ("0 8 * * *", True)
    page = verified_client(cast.root).get(reverse("jobs:jobs")).content.decode()
    row = page.split('<tr data-schedule="indicators-report-reminders">', 1)[1].split("</tr>", 1)[0]
    assert '<code class="text-nowrap" dir="ltr">0 8 * * *</code>' in row
    assert remind_indicator_reports.call() == 0  # nothing assigned: nothing to tell


SITE = "https://rasad.example.ir"


def _with_e_mail(cast: Cast) -> None:
    cast.ali.email = "ali@example.ir"
    cast.ali.save(update_fields=["email"])


def test_with_the_sites_address_the_reminder_links_to_the_entry_page_absolutely(cast: Cast, settings):
    settings.RASAD_PUBLIC_URL = SITE
    _with_e_mail(cast)
    assign(cast.isfahan, "ELEC_CONS", subtree=False, since=SINCE)
    assert remind_reports(LATE) == 1
    note = Notification.objects.filter(user=cast.ali).get()
    page = f"{SITE}/indicators/report/{cast.isfahan.pk}/1405-09/"
    assert note.link == page
    run_queued()
    [sent] = [m for m in mail.outbox if m.to == ["ali@example.ir"]]
    # The e-mail is read outside the site: it ends with the page's address.
    assert sent.body == f"{note.message}\n\n{page}"


def test_without_the_sites_address_the_link_stays_relative_and_out_of_the_e_mail(cast: Cast, settings):
    settings.RASAD_PUBLIC_URL = ""
    _with_e_mail(cast)
    assign(cast.isfahan, "ELEC_CONS", subtree=False, since=SINCE)
    assert remind_reports(LATE) == 1
    note = Notification.objects.filter(user=cast.ali).get()
    assert note.link == f"/indicators/report/{cast.isfahan.pk}/1405-09/"
    run_queued()
    [sent] = [m for m in mail.outbox if m.to == ["ali@example.ir"]]
    assert sent.body == note.message


def test_a_reminder_reads_in_each_reader_s_language_calendar_and_digits(cast: Cast):
    """Session 23 left the reminder stored in Persian for every reader: an English reader with the
    Gregorian calendar read «آذر ۱۴۰۵» and «۱۰ دی ۱۴۰۵». One notification, two readers."""
    from rasad.cases.models import Notification
    from rasad.core.models import User
    from rasad.lib import display
    from rasad.testing.web import signed_in_client

    User.objects.filter(pk=cast.ali.pk).update(language="en", persian_digits=False, calendar="gregorian")
    cast.ali.refresh_from_db()
    assign(
        cast.isfahan,
        "ELEC_CONS",
        "GAS_CONS",
        "WATER_WITHDRAWAL",
        "WATER_DISCHARGE",
        subtree=False,
        since=SINCE,
    )
    assert remind_reports(LATE) == 1
    english, persian = (Notification.objects.get(user=user) for user in (cast.ali, cast.alice))
    assert english.message_id == persian.message_id != ""
    with display.speaking(cast.ali, "en"):
        text = english.text
    assert (
        text.startswith("The report of ") and " for Azar 1405 was due on 31 December 2026; 4 values" in text
    )
    assert text.endswith(" and 1 more. Submit them now."), text
    with display.speaking(cast.alice, "fa"):
        assert persian.text == persian.message
    assert "برای آذر ۱۴۰۵، ۱۰ دی ۱۴۰۵ بود؛ ۴ مقدار" in persian.message and "و ۱ مورد دیگر" in persian.message
    # The API's message is the reader's too.
    answer = signed_in_client(cast.ali).get(f"/api/v1/notifications/{english.pk}/").json()
    assert answer["message"] == text
