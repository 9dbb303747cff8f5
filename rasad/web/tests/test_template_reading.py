"""Rules of how a template reads that screenshots in Persian found broken (session 24: desktop and phone)."""

from __future__ import annotations

import re

from rasad.testing.templates import ROOT, template_texts

# A badge whose text is a level alone: «کم», «زیاد» beside an event's title or a crisis's state
# badge read as nothing in particular; «شدت: کم» says what is low.
_SEVERITY_BADGE = re.compile(r'class="badge[^"]*"[^>]*>(?P<text>[^<]*get_severity_display[^<]*)<')


def test_a_severity_badge_names_what_it_measures():
    badges = [
        (path.relative_to(ROOT), match.group("text"))
        for path, text in template_texts()
        for match in _SEVERITY_BADGE.finditer(text)
    ]
    assert len(badges) >= 3  # the live feed's events, the crisis list and a crisis's page
    bare = [f"{path}: {text}" for path, text in badges if not text.startswith('{% translate "Severity" %}: ')]
    assert not bare, bare


# An include written inline before a separator or a punctuation mark: «۱۹:۰۰ ، اداره کل…» when the
# included template ends with a newline, which the page shows as a space before the comma. Such an
# include is kept without the newline at its end (an editor that adds one fails here).
_INLINE_INCLUDE = re.compile(r'{% include "(?P<name>[\w/.]+)"[^%]*%}(?={% sep|[،,.:;)])')


def test_an_include_followed_inline_by_a_separator_ends_without_a_space():
    texts = {str(path.relative_to(ROOT)).split("/templates/", 1)[1]: text for path, text in template_texts()}
    included = {match.group("name") for text in texts.values() for match in _INLINE_INCLUDE.finditer(text)}
    assert "training/includes/event_when.html" in included
    spaced = sorted(name for name in included if name in texts and texts[name] != texts[name].rstrip())
    assert not spaced, spaced


# The same for a level written out in the template: a message's «زیاد» beside its subject (session
# 25) read as nothing in particular; «اولویت: زیاد» says what is high.
_LEVELS = "Low|Medium|High|Urgent"
_LEVEL_BADGE = re.compile(r'class="badge[^"]*"[^>]*>(?P<text>[^<]*{% translate "(?:' + _LEVELS + r')" %})<')


def test_a_level_badge_written_out_names_what_it_measures():
    badges = [
        (path.relative_to(ROOT), match.group("text"))
        for path, text in template_texts()
        for match in _LEVEL_BADGE.finditer(text)
    ]
    assert len(badges) >= 3  # a message's priority: urgent, high, low
    bare = [f"{path}: {text}" for path, text in badges if not re.match(r'{% translate "\w+" %}: ', text)]
    assert not bare, bare


# A file's size in the reader's words and digits («۲۰ کیلوبایت», rasad.lib.formatting.file_size):
# Django's filesizeformat read «20.0 KB» on a Persian page, and a size with «B» after it, «۳۲۳ B».
_FILE_SIZE = re.compile(r"\|filesizeformat|size\|num }} B\b")


def test_a_file_size_is_written_by_the_formatting_layer():
    written = [str(path.relative_to(ROOT)) for path, text in template_texts() if _FILE_SIZE.search(text)]
    assert not written, written
    assert sum("|filesize }}" in text for _, text in template_texts()) >= 3  # a case, a message, a statement
