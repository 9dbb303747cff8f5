"""A field user's round on a phone 360 px wide, touched, in Persian (docs/development/
conventions.md, "Phones"): a reporter signs in (the keyboard leaves the username as typed), taps
the report due on the home page (its title as tall as a button), enters values in Persian digits,
is refused one of them with every other value kept, corrects it and saves; then files a challenge
and attaches a photo from the phone, and sees what was recorded where they are. Every page passes
the journey checks (rasad.testing.journey)."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.test import override_settings

from rasad.cases.models import Attachment, Case
from rasad.indicators.deadlines import collecting_period
from rasad.indicators.models import Observation
from rasad.indicators.testing import assign
from rasad.lib import formatting
from rasad.lib.jalali import today_in_tehran
from rasad.testing.cast import Cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TAP = 44  # px: WCAG 2.5.5, rasad.css on a touch screen
# A JPEG's first bytes: what a phone's camera sends.
PHOTO = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(64)
HEIGHT = "element => element.getBoundingClientRect().height"
# Whether an element is inside the window now (not scrolled above or below it).
IN_VIEW = "e => { const r = e.getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight; }"
# Whether its words are in the window (a line of it may be under the window's edge).
SEEN = "e => { const r = e.getBoundingClientRect(); return r.bottom > 24 && r.top < innerHeight - 24; }"


def test_a_reporter_signs_in_reports_and_is_refused_one_value_on_a_phone(journey, cast: Cast):
    today = today_in_tehran()
    period = collecting_period("month", today)
    grace = (today + timedelta(days=3) - period.end).days + 1
    assign(cast.isfahan, "ELEC_CONS", "GAS_CONS", since=period.start)
    with override_settings(REPORT_GRACE_DAYS=grace):
        reporter = journey("narrow")
        page = reporter.page
        reporter.go("/login/")
        username = page.locator("input[name=username]")
        assert username.get_attribute("autocapitalize") == "none"
        assert username.get_attribute("autocomplete") == "username"
        assert username.evaluate("e => getComputedStyle(e).direction") == "ltr"
        assert page.locator("[data-testid=login-languages] a").evaluate(HEIGHT) >= TAP
        reporter.sign_in("ali")

        # The report due, on the home page: the whole line is the link, as tall as a button.
        title = page.locator("[data-kind='indicators.report_due'] .work-item-title")
        assert title.evaluate(HEIGHT) >= TAP
        with page.expect_navigation():
            title.tap()
        reporter.check("the report from the home page")

        page.fill("[data-testid=value-ELEC_CONS]", "۱۲۳۴٫۵ مگاوات")
        page.fill("[data-testid=value-GAS_CONS]", "۴۲")
        reporter.submit("[data-testid=save]")
        # Refused: the value at fault is named at the top of the page, in Persian, as a link to
        # it; both values are as they were typed.
        errors = page.locator("[data-testid=entry-errors]")
        assert "مصرف برق" in errors.inner_text()
        assert page.locator("[data-testid=value-ELEC_CONS]").input_value() == "۱۲۳۴٫۵ مگاوات"
        assert page.locator("[data-testid=value-GAS_CONS]").input_value() == "۴۲"
        assert Observation.objects.count() == 0

        page.fill("[data-testid=value-ELEC_CONS]", "۱۲۳۴٫۵")
        reporter.submit("[data-testid=save]")
        assert sorted(Observation.objects.values_list("value", flat=True)) == [42.0, 1234.5]
        assert page.locator("[data-testid=value-ELEC_CONS]").input_value() == "۱۲۳۴٫۵"


def test_a_challenge_with_a_photo_from_the_phone(journey, cast: Cast, tmp_path: Path):
    reporter = journey("narrow")
    page = reporter.page
    reporter.sign_in("ali")
    reporter.go("/cases/new/")
    page.select_option("select[name=reporter_organization]", str(cast.isfahan_post.pk))
    category = page.locator("select[name=category] option").nth(1).get_attribute("value")
    page.select_option("select[name=category]", category)
    page.fill("textarea[name=description]", "قطعی برق خط تغذیهٔ پاسگاه از ساعت ۱۰ صبح")
    reporter.submit("[data-testid=case-submit]")
    # No title: refused, named, and the description typed is still there.
    assert "عنوان" in page.inner_text("[data-testid=form-error-summary]")
    assert (
        page.locator("textarea[name=description]").input_value() == "قطعی برق خط تغذیهٔ پاسگاه از ساعت ۱۰ صبح"
    )
    page.fill("input[name=title]", "قطعی مکرر برق پاسگاه و توقف دوربین‌های مرزی")
    reporter.submit("[data-testid=case-submit]")
    case = Case.objects.get()

    # The attachment field names the image types, so that the phone offers its camera.
    field = page.locator("input[type=file][name=file]")
    assert "image/jpeg" in (field.get_attribute("accept") or "").split(",")
    assert field.get_attribute("capture") is None
    # Its confidentiality box is tapped by its label, as tall as a button.
    assert page.locator("label[for=id_confidential]").evaluate(HEIGHT) >= TAP
    photo = tmp_path / "IMG_20261206_101500.jpg"
    photo.write_bytes(PHOTO)
    field.set_input_files(str(photo))
    upload = page.locator("[data-testid=upload]")
    upload.scroll_into_view_if_needed()
    upload.tap()
    # Sent in place (htmx), far down the page: what was recorded comes into view, by its name.
    flash = page.locator("main [data-flash]")
    flash.wait_for()
    page.wait_for_function(f"() => ({IN_VIEW})(document.querySelector('main [data-flash]'))")
    assert flash.inner_text() == "فایل «IMG_20261206_101500.jpg» پیوست شد."
    reporter.check("the photo attached")
    assert Attachment.objects.get(case=case).name == "IMG_20261206_101500.jpg"
    assert "IMG_20261206_101500.jpg" in page.inner_text("[data-testid=attachments]")


def test_an_agency_officer_answers_a_statement_on_a_phone(journey, cast: Cast):
    from rasad.media.models import Recipient
    from rasad.media.testing import issued_statement

    issued_statement(cast.isfahan, [cast.isfahan_post], title="پیام ایمنی زمستان")
    officer = journey("narrow")
    page = officer.page
    officer.sign_in("ali")
    officer.go("/media/inbox/")
    officer.submit("[data-testid=inbox-row] [data-testid=acknowledge]")
    # The way back above the title is a link a finger hits.
    back = page.locator("main a:has(> .bi-arrow-right)").first
    assert back.evaluate(HEIGHT) >= TAP
    link = page.locator("input[name=evidence_url]")
    assert (link.get_attribute("inputmode"), link.get_attribute("autocapitalize")) == ("url", "none")
    page.check("input[name=outcome][value=published]")
    page.select_option("select[name=channel]", "website")
    # Typed on the phone, without «https://»: taken as the web address it is.
    link.fill("isf-p1.example/news/winter")
    officer.submit("[data-testid=respond-submit]")
    recipient = Recipient.objects.get()
    assert (recipient.state, recipient.evidence_url) == ("published", "https://isf-p1.example/news/winter")
    # What was recorded, when, in Jalali with Persian digits.
    facts = page.inner_text("[data-testid=recipient-facts]")
    assert "https://isf-p1.example/news/winter" in facts
    answered = formatting.datetime_text(recipient.responded_at)
    assert answered.startswith("۱۴") and answered in facts, (answered, facts)


def test_a_deadline_is_picked_by_touch_on_a_phone(journey, cast: Cast):
    analyst = journey("narrow")
    page = analyst.page
    analyst.sign_in("alice")
    analyst.go("/cases/new/")
    page.select_option("select[name=kind]", "directive")
    deadline = page.locator("input[name=deadline]")
    deadline.scroll_into_view_if_needed()
    deadline.tap()
    sheet = page.locator("jdp-container")
    sheet.wait_for()
    # The picker is a sheet inside the window, its controls as tall as buttons.
    box = sheet.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 360
    for control in (".jdp-day:not(.jdp-day-name):not(.not-in-month)", ".jdp-icon-plus", ".jdp-year select"):
        heights = sheet.locator(control).evaluate_all("all => all.map(e => e.getBoundingClientRect().height)")
        assert heights and min(heights) >= TAP, (control, heights)
    sheet.locator(".jdp-day:not(.jdp-day-name):not(.not-in-month)").nth(19).tap()
    # The day tapped is written into the field as a Jalali date (the picker writes Latin digits,
    # which the field reads as it reads Persian ones).
    assert re.fullmatch("14[0-9]{2}/[0-9]{2}/[0-9]{2}", deadline.input_value()), deadline.input_value()


def test_a_refused_application_keeps_the_documents_chosen_on_the_phone(journey, cast: Cast, tmp_path: Path):
    from rasad.greenjobs.models import Application
    from rasad.greenjobs.testing import make_business, make_scheme, make_workshop

    labour = make_workshop(cast.isfahan, kind="provincial_office", name="ادارهٔ کار اصفهان")
    business = make_business(labour)
    scheme = make_scheme(labour, labour=labour)
    codes = [document["code"] for document in scheme.documents]
    owner = journey("narrow")
    page = owner.page
    owner.sign_in("ali")
    owner.go(f"/green/schemes/{scheme.pk}/apply/")
    page.select_option("select[name=business]", str(business.pk))
    page.fill("input[name=amount_requested]", "۳۰۰٬۰۰۰٬۰۰۰")
    page.fill("input[name=jobs_planned]", "۳")
    for code in codes:
        photo = tmp_path / f"IMG_{code}.jpg"
        photo.write_bytes(PHOTO)
        page.set_input_files(f"input[name=document_{code}]", str(photo))
    # What the money is for is forgotten: refused, in place.
    page.locator("[data-testid=submit]").tap()
    summary = page.locator("[data-testid=form-error-summary]")
    summary.wait_for()
    assert "محل مصرف تسهیلات" in summary.inner_text()
    # The refusal is brought into view, and every photo chosen is still chosen, by its name.
    page.wait_for_function(f"() => ({SEEN})(document.querySelector('[data-testid=form-error-summary]'))")
    owner.check("refused")
    for code in codes:
        field = page.locator(f"input[name=document_{code}]")
        assert field.evaluate("input => input.files.length") == 1, code
        picker = page.locator(f".file-picker:has(input[name=document_{code}]) .file-picker-name")
        assert picker.inner_text() == f"IMG_{code}.jpg"
    assert page.locator("input[name=amount_requested]").input_value() == "۳۰۰٬۰۰۰٬۰۰۰"
    page.fill("textarea[name=purpose]", "خرید و نصب پنل‌های خورشیدی")
    page.locator("[data-testid=submit]").tap()
    page.wait_for_url("**/green/applications/*/")
    application = Application.objects.get()
    assert sorted(application.documents.values_list("name", flat=True)) == sorted(
        f"IMG_{c}.jpg" for c in codes
    )
    # What was recorded, in view: the confirmation and the application's stage.
    flash = page.locator("main [data-flash]")
    flash.wait_for()
    page.wait_for_function(f"() => ({IN_VIEW})(document.querySelector('main [data-flash]'))")
    assert page.inner_text("[data-testid=stage]") == "ارسال‌شده، در انتظار احراز شرایط"
    owner.check("sent")
