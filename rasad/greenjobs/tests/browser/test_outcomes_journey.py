"""Outcomes in the browser, in Persian: a funded workshop reports its six-month outcomes on a
phone (360 px, Persian digits); the labour office's analyst, on a desktop, is refused a
twelve-month report with bad numbers (Persian errors naming each field); the analyst sees the
workshop's outcomes on the province dashboard on a desktop and on a 360 px phone. The savings
reach the indicators: the application's page says for which year and links to the values. A
report that falls due within the notice days is on the reporter's home queue and in their
notifications, on a phone, and leads to the form."""

from __future__ import annotations

from typing import Any

import pytest

from rasad.greenjobs.testing import paid_application
from rasad.testing.cast import Cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fits(page: Any) -> bool:
    return bool(page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth + 1"))


def test_a_workshop_reports_its_outcomes_and_they_reach_the_province_dashboard(journey: Any, cast: Cast):
    application = paid_application(cast)

    owner = journey("narrow")
    owner.sign_in("ali")
    owner.go(f"/green/applications/{application.pk}/")
    owner.click("[data-testid=step-outcome]")
    assert fits(owner.page)
    owner.page.fill("input[name=jobs_created]", "۴")
    owner.page.fill("input[name=jobs_retained]", "۱۱")
    owner.page.fill("input[name=energy_saved]", "۱۸٬۵۰۰")
    owner.page.fill("input[name=waste_diverted]", "۳٫۵")
    owner.submit()
    assert "۴" in owner.page.inner_text("[data-testid=outcomes]")
    assert "۱۸٬۵۰۰" in owner.page.inner_text("[data-testid=outcomes]")
    # The savings and jobs were written to the indicators: the year, and a link to the values.
    assert "صرفه‌جویی و اشتغال در شاخص‌های سال" in owner.page.inner_text("[data-testid=outcome-indicators]")
    owner.click("[data-testid=outcome-indicators] a")
    table = owner.page.inner_text("main")
    assert "صرفه‌جویی انرژی مشاغل سبز" in table
    assert "۱۸٬۵۰۰" in table
    assert fits(owner.page)

    # Bad numbers at twelve months: the form again, each field with its Persian error.
    desk = journey("desktop")
    desk.sign_in("alice")
    desk.go(f"/green/applications/{application.pk}/outcomes/")
    assert desk.page.input_value("select[name=milestone]") == "12"
    desk.page.fill("input[name=jobs_created]", "-۲")
    desk.page.fill("input[name=jobs_retained]", "ده")
    desk.page.fill("input[name=water_saved]", "-۵")
    desk.submit()

    def error(field: str) -> str:
        return str(desk.page.inner_text(f"[data-field-error={field}]"))

    assert error("jobs_created") == "عددی صحیح از صفر به بالا بنویسید."
    assert error("jobs_retained") == "نویسهٔ «د» در عدد مجاز نیست."
    assert error("water_saved") == "عددی برابر صفر یا بیشتر بنویسید."
    assert fits(desk.page)

    for width in ("desktop", "narrow"):
        office = journey(width)
        office.sign_in("alice")
        office.go("/green/")
        office.click("[data-testid=greenjobs-nav] a[href='/green/dashboard/']")
        assert office.page.inner_text("[data-testid=total-created]") == "۴"
        assert office.page.inner_text("[data-testid=total-retained]") == "۱۱"
        row = office.page.locator("[data-testid=province-row]")
        assert row.count() == 1
        assert "اصفهان" in row.inner_text()
        assert "۱۸٬۵۰۰" in row.inner_text()
        assert fits(office.page)


@pytest.mark.parametrize("width", ["narrow", "desktop"])
def test_a_report_due_soon_is_on_the_home_queue_and_in_the_notifications(
    journey: Any, cast: Cast, width: str
):
    from datetime import timedelta

    from django.utils import timezone

    from rasad.greenjobs.models import Application, Instalment
    from rasad.greenjobs.tasks import remind_outcomes
    from rasad.lib.jalali import local_date

    application = paid_application(cast)
    # Six months less five days have gone by since the first payment (time passing: the actions
    # refuse a payment dated before its application).
    Application.objects.filter(pk=application.pk).update(submitted_at=timezone.now() - timedelta(days=200))
    Instalment.objects.filter(application=application).update(
        paid_on=local_date(timezone.now()) - timedelta(days=178)
    )
    assert remind_outcomes() == 1

    person = journey(width)
    person.sign_in("ali")
    person.go("/")
    item = person.page.locator("[data-testid=section-waiting] [data-kind='greenjobs.outcome_due']")
    assert item.count() == 1
    assert "گزارش نتایج درخواست" in item.inner_text()
    assert fits(person.page)
    person.go("/cases/notifications/")
    assert "سررسید می‌شود" in person.page.inner_text("main")
    person.go(f"/green/applications/{application.pk}/")
    assert "یادآوری شد" in person.page.inner_text("[data-testid=milestones]")
    assert fits(person.page)
    person.go("/")
    person.click("[data-kind='greenjobs.outcome_due'] a")
    assert person.page.input_value("select[name=milestone]") == "6"
