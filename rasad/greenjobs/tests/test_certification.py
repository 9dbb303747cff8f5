"""Greening certification: the business asks with its submitted greening checklist, the
environment office records the site visit and grants the certificate for some Jalali months or
refuses it; a renewal runs on from the old certificate; the 30-day expiry notice is sent once,
however many times the task runs."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from rest_framework.test import APIClient

from rasad.cases.models import Notification
from rasad.core.actions.people import do_create_user, do_grant_role
from rasad.core.models import Organization, Role, User
from rasad.greenjobs.actions import (
    add_months,
    do_grant_certificate,
    do_record_site_visit,
    do_request_certificate,
)
from rasad.greenjobs.forms import CertificateChoiceField, CertificateRequestForm
from rasad.greenjobs.models import Business, Certificate
from rasad.greenjobs.tasks import notify_expiring
from rasad.greenjobs.testing import greening_checklist, make_business, make_workshop
from rasad.lib.jalali import local_date
from rasad.lib.persian import to_persian_digits
from rasad.testing.api import assert_nothing_changed
from rasad.testing.cast import Cast

pytestmark = pytest.mark.django_db


def _person(name: str, organization, role: str) -> User:
    user = do_create_user(name, acting_user=None, password=None, organization=organization)
    do_grant_role(user, Role.objects.get(slug=role), acting_user=None, organization=organization)
    return user


def _client(user: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def world(cast: Cast):
    office = make_workshop(cast.isfahan, kind="provincial_office", name="اداره محیط زیست")
    business = make_business(cast.isfahan)
    return {
        "office": office,
        "business": business,
        "checklist": greening_checklist(business, office),
        "officer": _person("env-officer", office, "analyst"),
        "owner": _person("owner", business.organization, "reporter"),
    }


def test_the_environment_office_certifies_a_business_after_its_visit(world):
    owner, officer = _client(world["owner"]), _client(world["officer"])
    asked = owner.post(
        "/api/v1/green-certificates/",
        {
            "business": world["business"].organization.code,
            "office": world["office"].code,
            "assessment": world["checklist"].pk,
        },
        format="json",
    )
    assert asked.status_code == 201, list(asked.json()["error"]["fields"])
    pk = asked.json()["id"]
    assert officer.post(f"/api/v1/green-certificates/{pk}/grant/", {"valid_months": 24}).status_code == 400
    today = local_date(timezone.now())
    visited = officer.post(
        f"/api/v1/green-certificates/{pk}/visit/",
        {"visited_on": today.isoformat(), "findings": "پسماند تفکیک می‌شود؛ روشنایی کم‌مصرف است."},
    )
    assert visited.json()["status"] == "visited"
    granted = officer.post(f"/api/v1/green-certificates/{pk}/grant/", {"valid_months": 24})
    assert granted.json()["status"] == "granted"
    assert granted.json()["valid_until"] == add_months(today, 24).isoformat()
    assert Business.objects.get(pk=world["business"].pk).certified_until == add_months(today, 24)
    # The business cannot decide its own certification.
    assert owner.post(f"/api/v1/green-certificates/{pk}/refuse/", {"reason": "x"}).status_code == 404


def test_a_request_without_a_submitted_greening_checklist_is_refused(world, cast: Cast):
    other = make_business(cast.isfahan)
    with assert_nothing_changed("greenjobs.certificate"):
        answer = _client(world["owner"]).post(
            "/api/v1/green-certificates/",
            {"business": world["business"].organization.code, "office": world["office"].code},
            format="json",
        )
    assert answer.status_code == 400
    assert list(answer.json()["error"]["fields"]) == ["assessment"]
    with pytest.raises(ValidationError) as refused:
        do_request_certificate(other, office=world["office"], assessment=world["checklist"], acting_user=None)
    assert list(refused.value.message_dict) == ["assessment"]


def _granted(world, months: int = 12) -> Certificate:
    certificate = do_request_certificate(
        world["business"], office=world["office"], assessment=world["checklist"], acting_user=None
    )
    certificate = do_record_site_visit(
        certificate, visited_on=local_date(timezone.now()), findings="مطابق الزامات", acting_user=None
    )
    return do_grant_certificate(certificate, valid_months=months, acting_user=None)


def test_the_expiry_notice_goes_once_thirty_days_ahead(world):
    certificate = _granted(world, months=12)
    valid_until = certificate.valid_until
    assert valid_until is not None
    assert notify_expiring(valid_until - timedelta(days=31)) == 0
    assert notify_expiring(valid_until - timedelta(days=30)) == 1
    assert notify_expiring(valid_until - timedelta(days=30)) == 0
    assert notify_expiring(valid_until - timedelta(days=29)) == 0
    notices = Notification.objects.filter(user=world["owner"])
    assert notices.count() == 1
    assert "GC-" in notices.get().message or "۰" in notices.get().message
    assert Certificate.objects.get(pk=certificate.pk).expiry_notified_on == valid_until - timedelta(days=30)


def test_the_expiry_notice_reads_in_each_reader_s_language(world):
    """Session 23 left it stored in Persian for every reader; an English reader reads it in
    English, with the Gregorian day and Latin digits, and the stored text stays Persian."""
    from rasad.lib import display

    owner = world["owner"]
    User.objects.filter(pk=owner.pk).update(language="en", persian_digits=False, calendar="gregorian")
    owner.refresh_from_db()
    certificate = _granted(world, months=12)
    valid_until = certificate.valid_until
    assert valid_until is not None
    assert notify_expiring(valid_until - timedelta(days=30)) == 1
    notice = Notification.objects.get(user=owner)
    with display.speaking(owner, "en"):
        text = notice.text
    assert text.startswith(f"The green certificate {certificate.number} of ")
    assert f"expires on {valid_until.day} {valid_until:%B %Y}. Ask" in text, text
    assert to_persian_digits(certificate.number) in notice.message and "تمدید" in notice.message


def test_a_renewal_runs_on_from_the_old_certificate(world):
    old = _granted(world, months=12)
    assert old.valid_until is not None
    renewal = do_request_certificate(world["business"], office=world["office"], renews=old, acting_user=None)
    renewal = do_record_site_visit(
        renewal, visited_on=local_date(timezone.now()), findings="همچنان مطابق", acting_user=None
    )
    renewal = do_grant_certificate(renewal, valid_months=12, acting_user=None)
    assert renewal.valid_until == add_months(old.valid_until, 12)
    assert Business.objects.get(pk=world["business"].pk).certified_until == renewal.valid_until
    # A renewal on its way: no expiry notice for the old one.
    assert notify_expiring(old.valid_until - timedelta(days=10)) == 0


def test_another_province_sees_no_certificate(world, cast: Cast):
    _granted(world)
    assert _client(cast.bob).get("/api/v1/green-certificates/").json()["results"] == []
    assert len(_client(cast.alice).get("/api/v1/green-certificates/").json()["results"]) == 1


def test_the_office_refuses_with_its_reasons_which_the_business_reads(world):
    from rasad.core.models import AuditEvent
    from rasad.greenjobs.audit import GreenAuditEvent

    owner, officer = _client(world["owner"]), _client(world["officer"])
    certificate = do_request_certificate(
        world["business"], office=world["office"], assessment=world["checklist"], acting_user=None
    )
    url = f"/api/v1/green-certificates/{certificate.pk}/refuse/"
    with assert_nothing_changed("greenjobs.certificate"):
        empty = officer.post(url, {"reason": "  "}, format="json")
    assert empty.status_code == 400 and list(empty.json()["error"]["fields"]) == ["reason"]
    reason = "پساب صنعتی بدون تصفیه به مسیل تخلیه می‌شود؛ پس از نصب تصفیه‌خانه دوباره درخواست دهید."
    refused = officer.post(url, {"reason": reason}, format="json")
    assert refused.status_code == 200, refused.content
    assert (refused.json()["status"], refused.json()["reason"]) == ("refused", reason)
    # The business reads the reasons; its certification date did not move; the refusal is audited.
    seen = owner.get(f"/api/v1/green-certificates/{certificate.pk}/").json()
    assert (seen["status"], seen["reason"]) == ("refused", reason)
    assert Business.objects.get(pk=world["business"].pk).certified_until is None
    event = AuditEvent.objects.get(
        event_type=GreenAuditEvent.CERTIFICATE_REFUSED, object_id=str(certificate.pk)
    )
    assert event.organization_id == world["business"].organization.pk
    # A refused certificate cannot then be granted.
    assert (
        officer.post(f"/api/v1/green-certificates/{certificate.pk}/grant/", {"valid_months": 12}).status_code
        == 400
    )


def test_the_request_form_offers_a_certificate_to_renew_by_its_number_in_the_readers_digits(world):
    old = _granted(world, months=12)
    form = CertificateRequestForm(
        businesses=Business.objects.all(),
        offices=Organization.objects.all(),
        assessments=Business.objects.none(),
        certificates=Certificate.objects.filter(pk=old.pk),
    )
    assert isinstance(form.fields["renews"], CertificateChoiceField)
    offered = str(form["renews"])
    assert f">{to_persian_digits(old.number)}</option>" in offered  # as every code on the page
    assert old.number not in offered
