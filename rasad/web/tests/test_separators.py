"""The separator between the facts of one line («نسخهٔ ۳، ۱۴۰۵/۰۹/۱۲»): «، » in Persian through
``{% sep %}`` and ``rasad.lib.formatting.separator``, never a middle dot, which beside Persian
digits reads as a zero («نسخه ۳ · ۱۴۰۵» is read «نسخه ۳۰ ۱۴۰۵»). Every template, script, style
sheet and Persian translation is read here, so that a «·» written by hand does not come back on a
page the whole-site crawl does not reach."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.template import Context, Template

from rasad.lib import display, formatting

ROOT = Path(__file__).resolve().parents[2]
MIDDLE_DOT = "·"
TEMPLATE_COMMENT = re.compile(r"\{#.*?#\}|\{% comment %\}.*?\{% endcomment %\}", re.DOTALL)
SCRIPT_COMMENT = re.compile(r"/\*.*?\*/|(?<![:\"'])//[^\n]*", re.DOTALL)


def _sources() -> list[tuple[Path, str]]:
    found = []
    for path in sorted(ROOT.glob("*/templates/**/*.html")):
        found.append((path, TEMPLATE_COMMENT.sub("", path.read_text(encoding="utf-8"))))
    for suffix in ("js", "css"):
        for path in sorted(ROOT.glob(f"*/static/*/*.{suffix}")):
            found.append((path, SCRIPT_COMMENT.sub("", path.read_text(encoding="utf-8"))))
    for path in sorted(ROOT.glob("**/locale/fa/LC_MESSAGES/*.po")):
        text = path.read_text(encoding="utf-8")
        found.append((path, "\n".join(re.findall(r'^msgstr(?:\[\d\])? "(.*)"$', text, re.MULTILINE))))
    return found


def test_the_sources_are_found():
    names = {path.name for path, _text in _sources()}
    assert {"base.html", "case_detail.html", "rasad.css", "command.js", "django.po"} <= names


def test_no_page_script_style_or_translation_writes_a_middle_dot():
    found = [
        f"{path.relative_to(ROOT)}:{text[: text.index(MIDDLE_DOT)].count(chr(10)) + 1}"
        for path, text in _sources()
        if MIDDLE_DOT in text
    ]
    assert found == [], "a «·» reads as a zero beside Persian digits; write {% sep %}: " + ", ".join(found)


# A separator follows the fact before it at once: a space or a line break before ``{% sep %}``
# (directly, or before the ``{% if %}`` that holds it) prints «۵ پاسخ ، ۱ دستگاه».
SPACE_BEFORE_SEP = re.compile(r"\s\{% sep|\n[ \t]*(?:\{% (?:if|elif|else|endif)[^%]*%\})+\{% sep")


def test_no_template_puts_a_space_before_the_separator():
    found = [
        f"{path.relative_to(ROOT)}:{text[: match.start()].count(chr(10)) + 2}"
        for path, text in _sources()
        if path.suffix == ".html"
        for match in SPACE_BEFORE_SEP.finditer(text)
    ]
    assert found == []


@pytest.mark.parametrize(
    ("language", "plain", "outer"), [("fa", "نسخه ۳، ۱۴۰۵", "؛ "), ("en", "version 3 · 1405", " · ")]
)
def test_sep_writes_the_readers_separator(language, plain, outer):
    token = display.activate(display.DisplayPreferences(language=language, persian_digits=language == "fa"))
    try:
        rendered = Template("{{ a }}{% sep %}{{ b|digits }}").render(
            Context({"a": "نسخه ۳" if language == "fa" else "version 3", "b": 1405})
        )
        assert rendered == plain
        assert formatting.separator(outer=True) == outer
    finally:
        display.reset(token)
