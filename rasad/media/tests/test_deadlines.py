"""Reminders before the deadline and escalation of a missed one, as the periodic job does them:
once each, however many times the job runs, to the right people, and shown on the board."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from rasad.cases.models import Notification
from rasad.core.models import AuditEvent, Organization, User
from rasad.jobs.engine import enqueue
from rasad.jobs.testing import run_queued
from rasad.media.actions import ResponseValues, do_acknowledge, do_escalate_recipient, do_respond
from rasad.media.actions.deadlines import agency_heads, reminder_moment
from rasad.media.audit import MediaAuditEvent
from rasad.media.tasks import media_deadlines, remind_and_escalate
from rasad.media.testing import issued_statement
from rasad.testing.cast import Cast
from rasad.testing.web import signed_in_client
from rasad.training.testing import hold, make_member

pytestmark = pytest.mark.django_db


def test_the_reminder_comes_when_a_quarter_of_the_time_is_left():
    start = timezone.now()
    assert reminder_moment(start, start + timedelta(hours=8)) == start + timedelta(hours=6)
    assert reminder_moment(start, start + timedelta(days=10)) == start + timedelta(days=9)  # at most a day
    assert reminder_moment(start, start + timedelta(minutes=40)) == start + timedelta(
        minutes=25
    )  # at least 15 minutes


def test_an_agency_is_reminded_once_before_its_deadline(cast: Cast):
    issued_at = timezone.now() - timedelta(hours=3, minutes=30)
    recipient = issued_statement(cast.isfahan, [cast.isfahan_post], hours=4, now=issued_at).recipients.get()
    assert remind_and_escalate() == {"reminded": 1, "escalated": 0}
    assert remind_and_escalate() == {"reminded": 0, "escalated": 0}
    recipient.refresh_from_db()
    assert recipient.reminded_at is not None and recipient.escalated_at is None
    told = set(Notification.objects.filter(kind="status").values_list("user__username", flat=True))
    assert told == {"ali", "alice", "nadia"}  # those who answer for ISF-P1 (Root holds no grant)
    assert "یادآوری" in Notification.objects.filter(user=cast.ali).get().message
    assert AuditEvent.objects.filter(event_type=MediaAuditEvent.REMINDED).count() == 1


def test_a_missed_deadline_is_escalated_once_to_the_agencys_head(cast: Cast, agencies: list[Organization]):
    head = make_member("isf-ag1-head", agencies[0], role="coordinator")
    hold(head, agencies[0], "manager")
    issued_at = timezone.now() - timedelta(hours=5)
    statement = issued_statement(cast.isfahan, agencies[:2], hours=2, now=issued_at)
    answered = statement.recipients.get(agency=agencies[1])
    do_acknowledge(answered, acting_user=None, now=issued_at + timedelta(minutes=5))
    do_respond(
        answered, ResponseValues("declined", reason="—"), acting_user=None, now=issued_at + timedelta(hours=1)
    )
    assert remind_and_escalate() == {"reminded": 0, "escalated": 1}
    assert remind_and_escalate()["escalated"] == 0
    late = statement.recipients.get(agency=agencies[0])
    assert late.escalated_at is not None
    escalations = Notification.objects.filter(kind="escalated")
    assert [n.user for n in escalations] == [head]
    assert "اداره کل بهداشت اصفهان" in escalations[0].message
    page = signed_in_client(cast.alice).get(f"/media/statements/{statement.pk}/").content.decode()
    assert "ارجاع‌شده به رئیس دستگاه" in page


def test_escalating_a_receipt_twice_at_once_escalates_it_once(cast: Cast):
    recipient = issued_statement(
        cast.isfahan, [cast.isfahan_post], hours=1, now=timezone.now() - timedelta(hours=2)
    ).recipients.get()
    first = do_escalate_recipient(recipient)
    second = do_escalate_recipient(recipient)
    assert (first is not None, second) == (True, None)
    assert AuditEvent.objects.filter(event_type=MediaAuditEvent.ESCALATED).count() == 1


def test_without_a_named_head_the_agencys_coordinators_are_told(cast: Cast, agencies: list[Organization]):
    coordinator = make_member("isf-ag2-coordinator", agencies[1], role="coordinator")
    assert agency_heads(agencies[1]) == [coordinator]


def test_the_periodic_job_runs_as_a_background_task(cast: Cast, coordinator: User):
    statement = issued_statement(
        cast.isfahan, [cast.isfahan_post], hours=1, now=timezone.now() - timedelta(hours=2)
    )
    enqueue(media_deadlines)
    run_queued()
    assert statement.recipients.get().escalated_at is not None
    # ISF-P1 has no head and no coordinator in Rasad: the HQ's secretary, who issues, is told.
    assert [n.user for n in Notification.objects.filter(kind="escalated")] == [coordinator]


def test_an_answered_receipt_is_neither_reminded_nor_escalated(
    cast: Cast, officers: list[User], agencies: list[Organization]
):
    issued_at = timezone.now() - timedelta(hours=3)
    recipient = issued_statement(cast.isfahan, agencies[:1], hours=2, now=issued_at).recipients.get()
    do_acknowledge(recipient, acting_user=officers[0], now=issued_at)
    do_respond(
        recipient, ResponseValues("not_applicable", reason="—"), acting_user=officers[0], now=issued_at
    )
    assert remind_and_escalate() == {"reminded": 0, "escalated": 0}


def test_a_reminder_reads_in_each_reader_s_language_and_calendar(cast: Cast):
    """Session 23: the reminder was stored in Persian with a Jalali deadline for every reader."""
    from rasad.lib import display

    User.objects.filter(pk=cast.ali.pk).update(language="en", persian_digits=False, calendar="gregorian")
    cast.ali.refresh_from_db()
    issued_at = timezone.now() - timedelta(hours=3, minutes=30)
    recipient = issued_statement(cast.isfahan, [cast.isfahan_post], hours=4, now=issued_at).recipients.get()
    remind_and_escalate()
    told = Notification.objects.get(user=cast.ali)
    with display.speaking(cast.ali, "en"):
        text = told.text
    assert text.startswith("Reminder: ") and str(recipient.due_at.astimezone().year) in text
    assert "یادآوری" in told.message  # the stored text (digest, search) stays Persian
