"""Indicators as people use them, in Persian, at desktop and phone widths: an analyst sets a
target, builds an energy baseline choosing months with the period picker, creates a scorecard and
reads its ranking; a reporter's breach opens one case; the national view shows the map with its
legend. Every page on the way passes the journey checks (rasad.testing.journey)."""

from __future__ import annotations

import pytest

from rasad.cases.models import Case
from rasad.indicators.models import Baseline, Scorecard, Target
from rasad.indicators.testing import indicator, record
from rasad.testing.cast import Cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
WIDTHS = ["desktop", "phone"]


def _pick(page, name: str, part: str, year: str) -> None:
    page.select_option(f"select[name={name}_0]", part)
    page.select_option(f"select[name={name}_1]", year)


@pytest.mark.parametrize("width", WIDTHS)
def test_targets_baselines_scorecards_and_the_national_view(journey, assigned: Cast, width):
    cast = assigned
    analyst = journey(width)
    analyst.sign_in("alice")
    analyst.go(f"/indicators/organizations/{cast.isfahan_post.pk}/targets/new/")
    page = analyst.page
    page.select_option("select[name=indicator]", str(indicator("ELEC_CONS").pk))
    page.fill("input[name=year]", "۱۴۰۲")
    page.fill("input[name=target]", "۱۰۰")
    page.fill("input[name=warning_threshold]", "۱۱۰٫۵")
    page.fill("input[name=critical_threshold]", "۱۳۰")
    analyst.submit("[data-testid=save]")
    assert Target.objects.get().warning_threshold == 110.5

    # A reporter's value beyond the critical threshold opens one case, written for a person.
    record(cast.isfahan_post, "ELEC_CONS", "1402-01", 140.0, user=cast.ali)
    record(cast.isfahan_post, "ELEC_CONS", "1402-02", 150.0, user=cast.ali)
    case = Case.objects.get()
    analyst.go(f"/cases/{case.pk}/")
    assert "۱۴۰ مگاوات‌ساعت" in page.inner_text("main")

    analyst.go("/indicators/baselines/new/")
    page.select_option("select[name=organization]", str(cast.isfahan_post.pk))
    page.fill("input[name=name]", "خط مبنای برق پاسگاه")
    page.select_option("select[name=energy_indicator]", str(indicator("ELEC_CONS").pk))
    page.select_option("select[name=drivers]", [str(indicator("ORE_MILLED").pk)])
    _pick(page, "baseline_start", "01", "1401")
    _pick(page, "baseline_end", "12", "1401")
    _pick(page, "reporting_start", "01", "1402")
    _pick(page, "reporting_end", "12", "1402")
    analyst.submit("[data-testid=save]")
    baseline = Baseline.objects.get()
    assert (baseline.baseline_start, baseline.reporting_end) == ("1401-01", "1402-12")

    analyst.go("/indicators/scorecards/new/")
    page.select_option("select[name=organization]", str(cast.isfahan.pk))
    page.fill("input[name=name]", "رتبه‌بندی انرژی")
    page.fill("input[name=year]", "۱۴۰۳")
    page.fill("input[name=baseline_year]", "۱۴۰۲")
    page.fill("input[name=peer_tags]", "معدن")
    page.select_option("select[name=criterion_1_indicator]", str(indicator("ENERGY_INTENSITY").pk))
    page.select_option("select[name=criterion_1_kind]", "level")
    page.fill("input[name=criterion_1_weight]", "۰٫۶")
    # Level alone is refused, in Persian, beside the criteria.
    analyst.submit("[data-testid=save]")
    assert "بهبود" in page.inner_text("main")
    page.select_option("select[name=criterion_2_indicator]", str(indicator("ENERGY_INTENSITY").pk))
    page.select_option("select[name=criterion_2_kind]", "improvement")
    page.fill("input[name=criterion_2_weight]", "۰٫۴")
    analyst.submit("[data-testid=save]")
    assert Scorecard.objects.count() == 1
    analyst.go("/indicators/scorecards/")

    analyst.go("/indicators/?indicator=ELEC_CONS&year=1402")
    page.locator("[data-testid=choropleth][data-ready=provinces]").wait_for()
    assert page.locator("[data-testid=map-legend]").count() == 1


def _assign_from(page, code: str, day: str) -> None:
    """Type the day, then move on to the indicator as a person does: the date picker closes."""
    page.fill("input[name=reports_from]", day)
    page.focus("select[name=indicator]")
    page.select_option("select[name=indicator]", str(indicator(code).pk))
    page.wait_for_selector("jdp-container", state="hidden")


@pytest.mark.parametrize("width", WIDTHS)
def test_an_assignment_reports_from_a_jalali_day(journey, assigned: Cast, width):
    """The analyst assigns an indicator from a day typed in Persian digits and sees it in Jalali;
    a day far in the future comes back with its Persian error under the field."""
    cast = assigned
    analyst = journey(width)
    analyst.sign_in("alice")
    analyst.go(f"/indicators/organizations/{cast.isfahan_post.pk}/assignments/")
    page = analyst.page
    _assign_from(page, "TAILINGS", "۱۴۰۴/۰۱/۰۱")
    analyst.submit("[data-testid=save]")
    assert page.inner_text("[data-testid=reports-from-TAILINGS]") == "۱۴۰۴/۰۱/۰۱"
    _assign_from(page, "LAND_REHAB", "۱۵۰۰/۰۱/۰۱")
    analyst.submit("[data-testid=save]")
    assert "نخستین روز گزارش نمی‌تواند پس از" in page.inner_text("[data-testid=assignment-form]")
