"""Outcomes and the dashboard: a funded business reports its jobs and savings at six and twelve
months (once each, only after a payment, with numbers that make sense); the province and scheme
dashboard adds them up from the latest report; another province sees none of it; the page's
queries do not grow with the rows."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from rasad.greenjobs.models import Application, OutcomeReport
from rasad.greenjobs.testing import application_at, paid_application
from rasad.testing.api import assert_nothing_changed
from rasad.testing.cast import Cast
from rasad.testing.web import signed_in_client

pytestmark = pytest.mark.django_db


def _api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _report(client: APIClient, application: Application, **changes):
    body = {
        "application": application.number,
        "milestone": "6",
        "jobs_created": 4,
        "jobs_retained": 9,
        "energy_saved": "12000",
        "water_saved": "350.5",
        "waste_diverted": "40",
        **changes,
    }
    return client.post("/api/v1/green-outcomes/", body, format="json")


def test_the_business_reports_at_six_and_twelve_months_and_the_dashboard_adds_them_up(cast: Cast):
    application = paid_application(cast)
    ali = _api(cast.ali)  # a reporter of ISF-CC: the business's side
    six = _report(ali, application)
    assert six.status_code == 201, six.json()
    assert six.json()["due_on"] is not None
    assert _report(ali, application, milestone="12", jobs_created=7, energy_saved="20000").status_code == 201
    page = signed_in_client(cast.alice).get("/green/dashboard/")
    assert page.status_code == 200
    grand = page.context["grand"]
    # The latest report (twelve months) counts, not the sum of both.
    assert (grand.applications, grand.reported, grand.jobs_created, grand.jobs_retained) == (1, 1, 7, 9)
    assert grand.energy_saved == Decimal("20000.0")
    assert grand.disbursed == Decimal(40_000_000)
    [province] = page.context["provinces"]
    assert cast.isfahan.province is not None
    assert province.key == cast.isfahan.province.code
    assert province.jobs_created == 7
    assert "۷" in page.content.decode()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"milestone": "9"}, "milestone"),
        ({"jobs_created": -1}, "jobs_created"),
        ({"jobs_retained": "many"}, "jobs_retained"),
        ({"energy_saved": "-5"}, "energy_saved"),
    ],
)
def test_bad_outcomes_are_refused_naming_the_field(cast: Cast, changes, field):
    application = paid_application(cast)
    with assert_nothing_changed("greenjobs.outcomereport"):
        answer = _report(_api(cast.ali), application, **changes)
    assert answer.status_code == 400
    assert field in answer.json()["error"]["fields"]


def test_a_milestone_is_reported_once_and_only_after_a_payment(cast: Cast):
    application = paid_application(cast)
    ali = _api(cast.ali)
    assert _report(ali, application).status_code == 201
    with assert_nothing_changed("greenjobs.outcomereport"):
        again = _report(ali, application)
    assert again.status_code == 400
    assert list(again.json()["error"]["fields"]) == ["milestone"]
    unpaid = application_at(cast, "approved")
    with assert_nothing_changed("greenjobs.outcomereport"):
        early = _report(ali, unpaid)
    assert early.status_code == 400
    assert list(early.json()["error"]["fields"]) == ["application"]


def test_the_form_takes_persian_digits(cast: Cast):
    application = paid_application(cast)
    client = signed_in_client(cast.ali)
    url = f"/green/applications/{application.pk}/outcomes/"
    assert client.get(url).status_code == 200
    answer = client.post(
        url,
        {
            "milestone": "6",
            "jobs_created": "۳",
            "jobs_retained": "۱۲",
            "energy_saved": "۱۲٬۵۰۰٫۵",
            "water_saved": "",
            "waste_diverted": "۴",
        },
    )
    assert answer.status_code == 302, answer.content.decode()[:2000]
    report = OutcomeReport.objects.get()
    assert (report.jobs_created, report.jobs_retained, report.energy_saved) == (3, 12, Decimal("12500.5"))
    assert "outcomes" in client.get(f"/green/applications/{application.pk}/").content.decode()


def test_another_province_sees_no_outcome_and_cannot_report(cast: Cast):
    application = paid_application(cast)
    assert _report(_api(cast.ali), application).status_code == 201
    bob = _api(cast.bob)
    assert bob.get("/api/v1/green-outcomes/").json()["results"] == []
    with assert_nothing_changed("greenjobs.outcomereport"):
        refused = _report(bob, application, milestone="12")
    assert refused.status_code == 400
    assert list(refused.json()["error"]["fields"]) == ["application"]
    page = signed_in_client(cast.bob).get("/green/dashboard/")
    assert page.context["grand"].applications == 0
    client = signed_in_client(cast.bob)
    assert client.get(f"/green/applications/{application.pk}/outcomes/").status_code == 404


def test_the_dashboard_costs_the_same_queries_with_more_rows(cast: Cast):
    client = signed_in_client(cast.nadia)
    ali = _api(cast.ali)
    _report(ali, paid_application(cast))
    client.get("/green/dashboard/")
    with CaptureQueriesContext(connection) as few:
        client.get("/green/dashboard/")
    for _ in range(3):
        _report(ali, paid_application(cast))
    with CaptureQueriesContext(connection) as many:
        client.get("/green/dashboard/")
    assert len(many) == len(few)


def test_a_bad_dashboard_filter_is_a_400(cast: Cast):
    page = signed_in_client(cast.alice).get("/green/dashboard/?scheme_id=abc")
    assert page.status_code == 400


def test_the_form_offers_only_the_milestones_not_yet_reported(cast: Cast):
    application = paid_application(cast)
    client = signed_in_client(cast.ali)
    url = f"/green/applications/{application.pk}/outcomes/"
    assert [value for value, _label in client.get(url).context["form"].fields["milestone"].choices] == [
        "6",
        "12",
    ]
    assert _report(_api(cast.ali), application).status_code == 201
    form = client.get(url).context["form"]
    assert [value for value, _label in form.fields["milestone"].choices] == ["12"]
    assert form.initial["milestone"] == "12"
