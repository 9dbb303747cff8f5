"""Compliance at every level in the browser, in Persian, on a 360 px phone and at desktop width:
the civil defence coordinator opens the heat map (Isfahan's command centre first, its physical
protection at ۸۰), the province map draws both provinces and both posts, the trend compares last
year's cycle with this one, a row opens the level below it and the trail leads back, and the
heat map is exported; Kerman's analyst sees only the Kerman post, everywhere on the page."""

from __future__ import annotations

from typing import Any

import pytest

from rasad.assessments.models import Cycle
from rasad.testing.browser import screenshot
from rasad.testing.cast import Cast
from rasad.testing.tabular import xlsx_rows

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", ["narrow", "desktop"])
def test_a_coordinator_reads_compliance_level_by_level(
    journey: Any, cast: Cast, civil: Any, posts: Cycle, last_year: Cycle, width: str
):
    coordinator = journey(width)
    coordinator.sign_in("civil.defence")
    coordinator.go("/assessments/compliance/", check=False)
    page = coordinator.page
    page.wait_for_selector("[data-testid=compliance-map][data-ready=points]")
    page.wait_for_selector("[data-testid=trend-chart][data-ready='1']")
    coordinator.check("map drawn")
    screenshot(page, f"compliance-{width}")
    rows = page.locator("[data-testid=heat-organizations] [data-testid=heat-row]")
    assert rows.evaluate_all("rows => rows.map(r => r.dataset.key)") == ["ISF-CC", "KER-CC"]
    first_cells = rows.nth(0).locator("[data-testid=heat-cell]").all_inner_texts()
    assert first_cells == ["۸۰", "۱۰۰", "۱۰۰", "۱۰۰"]
    assert "heat-good" in (rows.nth(0).locator("[data-testid=heat-cell]").first.get_attribute("class") or "")
    assert page.locator("[data-testid=compliance-map] path.leaflet-interactive").count() >= 31
    assert page.get_attribute("[data-testid=compliance-map]", "data-point-count") == "2"
    assert page.locator("[data-testid=province]").count() == 2
    trend = page.locator("[data-testid=heat-cycles] [data-testid=heat-row]")
    assert trend.evaluate_all("rows => rows.map(r => r.dataset.key)") == [str(last_year.pk), str(posts.pk)]

    coordinator.click("[data-testid=heat-organizations] [data-key=ISF-CC] [data-testid=open-level]")
    assert "under=ISF-CC" in page.url
    assert rows.evaluate_all("rows => rows.map(r => r.dataset.key)") == ["ISF-P1"]
    assert page.locator("[data-testid=trail] li").count() == 2
    page.wait_for_selector("[data-testid=compliance-map][data-ready=points]")
    screenshot(page, f"compliance-level-{width}")
    if width == "desktop":
        download = coordinator.export("[data-testid=export]")
        sheet = xlsx_rows(download.path().read_bytes())
        assert [row[1] for row in sheet[2:]] == ["ISF-P1"]
    else:
        coordinator.click("[data-testid=trail] a")
        assert rows.count() == 2

    kerman = journey(width)
    kerman.sign_in("bob")
    kerman.go("/assessments/compliance/", check=False)
    kerman.page.wait_for_selector("[data-testid=compliance-map][data-ready=points]")
    kerman.check("Kerman")
    text = kerman.page.inner_text("main")
    assert "پاسگاه کرمان یک" in text
    assert "اصفهان" not in text and "پاسگاه مرزی یک" not in text
    assert kerman.page.get_attribute("[data-testid=compliance-map]", "data-point-count") == "1"
