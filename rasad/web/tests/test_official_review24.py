"""What an official frowned at in the screenshots of session 24 (Persian, desktop and phone)."""

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
