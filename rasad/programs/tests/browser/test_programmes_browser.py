"""Programmes in the browser, in Persian: a lead coordinator creates a programme with the Jalali
date fields and builds it; the programme page's progress bar moves when an action item's case is
verified closed, without a reload; on a phone, the party sends its quarterly report."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from rasad.cases.actions import do_transition_case
from rasad.programs.actions import do_transition_programme
from rasad.programs.models import Programme, StatusReport
from rasad.programs.testing import add_item, make_programme, make_structure, person, request_reports_now
from rasad.testing.browser import screenshot
from rasad.testing.cast import Cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PERSON_PASSWORD = "x-" * 8  # rasad.programs.testing.person
# The burn-up's x-axis names (SVG text under the plot) that leave the chart's box or run into the
# name beside them: none should.
BURNUP_NAMES_APART_AND_INSIDE = """() => {
  const chart = document.querySelector('[data-testid=burnup]').getBoundingClientRect();
  const plotBottom = Math.max(...[...document.querySelectorAll('[data-testid=burnup] svg path')]
    .map(path => path.getBoundingClientRect()).filter(box => box.height > 0).map(box => box.bottom));
  const names = [...document.querySelectorAll('[data-testid=burnup] svg text')]
    .map(text => [text.textContent, text.getBoundingClientRect()])
    .filter(([, box]) => box.top >= plotBottom - 2)
    .sort((a, b) => a[1].left - b[1].left);
  const wrong = names
    .filter(([, box]) => box.left < chart.left || box.right > chart.right || box.bottom > chart.bottom)
    .map(([name]) => 'outside: ' + name);
  names.slice(1).forEach(([name, box], i) => {
    if (box.left < names[i][1].right) wrong.push('over: ' + name);
  });
  return wrong;
}"""


def test_a_coordinator_creates_and_builds_a_programme(journey: Any, cast: Cast):
    coordinator = person(cast, "isf.coordinator", cast.isfahan, "coordinator")
    post = cast.isfahan.children.order_by("pk").first()
    assert post is not None
    j = journey("desktop")
    page = j.page
    j.sign_in(coordinator.username, PERSON_PASSWORD)
    j.go("/programmes/")
    j.click("[data-testid=nav-programsprogramme-create]")
    assert page.evaluate("document.documentElement.dir") == "rtl"
    page.select_option("select[name=kind]", "memorandum")
    page.fill("input[name=title]", "تفاهم‌نامه همکاری آموزش مدیریت محیط زیست")
    page.select_option("select[name=organization]", str(cast.isfahan.pk))
    page.fill("input[name=lead_signatory_name]", "سعید رحیمی")
    page.fill("input[name=lead_signatory_title]", "فرمانده")
    page.fill("input[name=starts_on]", "۱۴۰۵/۰۱/۰۱")
    page.fill("input[name=ends_on]", "۱۴۰۴/۰۱/۰۱")
    page.fill("textarea[name=legal_basis]", "بند «د» مادهٔ ۶ قانون حفاظت و بهسازی محیط زیست")
    page.select_option("select[name=party_1_organization]", str(post.pk))
    page.fill("input[name=party_1_signatory_name]", "حسین قاسمی")
    page.fill("input[name=party_1_signatory_title]", "رئیس پاسگاه")
    page.keyboard.press("Escape")  # close the date picker if it is open
    j.submit("[data-testid=submit]")
    # The end before the start is named on its field, in Persian; nothing is saved.
    error = page.locator("[data-field-error=ends_on]")
    assert "پیش از تاریخ آغاز" in error.inner_text()
    assert not Programme.objects.exists()
    screenshot(page, "programme-form-error")
    page.fill("input[name=ends_on]", "۱۴۰۶/۱۲/۲۹")
    page.keyboard.press("Escape")
    j.submit("[data-testid=submit]")
    page.wait_for_selector("[data-testid=programme-title]")
    programme = Programme.objects.get()
    assert page.inner_text("[data-testid=programme-status]") == "پیش‌نویس"
    assert "بند «د» مادهٔ ۶" in page.inner_text("[data-testid=legal-basis]")
    j.click("[data-testid=add-axis]")
    page.fill("input[name=title]", "آموزش")
    page.fill("input[name=weight]", "۱۰۰")
    j.submit("[data-testid=submit]")
    j.click("[data-testid=add-objective]")
    page.fill("input[name=title]", "کارگاه‌های آموزشی مدیران")
    page.fill("input[name=weight]", "۱۰۰")
    j.submit("[data-testid=submit]")
    j.click("[data-testid=add-item]")
    page.select_option("select[name=party]", label=post.name)
    page.fill("input[name=title]", "برگزاری کارگاه سیستم مدیریت زیست‌محیطی")
    page.select_option("select[name=category]", index=1)
    page.fill("input[name=deadline]", "۱۴۰۶/۰۶/۳۱")
    page.keyboard.press("Escape")
    j.submit("[data-testid=submit]")
    page.wait_for_selector("[data-testid=item-row]")
    j.submit("[data-testid=step-activate]")
    page.wait_for_selector("[data-testid=programme-status]")
    assert page.inner_text("[data-testid=programme-status]") == "فعال"
    assert programme.action_items.count() == 1
    screenshot(page, "programme-built")


def test_the_progress_bar_moves_without_a_reload_when_a_case_closes(journey: Any, cast: Cast):
    programme = make_programme(
        cast,
        cast.isfahan,
        parties=[cast.kerman],
        title="تفاهم‌نامه آموزش مدیریت محیط زیست",
        starts_on=timezone.localdate() - timedelta(days=120),
        legal_basis=["بندهای ۱۲، ۱۳ و ۱۴ سیاست‌های کلی نظام در حوزهٔ محیط زیست"],
    )
    objective = make_structure(cast, programme)
    add_item(cast, objective, cast.isfahan, title="تدوین بستهٔ آموزشی", starts_on=programme.starts_on)
    item = add_item(
        cast, objective, cast.kerman, title="برگزاری کارگاه در کرمان", starts_on=programme.starts_on
    )
    do_transition_programme(programme, "activate", acting_user=cast.root)
    j = journey("desktop")
    page = j.page
    j.sign_in("alice")
    j.go(f"/programmes/{programme.pk}/")
    page.wait_for_selector("[data-testid=burnup][data-ready='1']")
    assert page.inner_text("[data-testid=progress-percent]") == "۰٪"
    assert page.locator(".gantt-bar").count() == 2
    screenshot(page, "programme-page-desktop")
    case = item.case
    for action, who, extra in (
        ("triage", cast.bob, {}),
        ("assign", cast.bob, {"assignee": cast.bob}),
        ("start", cast.bob, {}),
        ("resolve", cast.bob, {"note": "کارگاه برگزار شد"}),
        ("verify", cast.alice, {}),
    ):
        case.refresh_from_db()
        note = str(extra.pop("note", ""))
        case = do_transition_case(
            case, action, acting_user=who, note=note, expected_version=case.version, **extra
        )
    # The page is not reloaded: an element the test adds survives while the card refreshes itself.
    page.evaluate("document.body.insertAdjacentHTML('beforeend', '<i id=not-reloaded></i>')")
    page.wait_for_selector("[data-testid=progress][data-percent='50.0']", timeout=30000)
    assert page.inner_text("[data-testid=progress-percent]") == "۵۰٪"
    assert page.locator("#not-reloaded").count() == 1


def test_on_a_phone_the_party_sends_its_quarterly_report(journey: Any, cast: Cast):
    programme = make_programme(
        cast,
        cast.isfahan,
        parties=[cast.kerman],
        title="تفاهم‌نامه آموزش مدیریت محیط زیست",
        starts_on=timezone.localdate() - timedelta(days=200),
    )
    objective = make_structure(cast, programme)
    add_item(cast, objective, cast.kerman, title="برگزاری کارگاه در کرمان", starts_on=programme.starts_on)
    do_transition_programme(programme, "activate", acting_user=cast.root)
    (report,) = request_reports_now(programme)
    j = journey("phone")
    page = j.page
    j.sign_in("bob")
    j.go("/programmes/obligations/")  # the journey checks the page fits the screen
    screenshot(page, "obligations-phone")
    j.click("[data-testid=report-link]")
    page.check("input[name=state][value=blocked]")
    j.submit("[data-testid=submit]")
    assert "بنویسید" in page.inner_text("[data-field-error=note]")
    page.check("input[name=state][value=at_risk]")
    page.fill("textarea[name=note]", "سالن همایش هنوز در دسترس نیست")
    j.submit("[data-testid=submit]")
    page.wait_for_url(f"{j.base_url}/programmes/obligations/")
    report = StatusReport.objects.get(pk=report.pk)
    assert (report.state, report.note) == ("at_risk", "سالن همایش هنوز در دسترس نیست")
    j.go(f"/programmes/{programme.pk}/")
    page.wait_for_selector("[data-testid=burnup][data-ready='1']")
    j.check("burn-up drawn")
    screenshot(page, "programme-page-phone")
    # The timeline's title stands whole over its bar, which has the card's width (beside the bar
    # a title was cut to a few words); the burn-up's names of months lie inside the chart, apart.
    label, track = (
        page.locator(f".gantt-row .{part}").first.bounding_box() for part in ("gantt-label", "gantt-track")
    )
    assert label and track and label["y"] + label["height"] <= track["y"] + 1
    assert track["width"] == pytest.approx(label["width"], abs=1)
    assert page.locator(".gantt-label a").first.evaluate("a => a.scrollWidth <= a.parentElement.clientWidth")
    assert page.evaluate(BURNUP_NAMES_APART_AND_INSIDE) == []


def test_on_a_phone_the_lead_types_the_weights_in_persian_digits(journey: Any, cast: Cast):
    from rasad.programs.actions import PartValues, do_save_axis

    coordinator = person(cast, "isf.coordinator", cast.isfahan, "coordinator")
    programme = make_programme(cast, cast.isfahan, parties=[cast.kerman], title="تفاهم‌نامه پایش محیط زیست")
    objective = make_structure(cast, programme)
    training = objective.axis
    monitoring = do_save_axis(programme, PartValues("محور پایش", weight=0), acting_user=cast.root)
    j = journey("phone")
    page = j.page
    j.sign_in(coordinator.username, PERSON_PASSWORD)
    j.go(f"/programmes/{programme.pk}/")
    j.click("[data-testid=weights]")
    # The boxes show the weights in Persian digits and take them typed so, as a phone's keyboard
    # gives them.
    assert page.input_value(f"input[name=axis_{training.pk}]") == "۱۰۰"
    page.fill(f"input[name=axis_{training.pk}]", "۶۰")
    page.fill(f"input[name=axis_{monitoring.pk}]", "۴۰")
    j.submit("[data-testid=submit]")
    training.refresh_from_db()
    monitoring.refresh_from_db()
    assert (training.weight, monitoring.weight) == (60, 40)
    screenshot(page, "programme-weights-saved-phone")
