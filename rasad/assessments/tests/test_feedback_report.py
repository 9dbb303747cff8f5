"""The feedback report of a final assessment as a PDF: the Isfahan post's (A1.2 not met: section
A at ۸۰٪, total ۹۵ of ۱۰۰) with the assessor's feedback per criterion, read back with
pdftotext in Persian; the same file through the API; Kerman never gets Isfahan's report, and an
assessment that is not final has none, both answered like a missing assessment."""

from __future__ import annotations

import re
import subprocess
from typing import Any
from urllib.parse import quote

import pytest

from rasad.assessments.actions import FeedbackValues, do_save_feedback
from rasad.assessments.models import Assessment, Criterion, Cycle, Feedback, Review
from rasad.conftest import client_for
from rasad.testing.api import error_without_request_id
from rasad.testing.cast import Cast
from rasad.testing.web import signed_in_client, streamed

pytestmark = pytest.mark.django_db

MARKS = dict.fromkeys(map(ord, "\u200c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"))


def pdf_text(data: bytes) -> str:
    """The PDF's text as pdftotext reads it, without bidi and joiner marks."""
    out = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True).stdout
    return out.decode("utf-8").translate(MARKS)


@pytest.fixture
def isfahan(cast: Cast, posts: Cycle) -> Assessment:
    """The Isfahan post's final assessment, with the lead assessor's feedback on two criteria."""
    assessment = Assessment.objects.get(cycle=posts, organization=cast.isfahan_post)
    review = Review.objects.get(assessment=assessment, is_lead=True)
    criteria = {c.code: c for c in Criterion.objects.filter(instrument=posts.instrument)}
    do_save_feedback(
        assessment,
        [
            FeedbackValues(criteria["A1"], "", "حصار شمالی پاسگاه ترمیم نشده است."),
            FeedbackValues(criteria["B1"], "برق اضطراری هفتاد و دو ساعت بار حیاتی را تأمین می‌کند.", ""),
        ],
        acting_user=review.reviewer,
    )
    return assessment


def test_rewritten_feedback_updates_the_criterions_row(cast: Cast, isfahan: Assessment):
    review = Review.objects.get(assessment=isfahan, is_lead=True)
    criterion = Criterion.objects.get(instrument=isfahan.cycle.instrument, code="A1")
    before = Feedback.objects.get(assessment=isfahan, criterion=criterion)
    do_save_feedback(
        isfahan, [FeedbackValues(criterion, "حصار جنوبی سالم است.", "")], acting_user=review.reviewer
    )
    after = Feedback.objects.get(assessment=isfahan, criterion=criterion)
    assert (after.pk, after.strengths, after.improvements) == (before.pk, "حصار جنوبی سالم است.", "")


def test_the_report_reads_back_in_persian(cast: Cast, isfahan: Assessment):
    response = signed_in_client(cast.ali).get(f"/assessments/{isfahan.pk}/feedback.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert f'filename="feedback-{isfahan.pk}.pdf"' in response["Content-Disposition"]
    # The name the reader saves it under: the report's title and the organization, in Persian.
    persian_name = f"گزارش بازخورد ارزیابی — {isfahan.organization.name}.pdf"
    assert f"filename*=UTF-8''{quote(persian_name, safe='')}" in response["Content-Disposition"]
    data = streamed(response)
    assert data.startswith(b"%PDF")
    text = pdf_text(data)
    assert "گزارش بازخورد ارزیابی" in text
    assert "پاسگاه مرزی یک" in text
    assert "حصار شمالی پاسگاه ترمیم نشده است" in text
    assert "برق اضطراری هفتاد و دو ساعت" in text
    # pdftotext orders the numbers of a right-to-left line its own way: each figure is checked.
    assert "۹۵" in text and "۱۰۰" in text and "۸۰" in text  # total 95 of 100, section A at 80%
    # The non-compliant item A1.2 under its section, both by their Persian labels («الف-۱-۲»
    # under «الف) …»; pdftotext reads the label's digits out of order, so the section is checked).
    assert "الف) " in text and "A1.2" not in text


def test_the_api_gives_the_same_report(cast: Cast, isfahan: Assessment):
    response = client_for(cast.alice).get(f"/api/v1/assessments/{isfahan.pk}/feedback-report/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "گزارش بازخورد ارزیابی" in pdf_text(response.content)
    assert f'filename="feedback-{isfahan.pk}.pdf"; filename*=UTF-8' in response["Content-Disposition"]


def test_kerman_never_gets_isfahans_report(cast: Cast, isfahan: Assessment):
    missing = isfahan.pk + 10_000
    page = signed_in_client(cast.bob)
    assert page.get(f"/assessments/{isfahan.pk}/feedback.pdf").status_code == 404
    hidden = client_for(cast.bob).get(f"/api/v1/assessments/{isfahan.pk}/feedback-report/")
    absent = client_for(cast.bob).get(f"/api/v1/assessments/{missing}/feedback-report/")
    assert hidden.status_code == 404
    assert error_without_request_id(hidden) == error_without_request_id(absent)
    # Kerman's own report is there for Kerman.
    own = Assessment.objects.get(cycle=isfahan.cycle, organization=cast.kerman_post)
    assert page.get(f"/assessments/{own.pk}/feedback.pdf").status_code == 200


def test_an_assessment_that_is_not_final_has_no_report(cast: Cast, civil: Any):
    from rasad.assessments.actions import do_launch_cycle
    from rasad.assessments.testing import make_cycle

    cycle = do_launch_cycle(
        make_cycle(cast.national, user=civil, scope_kinds=["field_post"]), acting_user=civil
    )
    open_one = Assessment.objects.get(cycle=cycle, organization=cast.isfahan_post)
    assert signed_in_client(cast.ali).get(f"/assessments/{open_one.pk}/feedback.pdf").status_code == 404
    assert client_for(civil).get(f"/api/v1/assessments/{open_one.pk}/feedback-report/").status_code == 404


def test_the_final_assessment_page_links_its_report(cast: Cast, isfahan: Assessment):
    html = signed_in_client(cast.ali).get(f"/assessments/{isfahan.pk}/").content.decode()
    assert f'href="/assessments/{isfahan.pk}/feedback.pdf"' in html


def test_the_page_numbers_are_in_persian_digits(cast: Cast, isfahan: Assessment):
    from rasad.assessments.feedback_report import feedback_pdf

    data = feedback_pdf(isfahan, lambda queryset: queryset)
    pages = subprocess.run(["pdfinfo", "-"], input=data, capture_output=True, check=True).stdout.decode()
    count = int(next(line.split()[-1] for line in pages.splitlines() if line.startswith("Pages:")))
    assert count >= 2
    persian = "۰۱۲۳۴۵۶۷۸۹"
    for number in range(1, count + 1):
        text = subprocess.run(
            ["pdftotext", "-f", str(number), "-l", str(number), "-", "-"],
            input=data,
            capture_output=True,
            check=True,
        ).stdout.decode("utf-8")
        footer = [line.strip() for line in text.translate(MARKS).splitlines() if line.strip()][-1]
        # «صفحهٔ ۱ از ۲»: pdftotext may give the words of a right-to-left line out of order, so
        # the page's number and the count are read in the order they stand.
        numbers = re.findall("[۰-۹]+", footer)
        assert numbers == ["".join(persian[int(d)] for d in str(n)) for n in (number, count)], footer
        assert "از" in footer and not re.search("[0-9]", footer), footer
