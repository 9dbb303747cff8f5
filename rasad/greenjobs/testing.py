"""Matrix factories for the green-jobs API models (see rasad.testing.factories), and helpers the
green-jobs tests share.

A business is a workshop made under the organization given. A scheme is run by the organization
given, which also acts as its three offices. An application is made by a new workshop under the
organization given, to a scheme run (and reviewed) by that workshop, so that every way of seeing
the application leads to the same organization."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from rasad.core.actions.organizations import OrganizationValues, do_create_organization
from rasad.core.choices import OrganizationKind
from rasad.core.models import Organization, User
from rasad.greenjobs.actions import (
    ApplicationValues,
    BusinessValues,
    SchemeValues,
    do_apply,
    do_save_business,
    do_save_scheme,
)
from rasad.greenjobs.models import Application, Business, Occupation, Scheme
from rasad.greenjobs.occupations import load as load_occupations
from rasad.lib.jalali import local_date
from rasad.lib.persian import to_persian_digits
from rasad.testing.cast import Cast
from rasad.testing.factories import register

_sequence = itertools.count(1)
PDF = b"%PDF-1.4\n% test document\n"


def occupation(code: str = "solar-installer") -> Occupation:
    load_occupations()
    found: Occupation = Occupation.objects.get(code=code)
    return found


def make_workshop(
    parent: Organization, *, kind: str = OrganizationKind.WORKSHOP, name: str = ""
) -> Organization:
    number = next(_sequence)
    return do_create_organization(
        OrganizationValues(
            code=f"GRN-{parent.pk}-{number}",
            name=name or f"کارگاه سبز آزمایشی {to_persian_digits(str(number))}",
            kind=kind,
            parent=parent,
            province=parent.province,
            latitude=parent.latitude,
            longitude=parent.longitude,
        ),
        acting_user=User.objects.filter(is_superuser=True).order_by("pk").first(),
    )


def make_business(
    parent: Organization,
    *,
    knowledge_based: bool = False,
    occupations: tuple[str, ...] = ("solar-installer",),
    employees: int = 6,
    organization: Organization | None = None,
) -> Business:
    return do_save_business(
        BusinessValues(
            organization=organization or make_workshop(parent),
            sector_code="4321",
            size="micro",
            employees=employees,
            knowledge_based=knowledge_based,
            occupations=[occupation(code) for code in occupations],
        ),
        acting_user=None,
    )


def make_scheme(
    organization: Organization,
    *,
    labour: Organization | None = None,
    environment: Organization | None = None,
    training: Organization | None = None,
    budget: int = 1_000_000_000,
    max_amount: int = 500_000_000,
    rules: list[dict[str, Any]] | None = None,
    documents: list[dict[str, str]] | None = None,
    open_days: tuple[int, int] = (-10, 30),
) -> Scheme:
    today = local_date(timezone.now())
    return do_save_scheme(
        SchemeValues(
            organization=organization,
            code=f"scheme-{next(_sequence)}",
            title=f"طرح تسهیلات مشاغل سبز {to_persian_digits(str(next(_sequence)))}",
            kind="loan",
            budget=budget,
            max_amount=max_amount,
            opens_on=today + timedelta(days=open_days[0]),
            closes_on=today + timedelta(days=open_days[1]),
            labour_office=labour or organization,
            environment_office=environment or organization,
            training_office=training or organization,
            rules=rules
            if rules is not None
            else [{"field": "occupation", "effect": "require", "value": ["solar-installer"]}],
            documents=documents
            if documents is not None
            else [{"code": "business-licence", "name": "پروانهٔ کسب"}],
        ),
        acting_user=None,
    )


def pdf(name: str = "licence.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def apply(
    scheme: Scheme, business: Business, *, amount: int = 300_000_000, acting_user: Any = None
) -> Application:
    return do_apply(
        ApplicationValues(
            scheme=scheme,
            business=business,
            amount_requested=Decimal(amount),
            purpose="خرید و نصب پنل‌های خورشیدی برای کارگاه",
            jobs_planned=3,
        ),
        {d["code"]: pdf() for d in scheme.documents},
        acting_user=acting_user,
    )


def _business_payload(cast: Cast, organization: Organization) -> dict[str, Any]:
    return {
        "organization": make_workshop(organization).code,
        "sector_code": "3830",
        "size": "small",
        "employees": 12,
        "knowledge_based": True,
        "occupations": ["recycling-sorter"],
    }


@register("greenjobs.business", create_payload=_business_payload)
def _make_business(cast: Cast, organization: Organization) -> Business:
    return make_business(organization)


def _scheme_payload(cast: Cast, organization: Organization) -> dict[str, Any]:
    today = local_date(timezone.now())
    return {
        "organization": organization.code,
        "code": f"matrix-scheme-{next(_sequence)}",
        "title": "طرح ماتریس",
        "kind": "grant",
        "labour_office": organization.code,
        "environment_office": organization.code,
        "training_office": organization.code,
        "budget": "900000000",
        "max_amount": "100000000",
        "opens_on": today.isoformat(),
        "closes_on": (today + timedelta(days=60)).isoformat(),
        "rules": [{"field": "knowledge_based", "effect": "priority", "value": True, "points": 10}],
        "documents": [],
    }


@register("greenjobs.scheme", create_payload=_scheme_payload)
def _make_scheme(cast: Cast, organization: Organization) -> Scheme:
    return make_scheme(organization)


def _application_payload(cast: Cast, organization: Organization) -> dict[str, Any]:
    business = make_business(organization)
    scheme = make_scheme(business.organization)
    return {
        "scheme": scheme.code,
        "business": business.organization.code,
        "amount_requested": "200000000",
        "purpose": "نصب پنل خورشیدی",
        "jobs_planned": 2,
    }


@register("greenjobs.application", create_payload=_application_payload)
def _make_application(cast: Cast, organization: Organization) -> Application:
    business = make_business(organization)
    return apply(make_scheme(business.organization), business)


def application_at(cast: Cast, stage: str, organization: Organization | None = None) -> Application:
    """An application of a workshop under ISF-CC (or ``organization``; reviewed by that
    workshop), brought to ``stage`` through the actions (the authorization table's subjects)."""
    from rasad.greenjobs.actions import (
        do_approve_application,
        do_check_eligibility,
        do_confirm_compliance,
        do_confirm_training,
        do_return_application,
    )

    application: Application = _make_application(cast, organization or cast.isfahan)
    if stage == "returned":
        return do_return_application(application, reason="مدرک ناخوانا است", acting_user=None)
    steps: tuple[Callable[..., Application], ...] = (
        do_check_eligibility,
        do_confirm_compliance,
        do_confirm_training,
    )
    for step in steps:
        if stage == application.stage:
            return application
        application = step(application, acting_user=None)
    if stage == "approved":
        application = do_approve_application(application, 100_000_000, acting_user=None)
    return application


def greening_checklist(business: Business, office: Organization) -> Any:
    """The business's greening checklist (the starter instrument GREEN-WS) in a cycle the office
    runs, answered and submitted through the assessments app's actions."""
    from rasad.assessments.actions import (
        AnswerValues,
        CycleValues,
        do_launch_cycle,
        do_save_answers,
        do_save_cycle,
        do_submit_assessment,
    )
    from rasad.assessments.models import Assessment, Instrument
    from rasad.assessments.starter import ensure_loaded

    ensure_loaded()
    root = User.objects.filter(is_superuser=True).order_by("pk").first()
    assert root is not None
    instrument = Instrument.objects.get(code="GREEN-WS", version=1)
    today = local_date(timezone.now())
    cycle = do_save_cycle(
        CycleValues(
            organization=office,
            instrument=instrument,
            name=f"چک‌لیست سبزسازی {to_persian_digits(str(next(_sequence)))}",
            opens_on=today - timedelta(days=1),
            closes_on=today + timedelta(days=30),
            scope_root=business.organization,
            scope_kinds=[business.organization.kind],
        ),
        acting_user=root,
    )
    do_launch_cycle(cycle, acting_user=root)
    assessment = Assessment.objects.get(cycle=cycle, organization=business.organization)
    answers = []
    for item in instrument.items.all():
        if item.item_type == "choice":
            first = item.options[0]
            value = first.get("code", first) if isinstance(first, dict) else first
            answers.append(AnswerValues(item, answer=str(value)))
        else:
            answers.append(AnswerValues(item, answer="na" if item.evidence_required else "yes"))
    do_save_answers(assessment, answers, acting_user=root)
    return do_submit_assessment(assessment, acting_user=root)


def make_certificate_request(organization: Organization) -> Any:
    """A request of a new workshop under ``organization`` to an environment office made under that
    workshop (so that every way of seeing the request leads to the same subtree)."""
    from rasad.greenjobs.actions import do_request_certificate

    business = make_business(organization)
    office = make_workshop(business.organization, kind="provincial_office", name="ادارهٔ محیط زیست آزمایشی")
    return do_request_certificate(
        business, office=office, assessment=greening_checklist(business, office), acting_user=None
    )


def _certificate_payload(cast: Cast, organization: Organization) -> dict[str, Any]:
    business = make_business(organization)
    office = make_workshop(business.organization, kind="provincial_office", name="ادارهٔ محیط زیست آزمایشی")
    return {
        "business": business.organization.code,
        "office": office.code,
        "assessment": greening_checklist(business, office).pk,
    }


@register("greenjobs.certificate", create_payload=_certificate_payload)
def _make_certificate(cast: Cast, organization: Organization) -> Any:
    return make_certificate_request(organization)


def make_certified_business(
    parent: Organization,
    *,
    months: int = 12,
    sector_code: str = "4321",
    knowledge_based: bool = False,
    occupations: tuple[str, ...] = ("solar-installer",),
) -> Business:
    """A workshop under ``parent`` certified green for ``months`` Jalali months through the
    actions: greening checklist, request, site visit today, grant (the public directory lists
    it). The environment office is made under the workshop, like the certificate factory's."""
    from rasad.greenjobs.actions import do_grant_certificate, do_record_site_visit, do_request_certificate

    business = do_save_business(
        BusinessValues(
            organization=make_workshop(parent),
            sector_code=sector_code,
            size="micro",
            employees=6,
            knowledge_based=knowledge_based,
            occupations=[occupation(code) for code in occupations],
        ),
        acting_user=None,
    )
    office = make_workshop(business.organization, kind="provincial_office", name="ادارهٔ محیط زیست آزمایشی")
    certificate = do_request_certificate(
        business, office=office, assessment=greening_checklist(business, office), acting_user=None
    )
    certificate = do_record_site_visit(
        certificate, visited_on=local_date(timezone.now()), findings="پسماند تفکیک می‌شود.", acting_user=None
    )
    do_grant_certificate(certificate, valid_months=months, acting_user=None)
    business.refresh_from_db()
    return business


def paid_application(cast: Cast, organization: Organization | None = None) -> Application:
    """An application under ISF-CC (or ``organization``) approved and paid in part (outcomes may
    be reported)."""
    from rasad.greenjobs.actions import do_pay_instalment

    application = application_at(cast, "approved", organization)
    do_pay_instalment(application, 40_000_000, paid_on=local_date(timezone.now()), acting_user=None)
    return Application.objects.get(pk=application.pk)


def _outcome_payload(cast: Cast, organization: Organization) -> dict[str, Any]:
    return {
        "application": paid_application(cast).number,
        "milestone": "6",
        "jobs_created": 3,
        "jobs_retained": 5,
    }


@register("greenjobs.outcomereport", create_payload=_outcome_payload)
def _make_outcome(cast: Cast, organization: Organization) -> Any:
    from rasad.greenjobs.actions import OutcomeValues, do_report_outcome

    return do_report_outcome(
        paid_application(cast),
        OutcomeValues(milestone="6", jobs_created=2, jobs_retained=4),
        acting_user=None,
    )
