"""Savings and jobs in the indicators: an outcome report writes the business's energy, water and
waste savings and the jobs it created and kept as submitted yearly observations of the five
outcome indicators, in the report's
transaction, for the year its milestone falls in (rasad/greenjobs/savings.py). The latest report
of an application in a year counts, applications of one business add up, an approved year
refuses the report whole, and Kerman never sees an Isfahan workshop's values."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from rasad.greenjobs.actions import OutcomeValues, do_report_outcome
from rasad.greenjobs.models import Application, Instalment, OutcomeReport
from rasad.greenjobs.savings import FIELD_BY_CODE, period_for
from rasad.greenjobs.testing import apply, make_business, make_scheme, paid_application
from rasad.indicators.actions import do_approve_period
from rasad.indicators.models import Assignment, Indicator, Observation
from rasad.lib.jalali import JalaliPeriod, from_jalali, local_date
from rasad.testing.api import assert_nothing_changed
from rasad.testing.cast import Cast
from rasad.testing.web import signed_in_client

pytestmark = pytest.mark.django_db

CODES = (
    "GREEN_ENERGY_SAVED",
    "GREEN_WATER_SAVED",
    "GREEN_WASTE_DIVERTED",
    "GREEN_JOBS_CREATED",
    "GREEN_JOBS_KEPT",
)


def _api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _values(organization_id: int) -> dict[str, tuple[str, float, str]]:
    return {
        o.indicator.code: (o.period_key, o.value, o.status)
        for o in Observation.objects.filter(organization_id=organization_id).select_related("indicator")
    }


def _report(
    application: Application,
    milestone: str = "6",
    *,
    energy=12000,
    water="350.5",
    waste=40,
    jobs=3,
    kept=5,
    user=None,
):
    return do_report_outcome(
        application,
        OutcomeValues(
            milestone=milestone,
            jobs_created=jobs,
            jobs_retained=kept,
            energy_saved=energy,
            water_saved=water,
            waste_diverted=waste,
        ),
        acting_user=user,
    )


def _time_passes(application: Application, days: int) -> None:
    """The application was made and first paid ``days`` ago (the actions refuse a payment dated
    before its application, so the test moves both back, as time going by would)."""
    Application.objects.filter(pk=application.pk).update(
        submitted_at=timezone.now() - timedelta(days=days + 5)
    )
    Instalment.objects.filter(application=application).update(
        paid_on=local_date(timezone.now()) - timedelta(days=days)
    )


def test_a_report_writes_the_savings_and_jobs_as_submitted_yearly_values(cast: Cast):
    application = paid_application(cast)
    report = _report(application, user=cast.ali)
    year = JalaliPeriod.containing(local_date(timezone.now()), "year").key
    assert report.indicator_period == year
    assert _values(application.organization_id) == {
        "GREEN_ENERGY_SAVED": (year, 12000.0, "submitted"),
        "GREEN_WATER_SAVED": (year, 350.5, "submitted"),
        "GREEN_WASTE_DIVERTED": (year, 40.0, "submitted"),
        "GREEN_JOBS_CREATED": (year, 3.0, "submitted"),
        "GREEN_JOBS_KEPT": (year, 5.0, "submitted"),
    }
    observation = Observation.objects.get(organization=application.organization, indicator__code=CODES[0])
    assert observation.reported_by == cast.ali
    assert application.number in observation.comment
    assigned = Assignment.objects.filter(organization=application.organization).values_list(
        "indicator__code", flat=True
    )
    assert sorted(assigned) == sorted(CODES)


def test_the_period_is_the_year_the_milestone_falls_in(cast: Cast):
    application = paid_application(cast)
    _time_passes(application, 400)  # the six-month milestone fell about seven months ago
    report = _report(application)
    due = report.due_on
    assert due is not None and due < local_date(timezone.now())
    assert report.indicator_period == JalaliPeriod.containing(due, "year").key


def test_a_report_sent_before_a_year_begins_is_written_for_the_current_year():
    today = from_jalali(1405, 11, 20)
    assert period_for(from_jalali(1406, 2, 1), today).key == "1405"
    assert period_for(from_jalali(1404, 12, 29), today).key == "1404"
    assert period_for(None, today).key == "1405"


def test_the_twelve_month_report_of_the_same_year_replaces_the_six_month_one(cast: Cast):
    application = paid_application(cast)
    _report(application, "6", energy=12000)
    twelve = _report(application, "12", energy=20000, water=0, waste="1.5", jobs=4, kept=6)
    assert twelve.indicator_period == OutcomeReport.objects.get(milestone="6").indicator_period
    values = _values(application.organization_id)
    assert values["GREEN_ENERGY_SAVED"][1] == 20000.0
    assert values["GREEN_WATER_SAVED"][1] == 0.0
    assert values["GREEN_WASTE_DIVERTED"][1] == 1.5
    # Jobs are counted since the loan: the twelve-month figure, not six's plus twelve's.
    assert (values["GREEN_JOBS_CREATED"][1], values["GREEN_JOBS_KEPT"][1]) == (4.0, 6.0)
    # The province dashboard keeps its figures: the latest report, as the indicator value.
    grand = signed_in_client(cast.alice).get("/green/dashboard/").context["grand"]
    assert grand.energy_saved == Decimal("20000.0")
    assert float(grand.energy_saved) == values["GREEN_ENERGY_SAVED"][1]


def test_two_applications_of_one_business_add_up(cast: Cast):
    from rasad.greenjobs.actions import do_pay_instalment

    first = paid_application(cast)
    business = first.business
    second = apply(make_scheme(business.organization), business)
    from rasad.greenjobs.actions import (
        do_approve_application,
        do_check_eligibility,
        do_confirm_compliance,
        do_confirm_training,
    )

    for step in (do_check_eligibility, do_confirm_compliance, do_confirm_training):
        second = step(second, acting_user=None)
    second = do_approve_application(second, 100_000_000, acting_user=None)
    do_pay_instalment(second, 10_000_000, paid_on=local_date(timezone.now()), acting_user=None)
    _report(first, energy=1000, water=10, waste=1, jobs=2, kept=1)
    _report(Application.objects.get(pk=second.pk), energy=500, water=5, waste="0.5", jobs=4, kept=3)
    values = _values(business.organization_id)
    assert [values[code][1] for code in CODES] == [1500.0, 15.0, 1.5, 6.0, 4.0]


def test_an_approved_year_refuses_the_report_and_writes_nothing(cast: Cast):
    application = paid_application(cast)
    six = _report(application, user=cast.ali)
    do_approve_period(application.organization, six.indicator_period, acting_user=cast.alice)
    with assert_nothing_changed("greenjobs.outcomereport", "indicators.observation", "indicators.rollup"):
        refused = _api(cast.ali).post(
            "/api/v1/green-outcomes/",
            {
                "application": application.number,
                "milestone": "12",
                "jobs_created": 1,
                "jobs_retained": 1,
                "energy_saved": "99",
            },
            format="json",
        )
    assert refused.status_code == 400
    [message] = refused.json()["error"]["fields"]["milestone"]
    # The refusal speaks of savings and jobs alike (both are outcome indicators), in Persian.
    assert message.startswith("نتایج (صرفه‌جویی و اشتغال) را نمی‌توان در شاخص‌های سال ")
    assert "تأیید" in message
    assert _values(application.organization_id)["GREEN_ENERGY_SAVED"] == (
        six.indicator_period,
        12000.0,
        "approved",
    )


def test_bad_savings_write_no_observation(cast: Cast):
    application = paid_application(cast)
    with assert_nothing_changed("indicators.observation", "indicators.assignment"):
        answer = _api(cast.ali).post(
            "/api/v1/green-outcomes/",
            {
                "application": application.number,
                "milestone": "6",
                "jobs_created": 1,
                "jobs_retained": 1,
                "water_saved": "-3",
            },
            format="json",
        )
    assert answer.status_code == 400
    assert list(answer.json()["error"]["fields"]) == ["water_saved"]


def test_kerman_never_sees_an_isfahan_workshops_savings(cast: Cast):
    isfahan = paid_application(cast)
    _report(isfahan, user=cast.ali)
    kerman_business = make_business(cast.kerman)
    kerman = apply(make_scheme(kerman_business.organization), kerman_business)
    from rasad.greenjobs.actions import (
        do_approve_application,
        do_check_eligibility,
        do_confirm_compliance,
        do_confirm_training,
        do_pay_instalment,
    )

    for step in (do_check_eligibility, do_confirm_compliance, do_confirm_training):
        kerman = step(kerman, acting_user=None)
    kerman = do_approve_application(kerman, 100_000_000, acting_user=None)
    do_pay_instalment(kerman, 10_000_000, paid_on=local_date(timezone.now()), acting_user=None)
    _report(Application.objects.get(pk=kerman.pk), energy=777, user=cast.bahram)

    def codes_seen(user) -> set[tuple[str, str]]:
        rows = _api(user).get("/api/v1/observations/?limit=100").json()["results"]
        return {(row["organization"], row["indicator"]) for row in rows if row["indicator"] in FIELD_BY_CODE}

    isfahan_code = isfahan.organization.code
    kerman_code = kerman.organization.code
    assert {org for org, _code in codes_seen(cast.alice)} == {isfahan_code}
    assert {org for org, _code in codes_seen(cast.bob)} == {kerman_code}
    assert {org for org, _code in codes_seen(cast.nadia)} == {isfahan_code, kerman_code}
    assert codes_seen(cast.charlie) == set()


def test_the_application_page_says_where_the_savings_went(cast: Cast):
    application = paid_application(cast)
    report = _report(application, user=cast.ali)
    page = signed_in_client(cast.ali).get(f"/green/applications/{application.pk}/").content.decode()
    assert 'data-testid="outcome-indicators"' in page
    assert f"period={report.indicator_period}" in page
    answer = _api(cast.ali).get(f"/api/v1/green-outcomes/{report.pk}/").json()
    assert answer["indicator_period"] == report.indicator_period


def test_the_indicators_exist_after_migrate():
    from rasad.indicators.models import Indicator

    found = {
        i.code: (i.periodicity, i.unit.code, i.category) for i in Indicator.objects.filter(code__in=CODES)
    }
    assert found == {
        "GREEN_ENERGY_SAVED": ("year", "kWh", "green_jobs"),
        "GREEN_WATER_SAVED": ("year", "m3", "green_jobs"),
        "GREEN_WASTE_DIVERTED": ("year", "t", "green_jobs"),
        "GREEN_JOBS_CREATED": ("year", "count", "green_jobs"),
        "GREEN_JOBS_KEPT": ("year", "count", "green_jobs"),
    }


def test_a_missing_outcome_indicator_refuses_the_report_naming_savings_and_jobs(cast: Cast):
    application = paid_application(cast)
    Indicator.objects.filter(code="GREEN_JOBS_KEPT").delete()
    with assert_nothing_changed("greenjobs.outcomereport", "indicators.observation"):
        refused = _api(cast.ali).post(
            "/api/v1/green-outcomes/",
            {"application": application.number, "milestone": "6", "jobs_created": 1, "jobs_retained": 1},
            format="json",
        )
    assert refused.status_code == 400
    assert refused.json()["error"]["fields"]["milestone"] == [
        "شاخص‌های نتایج (صرفه‌جویی و اشتغال) در فهرست شاخص‌ها نیست؛ به مدیر سامانه خبر دهید."
    ]
