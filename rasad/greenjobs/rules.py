"""Eligibility rules of an incentive scheme, written as data (docs/greenjobs.md, "Eligibility
rules"). A rule is a JSON object::

    {"field": "certified", "effect": "require", "value": true}
    {"field": "knowledge_based", "effect": "priority", "value": true, "points": 20}
    {"field": "occupation", "effect": "require", "value": ["solar-installer", "recycling-sorter"]}
    {"field": "employees", "effect": "require", "value": {"min": 1, "max": 49}}

A business is eligible when it meets every ``require`` rule; each ``priority`` rule it meets adds
its points. ``check_rules`` refuses a rule naming an unknown field, effect, key or value, with the
path of the bad part (``rules[2].field``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from rasad.greenjobs.choices import BusinessSize, RuleEffect, RuleField
from rasad.lib import formatting

if TYPE_CHECKING:
    from rasad.greenjobs.models import Business

KINDS = ("business", "workshop")
KEYS = {"field", "effect", "value", "points"}
MAX_RULES = 30


def _codes(value: Any) -> list[str] | None:
    if isinstance(value, list) and value and all(isinstance(v, str) and v.strip() for v in value):
        return [v.strip() for v in value]
    return None


def check_rules(rules: Any) -> tuple[list[dict[str, Any]], dict[str, list[str]]]:
    """The rules cleaned, and the errors by path (empty when every rule is sound)."""
    errors: dict[str, list[str]] = {}

    def add(path: str, message: str) -> None:
        errors.setdefault(path, []).append(message)

    if not isinstance(rules, list):
        return [], {"rules": [_("Eligibility rules are a list of rules.")]}
    if len(rules) > MAX_RULES:
        return [], {
            "rules": [_("A scheme has at most %(count)s rules.") % {"count": formatting.number(MAX_RULES)}]
        }
    cleaned: list[dict[str, Any]] = []
    for index, rule in enumerate(rules):
        where = f"rules[{index}]"
        if not isinstance(rule, dict):
            add(where, _("A rule is an object with a field, an effect and a value."))
            continue
        for key in sorted(set(rule) - KEYS):
            add(f"{where}.{key}", _("A rule has no part “%(key)s”.") % {"key": key})
        name = rule.get("field")
        if name not in RuleField.values:
            add(
                f"{where}.field",
                _("Unknown field “%(field)s”; a rule may ask about: %(known)s.")
                % {"field": name if isinstance(name, str) else "?", "known": ", ".join(RuleField.values)},
            )
            continue
        effect = rule.get("effect", RuleEffect.REQUIRE)
        if effect not in RuleEffect.values:
            add(f"{where}.effect", _("The effect is “require” or “priority”."))
            continue
        clean, message = _clean_value(name, rule.get("value"))
        if clean is None:
            add(f"{where}.value", message)
            continue
        item: dict[str, Any] = {"field": name, "effect": effect, "value": clean}
        if effect == RuleEffect.PRIORITY:
            points = rule.get("points")
            if not (isinstance(points, int) and not isinstance(points, bool) and 1 <= points <= 100):
                add(f"{where}.points", _("Priority points are a whole number from 1 to 100."))
                continue
            item["points"] = points
        elif "points" in rule:
            add(f"{where}.points", _("Only a priority rule gives points."))
            continue
        cleaned.append(item)
    return cleaned, errors


def _clean_value(name: str, value: Any) -> tuple[Any, str]:
    """A rule's value as kept for the field ``name``, or None with the message that says what the
    value should be."""
    if name in (RuleField.CERTIFIED, RuleField.KNOWLEDGE_BASED):
        return (value if isinstance(value, bool) else None), _("The value is true or false.")
    if name == RuleField.EMPLOYEES:
        message = _("The value is an object with “min” and/or “max”, whole numbers of people.")
        numbers = isinstance(value, dict) and value and set(value) <= {"min", "max"}
        if (
            numbers
            and all(
                isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= 10**6 for v in value.values()
            )
            and value.get("min", 0) <= value.get("max", 10**6)
        ):
            return dict(value), message
        return None, message
    codes = _codes(value)
    if codes is None:
        return None, _("The value is a list of codes.")
    return _clean_codes(name, codes)


def _clean_codes(name: str, codes: list[str]) -> tuple[list[str] | None, str]:
    """A list of codes checked against what the field ``name`` knows (occupations and provinces
    in the database, ISIC sectors, sizes, kinds)."""
    from rasad.core.models import Province
    from rasad.greenjobs.models import Occupation

    if name == RuleField.OCCUPATION:
        known = set(Occupation.objects.filter(code__in=codes).values_list("code", flat=True))
        unknown = [c for c in codes if c not in known]
        if unknown:
            return None, _("Unknown occupation “%(code)s”.") % {"code": unknown[0]}
        return codes, _("The value is a list of codes.")
    if name == RuleField.SECTOR:
        bad = [c for c in codes if not (c.isdigit() and 2 <= len(c) <= 4)]
        return (None if bad else codes), _(
            "A sector is an ISIC Rev.4 division, group or class: 2 to 4 digits."
        )
    if name == RuleField.SIZE:
        clean = codes if set(codes) <= set(BusinessSize.values) else None
        return clean, _("Sizes are: %(known)s.") % {"known": ", ".join(BusinessSize.values)}
    if name == RuleField.KIND:
        return (codes if set(codes) <= set(KINDS) else None), _("Kinds are: business, workshop.")
    if name == RuleField.PROVINCE:
        known = set(Province.objects.filter(code__in=codes).values_list("code", flat=True))
        return (codes if set(codes) <= known else None), _("Unknown province code.")
    return None, _("The value is a list of codes.")


@dataclass
class Verdict:
    """What the rules say of one business: eligible or not (and which rules it fails), and its
    priority points."""

    eligible: bool
    points: int
    failed: list[dict[str, Any]] = field(default_factory=list)


def meets(rule: dict[str, Any], business: Business, today: date) -> bool:
    name, value = rule["field"], rule["value"]
    organization = business.organization
    if name == RuleField.CERTIFIED:
        certified = business.certified_until is not None and business.certified_until >= today
        return certified is value
    if name == RuleField.KNOWLEDGE_BASED:
        return business.knowledge_based is value
    if name == RuleField.OCCUPATION:
        return any(o.code in value for o in business.occupations.all())
    if name == RuleField.SECTOR:
        return any(business.sector_code.startswith(prefix) for prefix in value)
    if name == RuleField.SIZE:
        return business.size in value
    if name == RuleField.KIND:
        return organization.kind in value
    if name == RuleField.EMPLOYEES:
        return bool(value.get("min", 0) <= business.employees <= value.get("max", 10**9))
    if name == RuleField.PROVINCE:
        return organization.province is not None and organization.province.code in value
    return False


def evaluate(rules: list[dict[str, Any]], business: Business, today: date) -> Verdict:
    failed = [r for r in rules if r["effect"] == RuleEffect.REQUIRE and not meets(r, business, today)]
    points = sum(
        int(r["points"]) for r in rules if r["effect"] == RuleEffect.PRIORITY and meets(r, business, today)
    )
    return Verdict(eligible=not failed, points=points, failed=failed)


def describe(rule: dict[str, Any]) -> str:
    """A rule as a sentence for people (the scheme page, a refusal)."""
    label = str(RuleField(rule["field"]).label)
    value = rule["value"]
    if isinstance(value, bool):
        text = label if value else _("not: %(label)s") % {"label": label}
    elif isinstance(value, dict):
        parts = []
        if "min" in value:
            parts.append(_("at least %(n)s") % {"n": formatting.number(value["min"])})
        if "max" in value:
            parts.append(_("at most %(n)s") % {"n": formatting.number(value["max"])})
        text = f"{label}: {'، '.join(parts)}"
    else:
        shown = value
        if rule["field"] == RuleField.SIZE:
            shown = [str(BusinessSize(v).label) for v in value]
        elif rule["field"] == RuleField.OCCUPATION:
            from rasad.greenjobs.models import Occupation

            names = dict(Occupation.objects.filter(code__in=value).values_list("code", "name"))
            shown = [names.get(v, v) for v in value]
        elif rule["field"] == RuleField.PROVINCE:
            from rasad.core.models import Province

            names = dict(Province.objects.filter(code__in=value).values_list("code", "name_fa"))
            shown = [names.get(v, v) for v in value]
        elif rule["field"] == RuleField.KIND:
            from rasad.core.choices import OrganizationKind

            shown = [str(OrganizationKind(v).label) for v in value]
        else:
            shown = [formatting.digits(v) for v in value]
        text = f"{label}: {formatting.join(shown)}"
    if rule["effect"] == RuleEffect.PRIORITY:
        return _("%(rule)s (priority, %(points)s points)") % {
            "rule": text,
            "points": formatting.number(rule["points"]),
        }
    return text
