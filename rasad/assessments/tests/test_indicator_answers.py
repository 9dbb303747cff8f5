"""Items answered from approved indicator values: the energy award's T1.1 (energy intensity)
takes the field post's approved figure for the cycle's year; the assessed side and the assessors
see where it came from; another value is refused unless a reason is written; an incomplete year
gives no figure; the other province sees none of it."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from rasad.assessments.actions import (
    AnswerValues,
    do_assign_assessor,
    do_fill_indicator_answers,
    do_launch_cycle,
    do_save_answers,
    do_save_review_scores,
    do_submit_assessment,
)
from rasad.assessments.indicator_answers import figures
from rasad.assessments.models import Assessment, Item, ItemScore
from rasad.assessments.testing import make_cycle, starter
from rasad.conftest import client_for
from rasad.core.models import AuditEvent
from rasad.indicators.actions.approval import do_approve_period, do_submit_period
from rasad.indicators.actions.reporting import ObservationInput, do_record_observations
from rasad.indicators.testing import assign, indicator
from rasad.lib.jalali import JalaliPeriod
from rasad.testing.api import assert_nothing_changed, error_without_request_id
from rasad.testing.cast import Cast
from rasad.testing.web import signed_in_client

pytestmark = pytest.mark.django_db

YEAR = 1403
# Each month: 100 MWh of electricity (360 GJ), no gas or diesel, 1.8 kt of ore milled: the
# year's intensity is 12 × 360 GJ / (12 × 1,800 t) = 0.2 GJ/t, between 0.4 (nothing) and 0.1
# (full marks) of T1.1: two thirds of its 250 points.
MONTH = {"ELEC_CONS": 100.0, "GAS_CONS": 0.0, "DIESEL_CONS": 0.0, "ORE_MILLED": 1.8}
FIGURE = 0.2


def _report_year(cast: Cast, organization: Any, *, approve_months: int = 12) -> None:
    assign(organization, *MONTH)
    months = [JalaliPeriod("month", YEAR, index) for index in range(1, 13)]
    do_record_observations(
        [
            ObservationInput(organization, indicator(code), period, value)
            for period in months
            for code, value in MONTH.items()
        ],
        acting_user=None,
    )
    for period in months:
        do_submit_period(organization, period.key, acting_user=None)
        if period.index <= approve_months:
            do_approve_period(organization, period.key, acting_user=cast.root)


@pytest.fixture
def award(cast: Cast, civil: Any) -> Any:
    """The energy award over both field posts for 1403; the Isfahan post's year is approved."""
    _report_year(cast, cast.isfahan_post)
    cycle = make_cycle(
        cast.national, user=civil, instrument=starter("EMA"), scope_kinds=["field_post"], year=YEAR
    )
    return do_launch_cycle(cycle, acting_user=civil)


def _assessment(cycle: Any, organization: Any) -> Assessment:
    return Assessment.objects.get(cycle=cycle, organization=organization)


def _item(code: str) -> Item:
    return Item.objects.get(instrument=starter("EMA"), code=code)


def _url(assessment: Assessment, action: str) -> str:
    return f"/api/v1/assessments/{assessment.pk}/{action}/"


def _self_score(assessment: Assessment, code: str = "T1.1") -> ItemScore:
    return ItemScore.objects.get(assessment=assessment, item__code=code, stage="self")


def test_the_figure_is_the_year_of_approved_values(cast: Cast, award: Any):
    found = figures(_assessment(award, cast.isfahan_post))
    (figure,) = found.values()
    assert figure.indicator.code == "ENERGY_INTENSITY"
    assert (figure.year, figure.missing) == (YEAR, ())
    assert figure.value == pytest.approx(FIGURE)
    response = client_for(cast.ali).get(_url(_assessment(award, cast.isfahan_post), "indicator-values"))
    assert response.status_code == 200, response.content
    (row,) = response.json()
    assert row["item"] == "T1.1" and row["indicator"] == "ENERGY_INTENSITY" and row["unit"] == "GJ/t"
    assert row["value"] == pytest.approx(FIGURE)
    assert (row["year"], row["missing_periods"], row["answer"], row["source"]) == (YEAR, [], None, None)


def test_saving_answers_takes_the_approved_figure_and_says_so(cast: Cast, award: Any):
    assessment = _assessment(award, cast.isfahan_post)
    response = client_for(cast.ali).post(
        _url(assessment, "answers"), {"answers": [{"item": "T1.2", "answer": "yes"}]}, format="json"
    )
    assert response.status_code == 200, response.content
    score = _self_score(assessment)
    assert (score.source, score.comment) == ("indicator", "")
    assert score.value == pytest.approx(FIGURE)
    assert score.fraction == pytest.approx(2 / 3)
    event = AuditEvent.objects.get(event_type=525)
    assert event.new["year"] == YEAR
    assert event.new["answers"]["T1.1"]["source"] == "indicator"
    row = client_for(cast.ali).get(_url(assessment, "indicator-values")).json()[0]
    assert (row["source"], row["reason"]) == ("indicator", "")


def test_another_value_without_a_reason_is_refused_and_nothing_is_saved(cast: Cast, award: Any):
    assessment = _assessment(award, cast.isfahan_post)
    body = {"answers": [{"item": "T1.2", "answer": "yes"}, {"item": "T1.1", "value": 0.1}]}
    with assert_nothing_changed("assessments.itemscore", "assessments.assessment"):
        response = client_for(cast.ali).post(_url(assessment, "answers"), body, format="json")
    assert response.status_code == 400
    (message,) = response.json()["error"]["fields"]["answers"]
    assert "T۱.۱" in message and "شدت مصرف انرژی" in message and "۱۴۰۳" in message
    assert "دلیل" in message


def test_another_value_with_a_reason_stands_and_is_shown(cast: Cast, award: Any):
    assessment = _assessment(award, cast.isfahan_post)
    reason = "مقدار تأییدشده تولید خردادماه را دو بار شمرده است."
    body = {"answers": [{"item": "T1.1", "value": 0.18, "comment": reason}]}
    response = client_for(cast.ali).post(_url(assessment, "answers"), body, format="json")
    assert response.status_code == 200, response.content
    score = _self_score(assessment)
    assert (score.source, score.value, score.comment) == ("manual", 0.18, reason)
    # Filling again leaves a value given with a reason as it is.
    do_fill_indicator_answers(assessment, acting_user=cast.ali)
    assert _self_score(assessment).value == 0.18
    row = client_for(cast.ali).get(_url(assessment, "indicator-values")).json()[0]
    assert (row["answer"], row["source"], row["reason"]) == (0.18, "manual", reason)
    page = signed_in_client(cast.ali).get(f"/assessments/{assessment.pk}/").content.decode()
    assert 'data-testid="answer-override"' in page and reason in page


def test_a_year_not_wholly_approved_gives_no_figure(cast: Cast, civil: Any):
    _report_year(cast, cast.isfahan_post, approve_months=11)
    cycle = make_cycle(
        cast.national, user=civil, instrument=starter("EMA"), scope_kinds=["field_post"], year=YEAR
    )
    do_launch_cycle(cycle, acting_user=civil)
    assessment = _assessment(cycle, cast.isfahan_post)
    (figure,) = figures(assessment).values()
    assert (figure.value, figure.missing) == (None, ("1403-12",))
    # With no figure a typed value needs no reason; it is the organization's own.
    do_save_answers(assessment, [AnswerValues(_item("T1.1"), "", 0.3)], acting_user=cast.ali)
    assert (_self_score(assessment).source, _self_score(assessment).value) == ("manual", 0.3)
    page = signed_in_client(cast.ali).get(f"/assessments/{assessment.pk}/answers/").content.decode()
    assert "۱ دوره بدون مقدار تأییدشده" in page


def test_a_cycle_without_a_year_fills_nothing(cast: Cast, civil: Any):
    _report_year(cast, cast.isfahan_post)
    cycle = make_cycle(cast.national, user=civil, instrument=starter("EMA"), scope_kinds=["field_post"])
    do_launch_cycle(cycle, acting_user=civil)
    assessment = _assessment(cycle, cast.isfahan_post)
    (figure,) = figures(assessment).values()
    assert (figure.year, figure.value) == (None, None)
    do_fill_indicator_answers(assessment, acting_user=cast.ali)
    assert not ItemScore.objects.filter(assessment=assessment).exists()
    assert not AuditEvent.objects.filter(event_type=525).exists()


def test_the_assessor_sees_the_source_and_may_not_type_over_it_silently(cast: Cast, civil: Any, award: Any):
    assessment = _assessment(award, cast.isfahan_post)
    items = list(Item.objects.filter(instrument=starter("EMA")).select_related("criterion__section"))
    answers = [
        AnswerValues(item, "yes") if item.item_type == "compliance" else AnswerValues(item, "", 50.0)
        for item in items
        if item.code != "T1.1"
    ]
    do_save_answers(assessment, answers, acting_user=cast.ali)
    for item in items:
        if item.evidence_required:
            upload = SimpleUploadedFile(
                f"{item.code}.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf"
            )
            client = client_for(cast.ali)
            response = client.post(
                _url(assessment, "evidence"), {"file": upload, "item": item.code}, format="multipart"
            )
            assert response.status_code == 201, response.content
    do_submit_assessment(assessment, acting_user=cast.ali)
    review = do_assign_assessor(assessment, cast.bob, cast.kerman, acting_user=civil)
    # The assessor's form offers the approved figure and says where it comes from.
    page = signed_in_client(cast.bob).get(f"/assessments/{assessment.pk}/review/").content.decode()
    assert 'data-testid="indicator-figure"' in page and 'data-testid="answer-source"' in page
    assert 'name="reason_T1.1"' in page and 'value="۰٫۲"' in page
    with assert_nothing_changed("assessments.itemscore"):
        response = client_for(cast.bob).post(
            _url(assessment, "review-scores"), {"answers": [{"item": "T1.1", "value": 0.3}]}, format="json"
        )
    assert response.status_code == 400
    assert "T۱.۱" in response.json()["error"]["fields"]["answers"][0]  # the reader's digits
    do_save_review_scores(
        review,
        [AnswerValues(_item("T1.1"), "", 0.3, "گواهی بازرسی انرژی رقم دیگری دارد.")],
        acting_user=cast.bob,
    )
    score = ItemScore.objects.get(review=review, item__code="T1.1")
    assert (score.source, score.value) == ("manual", 0.3)


def test_the_other_province_sees_and_fills_nothing(cast: Cast, award: Any):
    isfahan = _assessment(award, cast.isfahan_post)
    bob = client_for(cast.bob)
    missing = bob.get("/api/v1/assessments/999999/indicator-values/")
    for method, action in (("get", "indicator-values"), ("post", "fill-from-indicators")):
        with assert_nothing_changed("assessments.itemscore", "assessments.assessment"):
            response = getattr(bob, method)(_url(isfahan, action), format="json")
        assert response.status_code == 404
        assert error_without_request_id(response) == error_without_request_id(missing)
    assert (
        signed_in_client(cast.bob).post(f"/assessments/{isfahan.pk}/fill-from-indicators/").status_code == 404
    )
    # Kerman's own post reported nothing: no figure, whatever Isfahan approved.
    kerman = _assessment(award, cast.kerman_post)
    (row,) = bob.get(_url(kerman, "indicator-values")).json()
    assert (row["value"], len(row["missing_periods"])) == (None, 12)
    response = bob.post(_url(kerman, "fill-from-indicators"), format="json")
    assert response.status_code == 200, response.content
    assert not ItemScore.objects.filter(assessment=kerman).exists()


def test_the_pages_show_the_figure_and_fill_from_it(cast: Cast, award: Any):
    assessment = _assessment(award, cast.isfahan_post)
    ali = signed_in_client(cast.ali)
    page = ali.get(f"/assessments/{assessment.pk}/answers/").content.decode()
    assert 'data-testid="indicator-figure"' in page and "شدت مصرف انرژی" in page
    assert "۱۴۰۳" in page and "۰٫۲" in page
    detail = ali.get(f"/assessments/{assessment.pk}/").content.decode()
    assert 'data-testid="fill-indicators"' in detail
    response = ali.post(f"/assessments/{assessment.pk}/fill-from-indicators/")
    assert response.status_code == 302
    assert _self_score(assessment).source == "indicator"
    detail = ali.get(f"/assessments/{assessment.pk}/").content.decode()
    assert 'data-testid="answer-source"' in detail
    # Bad input on the page: another value without a reason comes back with the message.
    response = ali.post(f"/assessments/{assessment.pk}/answers/", {"answer_T1.1": "0.1", "save": "1"})
    assert response.status_code == 200
    assert "T1.1" in response.content.decode() and _self_score(assessment).value == pytest.approx(FIGURE)
