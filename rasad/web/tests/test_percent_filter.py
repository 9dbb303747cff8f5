"""A value in percent is shown by the ``pct`` filter, through the formatting layer: «۸۷٪» in
Persian digits, "87%" for a Latin-digit reader; no template glues «٪» after a number itself (an
English page read «87٪»)."""

from __future__ import annotations

import re
from pathlib import Path

from django.template import Context, Template

from rasad.lib import display

TEMPLATE = Template("{% load rasad %}{{ a|pct }} {{ a|pct:0 }} {{ b|pct }}")


def _render(language: str) -> str:
    with display.speaking(None, language):
        return TEMPLATE.render(Context({"a": 87.46, "b": None}))


def test_pct_shows_a_percentage_in_the_reader_s_digits():
    assert _render("fa") == "۸۷٫۵٪ ۸۷٪ —"
    assert _render("en") == "87.5% 87% —"


def test_no_template_writes_the_percent_sign_after_a_number_itself():
    root = Path(__file__).resolve().parents[2]
    glued = re.compile(r"\{\{[^}]*\}\}\s*[٪%]")
    style = re.compile(r'style="[^"]*"')  # a length in a style («width: {{ share }}%») is no text
    found = [
        f"{path.relative_to(root)}: {match.group(0)}"
        for path in root.glob("*/templates/**/*.html")
        for match in glued.finditer(style.sub("", path.read_text(encoding="utf-8")))
    ]
    assert not found, found
