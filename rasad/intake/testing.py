"""Matrix factories for the intake app's API models (see rasad.testing.factories), and helpers
the intake tests share."""

from __future__ import annotations

import itertools

from rasad.core.models import Organization
from rasad.intake.actions import (
    Acceptance,
    AliasValues,
    SubmissionValues,
    do_accept_proposals,
    do_add_alias,
    do_submit_document,
)
from rasad.intake.models import IntakeDocument, KnownPerson, OrganizationAlias, Proposal
from rasad.intake.reading import read_pasted
from rasad.testing.cast import Cast
from rasad.testing.factories import register

_sequence = itertools.count(1)

SAMPLE = (
    "۱۳ اسفند ۱۴۰۳\n"
    "سردار غلامرضا جلالی رئیس سازمان پدافند غیرعامل در استان اصفهان گفت: "
    "مرکز فرماندهی استان باید گزارش پاسگاه‌ها را تا پایان سال ارسال کند."
)


def submit(cast: Cast, organization: Organization, text: str = SAMPLE, **values: object) -> IntakeDocument:
    return do_submit_document(
        SubmissionValues(
            read_pasted(text), organization, str(values.get("title") or f"سند آزمایشی {next(_sequence)}")
        ),
        acting_user=cast.root,
    )


def _document_payload(cast: Cast, organization: Organization) -> dict[str, object]:
    return {"organization": organization.code, "text": SAMPLE, "title": f"سند ماتریس {next(_sequence)}"}


@register("intake.intakedocument", create_payload=_document_payload)
def make_document(cast: Cast, organization: Organization) -> IntakeDocument:
    return submit(cast, organization)


@register("intake.proposal")
def make_proposal(cast: Cast, organization: Organization) -> Proposal:
    return submit(cast, organization).proposals.get(field="person")


def _alias_payload(cast: Cast, organization: Organization) -> dict[str, object]:
    return {"organization": organization.code, "alias": f"نام دیگر {next(_sequence)}"}


@register("intake.organizationalias", create_payload=_alias_payload)
def make_alias(cast: Cast, organization: Organization) -> OrganizationAlias:
    return do_add_alias(AliasValues(organization, f"نام دیگر {next(_sequence)}"), acting_user=cast.root)


@register("intake.knownperson")
def make_person(cast: Cast, organization: Organization) -> KnownPerson:
    document = submit(cast, organization)
    proposal = document.proposals.get(field="person")
    (accepted,) = do_accept_proposals(
        document,
        [Acceptance(proposal, "intake.person", {"organization_code": organization.code})],
        acting_user=cast.root,
    )
    person = accepted.record
    assert isinstance(person, KnownPerson)
    return person
