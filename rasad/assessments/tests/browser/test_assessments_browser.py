"""Assessments in the browser, in Persian: on a phone, a field post answers the passive-defence
guideline, each answer saved as it is given, a bad number named on its item and not saved, then
it attaches its evidence and submits; at desktop width the civil defence coordinator sees the
assessment, assigns an assessor from another province, and, after the review and consensus,
makes it final and sees the cases the non-compliant sections opened. Every page is checked
(``rasad.testing.journey``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from rasad.assessments.actions import (
    AnswerValues,
    do_agree_consensus,
    do_launch_cycle,
    do_save_review_scores,
    do_submit_review,
)
from rasad.assessments.models import Assessment, Item, ItemScore
from rasad.assessments.testing import make_cycle, person
from rasad.assessments.tests.test_assessment_flow import ANSWERS, EVIDENCE_ITEMS, REVIEW
from rasad.testing.browser import screenshot
from rasad.testing.cast import Cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _fill(page: Any, answers: list[dict[str, Any]]) -> None:
    for row in answers:
        name = f"answer_{row['item']}"
        if "value" in row:
            page.fill(f"[name='{name}']", str(row["value"]))
        else:
            page.select_option(f"[name='{name}']", row["answer"])


def test_a_field_post_answers_on_a_phone_and_the_coordinator_finalizes(
    journey: Any, cast: Cast, tmp_path: Path
):
    civil = person("civil.defence", cast.national, name="دفتر پدافند غیرعامل")
    cycle = make_cycle(
        cast.national,
        user=civil,
        scope_kinds=["field_post"],
        opens_cases=True,
        name="ارزیابی پدافند غیرعامل ۱۴۰۴",
    )
    do_launch_cycle(cycle, acting_user=civil)
    assessment = Assessment.objects.get(cycle=cycle, organization=cast.isfahan_post)

    # Phone: each page is checked to fit the screen.
    ali = journey("phone")
    page = ali.page
    ali.sign_in("ali")
    ali.go("/assessments/")
    assert page.evaluate("document.documentElement.dir") == "rtl"
    ali.click(f"a[href='/assessments/{assessment.pk}/']")
    ali.click("[data-testid=answer]")
    _fill(page, [dict(row, value=800) if row["item"] == "B1.2" else row for row in ANSWERS])
    # Each item saves as it is answered (htmx): every answer but B1.2's, refused on its item.
    page.locator("[name='answer_B1.2']").press("Tab")
    page.wait_for_selector("[data-code='B1.2'] [data-testid=answer-state][data-state=error]")
    page.wait_for_function(
        "document.querySelectorAll('[data-testid=answer-state][data-state=saved]').length === 18"
    )
    assert "B۱.۲" in page.inner_text("[data-code='B1.2'] [data-testid=answer-state]")  # the reader's digits
    saved = set(ItemScore.objects.filter(assessment=assessment).values_list("item__code", flat=True))
    assert saved == {row["item"] for row in ANSWERS} - {"B1.2"}
    screenshot(page, "assessment-answers-autosave-phone")
    ali.submit("[data-testid=save]")
    errors = page.inner_text("[data-testid=form-errors]")
    assert "B۱.۲" in errors and "۸۰۰" in errors  # the code in the reader's digits, like the number
    assert not ItemScore.objects.filter(assessment=assessment, item__code="B1.2").exists()
    screenshot(page, "assessment-answers-error-phone")
    _fill(page, ANSWERS)
    pdf = tmp_path / "plan.pdf"
    pdf.write_bytes(b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n")
    for code in EVIDENCE_ITEMS:
        page.set_input_files(f"[name='file_{code}']", str(pdf))
    ali.submit("[data-testid=submit]")
    page.wait_for_selector("[data-testid=assessment-title]")
    assessment.refresh_from_db()
    assert assessment.status == "submitted"
    screenshot(page, "assessment-submitted-phone")

    # Desktop: the coordinator assigns an assessor from Kerman.
    coordinator = journey("desktop")
    page = coordinator.page
    coordinator.sign_in("civil.defence")
    coordinator.go(f"/assessments/{assessment.pk}/")
    coordinator.click("[data-testid=assign]")
    page.fill("input[name=reviewer]", "alice")
    page.select_option("select[name=organization]", str(cast.isfahan.pk))
    coordinator.submit("[data-testid=submit]")
    assert "تعارض منافع" in page.inner_text("[data-field-error=organization]")
    screenshot(page, "assessment-assign-conflict-desktop")
    page.fill("input[name=reviewer]", "bob")
    page.select_option("select[name=organization]", str(cast.kerman.pk))
    coordinator.submit("[data-testid=submit]")
    page.wait_for_selector("[data-testid=assessors]")
    assert "باب" in page.inner_text("[data-testid=assessors]")

    review = assessment.reviews.get()
    items = {item.code: item for item in Item.objects.filter(instrument=cycle.instrument)}
    do_save_review_scores(
        review,
        [AnswerValues(items[r["item"]], r.get("answer", ""), r.get("value")) for r in REVIEW],
        acting_user=cast.bob,
    )
    do_submit_review(review, acting_user=cast.bob)
    do_agree_consensus(assessment, [], acting_user=cast.bob)

    coordinator.go(f"/assessments/{assessment.pk}/")
    coordinator.submit("[data-testid=finalize]")
    page.wait_for_selector("[data-testid=findings]")
    assert page.inner_text("[data-testid=band]") == "انطباق کامل"
    assert page.locator("[data-testid=finding-case]").count() == 2
    screenshot(page, "assessment-final-desktop")
    coordinator.go(f"/assessments/cycles/{cycle.pk}/")
    assert page.locator("[data-testid=ranking-row]").count() == 1
    # The results charts, drawn from the cycle's feed, with their numbers in Persian digits.
    page.wait_for_selector("[data-testid=bands-chart][data-ready='1']")
    page.wait_for_selector("[data-testid=sections-chart][data-ready='1']")
    bands = page.inner_text("[data-testid=bands-chart]")
    assert "۱" in bands and "انطباق کامل" in bands and not any(d in bands for d in "0123456789")
    screenshot(page, "cycle-desktop")
    on_phone = journey("phone")
    on_phone.sign_in("civil.defence")
    on_phone.go(f"/assessments/{assessment.pk}/", check=False)
    on_phone.page.wait_for_selector("[data-testid=sections-chart][data-ready='1']")
    assert "۱۰۰" in on_phone.page.inner_text("[data-testid=sections-chart]")
    on_phone.check("sections chart drawn")
    screenshot(on_phone.page, "assessment-final-phone")
