"""An agency's link to what it published, typed on a phone: without «https://» it is a web address
all the same (docs/development/conventions.md, "Phones"); what is not one is still refused, with
the schemes kept left to right in the Persian message."""

from __future__ import annotations

import pytest
from django.utils import translation

from rasad.media.forms import ResponseForm


@pytest.mark.parametrize(
    ("typed", "taken"),
    [
        ("kerman-water.example/news/1405/khamooshi", "https://kerman-water.example/news/1405/khamooshi"),
        ("www.irna.ir", "https://www.irna.ir"),
        ("  https://isf-p1.example/news/winter ", "https://isf-p1.example/news/winter"),
        ("http://isf-p1.example:8080/a", "http://isf-p1.example:8080/a"),
        ("", ""),
        # Not a web address: left as typed, for the action to refuse.
        ("خبر در کانال ما", "خبر در کانال ما"),
        ("javascript:alert(1)", "javascript:alert(1)"),
    ],
)
def test_a_link_without_its_scheme_is_taken_as_a_web_address(typed, taken):
    form = ResponseForm({"outcome": "published", "evidence_url": typed})
    form.is_valid()
    assert form.cleaned_data["evidence_url"] == taken


def test_the_refusal_keeps_the_schemes_left_to_right():
    from rasad.lib.actions import Errors
    from rasad.media.actions.responses import _check_url

    errors = Errors()
    with translation.override("fa"):
        _check_url("javascript:alert(1)", errors)
        text = str(errors.fields["evidence_url"][0])
    # A left-to-right mark after each «://», so that it does not drift to the left of its scheme.
    assert "https://\u200e یا http://\u200e" in text, text
