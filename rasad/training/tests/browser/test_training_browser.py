"""Training in the browser, in Persian: a newly named PR officer is told of the media-literacy
requirement on signing in, finds the session (its place on a map) and enrols (desktop); the
organizer ticks attendance on a phone; the compliance figure of the organization changes. Every
page is checked (``rasad.testing.journey``)."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

import pytest
from django.utils import timezone

from rasad.testing.browser import screenshot
from rasad.testing.cast import Cast
from rasad.training.models import Completion
from rasad.training.testing import hold, make_course, make_event, make_member, make_requirement

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
ORGANIZER_PASSWORD = "organizer-" * 2


def test_a_new_pr_officer_enrols_attends_and_compliance_changes(journey: Any, cast: Cast):
    course = make_course(cast.isfahan, title="سواد رسانه‌ای و مدیریت افکار عمومی", validity_months=24)
    make_requirement(cast.isfahan, [course], within_months=6)
    # The session began an hour ago and runs all afternoon: people may still enrol. It is held
    # in Isfahan, at a place the event page shows on a map.
    event = make_event(
        cast.isfahan,
        course=course,
        starts_at=timezone.now() - timedelta(hours=1),
        hours=5,
        capacity=20,
        latitude=32.6546,
        longitude=51.6680,
    )
    organizer = make_member("isf.organizer", cast.isfahan, role="coordinator", password=ORGANIZER_PASSWORD)
    hold(cast.ali, cast.isfahan)  # Ali was named PR officer today

    # Desktop: Ali signs in and is told of the requirement.
    ali = journey("desktop")
    page = ali.page
    ali.sign_in(cast.ali.username)
    assert page.evaluate("document.documentElement.dir") == "rtl"
    told = page.locator("a.text-decoration-none[href='/training/mine/']")
    assert "آموزش‌های الزامی که باید بگذرانید" in told.inner_text()
    assert told.locator("[data-testid=count]").inner_text() == "۱"
    screenshot(page, "training-home-told")
    ali.click("a.text-decoration-none[href='/training/mine/']")
    requirement = page.locator("[data-testid=requirement]")
    assert requirement.get_attribute("data-state") == "due"
    assert "سواد رسانه‌ای" in requirement.inner_text()
    screenshot(page, "training-my-learning")
    ali.click("[data-testid=upcoming-event] a")
    # The event's place, on the map of the event page: one point.
    page.wait_for_selector("[data-testid=event-map][data-ready=points]")
    assert page.get_attribute("[data-testid=event-map]", "data-point-count") == "1"
    ali.check("the place on the map")
    ali.submit("[data-testid=enrol]")
    page.wait_for_selector("[data-testid=my-status]")
    assert page.inner_text("[data-testid=my-status]") == "ثبت‌نام‌شده"
    screenshot(page, "training-event")
    ali.go("/training/")
    assert page.locator("[data-testid=calendar-event]").count() >= 1
    screenshot(page, "training-calendar")

    # Phone: the organizer ticks attendance (each page is checked to fit the screen).
    organizing = journey("phone")
    page = organizing.page
    organizing.sign_in(organizer.username, ORGANIZER_PASSWORD)
    organizing.go("/training/compliance/")
    assert page.inner_text("[data-organization=ISF-CC] [data-testid=rate]").startswith("۰")
    organizing.go(f"/training/events/{event.pk}/")
    organizing.click("[data-testid=attendance-link]")
    page.check("[data-testid=attendance-row] input[type=checkbox]")
    page.fill("[data-testid=attendance-row] input[name^=score]", "۹۰")
    screenshot(page, "training-attendance-phone")
    organizing.submit("[data-testid=save-attendance]")
    page.wait_for_selector("[data-testid=event-title]")
    assert Completion.objects.get(user=cast.ali).score == 90
    organizing.go("/training/compliance/")
    assert page.inner_text("[data-organization=ISF-CC] [data-testid=rate]").startswith("۱۰۰")
    # The map draws the province boundaries (vendored) and Isfahan's command centre as a point.
    page.wait_for_selector("[data-testid=compliance-map][data-ready=points]")
    assert page.get_attribute("[data-testid=compliance-map]", "data-point-count") == "1"
    organizing.check("map drawn")
    screenshot(page, "training-compliance-phone")
    organizing.go("/training/")
    screenshot(page, "training-calendar-phone")

    # Anyone, signed out, checks the certificate's code on the public page.
    anyone = journey("phone")
    page = anyone.page
    code = Completion.objects.get(user=cast.ali).code or ""
    anyone.go("/training/verify/")
    page.fill("input[name=code]", f"{code[:5]}-{code[5:]}".lower())
    anyone.submit("[data-testid=verify-form] button")
    assert page.inner_text("[data-testid=verified-name]") == str(cast.ali)
    screenshot(page, "training-verify-phone")


def test_an_announcement_reaches_a_person_who_opens_it_and_subscribes_on_a_phone(journey: Any, cast: Cast):
    from rasad.jobs.testing import run_queued

    event = make_event(cast.isfahan, title="بوت‌کمپ هوش مصنوعی", starts_at=timezone.now() + timedelta(days=5))
    organizer = make_member("isf.organizer", cast.isfahan, role="coordinator", password=ORGANIZER_PASSWORD)

    # The organizer announces the bootcamp to the whole audience, on a phone.
    organizing = journey("phone")
    page = organizing.page
    organizing.sign_in(organizer.username, ORGANIZER_PASSWORD)
    organizing.go(f"/training/events/{event.pk}/")
    organizing.click("[data-testid=announce-link]")
    organizing.submit("[data-testid=submit]")
    page.wait_for_selector("[data-testid=publicity]")
    run_queued()  # the worker tells the audience

    # Ali reads the notification and opens the event from it.
    ali = journey("phone")
    page = ali.page
    ali.sign_in(cast.ali.username)
    ali.go("/cases/notifications/")
    screenshot(page, "training-notification-phone")
    ali.click("a:has-text('بوت‌کمپ هوش مصنوعی') >> nth=0")
    page.wait_for_selector("[data-testid=event-title]")
    ali.submit("[data-testid=enrol]")
    page.wait_for_selector("[data-testid=my-status]")

    # Ali makes a calendar address for their calendar program.
    ali.go("/training/mine/calendar/")
    ali.submit("[data-testid=make-address]")
    address = page.input_value("[data-testid=feed-address]")
    assert "/training/calendar/cal_" in address and address.endswith(".ics")
    screenshot(page, "training-calendar-address-phone")
    feed = page.request.get(address)
    assert feed.status == 200 and "بوت‌کمپ هوش مصنوعی" in feed.text()

    # The organizer sees how far word went: two told (Alice and Ali), one opened, one enrolled.
    page = organizing.page
    organizing.go(f"/training/events/{event.pk}/announce/")
    counts = [page.inner_text(f"[data-testid={name}]") for name in ("notified", "opened", "enrolled")]
    assert counts == ["۲", "۱", "۱"]
    screenshot(page, "training-publicity-phone")


def test_the_organizer_shows_the_qr_and_a_person_checks_in_on_a_phone(journey: Any, cast: Cast):
    from rasad.training.actions import do_enrol

    event = make_event(
        cast.isfahan, title="کارگاه امنیت سایبری", starts_at=timezone.now() - timedelta(minutes=15)
    )
    do_enrol(event, cast.ali, acting_user=None, now=event.starts_at - timedelta(days=1))
    organizer = make_member("isf.organizer", cast.isfahan, role="coordinator", password=ORGANIZER_PASSWORD)

    # Desktop: the organizer opens check-in; the screen shows the QR code.
    organizing = journey("desktop")
    page = organizing.page
    organizing.sign_in(organizer.username, ORGANIZER_PASSWORD)
    organizing.go(f"/training/events/{event.pk}/")
    organizing.click("[data-testid=check-in-link]")
    organizing.submit("[data-testid=open-check-in]")
    page.wait_for_selector("[data-testid=qr] svg")
    address = page.inner_text("[data-testid=check-in-address]")
    screenshot(page, "training-check-in-qr")

    # Phone: Ali, signed in, opens what the QR leads to and checks in.
    ali = journey("phone")
    ali.sign_in(cast.ali.username)
    ali.go(address)
    screenshot(ali.page, "training-check-in-phone")
    ali.submit("[data-testid=check-in-button]")
    ali.page.wait_for_selector("[data-testid=event-title]")
    assert "حاضر بود" in ali.page.inner_text("[data-testid=my-enrolment]")
    assert Completion.objects.filter(user=cast.ali, course=event.course).count() == 1

    # Back on the organizer's screen: one of one has checked in.
    organizing.go(f"/training/events/{event.pk}/check-in/")
    assert page.inner_text("[data-testid=checked-in]").startswith("۱")


def test_the_week_of_the_calendar_on_a_desktop_and_a_phone(journey: Any, cast: Cast):
    from rasad.lib.jalali import TEHRAN, local_date
    from rasad.training.actions import do_cancel_event
    from rasad.training.choices import EventKind
    from rasad.web.calendars import week_start

    saturday = week_start(local_date(timezone.now()))

    def at(offset: int, hour: int) -> Any:
        return datetime.combine(saturday + timedelta(days=offset), time(hour), tzinfo=TEHRAN)

    make_event(
        cast.isfahan,
        title="کارگاه سواد رسانه‌ای برای مدیران و روابط عمومی",
        starts_at=at(1, 9),
        place="سالن همایش استانداری اصفهان",
    )
    make_event(cast.isfahan, title="بوت‌کمپ هوش مصنوعی", kind=EventKind.BOOTCAMP, starts_at=at(2, 9), hours=52)
    make_event(
        cast.isfahan, title="سمینار امنیت سایبری", kind=EventKind.SEMINAR, starts_at=at(2, 14), hours=3
    )
    do_cancel_event(make_event(cast.isfahan, title="نشست لغوشده", starts_at=at(5, 10)), acting_user=None)
    make_event(cast.kerman, title="رویداد کرمان", starts_at=at(3, 9))

    # Desktop: from the month to the week, seven columns from Saturday.
    ali = journey("desktop")
    page = ali.page
    ali.sign_in(cast.ali.username)
    ali.go("/training/")
    ali.click("[data-testid=show-week]")
    page.wait_for_selector("[data-testid=week-label]")
    label = page.inner_text("[data-testid=week-label]")
    assert label.startswith("هفتهٔ ") and not any(digit in label for digit in "0123456789")
    days = page.locator("[data-testid=week-day]")
    assert days.count() == 7
    assert days.nth(0).locator("h3").inner_text().startswith("شنبه")
    assert days.nth(6).locator("h3").inner_text().startswith("جمعه")
    tops = {round(days.nth(n).bounding_box()["y"]) for n in range(7)}
    assert len(tops) == 1  # one row of seven columns
    assert page.locator("[data-testid=week-event]", has_text="بوت‌کمپ هوش مصنوعی").count() == 3
    assert page.locator("[data-testid=week-event]", has_text="رویداد کرمان").count() == 0
    screenshot(page, "training-week")
    this_week = page.url
    ali.click("[data-testid=next-week]")
    page.wait_for_selector("[data-testid=this-week]")
    assert page.inner_text("[data-testid=week-label]") != label
    ali.click("[data-testid=this-week]")
    page.wait_for_selector("[data-testid=week-label]")
    assert page.inner_text("[data-testid=week-label]") == label

    # Phone: the days one under another, in order; the month is one tap away.
    on_phone = journey("phone")
    page = on_phone.page
    on_phone.sign_in(cast.ali.username)
    on_phone.go(this_week)
    days = page.locator("[data-testid=week-day]")
    tops_in_order = [days.nth(n).bounding_box()["y"] for n in range(7)]
    assert tops_in_order == sorted(tops_in_order) and len(set(tops_in_order)) == 7
    screenshot(page, "training-week-phone")
    on_phone.click("[data-testid=show-month]")
    page.wait_for_selector("[data-testid=month-label]")
