"""A reporter on a phone opens the data entry from the menu, enters a month of data in Persian
digits, submits it, and sees it on the KPI dashboard's chart; the parent's analyst approves it
and the national map shows the province's value. Every page is checked
(``rasad.testing.journey``)."""

from __future__ import annotations

from typing import Any

import pytest

from rasad.lib.jalali import JalaliPeriod, today_in_tehran
from rasad.testing.browser import screenshot
from rasad.testing.cast import Cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_enter_submit_approve_and_see_the_dashboard(journey: Any, assigned: Cast):
    period = JalaliPeriod.containing(today_in_tehran(), "month").previous()
    ali = journey("phone")
    page = ali.page
    ali.sign_in("ali")
    # From the menu: the collapsed menu, the indicators group, "Report data".
    page.click(".navbar-toggler")
    page.click("#mainnav .dropdown-toggle:has(+ .dropdown-menu a[href='/indicators/report/'])")
    ali.click("#mainnav a[href='/indicators/report/']")
    # The form starts at the month being collected (the last one that ended); Ali reports for
    # the field post.
    page.select_option("select[name=organization]", str(assigned.isfahan_post.pk))
    ali.submit("[data-testid=report-open]")
    assert page.url.endswith(f"/indicators/report/{assigned.isfahan_post.pk}/{period.key}/")
    page.fill("[data-testid=value-ELEC_CONS]", "۱۲۳۴٫۵")
    page.fill("[data-testid=value-ORE_MILLED]", "۴۲")
    ali.submit("[data-testid=save-submit]")
    page.wait_for_selector(".alert-success")
    assert page.locator("[data-testid=entry-table] .badge").count() == 2
    screenshot(page, "indicators-entry")

    ali.go(f"/indicators/organizations/{assigned.isfahan_post.pk}/", check=False)
    chart = page.locator("[data-testid=kpi-chart-ELEC_CONS]")
    chart.wait_for()
    page.locator("[data-testid=kpi-chart-ELEC_CONS][data-points='1']").wait_for(timeout=10000)
    assert chart.locator("svg").count() == 1
    ali.check("chart drawn")
    screenshot(page, "indicators-kpi")

    alice = journey("desktop")
    page = alice.page
    alice.sign_in("alice")
    alice.go(f"/indicators/report/{assigned.isfahan_post.pk}/{period.key}/")
    alice.submit("[data-testid=approve]")
    page.wait_for_selector("[data-testid=locked]")

    alice.go(f"/indicators/?indicator=ELEC_CONS&year={period.year}", check=False)
    page.locator("[data-testid=choropleth][data-ready=provinces]").wait_for(timeout=10000)
    assert page.locator("[data-testid=province-value]").first.inner_text() == "۱٬۲۳۴٫۵۰"
    alice.check("map drawn")
    screenshot(page, "indicators-national")
