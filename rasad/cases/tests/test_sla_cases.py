"""Due times of real cases on the stored working calendar: weekends, Nowruz, the Thursday rule,
waiting on the reporter, calendar edits, and escalation up the tree (idempotent)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from rasad.cases.actions import (
    CaseValues,
    do_open_case,
    do_set_holiday,
    do_transition_case,
    do_update_working_calendar,
)
from rasad.cases.choices import Priority
from rasad.cases.models import CaseEvent, Holiday
from rasad.cases.tasks import escalate_overdue
from rasad.cases.testing import category, open_challenge
from rasad.core.models import AuditEvent
from rasad.testing.cast import Cast

TEHRAN = ZoneInfo("Asia/Tehran")


def tehran(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=TEHRAN)


def test_holidays_are_seeded_from_the_reference_file(db):
    assert Holiday.objects.count() == 57
    assert set(Holiday.objects.filter(date=date(2026, 3, 21)).values_list("name_en", flat=True)) == {
        "Nowruz (New Year's Day)",
        "Eid al-Fitr",
    }


def test_a_challenge_opened_before_nowruz_is_due_after_it(cast: Cast):
    # Wednesday 1404/12/27 15:00, critical challenge: 8 working hours. Wednesday gives 1 hour,
    # Thursday 5 (08:00-13:00); Friday 29 Esfand and 1-4 Farvardin (Nowruz) are off.
    case = open_challenge(
        cast, cast.isfahan_post, user=cast.ali, priority=Priority.CRITICAL, now=tehran(2026, 3, 18, 15, 0)
    )
    assert case.due_at == tehran(2026, 3, 25, 10, 0)


def test_a_weekend_does_not_count(cast: Cast):
    # Wednesday 1405/02/16 (2026-05-06) 14:00, high challenge: 24 working hours.
    # Wed 2h, Thu 5h, Fri off, Sat 8h, Sun 8h -> 23h, then Monday 08:00 + 1h.
    case = open_challenge(
        cast, cast.isfahan_post, user=cast.ali, priority=Priority.HIGH, now=tehran(2026, 5, 6, 14, 0)
    )
    assert case.due_at == tehran(2026, 5, 11, 9, 0)


def test_closing_thursdays_moves_open_due_times(cast: Cast):
    # The worked example of docs/reference/working-calendar.md: a 16-hour risk from Tuesday
    # 1404/12/26 10:00 ends Thursday 10:00 with the short Thursday ...
    case = do_open_case(
        CaseValues(
            kind="risk",
            category=category(),
            title="ریسک",
            reporter_organization=cast.isfahan_post,
            priority=Priority.CRITICAL,
            likelihood=4,
            impact=5,
        ),
        acting_user=cast.ali,
        now=tehran(2026, 3, 17, 10, 0),
    )
    assert case.due_at == tehran(2026, 3, 19, 10, 0)
    # ... and on Wednesday 1405/01/05 10:00 once the office closes on Thursdays.
    do_update_working_calendar(acting_user=cast.root, workday=(time(8), time(16)), thursday=None)
    case.refresh_from_db()
    assert case.due_at == tehran(2026, 3, 25, 10, 0)
    assert AuditEvent.objects.filter(event_type=331).count() == 1


def test_only_a_platform_administrator_edits_the_calendar(cast: Cast):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        do_set_holiday(date(2026, 5, 10), "تعطیلی", acting_user=cast.nadia)


def test_a_new_holiday_pushes_open_due_times(cast: Cast):
    case = open_challenge(
        cast, cast.isfahan_post, user=cast.ali, priority=Priority.HIGH, now=tehran(2026, 5, 6, 14, 0)
    )
    do_set_holiday(date(2026, 5, 9), "تعطیلی آلودگی هوا", acting_user=cast.root)
    case.refresh_from_db()
    assert case.due_at == tehran(2026, 5, 12, 9, 0)


def test_waiting_on_the_reporter_stops_the_clock(cast: Cast):
    start = tehran(2026, 5, 9, 8, 0)  # Saturday 1405/02/19, medium challenge: 40 working hours
    case = open_challenge(cast, cast.isfahan_post, user=cast.ali, now=start)
    assert case.due_at == tehran(2026, 5, 13, 16, 0)  # Sat, Sun, Mon, Tue, Wed: 5 × 8h
    do_transition_case(case, "triage", acting_user=cast.alice, now=start + timedelta(hours=1))
    do_transition_case(
        case, "assign", acting_user=cast.alice, assignee=cast.alice, now=start + timedelta(hours=1)
    )
    do_transition_case(case, "start", acting_user=cast.alice, now=start + timedelta(hours=1))
    waiting = do_transition_case(
        case, "request_info", acting_user=cast.alice, note="سند بفرستید", now=tehran(2026, 5, 10, 8, 0)
    )
    assert (waiting.status, waiting.due_at) == ("waiting", None)
    # The reporter answers a whole working day (8 hours) later: the due time moves by 8 hours.
    resumed = do_transition_case(case, "provide_info", acting_user=cast.ali, now=tehran(2026, 5, 11, 8, 0))
    # Thursday gives 5 of those 8 hours (08:00-13:00), Friday is off, Saturday 08:00 + 3 hours.
    assert resumed.due_at == tehran(2026, 5, 16, 11, 0)
    assert list(resumed.pauses.values_list("started", "ended")) == [
        (tehran(2026, 5, 10, 8, 0), tehran(2026, 5, 11, 8, 0))
    ]


def _directive(cast: Cast, *, opened: datetime, deadline: date):
    return do_open_case(
        CaseValues(
            kind="directive",
            category=category("cyber-security"),
            title="وصله‌گذاری سامانه‌ها",
            reporter_organization=cast.isfahan,
            owner_organization=cast.isfahan_post,
            deadline=deadline,
            origin="مصوبه جلسه",
        ),
        acting_user=cast.alice,
        now=opened,
    )


def test_an_overdue_directive_escalates_up_the_tree_once_per_period(cast: Cast):
    case = _directive(cast, opened=tehran(2026, 5, 2, 9, 0), deadline=date(2026, 5, 5))
    assert case.due_at == tehran(2026, 5, 6, 0, 0)
    assert escalate_overdue(tehran(2026, 5, 5, 23, 0)) == []
    late = tehran(2026, 5, 6, 9, 0)
    [escalated] = escalate_overdue(late)
    assert (escalated.escalation_level, escalated.escalated_to) == (1, cast.isfahan)
    # Running again (every minute) changes nothing until the next period has passed.
    assert escalate_overdue(late) == []
    assert escalate_overdue(late + timedelta(minutes=1)) == []
    [again] = escalate_overdue(tehran(2026, 5, 30, 9, 0))
    assert (again.escalation_level, again.escalated_to) == (2, cast.national)
    assert escalate_overdue(tehran(2026, 8, 30, 9, 0)) == []
    events = CaseEvent.objects.filter(case=case, action="escalate")
    assert [(e.actor, e.data["level"]) for e in events] == [(None, 1), (None, 2)]
    assert AuditEvent.objects.filter(event_type=305, object_id=str(case.pk)).count() == 2


def test_escalation_notifies_the_next_level(cast: Cast):
    from rasad.cases.models import Notification

    _directive(cast, opened=tehran(2026, 5, 2, 9, 0), deadline=date(2026, 5, 5))
    escalate_overdue(tehran(2026, 5, 6, 9, 0))
    # Alice (analyst over Isfahan, holds cases.assign_case) and Nadia (over the national tree).
    assert set(Notification.objects.filter(kind="escalated").values_list("user__username", flat=True)) == {
        "alice",
        "nadia",
    }


def test_the_escalate_command(cast: Cast):
    from io import StringIO

    from django.core.management import call_command

    _directive(cast, opened=tehran(2026, 5, 2, 9, 0), deadline=date(2026, 5, 5))
    out = StringIO()
    call_command("cases", "escalate", stdout=out)
    assert "escalated: 1" in out.getvalue()
    out = StringIO()
    call_command("cases", "escalate", stdout=out)
    assert "escalated: 0" in out.getvalue()


def test_daily_digest_is_sent_once(cast: Cast, mailoutbox):
    from rasad.cases.tasks import send_daily_digest
    from rasad.core.models import User

    User.objects.filter(pk=cast.alice.pk).update(email="alice@example.ir")
    _directive(cast, opened=tehran(2026, 5, 2, 9, 0), deadline=date(2026, 5, 5))
    escalate_overdue(tehran(2026, 5, 6, 9, 0))
    mailoutbox.clear()
    from rasad.jobs.testing import run_queued

    run_queued()  # the escalation's own notification e-mails
    mailoutbox.clear()
    assert send_daily_digest() == 1
    assert send_daily_digest() == 0
    assert run_queued() == 1
    assert [m.to for m in mailoutbox] == [["alice@example.ir"]]
