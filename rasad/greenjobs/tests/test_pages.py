"""The green-jobs pages as a person uses them: the application form (files included), each
office's queue and its step, the scheme's budget use, and refusals for another province."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from rasad.core.actions.people import do_create_user, do_grant_role
from rasad.core.models import Role, User
from rasad.greenjobs.models import Application, Document
from rasad.greenjobs.testing import make_business, make_scheme, make_workshop
from rasad.testing.api import assert_nothing_changed
from rasad.testing.cast import Cast
from rasad.testing.web import signed_in_client

pytestmark = pytest.mark.django_db


def _person(name: str, organization, role: str) -> User:
    user = do_create_user(name, acting_user=None, password=None, organization=organization)
    do_grant_role(user, Role.objects.get(slug=role), acting_user=None, organization=organization)
    return user


@pytest.fixture
def world(cast: Cast):
    labour = make_workshop(cast.isfahan, kind="provincial_office", name="اداره کار")
    environment = make_workshop(cast.isfahan, kind="provincial_office", name="اداره محیط زیست")
    business = make_business(labour)
    scheme = make_scheme(labour, labour=labour, environment=environment, training=labour)
    return {
        "scheme": scheme,
        "business": business,
        "owner": _person("owner", business.organization, "reporter"),
        "labour": _person("labour", labour, "analyst"),
        "environment": _person("environment", environment, "analyst"),
    }


def _form(world, **changes):
    data = {
        "business": str(world["business"].pk),
        "amount_requested": "۲۵۰٬۰۰۰٬۰۰۰",
        "purpose": "نصب پنل خورشیدی",
        "jobs_planned": "۳",
        "document_business-licence": SimpleUploadedFile("licence.pdf", b"%PDF-1.4 x"),
    }
    data.update(changes)
    return data


def test_a_workshop_applies_from_the_form_in_persian_digits(world):
    client = signed_in_client(world["owner"])
    url = f"/green/schemes/{world['scheme'].pk}/apply/"
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="document_business-licence"' in page.content.decode()
    answer = client.post(url, _form(world))
    application = Application.objects.get()
    assert answer.status_code == 302 and answer["Location"] == f"/green/applications/{application.pk}/"
    assert (application.stage, int(application.amount_requested), application.jobs_planned) == (
        "submitted",
        250_000_000,
        3,
    )
    assert application.documents.get().name == "licence.pdf"


def test_a_bad_document_keeps_nothing_and_names_the_field(world):
    client = signed_in_client(world["owner"])
    with assert_nothing_changed("greenjobs.application", "greenjobs.document"):
        answer = client.post(
            f"/green/schemes/{world['scheme'].pk}/apply/",
            _form(world, **{"document_business-licence": SimpleUploadedFile("run.exe", b"MZ")}),
        )
    assert answer.status_code == 200
    assert 'data-field-error="document_business-licence"' in answer.content.decode()
    assert Document.objects.count() == 0


def test_an_application_above_the_schemes_most_is_refused_naming_the_amount(world):
    client = signed_in_client(world["owner"])
    with assert_nothing_changed("greenjobs.application"):
        answer = client.post(
            f"/green/schemes/{world['scheme'].pk}/apply/", _form(world, amount_requested="900000000")
        )
    assert 'data-field-error="amount_requested"' in answer.content.decode()


def test_each_office_sees_its_step_in_its_queue(world):
    from rasad.greenjobs.testing import apply

    application = apply(world["scheme"], world["business"])
    labour = signed_in_client(world["labour"])
    environment = signed_in_client(world["environment"])
    assert f"/green/applications/{application.pk}/" in labour.get("/green/queue/").content.decode()
    assert f"/green/applications/{application.pk}/" not in environment.get("/green/queue/").content.decode()
    assert environment.get(f"/green/applications/{application.pk}/compliance/").status_code == 404
    done = labour.post(f"/green/applications/{application.pk}/eligibility/", {"note": "کامل"})
    assert done.status_code == 302
    assert f"/green/applications/{application.pk}/" in environment.get("/green/queue/").content.decode()
    detail = environment.get(f"/green/applications/{application.pk}/").content.decode()
    assert 'data-testid="step-compliance"' in detail


def test_the_scheme_page_shows_the_budget_used(world):
    from rasad.greenjobs.actions import (
        do_approve_application,
        do_check_eligibility,
        do_confirm_compliance,
        do_confirm_training,
    )
    from rasad.greenjobs.testing import apply

    application = apply(world["scheme"], world["business"])
    for step in (do_check_eligibility, do_confirm_compliance, do_confirm_training):
        application = step(application, acting_user=None)
    do_approve_application(application, 250_000_000, acting_user=None)
    page = signed_in_client(world["labour"]).get(f"/green/schemes/{world['scheme'].pk}/").content.decode()
    assert "۲۵۰٬۰۰۰٬۰۰۰" in page.split('data-testid="committed"')[1][:80]
    assert "۷۵۰٬۰۰۰٬۰۰۰" in page.split('data-testid="remaining"')[1][:80]
    # The bar's legend gives the yellow part its amount, as it gives the paid and the free parts.
    assert "۲۵۰٬۰۰۰٬۰۰۰ ریال" in page.split('data-testid="budget-unpaid"')[1][:200]


def test_another_province_is_refused_as_if_nothing_were_there(world, cast: Cast):
    from rasad.greenjobs.testing import apply

    application = apply(world["scheme"], world["business"])
    bob = signed_in_client(cast.bob)
    for url in (
        f"/green/applications/{application.pk}/",
        f"/green/schemes/{world['scheme'].pk}/",
        f"/green/businesses/{world['business'].pk}/",
        f"/green/documents/{application.documents.get().pk}/",
    ):
        assert bob.get(url).status_code == 404, url
    assert application.number not in bob.get("/green/applications/").content.decode()
