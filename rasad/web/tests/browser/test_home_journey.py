"""The daily round, as issue 10 says it is done: a reporter signs in on a phone, sees on the home
page that a report is due in three days, opens it through the period picker, enters the values
with Persian digits and submits; their coordinator approves it from the home queue. Every page on
the way passes the journey checks (Persian text, no sideways scroll, styled controls, tap
targets, no request outside the server)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import override_settings

from rasad.indicators.deadlines import collecting_period
from rasad.indicators.models import Observation
from rasad.indicators.testing import assign
from rasad.lib import formatting
from rasad.lib.jalali import today_in_tehran
from rasad.testing.cast import Cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_report_due_entered_on_a_phone_and_approved_from_the_queue(journey, cast: Cast):
    today = today_in_tehran()
    period = collecting_period("month", today)
    # The report of the month just ended is due in three days.
    grace = (today + timedelta(days=3) - period.end).days + 1
    # Reporting from before the month began (a period that ended before it is not owed).
    assign(cast.isfahan, "ELEC_CONS", "GAS_CONS", since=period.start)
    with override_settings(REPORT_GRACE_DAYS=grace):
        reporter = journey("phone")
        reporter.sign_in("ali")
        item = reporter.page.locator("[data-kind='indicators.report_due']")
        label = formatting.period(period)
        assert item.inner_text().splitlines()[0] == f"گزارش {label}: مهلت ۳\u00a0روز دیگر"

        reporter.go("/indicators/report/")
        reporter.page.select_option("select[name=organization]", str(cast.isfahan.pk))
        reporter.page.select_option("select[name=period_0]", f"{period.index:02d}")
        reporter.page.select_option("select[name=period_1]", str(period.year))
        reporter.submit("[data-testid=report-open]")
        assert reporter.page.inner_text("[data-testid=period-label]") == label

        reporter.page.fill("[data-testid=value-ELEC_CONS]", "۱۲۳۴٫۵")
        reporter.page.fill("[data-testid=value-GAS_CONS]", "۴۲")
        reporter.submit("[data-testid=save-submit]")
        assert sorted(Observation.objects.values_list("status", "value")) == [
            ("submitted", 42.0),
            ("submitted", 1234.5),
        ]
        reporter.go("/")
        assert reporter.page.locator("[data-kind='indicators.report_due']").count() == 0

        # Approval belongs to the parent: Isfahan's centre sits under the national body (Nadia).
        coordinator = journey("desktop")
        coordinator.sign_in("nadia")
        button = coordinator.page.locator(f"[data-testid=approve-{cast.isfahan.pk}-{period.key}]")
        button.click()
        coordinator.page.locator(".alert-success").wait_for()
        coordinator.check("after approving")
        assert set(Observation.objects.values_list("status", flat=True)) == {"approved"}
        assert coordinator.page.locator(f"[data-testid=approve-{cast.isfahan.pk}-{period.key}]").count() == 0
