"""Green-jobs actions: the occupations catalogue, the businesses registry and the schemes."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from rasad.core.access import refusal, require_scope
from rasad.core.choices import OrganizationKind
from rasad.core.models import Organization, User
from rasad.greenjobs.actions.common import money, push
from rasad.greenjobs.audit import GreenAuditEvent, audit
from rasad.greenjobs.choices import BusinessSize, SchemeKind
from rasad.greenjobs.models import Business, Occupation, Scheme
from rasad.greenjobs.rules import check_rules
from rasad.lib import formatting, search
from rasad.lib.actions import Errors, saved_values, text
from rasad.lib.persian import search_key, to_latin_digits

BUSINESS_KINDS = (OrganizationKind.BUSINESS, OrganizationKind.WORKSHOP)
MAX_DOCUMENTS = 12


def four_digit_code(value: Any) -> str:
    """An ISCO or ISIC code as stored, in Latin digits whatever digits were typed («۳۸۳۰» is
    3830, which the sector rules and sections compare); "" when it is not four digits («²»
    passes ``isdigit`` but is no digit of a code)."""
    code = to_latin_digits(text(value))
    return code if len(code) == 4 and code.isascii() and code.isdigit() else ""


@dataclass
class OccupationValues:
    code: str
    name: str
    isco_code: str
    isic_code: str
    criteria: str
    name_en: str = ""


@transaction.atomic
def do_save_occupation(
    values: OccupationValues, *, acting_user: User | None, instance: Occupation | None = None
) -> Occupation:
    """Add a green occupation to the catalogue, or change one (platform administrators)."""
    if acting_user is not None and not acting_user.is_superuser:
        raise refusal()
    errors = Errors()
    code = text(values.code, 40).lower()
    if not code:
        errors.add("code", _("An occupation needs a code."))
    elif Occupation.objects.filter(code=code).exclude(pk=getattr(instance, "pk", None)).exists():
        errors.add("code", _("Another occupation has the code “%(code)s”.") % {"code": code})
    name = text(values.name, 200)
    if not name:
        errors.add("name", _("An occupation needs a name."))
    isco = four_digit_code(values.isco_code)
    if not isco:
        errors.add("isco_code", _("An ISCO-08 unit group code is four digits."))
    isic = four_digit_code(values.isic_code)
    if not isic:
        errors.add("isic_code", _("An ISIC Rev.4 class code is four digits."))
    criteria = text(values.criteria, 2000)
    if not criteria:
        errors.add("criteria", _("Say what makes the occupation green."))
    errors.raise_if_any()
    occupation = instance or Occupation()
    occupation.code = code
    occupation.name = name
    occupation.name_en = text(values.name_en, 200)
    occupation.isco_code = isco
    occupation.isic_code = isic
    occupation.criteria = criteria
    occupation.search_text = search_key(" ".join([name, occupation.name_en, code, isco, isic]))
    occupation.save()
    audit(
        GreenAuditEvent.OCCUPATION_SAVED,
        acting_user=acting_user,
        organization=None,
        obj=occupation,
        new={"code": code, "name": name, "isco_code": isco, "isic_code": isic},
    )
    return occupation


@dataclass
class BusinessValues:
    organization: Organization
    sector_code: str
    size: str
    employees: int
    knowledge_based: bool = False
    occupations: list[Occupation] = field(default_factory=list)


# What a change of a registry entry or a scheme writes: the same before and after, nothing is saved.
_BUSINESS_FIELDS = ("sector_code", "size", "employees", "knowledge_based", "search_text")
_SCHEME_FIELDS = (
    "organization",
    "programme",
    "labour_office",
    "environment_office",
    "training_office",
    "code",
    "title",
    "kind",
    "description",
    "budget",
    "max_amount",
    "opens_on",
    "closes_on",
    "rules",
    "documents",
    "search_text",
)


@transaction.atomic
def do_save_business(
    values: BusinessValues, *, acting_user: User | None, instance: Business | None = None
) -> Business:
    """Enter a business or workshop in the green registry (or change its record)."""
    organization = instance.organization if instance is not None else values.organization
    require_scope(acting_user, Business, "change" if instance else "add", organization)
    errors = Errors()
    if organization is None:
        errors.add("organization", _("Choose the business."))
    elif organization.kind not in BUSINESS_KINDS:
        errors.add("organization", _("Only a business or a workshop is entered in the green registry."))
    elif instance is None and Business.objects.filter(organization=organization).exists():
        errors.add("organization", _("This business is already in the registry."))
    sector = four_digit_code(values.sector_code)
    if not sector:
        errors.add("sector_code", _("The sector is an ISIC Rev.4 class: four digits."))
    if values.size not in BusinessSize.values:
        errors.add("size", _("Choose micro, small, medium or large."))
    if not isinstance(values.employees, int) or not 0 <= values.employees <= 10**6:
        errors.add("employees", _("People employed is a whole number from 0."))
    errors.raise_if_any()
    business = instance or Business(organization=organization)
    old = (
        {
            "sector_code": business.sector_code,
            "size": business.size,
            "employees": business.employees,
            "knowledge_based": business.knowledge_based,
        }
        if instance
        else None
    )
    saved = saved_values(business, _BUSINESS_FIELDS) if instance else None
    saved_occupations = sorted(business.occupations.values_list("code", flat=True)) if instance else None
    business.sector_code = sector
    business.size = values.size
    business.employees = values.employees
    business.knowledge_based = bool(values.knowledge_based)
    codes = sorted(o.code for o in values.occupations)
    business.search_text = search.key_of(business, occupations__name=[o.name for o in values.occupations])
    if saved == saved_values(business, _BUSINESS_FIELDS) and saved_occupations == codes:
        return business  # the form sent back as it was writes nothing (docs/audit.md, "What is recorded")
    business.save()
    business.occupations.set(values.occupations)
    audit(
        GreenAuditEvent.BUSINESS_SAVED,
        acting_user=acting_user,
        organization=organization,
        obj=business,
        old=old,
        new={
            "sector_code": sector,
            "size": values.size,
            "employees": values.employees,
            "knowledge_based": business.knowledge_based,
            "occupations": codes,
        },
    )
    push("greenjobs.business", {organization.pk}, business=business.pk)
    return business


@dataclass
class SchemeValues:
    organization: Organization
    code: str
    title: str
    kind: str
    budget: Any
    max_amount: Any
    opens_on: date | None
    closes_on: date | None
    labour_office: Organization
    environment_office: Organization
    training_office: Organization
    description: str = ""
    rules: Any = field(default_factory=list)
    documents: Any = field(default_factory=list)
    programme: Any = None


def check_documents(documents: Any) -> tuple[list[dict[str, str]], dict[str, list[str]]]:
    """Required documents: a list of ``{"code": "...", "name": "..."}``."""
    if not isinstance(documents, list):
        return [], {"documents": [_("Required documents are a list.")]}
    if len(documents) > MAX_DOCUMENTS:
        return [], {
            "documents": [
                _("A scheme asks for at most %(count)s documents.")
                % {"count": formatting.number(MAX_DOCUMENTS)}
            ]
        }
    errors: dict[str, list[str]] = {}
    cleaned: list[dict[str, str]] = []
    seen: set[str] = set()
    for index, item in enumerate(documents):
        where = f"documents[{index}]"
        if not isinstance(item, dict) or set(item) - {"code", "name"}:
            errors.setdefault(where, []).append(_("A document is an object with a code and a name."))
            continue
        code = text(item.get("code"), 40).lower()
        name = text(item.get("name"), 200)
        if not code or not all(c.isalnum() or c in "-_" for c in code) or not code.isascii():
            errors.setdefault(f"{where}.code", []).append(
                _("A document code is Latin letters, digits and dashes.")
            )
        elif code in seen:
            errors.setdefault(f"{where}.code", []).append(
                _("The code “%(code)s” is listed twice.") % {"code": code}
            )
        if not name:
            errors.setdefault(f"{where}.name", []).append(_("Name the document."))
        seen.add(code)
        cleaned.append({"code": code, "name": name})
    return cleaned, errors


@transaction.atomic
def do_save_scheme(
    values: SchemeValues, *, acting_user: User | None, instance: Scheme | None = None
) -> Scheme:
    """Open an incentive scheme (or change one): its budget, window, rules and documents, and
    the three offices that review its applications."""
    require_scope(acting_user, Scheme, "change" if instance else "add", values.organization)
    if instance is not None:
        require_scope(acting_user, Scheme, "change", instance.organization)
        instance = Scheme.objects.select_for_update().get(pk=instance.pk)
    for office in (values.labour_office, values.environment_office, values.training_office):
        require_scope(acting_user, Organization, "view", office)
    errors = Errors()
    code = text(values.code, 40).lower()
    if not code or not code.isascii():
        errors.add("code", _("A scheme needs a code of Latin letters, digits and dashes."))
    elif Scheme.objects.filter(code=code).exclude(pk=getattr(instance, "pk", None)).exists():
        errors.add("code", _("Another scheme has the code “%(code)s”.") % {"code": code})
    title = text(values.title, 300)
    if not title:
        errors.add("title", _("A scheme needs a title."))
    if values.kind not in SchemeKind.values:
        errors.add("kind", _("Choose a loan, grant, tax relief or training voucher."))
    budget, most = _check_amounts(values, instance, errors)
    _check_window(values, errors)
    rules, rule_errors = check_rules(values.rules)
    errors.update(rule_errors)
    documents, document_errors = check_documents(values.documents)
    errors.update(document_errors)
    _check_programme(values, acting_user, errors)
    errors.raise_if_any()
    assert budget is not None and most is not None
    assert values.opens_on is not None and values.closes_on is not None
    scheme = instance or Scheme()
    saved = saved_values(scheme, _SCHEME_FIELDS) if instance else None
    old = (
        {"title": scheme.title, "budget": scheme.budget, "closes_on": scheme.closes_on, "rules": scheme.rules}
        if instance
        else None
    )
    scheme.organization = values.organization
    scheme.programme = values.programme
    scheme.labour_office = values.labour_office
    scheme.environment_office = values.environment_office
    scheme.training_office = values.training_office
    scheme.code = code
    scheme.title = title
    scheme.kind = values.kind
    scheme.description = text(values.description, 5000)
    scheme.budget = budget
    scheme.max_amount = most
    scheme.opens_on = values.opens_on
    scheme.closes_on = values.closes_on
    scheme.rules = rules
    scheme.documents = documents
    scheme.search_text = search_key(" ".join([title, code]))
    if saved == saved_values(scheme, _SCHEME_FIELDS):
        return scheme  # the form sent back as it was writes nothing (docs/audit.md, "What is recorded")
    scheme.save()
    audit(
        GreenAuditEvent.SCHEME_SAVED,
        acting_user=acting_user,
        organization=scheme.organization,
        obj=scheme,
        old=old,
        new={
            "title": title,
            "kind": values.kind,
            "budget": budget,
            "max_amount": most,
            "opens_on": values.opens_on,
            "closes_on": values.closes_on,
            "rules": rules,
            "documents": documents,
            "offices": [scheme.labour_office_id, scheme.environment_office_id, scheme.training_office_id],
        },
    )
    push("greenjobs.scheme", {scheme.organization_id}, scheme=scheme.pk)
    return scheme


def _check_amounts(
    values: SchemeValues, instance: Scheme | None, errors: Errors
) -> tuple[Decimal | None, Decimal | None]:
    """The budget (never below what a changed scheme has committed) and the most per application
    (never above the budget), in rials; None for an amount that is refused."""
    budget = money(values.budget)
    if budget is None:
        errors.add("budget", _("The budget is a whole number of rials above zero."))
    elif instance is not None and budget < instance.committed:
        errors.add(
            "budget",
            _("%(amount)s rials are already committed; the budget cannot be less.")
            % {"amount": _amount(instance.committed)},
        )
    most = money(values.max_amount)
    if most is None:
        errors.add("max_amount", _("The most per application is a whole number of rials above zero."))
    elif budget is not None and most > budget:
        errors.add("max_amount", _("The most per application cannot exceed the budget."))
    return budget, most


def _check_window(values: SchemeValues, errors: Errors) -> None:
    """Applications open on a day and close on it or later."""
    if values.opens_on is None:
        errors.add("opens_on", _("Give the day applications open."))
    if values.closes_on is None:
        errors.add("closes_on", _("Give the day applications close."))
    elif values.opens_on is not None and values.closes_on < values.opens_on:
        errors.add("closes_on", _("Applications must close on or after the day they open."))


def _check_programme(values: SchemeValues, acting_user: User | None, errors: Errors) -> None:
    """The memorandum a scheme serves is one the user may see (a hidden one reads as unknown)."""
    if values.programme is None:
        return
    from rasad.programs.models import Programme

    if (
        acting_user is not None
        and not Programme.objects.visible_to(acting_user).filter(pk=values.programme.pk).exists()
    ):
        errors.add("programme", _("Unknown memorandum."))


def _amount(value: Decimal) -> str:
    return formatting.number(value)
