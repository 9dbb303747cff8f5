"""Template filters of the risk register: a rating's score and its level (methods §4.6)."""

from __future__ import annotations

from typing import Any

from django import template

from rasad.assessments.risks import level_of

register = template.Library()


@register.filter
def risk_product(likelihood: Any, impact: Any) -> int | None:
    if likelihood in (None, "") or impact in (None, ""):
        return None
    return int(likelihood) * int(impact)


@register.filter
def risk_level(score: Any) -> str:
    return level_of(int(score)) if score not in (None, "") else ""
