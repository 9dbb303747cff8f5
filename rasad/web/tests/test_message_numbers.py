"""Numbers in messages reach people through the formatting layer.

A message with a number in it («حداکثر ۵ پیوست مجاز است.») is written
``_("At most %(count)s attachments.") % {"count": formatting.number(limit)}``: the number in the
reader's digits, Persian ones to a Persian reader and Latin ones to an English reader
(``docs/development/conventions.md``, "Refusals are messages too"). Session 22 found about twenty
messages that put the number in as Python writes it («حداکثر 5 پیوست»), in two shapes:

* a ``%d`` (``%(count)d``) placeholder, which takes only a number, so no formatted text can ever
  reach it: no catalogue has one (the catalogues are what people read);
* a ``%(count)s`` placeholder given the bare number (a ``len()``, a ``.count()``, a constant, a
  sum, a variable holding one): the source is read for them here.

What counts as formatted: any call other than ``len``/``int``/``round``/... (``formatting.number``,
``formatting.days_text``, an app's own ``_count`` or ``day`` helper), a string, or a name assigned
from such a call in the same function. A number that is not a number to its reader (an
identifier a client sent back) would be listed in ``NOT_NUMBERS`` with
the reason.
"""

from __future__ import annotations

import ast
import gettext
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

import rasad

ROOT = Path(rasad.__file__).parent

GETTEXT = {
    "_",
    "gettext",
    "gettext_lazy",
    "ngettext",
    "ngettext_lazy",
    "pgettext",
    "pgettext_lazy",
    "npgettext",
    "npgettext_lazy",
}
# Calls that give a bare number, not text.
NUMBER_CALLS = {"len", "int", "float", "round", "sum", "abs", "max", "min", "count", "total_seconds"}
# Placeholders that name a number: a value given to one of these bare (a variable, an attribute)
# is a number written as Python writes it.
NUMBER_KEYS = re.compile(
    r"^(count|n|index|row|rows|limit|size|version|minutes|seconds|hours|days|tolerance|low|high|"
    r"taken|points|required|created|updated|unchanged|total|filters|values|maximum|minimum|"
    r"peer_count|minimum_peers|line|column|length|year|month|day|percent)$"
)
# (file, placeholder) pairs whose value is a number but not one read as a quantity by a person:
# none since the agents' refusals (read by an operator in the agent's log) are in their digits too.
NOT_NUMBERS: set[tuple[str, str]] = set()

PLACEHOLDER_D = re.compile(r"%(\([^)]*\))?[-#0 +]*\d*(\.\d+)?[dife]")


def _name(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def _is_gettext(node: ast.expr) -> bool:
    return isinstance(node, ast.Call) and _name(node.func) in GETTEXT


def _sources() -> Iterator[tuple[Path, str]]:
    """The modules with a message placeholder or a ``params=`` (only they can put a number in a
    message): a third of the code, so the test parses a third."""
    for path in sorted(ROOT.rglob("*.py")):
        parts = path.relative_to(ROOT).parts
        if "tests" in parts or "migrations" in parts or path.name in {"conftest.py", "testing.py"}:
            continue
        source = path.read_text(encoding="utf-8")
        if "%(" in source or "params=" in source:
            yield path, source


class _Finder(ast.NodeVisitor):
    """Placeholders of gettext messages (and ``ValidationError`` params) given a bare number."""

    def __init__(self, relative: str, module: ast.Module) -> None:
        self.relative = relative
        self.found: list[str] = []
        # The module's and the enclosing functions' scopes; a function's assignments are read
        # only when one of its messages names a variable.
        self.scopes: list[ast.AST] = [module]
        self.assigned: dict[int, dict[str, ast.expr]] = {}

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        self.scopes.append(node)
        self.generic_visit(node)
        self.scopes.pop()

    visit_AsyncFunctionDef = visit_FunctionDef

    def _assignments(self, scope: ast.AST) -> dict[str, ast.expr]:
        if id(scope) not in self.assigned:
            found: dict[str, ast.expr] = {}
            nodes = scope.body if isinstance(scope, ast.Module) else ast.walk(scope)
            for child in nodes:
                if isinstance(child, ast.Assign):
                    for target in child.targets:
                        if isinstance(target, ast.Name):
                            found[target.id] = child.value
                elif (
                    isinstance(child, ast.AnnAssign | ast.NamedExpr)
                    and isinstance(child.target, ast.Name)
                    and child.value is not None
                ):
                    found[child.target.id] = child.value
            self.assigned[id(scope)] = found
        return self.assigned[id(scope)]

    def _value_of(self, node: ast.expr) -> ast.expr:
        if isinstance(node, ast.Name):
            for scope in reversed(self.scopes):
                assigned = self._assignments(scope)
                if node.id in assigned:
                    return assigned[node.id]
        return node

    def _is_number(self, key: str, value: ast.expr, depth: int = 0) -> bool:
        if isinstance(value, ast.Name) and depth < 3:
            found = self._value_of(value)
            if found is not value:
                return self._is_number(key, found, depth + 1)
        if isinstance(value, ast.Constant):
            return isinstance(value.value, int | float) and not isinstance(value.value, bool)
        if isinstance(value, ast.Call):
            return _name(value.func) in NUMBER_CALLS
        if isinstance(value, ast.JoinedStr):  # f"{size:.1f}": a number as Python writes it
            return any(isinstance(part, ast.FormattedValue) and part.format_spec for part in value.values)
        if isinstance(value, ast.BinOp):
            return not isinstance(value.op, ast.Mod)
        if isinstance(value, ast.UnaryOp):
            return isinstance(value.op, ast.USub | ast.UAdd)
        if isinstance(value, ast.IfExp):
            return self._is_number(key, value.body, depth) or self._is_number(key, value.orelse, depth)
        if isinstance(value, ast.Name | ast.Attribute | ast.Subscript):
            return bool(NUMBER_KEYS.match(key))
        return False

    def _check(self, mapping: ast.expr, line: int) -> None:
        mapping = self._value_of(mapping)
        if not isinstance(mapping, ast.Dict):
            return
        for key, value in zip(mapping.keys, mapping.values, strict=True):
            if not isinstance(key, ast.Constant) or not isinstance(key.value, str):
                continue
            if (self.relative, key.value) in NOT_NUMBERS:
                continue
            if self._is_number(key.value, value):
                self.found.append(f"{self.relative}:{line}: %({key.value})s ← {ast.unparse(value)}")

    def visit_BinOp(self, node: ast.BinOp) -> None:
        if isinstance(node.op, ast.Mod) and (
            _is_gettext(node.left) or _is_gettext(self._value_of(node.left))
        ):
            self._check(node.right, node.lineno)
        self.generic_visit(node)

    def visit_Call(self, node: ast.Call) -> None:
        for keyword in node.keywords:
            if keyword.arg == "params" and _name(node.func) == "ValidationError":
                self._check(keyword.value, node.lineno)
        self.generic_visit(node)


def test_no_message_is_given_a_bare_number() -> None:
    found: list[str] = []
    for path, source in _sources():
        module = ast.parse(source)
        finder = _Finder(str(path.relative_to(ROOT)), module)
        finder.visit(module)
        found += finder.found
    assert found == [], "numbers put into messages without formatting.number:\n" + "\n".join(found)


@pytest.mark.parametrize(
    "path", sorted(ROOT.glob("**/locale/fa/LC_MESSAGES/django.mo")), ids=lambda p: p.parts[-5]
)
def test_no_catalogue_message_takes_a_bare_number(path: Path) -> None:
    """A ``%d`` placeholder cannot take the reader's digits: every number placeholder, in the English
    message and in its Persian translation, is ``%s``."""
    with path.open("rb") as file:
        catalogue = gettext.GNUTranslations(file)._catalog  # type: ignore[attr-defined]
    found = sorted(
        {
            str(key[0] if isinstance(key, tuple) else key)
            for key, translated in catalogue.items()
            if any(
                PLACEHOLDER_D.search(text.replace("%%", ""))
                for text in (str(key[0] if isinstance(key, tuple) else key), translated)
            )
        }
    )
    assert found == []
