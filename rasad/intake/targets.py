"""What an accepted proposal becomes: pluggable acceptance targets.

A target turns a reviewed proposal into a record through that record's own action (so its scope
checks, validation and audit apply unchanged) and returns the record, which the proposal then
points at. Intake ships these targets:

================  ==============================  ==============================================
code              proposals                       what accepting creates
================  ==============================  ==============================================
case.directive    directive                       a directive case (status new) owned by the
                                                  proposed organization, its source the proposal
core.organization organization (not in the tree)  an organization under a parent the reviewer picks
intake.person     person                          a known person (name, title, organization)
confirm           date, place, organization (in   nothing new; the proposal is marked accepted and
                  the tree)                       an organization of the tree is linked
programs.action_item  directive                   *pending*: an action item of a programme, once
                                                  the programmes capability exists
================  ==============================  ==============================================

Another app adds a target by calling :func:`register_target` in its ``AppConfig.ready``; the
programmes app will register ``programs.action_item`` under the same code, replacing the
placeholder that says it is not available yet.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, Protocol

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rasad.core.access import ObjectNotFound, access_object
from rasad.core.models import Organization
from rasad.intake.choices import ProposalField

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    from rasad.core.models import User
    from rasad.intake.models import Proposal


class AcceptanceTarget(Protocol):
    code: str
    label: StrOrPromise
    fields: tuple[str, ...]

    def unavailable_reason(self) -> str | None:
        """None when the target can be used now, else a translated sentence saying why not."""

    def applies_to(self, proposal: Proposal) -> bool: ...

    def accept(
        self, proposal: Proposal, values: Mapping[str, Any], *, acting_user: User
    ) -> models.Model | None: ...


_TARGETS: dict[str, AcceptanceTarget] = {}


def register_target(target: AcceptanceTarget) -> None:
    _TARGETS[target.code] = target


def get_target(code: str) -> AcceptanceTarget:
    try:
        return _TARGETS[code]
    except KeyError:
        raise ValidationError(
            {"target": [_("Unknown acceptance target “%(code)s”.") % {"code": code}]}
        ) from None


def targets_for(proposal: Proposal) -> list[AcceptanceTarget]:
    return [t for t in _TARGETS.values() if proposal.field in t.fields and t.applies_to(proposal)]


def default_target(proposal: Proposal) -> str:
    if proposal.field == ProposalField.DIRECTIVE:
        return "case.directive"
    if proposal.field == ProposalField.PERSON:
        return "intake.person"
    if proposal.field == ProposalField.ORGANIZATION and not proposal.values.get("code"):
        return "core.organization"
    return "confirm"


def organization_by_code(code: str, user: User, field: str) -> Organization:
    """The organization ``code`` names, if ``user`` may see it (one error for missing and hidden)."""
    organization = Organization.objects.filter(code=code).first() if code else None
    if organization is None:
        raise ValidationError({field: [_("Choose an organization of the tree.")]})
    try:
        found: Organization = access_object(Organization.objects.all(), user, organization.pk)
    except ObjectNotFound:
        raise ValidationError({field: [_("No such organization, or you may not see it.")]}) from None
    return found


def _date(value: Any, field: str) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise ValidationError({field: [_("Give the date as YYYY-MM-DD.")]}) from None


# Words that suggest a case category; the reviewer can always choose another.
_CATEGORY_WORDS = (
    ("cyber-security", ("سایبری", "امنیت سایبری")),
    ("energy-supply", ("انرژی", "برق", "گاز", "سوخت", "نیروگاه")),
    ("export-currency", ("صادرات", "ارز", "صدور")),
    ("media", ("رسانه", "فضای مجازی", "شایعه", "اطلاع‌رسانی")),
    ("border", ("مرز", "پاسگاه", "مرزی")),
    ("environment", ("محیط زیست", "آلودگی", "پسماند", "مشاغل سبز")),
    ("infrastructure", ("پدافند", "زیرساخت")),
    ("water", ("آب ", "پساب")),
)


def guess_category(text: str) -> str:
    for code, words in _CATEGORY_WORDS:
        if any(word in text for word in words):
            return code
    return "other"


class DirectiveCaseTarget:
    code: str = "case.directive"
    label: Any = gettext_lazy("Draft directive case")
    fields: tuple[str, ...] = (ProposalField.DIRECTIVE,)

    def unavailable_reason(self) -> str | None:
        return None

    def applies_to(self, proposal: Proposal) -> bool:
        return True

    def accept(
        self, proposal: Proposal, values: Mapping[str, Any], *, acting_user: User
    ) -> models.Model | None:
        from rasad.cases.actions.cases import CaseValues, do_open_case
        from rasad.cases.choices import CaseKind, Priority
        from rasad.cases.models import Category

        document = proposal.document
        owner = organization_by_code(
            str(values.get("organization_code") or ""), acting_user, "organization_code"
        )
        category_code = str(values.get("category") or guess_category(proposal.text))
        category = Category.objects.filter(code=category_code).first()
        if category is None:
            raise ValidationError({"category": [_("Unknown category “%(code)s”.") % {"code": category_code}]})
        deadline = _date(values.get("deadline"), "deadline")
        title = str(values.get("title") or values.get("action") or proposal.text).strip()
        start, end = proposal.first_span
        description = _("From “%(document)s”, characters %(start)s–%(end)s:\n%(sentence)s") % {
            "document": document.title,
            "start": start,
            "end": end,
            "sentence": document.text[start:end],
        }
        case_values = CaseValues(
            kind=CaseKind.DIRECTIVE,
            category=category,
            title=title[:300],
            reporter_organization=document.organization,
            description=description,
            priority=str(values.get("priority") or Priority.MEDIUM),
            owner_organization=owner,
            deadline=deadline,
            origin=document.title[:300],
        )
        return do_open_case(case_values, acting_user=acting_user, source=proposal)


class OrganizationTarget:
    code: str = "core.organization"
    label: Any = gettext_lazy("New organization in the tree")
    fields: tuple[str, ...] = (ProposalField.ORGANIZATION,)

    def unavailable_reason(self) -> str | None:
        return None

    def applies_to(self, proposal: Proposal) -> bool:
        return not proposal.values.get("code")

    def accept(
        self, proposal: Proposal, values: Mapping[str, Any], *, acting_user: User
    ) -> models.Model | None:
        from rasad.core.actions.organizations import OrganizationValues, do_create_organization

        parent = organization_by_code(str(values.get("parent_code") or ""), acting_user, "parent_code")
        return do_create_organization(
            OrganizationValues(
                code=str(values.get("new_code") or "").strip(),
                name=str(values.get("name") or proposal.text),
                kind=str(values.get("kind") or parent.kind),
                parent=parent,
                province=parent.province,
            ),
            acting_user=acting_user,
        )


class PersonTarget:
    code: str = "intake.person"
    label: Any = gettext_lazy("Person record")
    fields: tuple[str, ...] = (ProposalField.PERSON,)

    def unavailable_reason(self) -> str | None:
        return None

    def applies_to(self, proposal: Proposal) -> bool:
        return True

    def accept(
        self, proposal: Proposal, values: Mapping[str, Any], *, acting_user: User
    ) -> models.Model | None:
        from rasad.intake.actions import do_record_person

        organization = organization_by_code(
            str(values.get("organization_code") or ""), acting_user, "organization_code"
        )
        return do_record_person(
            name=str(values.get("name") or proposal.text),
            title=str(values.get("title") or ""),
            honorific=str(values.get("honorific") or ""),
            organization=organization,
            source=proposal,
            acting_user=acting_user,
        )


class ConfirmTarget:
    code: str = "confirm"
    label: Any = gettext_lazy("Confirm (nothing new is created)")
    fields: tuple[str, ...] = (ProposalField.DATE, ProposalField.PLACE, ProposalField.ORGANIZATION)

    def unavailable_reason(self) -> str | None:
        return None

    def applies_to(self, proposal: Proposal) -> bool:
        return proposal.field != ProposalField.ORGANIZATION or bool(proposal.values.get("code"))

    def accept(
        self, proposal: Proposal, values: Mapping[str, Any], *, acting_user: User
    ) -> models.Model | None:
        if proposal.field == ProposalField.ORGANIZATION:
            # A confirmed organization of the tree is linked, so the document lists who it names.
            return organization_by_code(str(values.get("code") or ""), acting_user, "code")
        return None


class PendingProgrammeItemTarget:
    """Placeholder until the programmes capability (issue 13) registers its own target."""

    code: str = "programs.action_item"
    label: Any = gettext_lazy("Programme action item")
    fields: tuple[str, ...] = (ProposalField.DIRECTIVE,)

    def unavailable_reason(self) -> str | None:
        return _("Programmes are not available yet; accept the directive as a case for now.")

    def applies_to(self, proposal: Proposal) -> bool:
        return True

    def accept(
        self, proposal: Proposal, values: Mapping[str, Any], *, acting_user: User
    ) -> models.Model | None:
        raise ValidationError({"target": [self.unavailable_reason() or ""]})


def default_deadline(today: date | None = None) -> date:
    """What the review form suggests when a directive states no deadline: 30 days on."""
    return (today or timezone.localdate()) + timedelta(days=30)


for _target in (
    DirectiveCaseTarget(),
    OrganizationTarget(),
    PersonTarget(),
    ConfirmTarget(),
    PendingProgrammeItemTarget(),
):
    register_target(_target)
