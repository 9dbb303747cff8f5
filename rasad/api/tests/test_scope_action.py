"""Every extra action of an API viewset names its verb with ``@scope_action`` (rasad.api.viewsets),
the one way an action's object is read through the viewset's scoped queryset: a verb set by hand
after the method (``close.scope_action = "change"``) is the same attribute, written so that it is
easy to forget and invisible where the action is declared."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from rasad.api.viewsets import SCOPE_ACTION_ATTRIBUTE

ROOT = Path(__file__).resolve().parents[2]


def _api_modules() -> list[Path]:
    return sorted(ROOT.glob("*/api/*.py"))


def _verbs_set_by_hand(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Attribute) and target.attr == SCOPE_ACTION_ATTRIBUTE:
                    found.append(f"{path.relative_to(ROOT.parent)}:{node.lineno}")
    return found


@pytest.mark.parametrize("path", _api_modules(), ids=lambda p: str(p.relative_to(ROOT.parent)))
def test_api_modules_declare_action_verbs_with_the_decorator(path: Path):
    assert _verbs_set_by_hand(path) == []
