"""A list's filters at a tablet's width (820 px) and at an office monitor's (1366 px): every
choice shows its whole text and a date its whole value. At 820 px a sixth of the row cut the
cases' «همهٔ وضعیت‌ها» to «همهٔ وضعیت», their date «۱۴۰۵/۰۹/۱۵» to «۱۴۰۵،», and the reported
values' «هر وضعیتی» (session 27)."""

from __future__ import annotations

from typing import Any

import pytest

from rasad.testing.cast import Cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# For each filter control: the text it shows (the chosen option, the date typed) and whether it
# fits inside the control, its padding and the select's arrow taken off.
_CUT_JS = """form => [...document.querySelectorAll(
    `[data-testid=${form}] select, [data-testid=${form}] input:not([type=hidden]):not([type=radio])`)]
  .map(el => {
    const style = getComputedStyle(el);
    const context = document.createElement('canvas').getContext('2d');
    context.font = style.font;
    const text = el.tagName === 'SELECT' ? el.options[el.selectedIndex].text : (el.value || el.placeholder);
    const room = el.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    return {name: el.name, text, width: Math.ceil(context.measureText(text).width), room: Math.floor(room)};
  })
  .filter(control => control.width > control.room)"""


@pytest.mark.parametrize("width", [820, 1366])
@pytest.mark.parametrize(
    ("path", "form"),
    [
        ("/cases/", "case-filters"),
        ("/cases/board/", "case-filters"),
        ("/indicators/observations/", "observation-filters"),
    ],
)
def test_every_filter_shows_its_whole_text(journey: Any, cast: Cast, width: int, path: str, form: str):
    person = journey("desktop")
    person.sign_in("alice")
    person.page.set_viewport_size({"width": width, "height": 900})
    person.go(path)
    # A date as a person types it, set without a change event (the case filters reload the list
    # on one).
    person.page.evaluate(
        """() => document.querySelectorAll('[data-testid=case-filters] input[name^=opened_]')
          .forEach(field => { field.value = '۱۴۰۵/۰۹/۱۵'; })"""
    )
    assert person.page.evaluate(_CUT_JS, form) == []
    assert person.page.evaluate("document.documentElement.scrollWidth") <= width
