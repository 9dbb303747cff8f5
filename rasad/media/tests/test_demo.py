"""The demo media coordination loads once, through the actions, and tells the seed story:
Kerman's media HQ issued the power-cut talking points to its six agencies; some answered on time,
some late, one never; a statement waits for approval and another may be issued now."""

from __future__ import annotations

import pytest

from rasad.core.models import Organization, User
from rasad.media.demo import POWER_CUTS, load_demo
from rasad.media.models import Recipient, Statement

pytestmark = pytest.mark.django_db


def test_the_demo_loads_once_with_late_agencies():
    first = load_demo()
    assert load_demo() == first
    assert first == {"members": 6, "statements": 4, "receipts": 12, "crises": 2, "rumours": 2, "planned": 5}
    receipts = Recipient.objects.filter(statement__title=POWER_CUTS).select_related("agency")
    states = {r.agency.code: r.state for r in receipts}
    assert states == {
        "KER-PWR": "published",
        "KER-HLT": "published",
        "KER-RC": "published",
        "KER-EDU": "published",
        "KER-POL": "not_applicable",
        "KER-WTR": "acknowledged",
    }
    late = {r.agency.code for r in receipts if r.is_late}
    assert {"KER-EDU", "KER-WTR"} <= late
    assert "KER-PWR" not in late
    # The power company's spokesperson speaks the talking points.
    spokesperson = Statement.objects.get(title=POWER_CUTS).spokesperson
    assert spokesperson is not None
    assert (spokesperson.membership.user.username, spokesperson.membership.organization.code) == (
        "kerman-power.pr",
        "KER-PWR",
    )


def test_each_agency_officer_sees_only_its_own_receipt():
    load_demo()
    officer = User.objects.get(username="kerman-water.pr")
    seen = Recipient.objects.visible_to(officer, "respond")
    assert {r.agency.code for r in seen} == {"KER-WTR"}
    secretary = User.objects.get(username="kerman-media.coordinator")
    assert Statement.objects.visible_to(secretary, "approve").filter(state="review").count() == 1
    # The media headquarters sits under the cyberspace council in the tree.
    hq = Organization.objects.select_related("parent").get(code="KER-MHQ")
    assert hq.parent is not None and hq.parent.code == "KER-CSC"
    assert Statement.objects.visible_to(secretary, "issue").filter(state="approved").count() == 1


def test_the_closed_crisis_has_its_timeline_and_figures():
    from django.utils import timezone

    from rasad.media.demo import CLOSED_CRISIS
    from rasad.media.figures import agency_figures
    from rasad.media.models import Crisis, Rumour

    load_demo()
    crisis = Crisis.objects.get(title=CLOSED_CRISIS)
    assert crisis.state == "closed" and crisis.places.count() >= 1
    figures = agency_figures(
        Recipient.objects.filter(statement__crisis=crisis),
        Rumour.objects.filter(crisis=crisis),
        now=timezone.now(),
    )
    by_code = {f.agency.code: f for f in figures}
    assert by_code["KER-PWR"].rank == 1 and by_code["KER-PWR"].response_hours == pytest.approx(35 / 60)
    assert by_code["KER-WTR"].on_time == 0  # answered after the two clock hours
    assert crisis.timeline.filter(kind="response").count() == 12


def test_the_planned_items_fall_on_working_days_whatever_the_day_of_the_week():
    """Loaded on any day of the week, no planned item starts or ends on a Friday or a holiday:
    those move to the next working day ahead, or the one before in the past."""
    from datetime import timedelta

    from django.db import transaction
    from django.utils import timezone

    from rasad.cases.calendar import current_calendar
    from rasad.lib.jalali import local_date
    from rasad.media.demo import _plan
    from rasad.media.models import PlannedItem

    load_demo()
    calendar = current_calendar()
    monday = timezone.now() - timedelta(days=timezone.now().weekday())
    for offset in range(7):
        now = monday + timedelta(days=offset)
        with transaction.atomic():
            PlannedItem.objects.all().delete()
            _plan(now)
            items = list(PlannedItem.objects.all())
            transaction.set_rollback(True)
        assert len(items) == 5
        days = {local_date(moment) for item in items for moment in (item.starts_at, item.ends_at)}
        assert [day for day in days if day.weekday() == 4] == []
        assert [day for day in days if calendar.working_window(day) is None] == []
        today = local_date(now)
        assert sorted(local_date(item.starts_at) > today for item in items) == [
            False,
            False,
            True,
            True,
            True,
        ]


def test_the_late_agencies_are_late_whatever_the_weekday(monkeypatch: pytest.MonkeyPatch):
    # Loaded just after midnight on a Saturday in Tehran, "two days ago" is a Thursday, whose
    # short working day does not hold the six working hours: the talking points were once issued
    # then, their deadline fell on the Saturday morning still ahead, and nobody was late yet.
    from datetime import UTC, datetime

    from django.utils import timezone

    saturday = datetime(2026, 12, 4, 22, 10, tzinfo=UTC)  # 1405/09/14 01:40 in Tehran
    monkeypatch.setattr(timezone, "now", lambda: saturday)
    load_demo()
    receipts = Recipient.objects.filter(statement__title=POWER_CUTS).select_related("agency")
    assert {r.agency.code for r in receipts if r.is_late} == {"KER-EDU", "KER-WTR"}
