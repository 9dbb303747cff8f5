"""No change of a stored key's source field escapes re-keying: a rename by ``save`` is followed by
the receivers (``rasad.lib.search.follow_renames``), but ``QuerySet.update`` and ``bulk_update``
send no signal, so a path that writes a field some declared key reads (an organization's name,
code or English name; an occupation's, an instrument's or a cycle's name: ``search.readers()``)
must call ``search.renamed`` itself.

The check reads the source of every module under ``rasad/`` (its syntax tree, tests aside) and
finds each ``.update(...)`` and ``.bulk_update(...)``: the fields it writes (the keywords; the
list of names given to ``bulk_update``) and the model it writes (the root of its chain,
``Organization.objects.filter(...)``, through the function's plain assignments and
``apps.get_model``). A call that could write a source field (of a model that is one, or of a
model or fields it cannot tell) must be in a function that calls ``renamed``, or be reviewed in
``REVIEWED`` with a reason the test checks. docs/reference/persian-text.md, "How keys stay fresh".
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.db import models

from rasad.lib import search

ROOT = Path(__file__).resolve().parents[2]  # the package: rasad/


def _sources() -> dict[type[models.Model], set[str]]:
    """Each model some declared key reads, and the fields it reads (by name and column name)."""
    found: dict[type[models.Model], set[str]] = {}
    for model, readers in search.readers().items():
        columns = set().union(*(reader.fields for reader in readers))
        fields = [f for f in model._meta.concrete_fields if f.attname in columns]
        found[model] = {f.attname for f in fields} | {f.name for f in fields}
    return found


@dataclass(frozen=True)
class Update:
    """An ``update``/``bulk_update`` call: where, the models it may write (None: it cannot be
    told), the fields it writes (None: it cannot be told), and whether its function calls
    ``renamed``."""

    path: str
    line: int
    function: str
    models: frozenset[str] | None
    fields: frozenset[str] | None
    calls_renamed: bool

    @property
    def place(self) -> str:
        return f"{self.path}:{self.line} ({self.function})"


def _functions(tree: ast.Module) -> Iterator[tuple[str, ast.AST]]:
    """The module's top level and each function in it (a call belongs to its innermost)."""
    yield "<module>", tree
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            yield node.name, node


def _own_nodes(scope: ast.AST) -> Iterator[ast.AST]:
    """The nodes of ``scope`` outside the functions defined in it (a lambda's are its own)."""
    for child in ast.iter_child_nodes(scope):
        if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        yield child
        yield from _own_nodes(child)


def _root_models(
    expression: ast.expr, assigned: dict[str, ast.expr], depth: int = 0
) -> frozenset[str] | None:
    """The class names the chain ending in ``expression`` starts at: ``Organization`` for
    ``Organization.objects.filter(...)``, the model ``apps.get_model("core", "Organization")``
    names, through the function's plain assignments; None when it starts elsewhere (a
    parameter, ``type(row)``)."""
    node: ast.expr = expression
    while True:
        if isinstance(node, ast.Call):
            function = node.func
            if isinstance(function, ast.Attribute) and function.attr == "get_model":
                names = [
                    a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)
                ]
                return frozenset({names[-1].split(".")[-1]}) if names else None
            node = function
        elif isinstance(node, ast.Attribute | ast.Subscript):
            node = node.value
        elif isinstance(node, ast.Name):
            if node.id in assigned and depth < 8:
                return _root_models(assigned[node.id], assigned, depth + 1)
            return frozenset({node.id})
        else:
            return None


def _written_fields(call: ast.Call) -> frozenset[str] | None:
    assert isinstance(call.func, ast.Attribute)
    if call.func.attr == "update":
        names = [keyword.arg for keyword in call.keywords]
        return None if None in names else frozenset(str(name) for name in names)
    given = (
        call.args[1]
        if len(call.args) > 1
        else next((k.value for k in call.keywords if k.arg == "fields"), None)
    )
    if isinstance(given, ast.List | ast.Tuple | ast.Set) and all(
        isinstance(e, ast.Constant) and isinstance(e.value, str) for e in given.elts
    ):
        return frozenset(str(e.value) for e in given.elts if isinstance(e, ast.Constant))
    return None


def scan(source: str, path: str) -> list[Update]:
    """Every ``update``/``bulk_update`` call of a module's source."""
    tree = ast.parse(source)
    found = []
    for name, scope in _functions(tree):
        nodes = list(_own_nodes(scope))
        assigned = {
            target.id: node.value
            for node in nodes
            if isinstance(node, ast.Assign)
            for target in node.targets
            if isinstance(target, ast.Name)
        }
        calls = [node for node in nodes if isinstance(node, ast.Call)]
        calls_renamed = any(
            (isinstance(c.func, ast.Name) and c.func.id == "renamed")
            or (isinstance(c.func, ast.Attribute) and c.func.attr == "renamed")
            for c in calls
        )
        for call in calls:
            if not isinstance(call.func, ast.Attribute) or call.func.attr not in ("update", "bulk_update"):
                continue
            found.append(
                Update(
                    path=path,
                    line=call.lineno,
                    function=name,
                    models=_root_models(call.func.value, assigned),
                    fields=_written_fields(call),
                    calls_renamed=calls_renamed,
                )
            )
    return found


def may_write_a_source(update: Update, sources: dict[type[models.Model], set[str]]) -> bool:
    """Whether the call could write a field a declared key reads: a source model's (or a model
    it cannot tell), one of its read fields (or fields it cannot tell). A name that is no model
    (``queryset``, ``self``) is a model it cannot tell; a dict's ``update`` of a read field's
    name reads so too (rename the variable's root or review it)."""
    by_name: dict[str, list[type[models.Model]]] = {}
    for model in apps.get_models():
        by_name.setdefault(model.__name__, []).append(model)
    known = [by_name[n] for n in update.models or () if n in by_name]
    candidates = (
        list(sources) if update.models is None or not known else [m for group in known for m in group]
    )
    for model in candidates:
        read = next((fields for source, fields in sources.items() if issubclass(model, source)), set())
        if read and (update.fields is None or update.fields & read):
            return True
    return False


def _no_source_is_confidential() -> bool:
    from rasad.lib.encryption import confidential_columns

    sources = _sources()
    return not any(
        field.attname in sources.get(model, set()) or field.name in sources.get(model, set())
        for model, field in confidential_columns()
    )


# Calls that could write a source field as far as the syntax tells, read and found not to:
# (path, function) and the check of why.
REVIEWED: dict[tuple[str, str], Callable[[], bool]] = {
    # Key rotation writes each confidential column again with its value re-wrapped under the new
    # key (the text the same); no declared key reads a confidential column.
    ("rasad/lib/encryption.py", "rotate"): _no_source_is_confidential,
}


def _modules() -> Iterator[tuple[str, str]]:
    for path in sorted(ROOT.rglob("*.py")):
        relative = path.relative_to(ROOT.parent).as_posix()
        if "/tests/" in relative:
            continue
        yield relative, path.read_text(encoding="utf-8")


def test_no_update_writes_a_source_field_without_re_keying():
    sources = _sources()
    assert sources, "no stored key reads another row's field"
    updates = [update for path, source in _modules() for update in scan(source, path)]
    assert len(updates) > 10, "the scan found too few updates to be reading the code"
    unfollowed = [
        update.place
        for update in updates
        if may_write_a_source(update, sources)
        and not update.calls_renamed
        and (update.path, update.function) not in REVIEWED
    ]
    assert not unfollowed, (
        "these write a field a stored search key reads without save: call search.renamed(Model,"
        f" pks, fields) after them (docs/reference/persian-text.md): {unfollowed}"
    )
    for (path, function), reason in REVIEWED.items():
        assert any(u.path == path and u.function == function for u in updates), (path, function)
        assert reason(), (path, function)


# ---- the scan itself, on code written for it ----------------------------------------------------

FLAGGED = """
def rename(pk):
    Organization.objects.filter(pk=pk).update(name="x")

def rename_many(rows):
    Occupation.objects.bulk_update(rows, ["name", "isco_code"])

def in_a_migration(apps, schema_editor):
    Model = apps.get_model("assessments", "Cycle")
    rows = Model.objects.filter(name="")
    rows.update(name="چرخهٔ نخست")

def of_a_parameter(queryset, values):
    queryset.update(**values)

def in_a_lambda(pk):
    return lambda: Organization.objects.filter(pk=pk).update(code="X")
"""

PASSED = """
def rename(pk):
    Organization.objects.filter(pk=pk).update(name="x")
    search.renamed(Organization, [pk], ["name"])

def another_model(pk):
    Centre.objects.filter(pk=pk).update(name="x")

def another_field(pk):
    Organization.objects.filter(pk=pk).update(closed_on=None)

def ordered(rows):
    type(rows[0]).objects.bulk_update(rows, ["order"])
"""


def test_the_scan_finds_a_rename_by_update_and_passes_what_re_keys():
    sources = _sources()
    flagged = [u.function for u in scan(FLAGGED, "flagged.py") if may_write_a_source(u, sources)]
    assert flagged == ["rename", "rename_many", "in_a_migration", "of_a_parameter", "in_a_lambda"]
    passed = scan(PASSED, "passed.py")
    assert [u.function for u in passed] == ["rename", "another_model", "another_field", "ordered"]
    assert [u.function for u in passed if may_write_a_source(u, sources) and not u.calls_renamed] == []
