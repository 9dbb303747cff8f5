"""Matrix factories for the assessments API (see rasad.testing.factories), and the helpers the
assessments tests share.

A matrix instrument is a draft owned by the organization it is made in; a matrix cycle is a
draft run by it; a matrix assessment is the organization's own, in a cycle it runs over itself
(so that exactly the people who see the organization see each of them)."""

from __future__ import annotations

import itertools
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from rasad.assessments.actions import (
    CycleValues,
    InstrumentValues,
    do_create_instrument,
    do_launch_cycle,
    do_save_cycle,
)
from rasad.assessments.models import Assessment, Cycle, Instrument
from rasad.core.actions.people import do_create_user, do_grant_role
from rasad.core.models import Organization, Role, User
from rasad.testing.cast import PASSWORD, Cast
from rasad.testing.factories import register

_sequence = itertools.count(1)


def starter(code: str = "PD-INFRA") -> Instrument:
    return Instrument.objects.get(code=code, version=1)


def person(username: str, organization: Organization, role: str = "coordinator", *, name: str = "") -> User:
    """A person with one role over ``organization``'s subtree (``name``: shown instead of the
    user name)."""
    user = do_create_user(
        username,
        acting_user=None,
        password=PASSWORD,
        display_name=name or "ارزیاب آزمایشی",
        organization=organization,
        validate=False,
    )
    do_grant_role(user, Role.objects.get(slug=role), acting_user=None, organization=organization)
    return user


def cycle_values(organization: Organization, instrument: Instrument, **values: Any) -> CycleValues:
    today = timezone.localdate()
    return CycleValues(
        organization=organization,
        instrument=instrument,
        name=values.pop("name", f"دوره ارزیابی آزمایشی {next(_sequence)}"),
        opens_on=values.pop("opens_on", today - timedelta(days=1)),
        closes_on=values.pop("closes_on", today + timedelta(days=30)),
        scope_root=values.pop("scope_root", organization),
        **values,
    )


def make_cycle(
    organization: Organization, *, user: User, instrument: Instrument | None = None, **values: Any
) -> Cycle:
    return do_save_cycle(cycle_values(organization, instrument or starter(), **values), acting_user=user)


@register("assessments.instrument")
def make_matrix_instrument(cast: Cast, organization: Organization) -> Instrument:
    return do_create_instrument(
        InstrumentValues(
            code=f"MX-{next(_sequence)}",
            name="چک‌لیست آزمایشی",
            kind="compliance",
            total_points=Decimal(100),
            owner=organization,
        ),
        acting_user=cast.root,
    )


def _cycle_payload(cast: Cast, organization: Organization) -> dict[str, Any]:
    today = timezone.localdate()
    return {
        "organization": organization.code,
        "instrument": starter().pk,
        "name": "دوره ارزیابی از راه API",
        "opens_on": today.isoformat(),
        "closes_on": (today + timedelta(days=30)).isoformat(),
        "scope_root": organization.code,
    }


@register("assessments.cycle", create_payload=_cycle_payload)
def make_matrix_cycle(cast: Cast, organization: Organization) -> Cycle:
    return make_cycle(organization, user=cast.root)


@register("assessments.assessment")
def make_matrix_assessment(cast: Cast, organization: Organization) -> Assessment:
    cycle = make_cycle(organization, user=cast.root, scope_kinds=[organization.kind])
    do_launch_cycle(cycle, acting_user=cast.root)
    return Assessment.objects.get(cycle=cycle, organization=organization)


def matrix_item(cast: Cast, organization: Organization) -> Any:
    """An item of a draft instrument owned by ``organization`` (the starter safety guideline's
    structure imported into it)."""
    from rasad.assessments.actions import do_import_instrument
    from rasad.assessments.spreadsheet import instrument_file

    content, _type, name = instrument_file(starter(), "xlsx")
    instrument = do_import_instrument(
        InstrumentValues(
            code=f"MX-{next(_sequence)}",
            name="چک‌لیست آزمایشی",
            kind="compliance",
            total_points=Decimal(starter().total_points),
            owner=organization,
        ),
        content,
        name,
        acting_user=cast.root,
    )
    item = instrument.sections.first().criteria.first().items.first()  # type: ignore[union-attr]
    assert item is not None
    return item


def matrix_section(cast: Cast, organization: Organization) -> Any:
    """A section of a draft instrument owned by ``organization`` (see ``matrix_item``)."""
    return matrix_item(cast, organization).criterion.section


def matrix_criterion(cast: Cast, organization: Organization) -> Any:
    """A criterion of a draft instrument owned by ``organization`` (see ``matrix_item``)."""
    return matrix_item(cast, organization).criterion


def matrix_evidence(cast: Cast, organization: Organization) -> Any:
    """A file of ``organization``'s own self-assessment (see ``make_matrix_assessment``)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from rasad.assessments.actions import do_add_evidence

    assessment = make_matrix_assessment(cast, organization)
    upload = SimpleUploadedFile("evidence.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    return do_add_evidence(assessment, upload, acting_user=cast.root, description="مدرک آزمایشی")


@register("assessments.risk")
def matrix_risk(cast: Cast, organization: Organization) -> Any:
    """A risk case of ``organization`` (raised and owned by it), rated likelihood 4 × impact 5."""
    from rasad.cases.testing import open_challenge

    return open_challenge(
        cast, organization, kind="risk", title="خطر آزمایشی", likelihood=4, impact=5, user=cast.root
    )


@register("assessments.riskaction")
def matrix_risk_action(cast: Cast, organization: Organization) -> Any:
    """A treatment action of ``matrix_risk``, owed by ``organization`` in a month."""
    from rasad.assessments.actions.risks import do_add_risk_action

    return do_add_risk_action(
        matrix_risk(cast, organization),
        "اقدام آزمایشی",
        organization,
        timezone.localdate() + timedelta(days=30),
        acting_user=cast.root,
    )


def matrix_finding(cast: Cast, organization: Organization) -> Any:
    """A finding (its first section not met) of ``organization``'s own assessment."""
    from rasad.assessments.models import Finding

    assessment = make_matrix_assessment(cast, organization)
    section = assessment.cycle.instrument.sections.order_by("order").first()
    assert section is not None
    return Finding.objects.create(assessment=assessment, section=section)


@register("assessments.riskrating")
def matrix_risk_rating(cast: Cast, organization: Organization) -> Any:
    """The residual rating of ``matrix_risk`` (2 × 3, reviewed in a month)."""
    from rasad.assessments.actions.risks import RatingValues, do_rate_risk

    return do_rate_risk(
        matrix_risk(cast, organization),
        RatingValues(2, 3, timezone.localdate() + timedelta(days=30)),
        acting_user=cast.root,
    )


def _submit(assessment: Assessment, answerer: User, exceptions: dict[str, Any]) -> tuple[list[Any], Any]:
    """Answer every item "yes" (a number 72, a choice "2") but for ``exceptions``, attach the
    evidence and submit; the items and the answers given."""
    from rasad.assessments.actions import do_save_answers, do_submit_assessment
    from rasad.assessments.demo import _answers, _evidence
    from rasad.assessments.models import Item

    items = list(
        Item.objects.filter(instrument_id=assessment.cycle.instrument_id)
        .select_related("criterion__section")
        .order_by("criterion__section__order", "criterion__order", "order")
    )
    answers = _answers(items, exceptions)
    do_save_answers(assessment, answers, acting_user=answerer)
    _evidence(assessment, items, answerer, {k: str(v) for k, v in exceptions.items()})
    do_submit_assessment(assessment, acting_user=answerer)
    return items, answers


def make_submitted(assessment: Assessment, *, answerer: User) -> Assessment:
    """``assessment`` self-assessed (every item "yes"), with its evidence, and submitted."""
    _submit(assessment, answerer, {})
    assessment.refresh_from_db()
    return assessment


def make_final(
    assessment: Assessment,
    *,
    answerer: User,
    manager: User,
    assessor: User,
    assessor_organization: Organization,
    exceptions: dict[str, Any] | None = None,
) -> Assessment:
    """Take ``assessment`` through every step to final, through the actions: every item answered
    "yes" (a number 72, a choice "2") but for ``exceptions`` ({item code: answer}), the evidence
    attached, submitted, reviewed as answered, agreed and finalized."""
    from rasad.assessments.actions import (
        do_agree_consensus,
        do_assign_assessor,
        do_finalize_assessment,
        do_save_review_scores,
        do_submit_review,
    )
    from rasad.assessments.demo import _review_of

    items, answers = _submit(assessment, answerer, exceptions or {})
    review = do_assign_assessor(assessment, assessor, assessor_organization, acting_user=manager)
    do_save_review_scores(review, _review_of(items, answers), acting_user=assessor)
    do_submit_review(review, acting_user=assessor)
    do_agree_consensus(assessment, [], acting_user=assessor)
    return do_finalize_assessment(assessment, acting_user=manager)
