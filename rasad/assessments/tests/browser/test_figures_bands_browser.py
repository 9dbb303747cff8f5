"""Issue 14's later pieces in the browser, in Persian, on a 360 px phone and at desktop width:
the field post's energy award form shows the approved energy intensity under T1.1 and refuses
another value without a reason; the coordinator sets the bands of an imported checklist; on a
submitted self-assessment the coordinator withdraws the assessor and reopens the answers."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from rasad.assessments.actions import do_assign_assessor, do_launch_cycle
from rasad.assessments.models import Assessment, Band, Instrument
from rasad.assessments.spreadsheet import structure_csv
from rasad.assessments.structure import spec_of
from rasad.assessments.testing import make_cycle, starter
from rasad.assessments.testing import person as person_named
from rasad.assessments.tests.test_indicator_answers import YEAR, _report_year
from rasad.conftest import client_for
from rasad.testing.browser import screenshot
from rasad.testing.cast import Cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", ["narrow", "desktop"])
def test_the_approved_figure_answers_t11_and_is_not_typed_over_silently(
    journey: Any, cast: Cast, civil: Any, width: str
):
    _report_year(cast, cast.isfahan_post)
    cycle = make_cycle(
        cast.national,
        user=civil,
        instrument=starter("EMA"),
        scope_kinds=["field_post"],
        year=YEAR,
        name="جایزه ملی مدیریت انرژی، دوره ششم",
    )
    do_launch_cycle(cycle, acting_user=civil)
    assessment = Assessment.objects.get(cycle=cycle, organization=cast.isfahan_post)
    ali = journey(width)
    ali.sign_in("ali")
    ali.go(f"/assessments/{assessment.pk}/answers/")
    page = ali.page
    item = page.locator("[data-testid=answer-item][data-code='T1.1']")
    figure = item.locator("[data-testid=indicator-figure]").inner_text()
    assert "شدت مصرف انرژی" in figure and "۱۴۰۳" in figure and "۰٫۲" in figure
    screenshot(page, f"assessment-figure-{width}")
    page.fill("[name='answer_T1.1']", "۰٫۱")
    ali.submit("[data-testid=save]")
    errors = page.inner_text("[data-testid=form-errors]")
    assert "T۱.۱" in errors and "دلیل" in errors
    screenshot(page, f"assessment-figure-error-{width}")
    page.fill("[name='reason_T1.1']", "تولید خردادماه دو بار شمرده شده است.")
    ali.submit("[data-testid=save]")
    ali.go(f"/assessments/{assessment.pk}/")
    assert "به‌جای مقدار تأییدشده" in page.inner_text("[data-testid=item-table]")
    screenshot(page, f"assessment-override-{width}")


@pytest.mark.parametrize("width", ["narrow", "desktop"])
def test_the_coordinator_sets_the_bands_of_an_imported_checklist(journey: Any, cast: Cast, width: str):
    keeper = person_named("isf.keeper", cast.isfahan, name="نسرین اصفهانی")
    response = client_for(keeper).post(
        "/api/v1/assessment-instruments/import/",
        {
            "file": SimpleUploadedFile("green.csv", structure_csv(spec_of(starter("GREEN-WS")))),
            "code": f"GREEN-{width[:3].upper()}",
            "name": "چک‌لیست سبزسازی کارگاه‌های اصفهان",
            "kind": "compliance",
            "total_points": "100",
            "owner": "ISF-CC",
        },
        format="multipart",
    )
    instrument = Instrument.objects.get(pk=response.json()["id"])
    person = journey(width)
    person.sign_in("isf.keeper")
    person.go(f"/assessments/instruments/{instrument.pk}/")
    person.click("[data-testid=edit-bands]")
    page = person.page
    page.fill("[name=name_0]", "قابل قبول")
    page.fill("[name=minimum_0]", "۶۰")
    page.fill("[name=name_1]", "سبز")
    page.fill("[name=minimum_1]", "85")
    screenshot(page, f"bands-form-{width}")
    person.submit("[data-testid=submit]")
    assert list(
        Band.objects.filter(instrument=instrument).order_by("minimum").values_list("name", "minimum")
    ) == [
        ("قابل قبول", 60),
        ("سبز", 85),
    ]
    assert "سبز" in page.inner_text("[data-testid=bands]")
    screenshot(page, f"bands-saved-{width}")


@pytest.mark.parametrize("width", ["narrow", "desktop"])
def test_the_coordinator_withdraws_an_assessor_and_reopens_the_answers(
    journey: Any, cast: Cast, civil: Any, posts_cycle: Any, width: str
):
    from rasad.assessments.tests.test_assessment_flow import _self_assess

    assessment = Assessment.objects.get(cycle=posts_cycle, organization=cast.isfahan_post)
    _self_assess(cast, assessment)
    client_for(cast.ali).post(f"/api/v1/assessments/{assessment.pk}/submit/", format="json")
    do_assign_assessor(assessment, cast.bob, cast.kerman, acting_user=civil)
    person = journey(width)
    person.sign_in("civil.defence")
    person.go(f"/assessments/{assessment.pk}/")
    page = person.page
    person.click("[data-testid=withdraw]")
    assert page.locator("[name=review] option:checked").inner_text() != "—"  # the one assessor
    screenshot(page, f"withdraw-form-{width}")
    page.fill("[name=reason]", "ارزیاب در مأموریت است.")
    person.submit("[data-testid=submit]")
    assert not assessment.reviews.exists()
    person.click("[data-testid=reopen]")
    page.fill("[name=reason]", "مستند بند الف۱ اشتباه پیوست شده است.")
    screenshot(page, f"reopen-form-{width}")
    person.submit("[data-testid=submit]")
    assert Assessment.objects.get(pk=assessment.pk).status == "in_progress"
    screenshot(page, f"reopened-{width}")
