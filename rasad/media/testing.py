"""Matrix factories for the media app's API models (see rasad.testing.factories), and helpers the
media tests share.

A matrix headquarters is the organization the record is made in; its member agency is that
organization's first child (ISF-P1 under ISF-CC), so that exactly the people who see the
organization's subtree see the agency's receipt."""

from __future__ import annotations

import itertools
from datetime import timedelta
from typing import Any

from django.utils import timezone

from rasad.core.actions.organizations import OrganizationValues, do_create_organization
from rasad.core.choices import OrganizationKind
from rasad.core.models import Organization, User
from rasad.media.actions import (
    CrisisValues,
    Deadline,
    PlanValues,
    RumourValues,
    StatementValues,
    do_add_member_agency,
    do_approve_statement,
    do_assign_rumour,
    do_issue_statement,
    do_log_rumour,
    do_open_crisis,
    do_plan_item,
    do_save_statement,
    do_submit_statement,
)
from rasad.media.choices import DeadlineBasis, PlanKind, Severity, StatementKind
from rasad.media.models import Crisis, MemberAgency, PlannedItem, Recipient, Rumour, Statement
from rasad.testing.cast import Cast
from rasad.testing.factories import register

_sequence = itertools.count(1)


def agency_of(organization: Organization) -> Organization:
    """The matrix member agency of a headquarters: its first child."""
    child: Organization = organization.children.order_by("pk")[0]
    return child


def ensure_member(hq: Organization, agency: Organization) -> MemberAgency:
    found = MemberAgency.objects.filter(hq=hq, agency=agency, is_active=True).first()
    return found or do_add_member_agency(hq, agency, acting_user=None)


def make_statement(
    organization: Organization,
    *,
    user: User | None = None,
    kind: str = StatementKind.TALKING_POINTS,
    **values: Any,
) -> Statement:
    return do_save_statement(
        StatementValues(
            organization=organization,
            kind=kind,
            title=values.pop("title", f"محورهای پیام آزمایشی {next(_sequence)}"),
            body=values.pop("body", "۱. قطعی برق برنامه‌ریزی‌شده است.\n\n۲. جدول خاموشی در سایت شرکت است."),
        ),
        acting_user=user,
    )


def approved(statement: Statement, *, user: User | None = None) -> Statement:
    statement = do_submit_statement(statement, acting_user=user)
    return do_approve_statement(statement, acting_user=user)


def issue(
    statement: Statement,
    agencies: list[Organization],
    *,
    user: User | None = None,
    hours: int = 4,
    basis: str = DeadlineBasis.CLOCK,
    **kwargs: Any,
) -> Statement:
    for agency in agencies:
        ensure_member(statement.organization, agency)
    return do_issue_statement(statement, agencies, Deadline(basis, hours), acting_user=user, **kwargs)


def issued_statement(
    organization: Organization,
    agencies: list[Organization] | None = None,
    *,
    user: User | None = None,
    title: str | None = None,
    **kwargs: Any,
) -> Statement:
    draft = make_statement(organization, title=title) if title else make_statement(organization)
    statement = approved(draft)
    chosen = agencies if agencies is not None else [agency_of(organization)]
    return issue(statement, chosen, user=user, **kwargs)


# ---- matrix factories ----------------------------------------------------------------------------


def _member_payload(cast: Cast, organization: Organization) -> dict[str, object]:
    return {"hq": organization.code, "agency": cast.national.code}


@register("media.memberagency", create_payload=_member_payload)
def make_member(cast: Cast, organization: Organization) -> MemberAgency:
    """A new agency under the headquarters, made its member."""
    number = next(_sequence)
    agency = do_create_organization(
        OrganizationValues(
            code=f"{organization.code}-MA{number}",
            name=f"دستگاه عضو {number}",
            kind=OrganizationKind.PROVINCIAL_OFFICE,
            parent=organization,
            province=organization.province,
        ),
        acting_user=cast.root,
    )
    return do_add_member_agency(organization, agency, acting_user=cast.root)


def _statement_payload(cast: Cast, organization: Organization) -> dict[str, object]:
    return {
        "organization": organization.code,
        "kind": "statement",
        "title": f"بیانیه ماتریس {next(_sequence)}",
        "body": "متن بیانیه",
    }


@register("media.statement", create_payload=_statement_payload)
def make_matrix_statement(cast: Cast, organization: Organization) -> Statement:
    return make_statement(organization, user=cast.root)


@register("media.recipient")
def make_recipient(cast: Cast, organization: Organization) -> Recipient:
    statement = issued_statement(organization, user=cast.root)
    recipient: Recipient = statement.recipients.get()
    return recipient


def make_crisis(organization: Organization, *, user: User | None = None, **values: Any) -> Crisis:
    ensure_member(organization, agency_of(organization))
    return do_open_crisis(
        CrisisValues(
            organization=organization,
            title=values.pop("title", f"بحران آزمایشی {next(_sequence)}"),
            severity=values.pop("severity", Severity.HIGH),
            **values,
        ),
        acting_user=user,
    )


def _crisis_payload(cast: Cast, organization: Organization) -> dict[str, object]:
    return {"organization": organization.code, "title": f"بحران ماتریس {next(_sequence)}", "severity": "high"}


@register("media.crisis", create_payload=_crisis_payload)
def make_matrix_crisis(cast: Cast, organization: Organization) -> Crisis:
    return make_crisis(organization, user=cast.root)


def _rumour_payload(cast: Cast, organization: Organization) -> dict[str, object]:
    return {
        "organization": organization.code,
        "claim": "شایعه قطع سراسری برق",
        "seen_where": "کانال خبری محلی",
    }


@register("media.rumour", create_payload=_rumour_payload)
def make_rumour(cast: Cast, organization: Organization) -> Rumour:
    """A rumour of the headquarters, assigned to its member agency to answer."""
    agency = agency_of(organization)
    ensure_member(organization, agency)
    rumour = do_log_rumour(
        RumourValues(organization=organization, claim="شایعه جیره‌بندی آب", seen_where="پیام‌رسان", reach=5000),
        acting_user=cast.root,
    )
    return do_assign_rumour(rumour, agency, acting_user=cast.root)


def make_planned_item(organization: Organization, *, user: User | None = None, **values: Any) -> PlannedItem:
    agency = agency_of(organization)
    ensure_member(organization, agency)
    starts = values.pop("starts_at", None) or (timezone.now() + timedelta(days=2))
    return do_plan_item(
        PlanValues(
            organization=organization,
            kind=values.pop("kind", PlanKind.NEWS),
            title=values.pop("title", f"برنامهٔ رسانه‌ای {next(_sequence)}"),
            starts_at=starts,
            ends_at=values.pop("ends_at", None),
            agency=values.pop("agency", agency),
            **values,
        ),
        acting_user=user,
    )


def _plan_payload(cast: Cast, organization: Organization) -> dict[str, object]:
    return {
        "organization": organization.code,
        "kind": "news",
        "title": f"برنامهٔ ماتریس {next(_sequence)}",
        "starts_at": (timezone.now() + timedelta(days=2)).isoformat(),
    }


@register("media.planneditem", create_payload=_plan_payload)
def make_matrix_planned_item(cast: Cast, organization: Organization) -> PlannedItem:
    """An item of the headquarters' calendar, planned for its member agency."""
    return make_planned_item(organization, user=cast.root)
