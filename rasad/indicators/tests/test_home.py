"""What the indicators app puts on the home queue: reports due and overdue, approvals with a
button that approves from the queue, and open alerts; each within the person's scope."""

from __future__ import annotations

from datetime import datetime, time

import pytest
from django.test import Client, override_settings
from django.utils import translation

from rasad.core.models import Organization
from rasad.indicators.actions import do_submit_period
from rasad.indicators.deadlines import collecting_period, due_date, owed_reports
from rasad.indicators.home import provide
from rasad.indicators.models import Observation
from rasad.indicators.testing import assign, record
from rasad.lib import display
from rasad.lib.jalali import TEHRAN, JalaliPeriod, from_jalali
from rasad.testing.cast import Cast

pytestmark = pytest.mark.django_db

# 7 Dey 1405: the report for Azar 1405 is being collected and is due on 10 Dey.
TODAY = from_jalali(1405, 10, 7)
AZAR = JalaliPeriod("month", 1405, 9)
# The assignments are a year old: a period that ended before its assignment is not owed.
SINCE = from_jalali(1404, 9, 1)


def local_midday(day):
    return datetime.combine(day, time(12), tzinfo=TEHRAN)


ENGLISH = display.DisplayPreferences(language="en", persian_digits=False)


@pytest.fixture
def english():
    token = display.activate(ENGLISH)
    with translation.override("en"):
        yield
    display.reset(token)


def titles(user, today=TODAY, section=None):
    return [str(i.title) for i in provide(user, today).items if section is None or i.section == section]


def test_collecting_period_is_the_last_month_that_ended():
    assert collecting_period("month", TODAY) == AZAR
    assert collecting_period("season", TODAY) == JalaliPeriod("season", 1405, 3)


@override_settings(REPORT_GRACE_DAYS=10)
def test_a_period_is_due_on_the_tenth_day_after_it_ends():
    assert due_date(AZAR) == from_jalali(1405, 10, 10)


@override_settings(REPORT_GRACE_DAYS=10)
def test_reporter_sees_the_report_due_in_three_days(cast: Cast, english):
    assign(cast.isfahan, "ELEC_CONS", "GAS_CONS", since=SINCE)
    items = [i for i in provide(cast.ali, TODAY).items if i.kind == "indicators.report_due"]
    assert [(i.section, str(i.title), str(i.detail)) for i in items] == [
        ("waiting", "Report for Azar 1405: due in 3\u00a0days", "2 of 2 values not yet submitted")
    ]
    assert items[0].url == f"/indicators/report/{cast.isfahan.pk}/1405-09/"


@override_settings(REPORT_GRACE_DAYS=10)
def test_reporter_reads_the_item_in_persian(cast: Cast):
    assign(cast.isfahan, "ELEC_CONS", since=SINCE)
    with translation.override("fa"):
        assert titles(cast.ali) == ["گزارش آذر ۱۴۰۵: مهلت ۳\u00a0روز دیگر"]


@override_settings(REPORT_GRACE_DAYS=10)
def test_a_report_past_its_due_date_is_overdue(cast: Cast, english):
    assign(cast.isfahan, "ELEC_CONS", since=SINCE)
    later = from_jalali(1405, 10, 15)
    assert titles(cast.ali, later, "overdue") == ["Report for Azar 1405: 5\u00a0days overdue"]


@override_settings(REPORT_GRACE_DAYS=10)
def test_a_submitted_report_leaves_the_queue(cast: Cast):
    assign(cast.isfahan, "ELEC_CONS", since=SINCE)
    record(cast.isfahan, "ELEC_CONS", "1405-09", 120.0, user=cast.ali)
    assert len(owed_reports([cast.isfahan], TODAY)) == 1  # a draft is not yet a report
    do_submit_period(cast.isfahan, "1405-09", acting_user=cast.ali)
    assert owed_reports([cast.isfahan], TODAY) == []


@override_settings(REPORT_GRACE_DAYS=10)
def test_a_period_that_ended_before_the_assignment_is_not_owed(cast: Cast):
    # Assigned on 1 Dey 1405: Azar 1405, being collected, ended the day before: nothing owed.
    assign(cast.isfahan, "ELEC_CONS", since=from_jalali(1405, 10, 1))
    assert owed_reports([cast.isfahan], TODAY) == []
    # Assigned on the last day of Azar (Tehran), its report is owed.
    assign(cast.isfahan, "GAS_CONS", since=from_jalali(1405, 9, 30))
    [report] = owed_reports([cast.isfahan], TODAY)
    assert (report.period, report.expected, report.missing) == (AZAR, 1, 1)
    # A yearly indicator assigned in Azar 1405 (a green business's savings, issue 16) is owed for
    # 1405 once it ends, never for 1404, which ended before it, though the centre is older.
    Organization.objects.filter(pk=cast.isfahan.pk).update(created=local_midday(from_jalali(1400, 1, 1)))
    cast.isfahan.refresh_from_db()
    assign(cast.isfahan, "LAND_REHAB", since=from_jalali(1405, 9, 12))
    assert [r.period.key for r in owed_reports([cast.isfahan], TODAY)] == ["1405-09"]
    later = from_jalali(1406, 1, 5)
    yearly = [r.period.key for r in owed_reports([cast.isfahan], later) if r.period.kind == "year"]
    assert yearly == ["1405"]


def test_reports_are_owed_only_by_organizations_the_person_works_for(cast: Cast):
    assign(cast.kerman, "ELEC_CONS", since=SINCE)
    assert [i for i in provide(cast.ali, TODAY).items if i.kind == "indicators.report_due"] == []


def _submitted_by_ali(cast: Cast) -> None:
    assign(cast.isfahan, "ELEC_CONS", since=SINCE)
    record(cast.isfahan_post, "ELEC_CONS", "1405-09", 120.0, user=cast.ali)
    do_submit_period(cast.isfahan_post, "1405-09", acting_user=cast.ali)


def test_the_parents_analyst_sees_the_approval_with_a_button(cast: Cast, english):
    _submitted_by_ali(cast)
    items = [i for i in provide(cast.alice, TODAY).items if i.kind == "indicators.approval"]
    assert [str(i.title) for i in items] == ["Approve the report of پاسگاه مرزی یک for Azar 1405"]
    action = items[0].actions[0]
    assert action.url == f"/indicators/report/{cast.isfahan_post.pk}/1405-09/approve/"
    assert action.fields == {"next": "/"}


def test_another_province_sees_no_approval(cast: Cast):
    _submitted_by_ali(cast)
    assert [i for i in provide(cast.bob, TODAY).items if i.kind == "indicators.approval"] == []
    assert [i for i in provide(cast.ali, TODAY).items if i.kind == "indicators.approval"] == []


def test_approving_from_the_queue_approves_and_returns_home(cast: Cast):
    _submitted_by_ali(cast)
    client = Client()
    client.force_login(cast.alice)
    response = client.post(f"/indicators/report/{cast.isfahan_post.pk}/1405-09/approve/", {"next": "/"})
    assert response.status_code == 302 and response["Location"] == "/"
    assert list(Observation.objects.values_list("status", flat=True)) == ["approved"]
    home = client.get("/").content.decode()
    assert 'data-testid="approve-' not in home


def test_approving_refuses_a_next_outside_the_site(cast: Cast):
    _submitted_by_ali(cast)
    client = Client()
    client.force_login(cast.alice)
    response = client.post(
        f"/indicators/report/{cast.isfahan_post.pk}/1405-09/approve/", {"next": "https://example.com/"}
    )
    assert response["Location"] == f"/indicators/report/{cast.isfahan_post.pk}/1405-09/"


def test_counts_link_to_the_filtered_lists(cast: Cast, english):
    counts = {str(c.label): (c.value, c.url) for c in provide(cast.alice, TODAY).counts}
    assert counts["Reports waiting for approval"] == (0, "/indicators/observations/?status=submitted")


def _completeness_summary(user) -> str:
    panels = [p for p in provide(user, TODAY).panels if p.template == "indicators/home_completeness.html"]
    return str(panels[0].context["summary"])


def test_the_completeness_panel_says_in_words_when_no_organization_has_reported(cast: Cast):
    # «۰ سازمان از ۲ سازمان…»: a lone Persian zero reads as a dot, and «none» is what it means.
    assign(cast.isfahan, "ELEC_CONS", since=SINCE)
    assert _completeness_summary(cast.alice).startswith("هنوز هیچ‌یک از ")
    _submitted_by_ali(cast)
    assert "هیچ‌یک" not in _completeness_summary(cast.alice)
