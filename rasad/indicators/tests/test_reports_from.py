"""An assignment's first day of reporting (``Assignment.reports_from``): set from the page and the
API, shown in Jalali, checked against the indicator's first period and the far future, audited,
and the one date the owed-period rule reads (never the row's ``created``)."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import Client, override_settings
from django.utils import timezone, translation

from rasad.conftest import client_for
from rasad.core.models import AuditEvent
from rasad.indicators.actions import do_save_assignment
from rasad.indicators.audit import IndicatorAuditEvent
from rasad.indicators.deadlines import owed_reports, reports_from_range
from rasad.indicators.models import Assignment
from rasad.indicators.testing import indicator
from rasad.lib.jalali import TEHRAN, JalaliPeriod, from_jalali, local_date, to_jalali, today_in_tehran
from rasad.testing.api import assert_nothing_changed
from rasad.testing.cast import Cast

pytestmark = pytest.mark.django_db

API = "/api/v1/indicator-assignments/"


def client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def page(cast: Cast) -> str:
    return f"/indicators/organizations/{cast.isfahan_post.pk}/assignments/"


def this_jalali_year() -> int:
    return to_jalali(today_in_tehran()).year


def test_the_range_runs_from_ten_years_back_to_the_end_of_next_year():
    today = from_jalali(1405, 9, 13)
    assert reports_from_range(indicator("ELEC_CONS"), today) == (
        from_jalali(1395, 1, 1),
        from_jalali(1406, 12, 29),
    )


def test_a_new_assignment_reports_from_today_in_tehran(cast: Cast):
    made = do_save_assignment(
        cast.isfahan, indicator("TAILINGS"), include_descendants=False, acting_user=None
    )
    assert made.reports_from == local_date(timezone.now())


def test_the_form_saves_a_jalali_day_and_the_page_shows_it(cast: Cast):
    response = client(cast.alice).post(
        page(cast), {"indicator": indicator("TAILINGS").pk, "reports_from": "۱۴۰۴/۰۱/۰۱"}
    )
    assert response.status_code == 302
    assert Assignment.objects.get(organization=cast.isfahan_post).reports_from == from_jalali(1404, 1, 1)
    with translation.override("fa"):
        html = client(cast.alice).get(page(cast)).content.decode()
    assert 'data-testid="reports-from-TAILINGS">۱۴۰۴/۰۱/۰۱</td>' in html


def test_the_form_refuses_a_day_far_in_the_future_with_a_persian_field_error(cast: Cast):
    year = this_jalali_year() + 2
    alice = client(cast.alice)  # signed in outside the check: the sign-in is audited
    with assert_nothing_changed("indicators.assignment"), translation.override("fa"):
        response = alice.post(
            page(cast), {"indicator": indicator("TAILINGS").pk, "reports_from": f"{year}/01/01"}
        )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-field-error="reports_from"' in html
    last = f"۲۹ اسفند {str(year - 1).translate(str.maketrans('0123456789', '۰۱۲۳۴۵۶۷۸۹'))}"
    assert f"نخستین روز گزارش نمی‌تواند پس از {last} باشد" in html


def test_the_action_refuses_a_day_before_the_indicators_first_period(cast: Cast):
    year = this_jalali_year() - 11
    with translation.override("fa"), pytest.raises(ValidationError) as refused:
        do_save_assignment(
            cast.isfahan,
            indicator("LAND_REHAB"),  # yearly
            include_descendants=False,
            acting_user=None,
            reports_from=from_jalali(year, 6, 1),
        )
    [message] = refused.value.message_dict["reports_from"]
    assert message.startswith("نخستین روز گزارش نمی‌تواند پیش از ۱ فروردین ")
    assert "نخستین دورهٔ این شاخص که می‌توان گزارش کرد" in message
    assert not Assignment.objects.filter(organization=cast.isfahan).exists()


def test_saving_again_keeps_the_day_unless_given_and_audits_old_and_new(cast: Cast):
    first = from_jalali(1403, 1, 1)
    do_save_assignment(
        cast.isfahan, indicator("TAILINGS"), include_descendants=False, acting_user=None, reports_from=first
    )
    kept = do_save_assignment(cast.isfahan, indicator("TAILINGS"), include_descendants=True, acting_user=None)
    assert (kept.reports_from, kept.include_descendants) == (first, True)
    do_save_assignment(
        cast.isfahan,
        indicator("TAILINGS"),
        include_descendants=True,
        acting_user=cast.alice,
        reports_from=from_jalali(1404, 7, 1),
    )
    events = AuditEvent.objects.filter(event_type=IndicatorAuditEvent.ASSIGNMENT_SAVED).order_by("pk")
    assert [(e.old, e.new) for e in events] == [
        (None, {"indicator": "TAILINGS", "include_descendants": False, "reports_from": "2024-03-20"}),
        (
            {"include_descendants": False, "reports_from": "2024-03-20"},
            {"indicator": "TAILINGS", "include_descendants": True, "reports_from": "2024-03-20"},
        ),
        (
            {"include_descendants": True, "reports_from": "2024-03-20"},
            {"indicator": "TAILINGS", "include_descendants": True, "reports_from": "2025-09-23"},
        ),
    ]


def test_the_api_takes_and_returns_the_day(cast: Cast):
    response = client_for(cast.alice).post(
        API,
        {"organization": "ISF-P1", "indicator": "TAILINGS", "reports_from": "2025-03-21"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["reports_from"] == "2025-03-21"
    assert Assignment.objects.get(organization=cast.isfahan_post).reports_from == from_jalali(1404, 1, 1)


def test_the_api_refuses_a_day_far_in_the_future_naming_the_field(cast: Cast):
    far = from_jalali(this_jalali_year() + 3, 1, 1)
    alice = client_for(cast.alice)
    with assert_nothing_changed("indicators.assignment"):
        response = alice.post(
            API,
            {"organization": "ISF-P1", "indicator": "TAILINGS", "reports_from": far.isoformat()},
            format="json",
            HTTP_ACCEPT_LANGUAGE="fa",
        )
    assert response.status_code == 400
    [message] = response.json()["error"]["fields"]["reports_from"]
    assert message.startswith("نخستین روز گزارش نمی‌تواند پس از ")


def test_the_api_schema_documents_the_field(cast: Cast):
    schema = client_for(cast.alice).get("/api/schema/", {"format": "json"}).json()
    field = schema["components"]["schemas"]["Assignment"]["properties"]["reports_from"]
    assert field["format"] == "date"
    assert "گزارش دوره‌ای که پیش از آن به پایان رسیده خواسته نمی‌شود" in field["description"]


@override_settings(REPORT_GRACE_DAYS=10)
def test_owed_periods_follow_reports_from_not_the_rows_creation(cast: Cast):
    today = from_jalali(1405, 10, 7)  # Azar 1405 is being collected
    azar = JalaliPeriod("month", 1405, 9)
    made = do_save_assignment(
        cast.isfahan,
        indicator("ELEC_CONS"),
        include_descendants=False,
        acting_user=None,
        reports_from=from_jalali(1405, 10, 1),
    )
    # The row is dated long before Azar; only its first day of reporting counts.
    Assignment.objects.filter(pk=made.pk).update(
        created=datetime.combine(from_jalali(1400, 1, 1), time(12), tzinfo=TEHRAN)
    )
    assert owed_reports([cast.isfahan], today) == []
    do_save_assignment(
        cast.isfahan,
        indicator("ELEC_CONS"),
        include_descendants=False,
        acting_user=None,
        reports_from=azar.end - timedelta(days=1),
    )
    [report] = owed_reports([cast.isfahan], today)
    assert (report.period, report.expected, report.missing) == (azar, 1, 1)
