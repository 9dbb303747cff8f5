"""The project's templates read as text, for the tests that check how every template is written
(every empty list worded for its scope, every export button told whether its list is empty, no
percent sign glued after a number, a page's title above its tabs)."""

from __future__ import annotations

import functools
from pathlib import Path

from django.template.loader import get_template

ROOT = Path(__file__).resolve().parents[1]  # the rasad package: its apps' templates/ folders


@functools.cache
def template_texts() -> tuple[tuple[Path, str], ...]:
    """Every HTML template of Rasad's apps with its text, in path order (read once a process)."""
    paths = sorted(ROOT.glob("*/templates/**/*.html"))
    return tuple((path, path.read_text(encoding="utf-8")) for path in paths)


def template_source(name: str) -> str:
    """The text of the template the loaders find for ``name`` (``"cases/case_list.html"``)."""
    # The backend's wrapper is untyped; its ``template`` is Django's own, which keeps its source.
    return str(get_template(name).template.source)  # type: ignore[attr-defined]
