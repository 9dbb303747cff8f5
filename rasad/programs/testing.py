"""Matrix factories for the programmes app's API models (see rasad.testing.factories), and helpers
the programmes tests share.

A matrix programme is led by the organization it is made in and has that organization's field
post and the national centre as its other parties, so that exactly the people who see the
organization see it (the national centre is seen only by those who see everything of it)."""

from __future__ import annotations

import itertools
from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from rasad.cases.models import Category
from rasad.core.models import Organization
from rasad.indicators.models import Indicator
from rasad.lib.jalali import TEHRAN, JalaliPeriod
from rasad.lib.persian import to_persian_digits
from rasad.programs.actions import (
    ActionItemValues,
    IndicatorTargetValues,
    PartValues,
    PartyValues,
    ProgrammeValues,
    do_add_action_item,
    do_add_programme_attachment,
    do_create_programme,
    do_request_status_reports,
    do_save_axis,
    do_save_indicator_target,
    do_save_objective,
    do_transition_programme,
    party_of,
)
from rasad.programs.choices import ProgrammeKind
from rasad.programs.models import (
    ActionItem,
    Axis,
    IndicatorTarget,
    Objective,
    Party,
    Programme,
    ProgrammeAttachment,
    StatusReport,
)
from rasad.testing.cast import Cast
from rasad.testing.factories import register

_sequence = itertools.count(1)


def other_parties(cast: Cast, organization: Organization) -> list[Organization]:
    """The other parties of a matrix programme led by ``organization``."""
    children = list(organization.children.order_by("pk"))
    others = [*children[:1], cast.national]
    return [o for o in others if o.pk != organization.pk]


def make_programme(
    cast: Cast,
    organization: Organization,
    *,
    parties: list[Organization] | None = None,
    starts_on: date | None = None,
    ends_on: date | None = None,
    user: Any = None,
    **values: Any,
) -> Programme:
    today = timezone.localdate()
    members = [organization, *(parties if parties is not None else other_parties(cast, organization))]
    return do_create_programme(
        ProgrammeValues(
            kind=values.pop("kind", ProgrammeKind.MEMORANDUM),
            title=values.pop("title", f"تفاهم‌نامه آزمایشی {to_persian_digits(str(next(_sequence)))}"),
            organization=organization,
            parties=[PartyValues(o, f"امضاکننده {o.code}", "مدیرکل") for o in members],
            starts_on=starts_on or today - timedelta(days=30),
            ends_on=ends_on or today + timedelta(days=365),
            **values,
        ),
        acting_user=user or cast.root,
    )


def make_structure(cast: Cast, programme: Programme, *, user: Any = None) -> Objective:
    """One axis (weight 100) with one objective (weight 100)."""
    axis = do_save_axis(programme, PartValues("محور آموزش", weight=100), acting_user=user or cast.root)
    return do_save_objective(axis, PartValues("برگزاری دوره‌ها", weight=100), acting_user=user or cast.root)


def category(code: str = "other") -> Category:
    return Category.objects.get(code=code)


def add_item(
    cast: Cast,
    objective: Objective,
    party_organization: Organization,
    *,
    user: Any = None,
    deadline: date | None = None,
    now: datetime | None = None,
    **values: Any,
) -> ActionItem:
    programme = objective.programme
    return do_add_action_item(
        ActionItemValues(
            objective=objective,
            party=party_of(programme, party_organization),
            title=values.pop("title", f"اقدام آزمایشی {to_persian_digits(str(next(_sequence)))}"),
            deadline=deadline or timezone.localdate() + timedelta(days=60),
            category=values.pop("category", None) or category(),
            **values,
        ),
        acting_user=user or cast.root,
        now=now,
    )


def active_programme_with_item(cast: Cast, organization: Organization) -> tuple[Programme, ActionItem]:
    programme = make_programme(cast, organization, starts_on=timezone.localdate() - timedelta(days=200))
    objective = make_structure(cast, programme)
    item = add_item(cast, objective, other_parties(cast, organization)[0], starts_on=programme.starts_on)
    programme = do_transition_programme(programme, "activate", acting_user=cast.root)
    return programme, item


def request_reports_now(programme: Programme) -> list[StatusReport]:
    """Ask for the reports of the season that ended last, as the job does on the first day of
    the current season."""
    season = JalaliPeriod.containing(timezone.localdate(), "season")
    moment = datetime.combine(season.start, time(6, 0), tzinfo=TEHRAN)
    return do_request_status_reports(programme, today=season.start, now=moment)


# ---- matrix factories ----------------------------------------------------------------------------


def _programme_payload(cast: Cast, organization: Organization) -> dict[str, object]:
    today = timezone.localdate()
    return {
        "kind": "memorandum",
        "title": f"تفاهم‌نامه ماتریس {to_persian_digits(str(next(_sequence)))}",
        "organization": organization.code,
        "parties": [
            {"organization": o.code, "signatory_name": "امضاکننده", "signatory_title": "مدیرکل"}
            for o in [organization, *other_parties(cast, organization)]
        ],
        "starts_on": today.isoformat(),
        "ends_on": (today + timedelta(days=365)).isoformat(),
    }


@register("programs.programme", create_payload=_programme_payload)
def make_matrix_programme(cast: Cast, organization: Organization) -> Programme:
    return make_programme(cast, organization)


def _party_payload(cast: Cast, organization: Organization) -> dict[str, object]:
    programme = make_programme(cast, organization, parties=other_parties(cast, organization)[:1])
    return {
        "programme": programme.pk,
        "organization": cast.national.code,
        "signatory_name": "امضاکننده",
        "signatory_title": "رئیس",
    }


@register("programs.party", create_payload=_party_payload)
def make_party(cast: Cast, organization: Organization) -> Party:
    programme = make_programme(cast, organization)
    party: Party = programme.parties.get(organization=cast.national)
    return party


def _axis_payload(cast: Cast, organization: Organization) -> dict[str, object]:
    return {"programme": make_programme(cast, organization).pk, "title": "محور پژوهش", "weight": 50}


@register("programs.axis", create_payload=_axis_payload)
def make_axis(cast: Cast, organization: Organization) -> Axis:
    return do_save_axis(
        make_programme(cast, organization), PartValues("محور مشاوره", weight=40), acting_user=cast.root
    )


def _objective_payload(cast: Cast, organization: Organization) -> dict[str, object]:
    axis = do_save_axis(make_programme(cast, organization), PartValues("محور آموزش"), acting_user=cast.root)
    return {"axis": axis.pk, "title": "هدف آزمایشی", "weight": 100}


@register("programs.objective", create_payload=_objective_payload)
def make_objective(cast: Cast, organization: Organization) -> Objective:
    return make_structure(cast, make_programme(cast, organization))


def _item_payload(cast: Cast, organization: Organization) -> dict[str, object]:
    objective = make_structure(cast, make_programme(cast, organization))
    return {
        "objective": objective.pk,
        "party": other_parties(cast, organization)[0].code,
        "title": "برگزاری کارگاه آموزشی",
        "deadline": (timezone.localdate() + timedelta(days=30)).isoformat(),
        "category": "other",
    }


@register("programs.actionitem", create_payload=_item_payload)
def make_item(cast: Cast, organization: Organization) -> ActionItem:
    objective = make_structure(cast, make_programme(cast, organization))
    return add_item(cast, objective, other_parties(cast, organization)[0])


def _indicator() -> Indicator:
    indicator: Indicator | None = Indicator.objects.order_by("pk").first()
    assert indicator is not None, "the starter indicators are loaded by the cast"
    return indicator


def _target_payload(cast: Cast, organization: Organization) -> dict[str, object]:
    objective = make_structure(cast, make_programme(cast, organization))
    party = other_parties(cast, organization)[0]
    return {
        "objective": objective.pk,
        "party": party.code,
        "indicator": _indicator().code,
        "organization": party.code,
        "comparator": "gte",
        "target_value": 80,
        "due_on": (timezone.localdate() + timedelta(days=90)).isoformat(),
    }


@register("programs.indicatortarget", create_payload=_target_payload)
def make_target(cast: Cast, organization: Organization) -> IndicatorTarget:
    programme = make_programme(cast, organization)
    objective = make_structure(cast, programme)
    party = other_parties(cast, organization)[0]
    return do_save_indicator_target(
        IndicatorTargetValues(
            objective=objective,
            party=party_of(programme, party),
            indicator=_indicator(),
            organization=party,
            comparator="gte",
            target_value=80.0,
            due_on=timezone.localdate() + timedelta(days=90),
        ),
        acting_user=cast.root,
    )


@register("programs.statusreport")
def make_report(cast: Cast, organization: Organization) -> StatusReport:
    programme, _item = active_programme_with_item(cast, organization)
    (report,) = request_reports_now(programme)
    return report


@register("programs.programmeattachment")
def make_attachment(cast: Cast, organization: Organization) -> ProgrammeAttachment:
    upload = SimpleUploadedFile("scan.pdf", b"%PDF-1.4 signed memorandum", content_type="application/pdf")
    return do_add_programme_attachment(make_programme(cast, organization), upload, acting_user=cast.root)


def person(cast: Cast, username: str, organization: Organization, role: str, name: str = "") -> Any:
    """A person with ``role`` over ``organization`` and its subtree (coordinators may lead
    programmes; the cast's analysts and reporters may not), named ``name`` (a Persian name by
    default: pages greet people by name)."""
    from rasad.core.actions.people import do_create_user, do_grant_role
    from rasad.core.models import Role

    user = do_create_user(
        username,
        acting_user=None,
        password="x-" * 8,
        display_name=name or "هماهنگ‌کنندهٔ آزمایشی",
        organization=organization,
        validate=False,
    )
    do_grant_role(user, Role.objects.get(slug=role), acting_user=None, organization=organization)
    return user


def reviewing_body(cast: Cast) -> Organization:
    """A body outside the cast's tree (a provincial planning council), to review programmes."""
    from rasad.core.actions.organizations import OrganizationValues, do_create_organization
    from rasad.core.models import Province

    return do_create_organization(
        OrganizationValues(
            code="REV",
            name="شورای برنامه‌ریزی و توسعه",
            kind="council",
            province=Province.objects.get(name_en="Tehran"),
        ),
        acting_user=cast.root,
    )
