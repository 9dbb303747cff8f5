"""Reminders of outcome reports: six and twelve months after the first payment a report falls
due; the business's people are told (in-app notification) when it falls due within the notice
days and again once it is overdue, once per milestone and kind however many times the daily job
runs; the home queue lists it for whoever may report it; Kerman's people hear nothing of an
Isfahan workshop."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from rest_framework.test import APIClient

from rasad.cases.models import Notification
from rasad.core.actions.people import do_create_user, do_grant_role
from rasad.core.models import AuditEvent, Role
from rasad.greenjobs.actions import (
    OUTCOME_NOTICE_DAYS,
    OutcomeValues,
    add_months,
    do_remind_outcome,
    do_report_outcome,
)
from rasad.greenjobs.audit import GreenAuditEvent
from rasad.greenjobs.models import Application, OutcomeReminder
from rasad.greenjobs.tasks import remind_outcome_reports, remind_outcomes
from rasad.greenjobs.testing import paid_application
from rasad.jobs.testing import run_queued
from rasad.lib import formatting
from rasad.lib.jalali import local_date
from rasad.testing.cast import Cast
from rasad.web.home import collect

pytestmark = pytest.mark.django_db


def _today():
    return local_date(timezone.now())


def _due(application: Application, milestone: int):
    return add_months(_today(), milestone)  # paid_application pays today


def _outcome_items(user, today):
    home = collect(user, today)
    return [
        item
        for section in ("overdue", "waiting")
        for item in home.items(section)
        if item.kind == "greenjobs.outcome_due"
    ]


def test_nothing_is_sent_before_the_notice_days(cast: Cast):
    application = paid_application(cast)
    day = _due(application, 6) - timedelta(days=OUTCOME_NOTICE_DAYS + 1)
    assert remind_outcomes(day) == 0
    assert not Notification.objects.exists()
    assert _outcome_items(cast.ali, day) == []


def test_a_report_due_soon_is_told_once_however_often_the_job_runs(cast: Cast):
    application = paid_application(cast)
    day = _due(application, 6) - timedelta(days=3)
    assert remind_outcomes(day) == 1
    assert remind_outcomes(day) == 0
    assert do_remind_outcome(application, "6", today=day) is None
    reminder = OutcomeReminder.objects.get()
    assert (reminder.milestone, reminder.kind, reminder.due_on, reminder.sent_on) == (
        "6",
        "due",
        _due(application, 6),
        day,
    )
    # The workshop has nobody of its own in Rasad, and its scheme's offices are the workshop
    # itself: everyone who may report for it is told.
    told = set(Notification.objects.values_list("user__username", flat=True))
    assert told == {"ali", "alice", "nadia"}
    assert reminder.recipients == 3
    note = Notification.objects.filter(user=cast.ali).get()
    assert note.link == f"/green/applications/{application.pk}/outcomes/"
    assert formatting.digits(application.number) in note.message
    assert "گزارش نتایج" in note.message  # told in Persian
    events = AuditEvent.objects.filter(event_type=GreenAuditEvent.OUTCOME_DUE_NOTIFIED)
    assert events.count() == 1


def test_an_overdue_report_is_told_once_more_and_a_reported_one_never(cast: Cast):
    application = paid_application(cast)
    soon = _due(application, 6) - timedelta(days=2)
    late = _due(application, 6) + timedelta(days=5)
    assert remind_outcomes(soon) == 1
    assert remind_outcomes(late) == 1
    assert remind_outcomes(late + timedelta(days=1)) == 0
    assert sorted(OutcomeReminder.objects.values_list("kind", flat=True)) == ["due", "overdue"]
    assert AuditEvent.objects.filter(event_type=GreenAuditEvent.OUTCOME_OVERDUE_NOTIFIED).count() == 1
    do_report_outcome(
        application, OutcomeValues(milestone="12", jobs_created=1, jobs_retained=1), acting_user=None
    )
    twelve_late = _due(application, 12) + timedelta(days=1)
    # Six is still unreported (overdue, told already); twelve was reported early: nothing new.
    assert remind_outcomes(twelve_late) == 0


def test_the_workshops_own_people_are_told_when_it_has_some(cast: Cast):
    application = paid_application(cast)
    owner = do_create_user(
        "workshop.owner",
        acting_user=None,
        password="x" * 16,
        organization=application.organization,
        validate=False,
    )
    do_grant_role(
        owner, Role.objects.get(slug="reporter"), acting_user=None, organization=application.organization
    )
    assert remind_outcomes(_due(application, 6)) == 1
    assert list(Notification.objects.values_list("user__username", flat=True)) == ["workshop.owner"]


def test_the_home_queue_lists_it_for_who_may_report_and_not_for_kerman(cast: Cast):
    application = paid_application(cast)
    soon = _due(application, 6) - timedelta(days=4)
    [item] = _outcome_items(cast.ali, soon)
    assert item.section == "waiting"
    assert item.url == f"/green/applications/{application.pk}/outcomes/"
    late = _due(application, 6) + timedelta(days=1)
    assert [i.section for i in _outcome_items(cast.ali, late)] == ["overdue"]
    for outsider in (cast.bob, cast.bahram, cast.charlie):
        assert _outcome_items(outsider, late) == []
    remind_outcomes(late)
    assert not Notification.objects.filter(user__in=[cast.bob, cast.bahram, cast.charlie]).exists()


def test_the_api_and_the_page_show_the_milestones_and_notices(cast: Cast):
    application = paid_application(cast)
    day = _due(application, 6) - timedelta(days=1)
    remind_outcomes(day)
    client = APIClient()
    client.force_authenticate(cast.alice)
    milestones = client.get(f"/api/v1/green-applications/{application.pk}/").json()["milestones"]
    assert milestones == [
        {
            "milestone": "6",
            "due_on": _due(application, 6).isoformat(),
            "reported": False,
            "due_notice_on": day.isoformat(),
            "overdue_notice_on": None,
        },
        {
            "milestone": "12",
            "due_on": _due(application, 12).isoformat(),
            "reported": False,
            "due_notice_on": None,
            "overdue_notice_on": None,
        },
    ]
    from rasad.testing.web import signed_in_client

    page = signed_in_client(cast.ali).get(f"/green/applications/{application.pk}/").content.decode()
    assert 'data-testid="milestones"' in page
    bob = APIClient()
    bob.force_authenticate(cast.bob)
    assert bob.get(f"/api/v1/green-applications/{application.pk}/").status_code == 404


def test_the_periodic_job_is_declared_and_runs(cast: Cast):
    from rasad.jobs.models import Schedule

    schedule = Schedule.objects.get(name="greenjobs-outcome-reminders")
    assert (schedule.cron, schedule.is_enabled) == ("15 7 * * *", True)
    assert remind_outcome_reports.call() == 0


def test_with_the_sites_address_the_reminder_links_to_the_outcome_form_absolutely(cast: Cast, settings):
    settings.RASAD_PUBLIC_URL = "https://rasad.example.ir"
    cast.ali.email = "ali@example.ir"
    cast.ali.save(update_fields=["email"])
    application = paid_application(cast)
    assert remind_outcomes(_due(application, 6) - timedelta(days=3)) == 1
    note = Notification.objects.filter(user=cast.ali).get()
    page = f"https://rasad.example.ir/green/applications/{application.pk}/outcomes/"
    assert note.link == page
    run_queued()
    [sent] = [m for m in mail.outbox if m.to == ["ali@example.ir"]]
    assert sent.body == f"{note.message}\n\n{page}"


def test_a_reminder_reads_in_each_reader_s_language_calendar_and_digits(cast: Cast):
    """Session 23 left the reminder stored in Persian for every reader: an English reader with the
    Gregorian calendar read «GJ-۰۰۰۰۰۱» and a Jalali day. One notification, two readers."""
    from rasad.core.models import User
    from rasad.lib import display

    User.objects.filter(pk=cast.ali.pk).update(language="en", persian_digits=False, calendar="gregorian")
    cast.ali.refresh_from_db()
    application = paid_application(cast)
    due = _due(application, 6)
    assert remind_outcomes(due + timedelta(days=1)) == 1
    english = Notification.objects.get(user=cast.ali)
    with display.speaking(cast.ali, "en"):
        text = english.text
    assert text == (
        f"The outcome report of application {application.number} (Six months after the first payment) "
        f"was due on {due.day} {due:%B %Y} and has not been sent. Report the jobs and savings now."
    )
    persian = Notification.objects.get(user=cast.alice)
    assert formatting.digits(application.number) in persian.message and "گزارش نتایج" in persian.message
    with display.speaking(cast.alice, "fa"):
        assert persian.text == persian.message
