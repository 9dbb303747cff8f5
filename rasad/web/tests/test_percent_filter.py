"""A value in percent is shown by the ``pct`` filter, through the formatting layer: «۸۷٪» in
Persian digits, "87%" for a Latin-digit reader; no template glues «٪» after a number itself (an
English page read «87٪»)."""

from __future__ import annotations

import re

from django.template import Context, Template

from rasad.lib import display
from rasad.testing.templates import ROOT, template_texts

TEMPLATE = Template("{% load rasad %}{{ a|pct }} {{ a|pct:0 }} {{ b|pct }}")


def _render(language: str) -> str:
    with display.speaking(None, language):
        return TEMPLATE.render(Context({"a": 87.46, "b": None}))


def test_pct_shows_a_percentage_in_the_reader_s_digits():
    assert _render("fa") == "۸۷٫۵٪ ۸۷٪ —"
    assert _render("en") == "87.5% 87% —"


def test_no_template_writes_the_percent_sign_after_a_number_itself():
    glued = re.compile(r"\{\{[^}]*\}\}\s*[٪%]")
    style = re.compile(r'style="[^"]*"')  # a length in a style («width: {{ share }}%») is no text
    found = [
        f"{path.relative_to(ROOT)}: {match.group(0)}"
        for path, text in template_texts()
        for match in glued.finditer(style.sub("", text))
    ]
    assert not found, found
