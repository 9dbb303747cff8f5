"""An instrument built in the pages on a phone, in Persian: Isfahan's coordinator starts a blank
checklist from the list, gives it a section, a criterion and an item with Persian digits, and sees
it on the instrument's page; every page is checked (``rasad.testing.journey``)."""

from __future__ import annotations

from typing import Any

import pytest

from rasad.assessments.models import Instrument
from rasad.assessments.testing import person
from rasad.testing.cast import Cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_coordinator_builds_a_checklist_on_a_phone(journey: Any, cast: Cast):
    person("isf.builder", cast.isfahan, name="سازندهٔ چک‌لیست")
    j = journey("phone")
    page = j.page
    j.sign_in("isf.builder")
    j.go("/assessments/instruments/")
    j.click("[data-testid=new-instrument]")
    page.fill("input[name=code]", "GREEN-ISF")
    page.fill("input[name=name]", "سبزسازی کارگاه‌های اصفهان")
    page.select_option("select[name=kind]", "compliance")
    page.fill("input[name=total_points]", "۱۰۰")
    page.select_option("select[name=owner]", str(cast.isfahan.pk))
    j.submit("[data-testid=submit]")
    instrument = Instrument.objects.get(code="GREEN-ISF")
    assert page.inner_text("[data-testid=instrument-name]") == "سبزسازی کارگاه‌های اصفهان"
    j.click("[data-testid=add-section]")
    page.fill("input[name=code]", "A")
    page.fill("input[name=title]", "انرژی")
    page.fill("input[name=points]", "۱۰۰")
    j.submit("[data-testid=submit]")
    j.click("[data-testid=add-criterion]")
    page.fill("input[name=code]", "A1")
    page.fill("input[name=title]", "مصرف برق")
    j.submit("[data-testid=submit]")
    j.click("[data-testid=add-item]")
    page.fill("input[name=code]", "A1.1")
    page.fill("textarea[name=text]", "روشنایی کارگاه کم‌مصرف است.")
    page.fill("input[name=weight]", "۱۰۰")
    j.submit("[data-testid=submit]")
    assert page.locator("[data-testid=item]").count() == 1
    assert "روشنایی کارگاه کم‌مصرف است." in page.inner_text("[data-testid=item]")
    assert instrument.items.get().weight == 100
    # A second item, then put first with its arrow: the page comes back to it, in its new place.
    j.click("[data-testid=add-item]")
    page.fill("input[name=code]", "A1.2")
    page.fill("textarea[name=text]", "کولرها در ساعت اوج خاموش می‌شوند.")
    page.fill("input[name=weight]", "۵۰")
    j.submit("[data-testid=submit]")
    assert page.locator("[data-testid=move-item-up]").count() == 1
    j.submit("[data-testid=move-item-up]")
    assert page.url.endswith("#part-A1.2")
    assert "کولرها" in page.locator("[data-testid=item]").first.inner_text()
    assert list(instrument.items.order_by("order").values_list("code", flat=True)) == ["A1.2", "A1.1"]
