"""The media calendar in the browser, in Persian, at desktop width and at 360 px: the
headquarters' secretary plans the publicity of an event for a member agency on a Jalali day
(after a refused first try that names the fields), sees it on the month's grid (on a phone: the
day's count, which leads to the agenda), and the agency's officer marks it published with the
address, after a refused address."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from rasad.core.actions.people import do_create_user, do_grant_role
from rasad.core.models import Role
from rasad.lib.jalali import JalaliPeriod, format_date, local_date
from rasad.lib.persian import to_persian_digits
from rasad.media.models import PlannedItem
from rasad.media.testing import ensure_member
from rasad.testing.browser import screenshot
from rasad.testing.cast import Cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SECRETARY_PASSWORD = "secretary-" * 2
TITLE = "اطلاع‌رسانی بوت‌کمپ هوش مصنوعی"


@pytest.mark.parametrize("width", ["desktop", "narrow"])
def test_the_secretary_plans_and_the_agency_publishes(journey: Any, cast: Cast, width: str):
    secretary = do_create_user(
        "isf.media",
        acting_user=None,
        password=SECRETARY_PASSWORD,
        display_name="پیمان فلاحی",
        organization=cast.isfahan,
        validate=False,
    )
    do_grant_role(
        secretary, Role.objects.get(slug="coordinator"), acting_user=None, organization=cast.isfahan
    )
    ensure_member(cast.isfahan, cast.isfahan_post)
    day = local_date(timezone.now() + timedelta(days=3))
    month = JalaliPeriod.containing(day, "month").key
    hq = journey(width)
    hq.sign_in("isf.media", SECRETARY_PASSWORD)
    hq.go(f"/media/calendar/?month={month}")
    hq.click("[data-testid=new-plan]")
    page = hq.page
    screenshot(page, f"media-plan-form-{width}")
    # An empty day shows an example marked as one, not a value.
    assert page.get_attribute("input[name=start_day]", "placeholder") == "مثلاً ۱۴۰۵/۰۱/۱۵"
    # So does an empty time, in Bootstrap's placeholder colour (the secondary text colour), not
    # in the colour of a value.
    assert page.get_attribute("input[name=start_time]", "placeholder") == "مثلاً ۰۹:۳۰"
    hint, value, secondary = page.evaluate(
        """() => {
            const input = document.querySelector("input[name=start_time]");
            const probe = document.createElement("span");
            probe.style.color = "var(--bs-secondary-color)";
            document.body.append(probe);
            const colours = [getComputedStyle(input, "::placeholder").color,
                             getComputedStyle(input).color, getComputedStyle(probe).color];
            probe.remove();
            return colours;
        }"""
    )
    assert hint == secondary != value
    # Bad input first: no title, a day that does not exist (typed in Latin digits: it comes
    # back in Persian ones), an end before the start.
    page.select_option("select[name=kind]", "event")
    page.fill("input[name=start_day]", "1405/13/01")
    close_date_picker(page)
    hq.submit("[data-testid=submit]")
    assert page.locator("[data-field-error=title]").count() == 1
    assert page.locator("[data-field-error=start_day]").count() == 1
    assert page.input_value("input[name=start_day]") == "۱۴۰۵/۱۳/۰۱"
    screenshot(page, f"media-plan-form-errors-{width}")
    assert PlannedItem.objects.count() == 0
    page.fill("input[name=title]", TITLE)
    page.select_option("select[name=agency]", str(cast.isfahan_post.pk))
    page.fill("input[name=start_day]", to_persian_digits(format_date(day)))
    close_date_picker(page)
    page.fill("input[name=end_day]", to_persian_digits(format_date(day - timedelta(days=1))))
    close_date_picker(page)
    page.fill("input[name=start_time]", "۱۰:۳۰")
    hq.submit("[data-testid=submit]")
    assert page.locator("[data-field-error=end_day]").count() == 1
    assert PlannedItem.objects.count() == 0
    page.fill("input[name=end_day]", "")
    close_date_picker(page)
    hq.submit("[data-testid=submit]")
    item = PlannedItem.objects.get(title=TITLE)
    assert page.inner_text("[data-testid=plan-state]") == "برنامه‌ریزی‌شده"
    screenshot(page, f"media-plan-detail-{width}")
    # The edit form shows the stored Jalali day and time in Persian digits.
    hq.click("[data-testid=plan-edit]")
    assert page.input_value("input[name=start_time]") == "۱۰:۳۰"
    assert page.input_value("input[name=start_day]") == format_date(day)
    screenshot(page, f"media-plan-edit-{width}")
    hq.go(f"/media/calendar/?month={month}")
    if width == "desktop":
        assert page.locator("[data-testid=calendar-item]:visible").count() == 1
    else:
        # On a phone the day shows its count and leads to the agenda, where the title is read.
        assert page.locator("[data-testid=calendar-item]:visible").count() == 0
        day_link = page.locator("[data-testid=calendar-day]:visible")
        assert day_link.count() == 1
        assert day_link.inner_text().split() == [to_persian_digits(str(day_number(day))), "۱", "برنامه"]
        day_link.click()
        assert page.url.endswith(f"#day-{day.isoformat()}")
    assert page.locator("[data-testid=plan-row]").count() == 1
    assert TITLE in page.inner_text("[data-testid=plan-list]")
    # The day's heading gives the date; the row only the time.
    assert page.inner_text("[data-testid=plan-when]") == "۱۰:۳۰"
    screenshot(page, f"media-calendar-{width}")

    agency = journey(width)
    agency.sign_in("ali")
    agency.go(f"/media/calendar/{item.pk}/")
    agency.page.fill("input[name=link]", "روزنامهٔ محلی")
    agency.submit("[data-testid=publish-submit]")
    assert agency.page.locator("[data-field-error=link]").count() == 1
    item.refresh_from_db()
    assert item.state == "planned"
    agency.go(f"/media/calendar/{item.pk}/")
    agency.page.fill("input[name=link]", "https://isf-p1.example/news/bootcamp")
    agency.submit("[data-testid=publish-submit]")
    assert agency.page.locator("[data-testid=plan-link]").count() == 1
    screenshot(agency.page, f"media-plan-published-{width}")
    item.refresh_from_db()
    assert (item.state, item.done_by) == ("published", cast.ali)


def day_number(day: date) -> int:
    """The day's number in its Jalali month."""
    return (day - JalaliPeriod.containing(day, "month").start).days + 1


def close_date_picker(page: Any) -> None:
    """Move on to another field, as a person does: the date picker closes (rasad.js)."""
    page.focus("input[name=title]")
    page.wait_for_selector("jdp-container", state="hidden")
