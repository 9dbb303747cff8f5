"""A reporter enters a month of data in Persian digits, submits it, and sees it on the KPI
dashboard's chart; the parent's analyst approves it and the national map shows the province."""

from __future__ import annotations

import pytest

from rasad.lib.jalali import JalaliPeriod, today_in_tehran
from rasad.testing.browser import screenshot
from rasad.testing.cast import PASSWORD, Cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, live_server, username):
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("[data-testid=login-submit]")
    page.wait_for_url(f"{live_server.url}/")


def test_enter_submit_approve_and_see_the_dashboard(page, live_server, assigned: Cast):
    period = JalaliPeriod.containing(today_in_tehran(), "month").previous()
    sign_in(page, live_server, "ali")
    page.goto(f"{live_server.url}/indicators/report/{assigned.isfahan_post.pk}/{period.key}/")
    page.fill("[data-testid=value-ELEC_CONS]", "۱۲۳۴٫۵")
    page.fill("[data-testid=value-ORE_MILLED]", "۴۲")
    page.click("[data-testid=save-submit]")
    page.wait_for_selector(".alert-success")
    assert page.locator("[data-testid=entry-table] .badge").count() == 2
    screenshot(page, "indicators-entry")

    page.goto(f"{live_server.url}/indicators/organizations/{assigned.isfahan_post.pk}/")
    chart = page.locator("[data-testid=kpi-chart-ELEC_CONS]")
    chart.wait_for()
    page.locator("[data-testid=kpi-chart-ELEC_CONS][data-points='1']").wait_for(timeout=10000)
    assert chart.locator("svg").count() == 1
    screenshot(page, "indicators-kpi")

    page.context.clear_cookies()
    sign_in(page, live_server, "alice")
    page.goto(f"{live_server.url}/indicators/report/{assigned.isfahan_post.pk}/{period.key}/")
    page.click("[data-testid=approve]")
    page.wait_for_selector("[data-testid=locked]")

    page.goto(f"{live_server.url}/indicators/?indicator=ELEC_CONS&year={period.year}")
    page.locator("[data-testid=choropleth][data-ready=provinces]").wait_for(timeout=10000)
    assert page.locator("[data-testid=province-value]").first.inner_text() == "۱٬۲۳۴٫۵۰"
    screenshot(page, "indicators-national")
