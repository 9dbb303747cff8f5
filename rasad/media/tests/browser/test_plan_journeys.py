"""The media calendar in the browser, in Persian, at desktop and phone widths: the headquarters'
secretary plans the publicity of an event for a member agency on a Jalali day; it shows on the
month's grid; the agency's officer marks it published with the address."""

from __future__ import annotations

from datetime import timedelta
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


@pytest.mark.parametrize("width", ["desktop", "phone"])
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
    page.select_option("select[name=kind]", "event")
    page.fill("input[name=title]", "اطلاع‌رسانی بوت‌کمپ هوش مصنوعی")
    page.select_option("select[name=agency]", str(cast.isfahan_post.pk))
    page.fill("input[name=start_day]", to_persian_digits(format_date(day)))
    page.fill("input[name=start_time]", "۱۰:۳۰")
    hq.submit("[data-testid=submit]")
    item = PlannedItem.objects.get(title="اطلاع‌رسانی بوت‌کمپ هوش مصنوعی")
    assert page.inner_text("[data-testid=plan-state]") == "برنامه‌ریزی‌شده"
    hq.go(f"/media/calendar/?month={month}")
    assert page.locator("[data-testid=calendar-item]").count() == 1
    screenshot(page, f"media-calendar-{width}")

    agency = journey(width)
    agency.sign_in("ali")
    agency.go(f"/media/calendar/{item.pk}/")
    agency.page.fill("input[name=link]", "https://isf-p1.example/news/bootcamp")
    agency.submit("[data-testid=publish-submit]")
    assert agency.page.locator("[data-testid=plan-link]").count() == 1
    item.refresh_from_db()
    assert (item.state, item.done_by) == ("published", cast.ali)
