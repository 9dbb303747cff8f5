"""The incentive workflow through the API: a workshop applies, the three offices act in turn
from their own queues, the loan is paid in two instalments within budget; and the bad input of
the issue is refused with the field named and nothing written."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from rasad.core.actions.people import do_create_user, do_grant_role
from rasad.core.models import Role, User
from rasad.greenjobs.models import Application, Scheme
from rasad.greenjobs.testing import make_business, make_scheme, make_workshop
from rasad.lib.jalali import local_date
from rasad.testing.api import assert_nothing_changed
from rasad.testing.cast import Cast
from rasad.testing.web import signed_in_client

pytestmark = pytest.mark.django_db


def api_client(user: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _person(name: str, organization, role: str) -> User:
    user = do_create_user(name, acting_user=None, password=None, organization=organization)
    do_grant_role(user, Role.objects.get(slug=role), acting_user=None, organization=organization)
    return user


@pytest.fixture
def offices(cast: Cast):
    """Three offices in Isfahan (labour, environment, training), each with its analyst, and a
    workshop under the labour office with its reporter."""
    labour = make_workshop(cast.isfahan, kind="provincial_office", name="اداره کار")
    environment = make_workshop(cast.isfahan, kind="provincial_office", name="اداره محیط زیست")
    training = make_workshop(cast.isfahan, kind="provincial_office", name="اداره فنی و حرفه‌ای")
    business = make_business(labour)
    scheme = make_scheme(labour, labour=labour, environment=environment, training=training)
    return {
        "scheme": scheme,
        "business": business,
        "labour": _person("labour-officer", labour, "analyst"),
        "environment": _person("environment-officer", environment, "analyst"),
        "training": _person("training-officer", training, "analyst"),
        "owner": _person("workshop-owner", business.organization, "reporter"),
    }


def _apply(client, scheme: Scheme, business, amount: str = "300000000"):
    made = client.post(
        "/api/v1/green-applications/",
        {
            "scheme": scheme.code,
            "business": business.organization.code,
            "amount_requested": amount,
            "purpose": "خرید پنل خورشیدی",
            "jobs_planned": 3,
        },
        format="json",
    )
    assert made.status_code == 201, made.content
    return made.json()["id"]


def _attach(client, pk: int, name: str = "licence.pdf", content: bytes = b"%PDF-1.4 test"):
    return client.post(
        f"/api/v1/green-applications/{pk}/documents/",
        {"requirement": "business-licence", "file": SimpleUploadedFile(name, content)},
        format="multipart",
    )


def test_a_workshop_is_paid_in_two_instalments_and_its_outcomes_reach_the_province_dashboard(
    offices, cast: Cast
):
    owner = api_client(offices["owner"])
    pk = _apply(owner, offices["scheme"], offices["business"])
    assert _attach(owner, pk).status_code == 201
    assert owner.post(f"/api/v1/green-applications/{pk}/submit/").json()["stage"] == "submitted"

    labour = api_client(offices["labour"])
    environment = api_client(offices["environment"])
    training = api_client(offices["training"])
    # Each office finds it in its own queue, and only there.
    assert [a["id"] for a in labour.get("/api/v1/green-applications/?stage=submitted").json()["results"]] == [
        pk
    ]
    assert environment.post(f"/api/v1/green-applications/{pk}/confirm-compliance/").status_code == 404
    checked = labour.post(f"/api/v1/green-applications/{pk}/check-eligibility/", {"note": "مدارک کامل است"})
    assert checked.json()["stage"] == "eligible"
    assert training.post(f"/api/v1/green-applications/{pk}/confirm-training/").status_code == 404
    assert (
        environment.post(f"/api/v1/green-applications/{pk}/confirm-compliance/").json()["stage"]
        == "compliant"
    )
    assert training.post(f"/api/v1/green-applications/{pk}/confirm-training/").json()["stage"] == "trained"
    approved = labour.post(f"/api/v1/green-applications/{pk}/approve/", {"amount": "250000000"})
    assert approved.json()["stage"] == "approved"
    assert approved.json()["approved_amount"] == "250000000"

    first = labour.post(
        f"/api/v1/green-applications/{pk}/instalments/", {"amount": "150000000", "paid_on": "1404-01-01"}
    )
    assert first.status_code == 400  # a Gregorian date is asked for (ISO); see the next call
    today = local_date(Application.objects.get(pk=pk).submitted_at).isoformat()
    first = labour.post(
        f"/api/v1/green-applications/{pk}/instalments/", {"amount": "150000000", "paid_on": today}
    )
    assert first.status_code == 201, first.content
    second = labour.post(
        f"/api/v1/green-applications/{pk}/instalments/", {"amount": "100000000", "paid_on": today}
    )
    assert second.json()["stage"] == "disbursed"
    assert labour.post(f"/api/v1/green-applications/{pk}/close/").json()["stage"] == "closed"

    scheme = Scheme.objects.get(pk=offices["scheme"].pk)
    assert (scheme.committed, scheme.disbursed) == (Decimal(250_000_000), Decimal(250_000_000))
    assert [d["stage"] for d in second.json()["decisions"]] == [
        "submitted",
        "eligible",
        "compliant",
        "trained",
    ]

    # The "done when": the business reports its outcomes at six months, and they
    # appear on the province dashboard of Isfahan's analyst, in the row of the province.
    _report_outcomes_at_six_months(owner, Application.objects.get(pk=pk).number)
    _assert_the_dashboards_show_the_outcomes(cast, offices["scheme"])
    # Every step was a named action with its own audit event, in the trail of its application.
    from rasad.core.models import AuditEvent
    from rasad.greenjobs.audit import GreenAuditEvent

    steps = list(
        AuditEvent.objects.filter(object_id=str(pk), event_type__range=(1620, 1629))
        .order_by("pk")
        .values_list("event_type", flat=True)
    )
    assert steps == [
        GreenAuditEvent.APPLICATION_SUBMITTED,
        GreenAuditEvent.ELIGIBILITY_CHECKED,
        GreenAuditEvent.COMPLIANCE_CONFIRMED,
        GreenAuditEvent.TRAINING_CONFIRMED,
        GreenAuditEvent.APPLICATION_APPROVED,
        GreenAuditEvent.INSTALMENT_PAID,
        GreenAuditEvent.INSTALMENT_PAID,
        GreenAuditEvent.APPLICATION_CLOSED,
    ]


def _report_outcomes_at_six_months(owner: APIClient, number: str) -> None:
    reported = owner.post(
        "/api/v1/green-outcomes/",
        {
            "application": number,
            "milestone": "6",
            "jobs_created": 4,
            "jobs_retained": 11,
            "energy_saved": "18500",
            "water_saved": "0",
            "waste_diverted": "3.5",
        },
        format="json",
    )
    assert reported.status_code == 201, reported.content


def _assert_the_dashboards_show_the_outcomes(cast: Cast, scheme: Scheme) -> None:
    """Isfahan's analyst sees the outcomes in the row of the province and of the scheme; Kerman's
    analyst sees no row of Isfahan's."""
    isfahan = cast.isfahan.province
    assert isfahan is not None
    dashboard = signed_in_client(cast.alice).get(f"/green/dashboard/?province={isfahan.code}")
    assert dashboard.status_code == 200
    [province] = dashboard.context["provinces"]
    assert (province.key, province.applications, province.reported) == (isfahan.code, 1, 1)
    assert (province.jobs_created, province.jobs_retained) == (4, 11)
    assert (province.energy_saved, province.waste_diverted) == (Decimal("18500.0"), Decimal("3.5"))
    assert province.disbursed == Decimal(250_000_000)
    row = dashboard.content.decode().split('data-testid="province-row"')[1].split("</tr>")[0]
    assert 'data-testid="row-created">۴</td>' in row
    assert "۱۸٬۵۰۰" in row
    # The same figures per scheme.
    [by_scheme] = dashboard.context["schemes"]
    assert (by_scheme.key, by_scheme.applications, by_scheme.disbursed) == (
        str(scheme.pk),
        1,
        Decimal(250_000_000),
    )
    assert (by_scheme.jobs_created, by_scheme.jobs_retained) == (4, 11)
    assert dashboard.content.decode().count('data-testid="scheme-row"') == 1
    # Kerman's analyst sees no row of Isfahan's.
    kerman = signed_in_client(cast.bob).get("/green/dashboard/")
    assert kerman.context["provinces"] == [] and kerman.context["schemes"] == []


def test_a_disbursement_beyond_the_approved_amount_is_refused(offices, cast: Cast):
    from rasad.greenjobs.actions import (
        do_approve_application,
        do_check_eligibility,
        do_confirm_compliance,
        do_confirm_training,
    )
    from rasad.greenjobs.testing import apply

    application = apply(offices["scheme"], offices["business"])
    for step in (do_check_eligibility, do_confirm_compliance, do_confirm_training):
        application = step(application, acting_user=None)
    application = do_approve_application(application, 100_000_000, acting_user=None)
    labour = api_client(offices["labour"])
    today = local_date(application.submitted_at).isoformat()
    with assert_nothing_changed("greenjobs.instalment", "greenjobs.application"):
        answer = labour.post(
            f"/api/v1/green-applications/{application.pk}/instalments/",
            {"amount": "100000001", "paid_on": today},
        )
    assert answer.status_code == 400
    assert list(answer.json()["error"]["fields"]) == ["amount"]


def test_an_approval_beyond_the_remaining_budget_is_refused(offices):
    from rasad.greenjobs.actions import do_check_eligibility, do_confirm_compliance, do_confirm_training
    from rasad.greenjobs.testing import apply

    scheme = make_scheme(
        offices["scheme"].labour_office,
        budget=400_000_000,
        max_amount=300_000_000,
        environment=offices["scheme"].environment_office,
        training=offices["scheme"].training_office,
    )
    ids = []
    for _ in range(2):
        application = apply(scheme, offices["business"], amount=300_000_000)
        for step in (do_check_eligibility, do_confirm_compliance, do_confirm_training):
            application = step(application, acting_user=None)
        ids.append(application.pk)
    labour = api_client(offices["labour"])
    assert (
        labour.post(f"/api/v1/green-applications/{ids[0]}/approve/", {"amount": "300000000"}).status_code
        == 200
    )
    with assert_nothing_changed("greenjobs.application", "greenjobs.scheme"):
        answer = labour.post(f"/api/v1/green-applications/{ids[1]}/approve/", {"amount": "200000000"})
    assert answer.status_code == 400
    assert "amount" in answer.json()["error"]["fields"]
    assert Scheme.objects.get(pk=scheme.pk).committed == Decimal(300_000_000)


def test_an_application_to_a_closed_scheme_is_refused(offices):
    closed = make_scheme(offices["scheme"].labour_office, open_days=(-30, -1))
    owner = api_client(offices["owner"])
    with assert_nothing_changed("greenjobs.application"):
        answer = owner.post(
            "/api/v1/green-applications/",
            {
                "scheme": closed.code,
                "business": offices["business"].organization.code,
                "amount_requested": "1000",
                "purpose": "x",
                "jobs_planned": 1,
            },
            format="json",
        )
    assert answer.status_code == 400
    assert list(answer.json()["error"]["fields"]) == ["scheme"]


@pytest.mark.parametrize(
    ("name", "content", "field"),
    [("tool.exe", b"MZ\x90\x00", "file"), ("scan.pdf", b"not a pdf", "file")],
)
def test_a_document_of_a_forbidden_type_is_refused(offices, name, content, field):
    owner = api_client(offices["owner"])
    pk = _apply(owner, offices["scheme"], offices["business"])
    with assert_nothing_changed("greenjobs.document"):
        answer = _attach(owner, pk, name, content)
    assert answer.status_code == 400
    assert list(answer.json()["error"]["fields"]) == [field]


def test_a_document_too_large_is_refused(offices, settings):
    owner = api_client(offices["owner"])
    pk = _apply(owner, offices["scheme"], offices["business"])
    with assert_nothing_changed("greenjobs.document"):
        answer = _attach(owner, pk, "big.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024 + 1))
    assert answer.status_code == 400
    assert list(answer.json()["error"]["fields"]) == ["file"]


def test_an_eligibility_rule_on_an_unknown_field_is_refused(cast: Cast):
    from rasad.greenjobs.testing import _scheme_payload

    body = _scheme_payload(cast, cast.isfahan)
    body["rules"] = [{"field": "favourite_colour", "effect": "require", "value": True}]
    with assert_nothing_changed("greenjobs.scheme"):
        answer = api_client(cast.root).post("/api/v1/green-schemes/", body, format="json")
    assert answer.status_code == 400
    assert list(answer.json()["error"]["fields"]) == ["rules[0].field"]


def test_another_province_sees_none_of_it(offices, cast: Cast):
    from rasad.greenjobs.testing import apply

    apply(offices["scheme"], offices["business"])
    kerman = make_business(cast.kerman)
    apply(make_scheme(cast.kerman), kerman)
    bob = api_client(cast.bob)
    alice = api_client(cast.alice)
    for path in ("green-applications", "green-schemes", "green-businesses"):
        bobs = bob.get(f"/api/v1/{path}/").json()["results"]
        alices = alice.get(f"/api/v1/{path}/").json()["results"]
        assert bobs and alices
        assert {r["id"] for r in bobs}.isdisjoint({r["id"] for r in alices}), path


def test_a_business_that_fails_a_required_rule_cannot_pass_eligibility(offices, cast: Cast):
    from rasad.greenjobs.testing import apply

    other = make_business(offices["scheme"].labour_office, occupations=("eco-lodge-manager",))
    application = apply(offices["scheme"], other)
    labour = api_client(offices["labour"])
    with assert_nothing_changed("greenjobs.application"):
        answer = labour.post(f"/api/v1/green-applications/{application.pk}/check-eligibility/")
    assert answer.status_code == 400
    assert list(answer.json()["error"]["fields"]) == ["eligibility"]
    refused = labour.post(
        f"/api/v1/green-applications/{application.pk}/refuse/", {"reason": "شغل در فهرست نیست"}
    )
    assert refused.json()["stage"] == "refused"


def test_a_returned_application_goes_back_to_the_office_that_returned_it(offices):
    from rasad.greenjobs.actions import do_check_eligibility
    from rasad.greenjobs.testing import apply

    application = do_check_eligibility(apply(offices["scheme"], offices["business"]), acting_user=None)
    environment = api_client(offices["environment"])
    returned = environment.post(
        f"/api/v1/green-applications/{application.pk}/return/", {"reason": "گزارش پسماند پیوست نیست"}
    )
    assert returned.json()["stage"] == "returned"
    owner = api_client(offices["owner"])
    again = owner.post(
        f"/api/v1/green-applications/{application.pk}/resubmit/", {"jobs_planned": 4, "note": "اصلاح شد"}
    )
    assert (again.json()["stage"], again.json()["jobs_planned"]) == ("eligible", 4)


def test_the_applications_export_holds_what_the_office_sees_with_jalali_and_iso_days(
    offices, cast: Cast, settings, tmp_path
):
    from django.utils import timezone

    from rasad.jobs.testing import exported
    from rasad.lib import formatting
    from rasad.testing.tabular import xlsx_rows

    settings.MEDIA_ROOT = tmp_path / "media"
    owner = api_client(offices["owner"])
    pk = _apply(owner, offices["scheme"], offices["business"])
    assert _attach(owner, pk).status_code == 201
    assert owner.post(f"/api/v1/green-applications/{pk}/submit/").status_code == 200
    application = Application.objects.get(pk=pk)
    rows = xlsx_rows(exported(signed_in_client(offices["labour"]), "green-applications", "xlsx"))
    header = rows[1]
    [row] = [dict(zip(header, values, strict=True)) for values in rows[2:]]
    assert row["number"] == application.number
    assert (row["applicant_code"], row["scheme_code"], row["stage_code"]) == (
        offices["business"].organization.code,
        offices["scheme"].code,
        "submitted",
    )
    assert (row["amount_requested"], row["jobs_planned"]) == (300000000, 3)
    today = local_date(timezone.now())
    assert row["submitted_on_iso"] == today.isoformat()
    assert row["submitted_on"] == formatting.date_text(today)
    # Another province's analyst exports nothing of it.
    assert xlsx_rows(exported(signed_in_client(cast.bob), "green-applications", "xlsx"))[2:] == []
