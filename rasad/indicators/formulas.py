"""Derived indicators: a small, safe arithmetic language over indicator codes.

A formula is ``+ - * /``, parentheses, numbers, indicator codes (``ENERGY_TOTAL``) and
``ef(CODE)`` for an emission factor. It is parsed with Python's ``ast`` and only those nodes are
accepted; nothing is ever ``eval``-ed. Values are computed on read (never stored), so a ratio
over several organizations is the ratio of their sums, not a mean of ratios.
"""

from __future__ import annotations

import ast
import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

_OPERATORS: dict[type[ast.operator], Callable[[float, float], float]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
}


@dataclass(frozen=True)
class Parsed:
    tree: ast.expr
    indicators: frozenset[str]
    factors: frozenset[str]


def parse(formula: str) -> Parsed:
    """Parse a formula; raises ValidationError({"formula": [...]}) naming the problem."""
    try:
        tree = ast.parse(formula.strip(), mode="eval").body
    except SyntaxError:
        raise ValidationError({"formula": [_("The formula cannot be read.")]}) from None
    indicators: set[str] = set()
    factors: set[str] = set()

    def walk(node: ast.expr) -> None:
        if isinstance(node, ast.BinOp) and type(node.op) in _OPERATORS:
            walk(node.left)
            walk(node.right)
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            walk(node.operand)
        elif isinstance(node, ast.Constant) and isinstance(node.value, int | float):
            pass
        elif isinstance(node, ast.Name):
            indicators.add(node.id)
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "ef"
            and len(node.args) == 1
            and isinstance(node.args[0], ast.Name)
            and not node.keywords
        ):
            factors.add(node.args[0].id)
        else:
            raise ValidationError(
                {
                    "formula": [
                        _("Only numbers, indicator codes, ef(CODE), + - * / and parentheses are allowed.")
                    ]
                }
            )

    walk(tree)
    return Parsed(tree, frozenset(indicators), frozenset(factors))


def evaluate(
    parsed: Parsed, values: Mapping[str, float | None], factors: Mapping[str, float]
) -> float | None:
    """The formula's value, or None when an input is missing or a division is by zero."""

    def run(node: ast.expr) -> float | None:
        if isinstance(node, ast.BinOp):
            left, right = run(node.left), run(node.right)
            if left is None or right is None:
                return None
            if isinstance(node.op, ast.Div) and right == 0:
                return None
            return _OPERATORS[type(node.op)](left, right)
        if isinstance(node, ast.UnaryOp):
            value = run(node.operand)
            return None if value is None else -value
        if isinstance(node, ast.Constant):
            assert isinstance(node.value, int | float)
            return float(node.value)
        if isinstance(node, ast.Name):
            return values.get(node.id)
        assert isinstance(node, ast.Call)
        name = node.args[0]
        assert isinstance(name, ast.Name)
        return factors.get(name.id)

    return run(parsed.tree)


def check_dependencies(
    code: str, formula: str, *, known: Mapping[str, str], factor_codes: set[str]
) -> Parsed:
    """Refuse a formula naming a missing indicator or factor, or depending on itself.

    ``known`` maps every other indicator's code to its formula ("" for an input indicator).
    """
    parsed = parse(formula)
    missing = sorted(name for name in parsed.indicators if name != code and name not in known)
    if missing:
        raise ValidationError(
            {"formula": [_("Unknown indicator “%(codes)s” in the formula.") % {"codes": "، ".join(missing)}]}
        )
    missing_factors = sorted(parsed.factors - factor_codes)
    if missing_factors:
        raise ValidationError(
            {
                "formula": [
                    _("Unknown emission factor “%(codes)s” in the formula.")
                    % {"codes": "، ".join(missing_factors)}
                ]
            }
        )
    # Depth-first search from this formula's inputs back to ``code``.
    stack = list(parsed.indicators)
    seen: set[str] = set()
    while stack:
        name = stack.pop()
        if name == code:
            raise ValidationError(
                {"formula": [_("The formula refers to itself, directly or through a cycle.")]}
            )
        if name in seen:
            continue
        seen.add(name)
        other = known.get(name, "")
        if other:
            stack.extend(parse(other).indicators)
    return parsed


def input_codes(formula: str, known: Mapping[str, str]) -> set[str]:
    """Every input (non-derived) indicator a formula finally rests on."""
    result: set[str] = set()
    stack = list(parse(formula).indicators)
    seen: set[str] = set()
    while stack:
        name = stack.pop()
        if name in seen:
            continue
        seen.add(name)
        other = known.get(name, "")
        if other:
            stack.extend(parse(other).indicators)
        else:
            result.add(name)
    return result
