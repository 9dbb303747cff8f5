"""A refusal kept to be read later (stored_text.of_refusal): each message by its id and
parameters, read in the reader's language and digits; several side by side."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy

from rasad.lib import display
from rasad.lib.stored_text import Names, of_refusal


def test_a_refusal_raised_lazily_reads_in_each_reader_s_language():
    refusal = ValidationError(
        {
            "format": ValidationError(
                gettext_lazy("Choose one of these formats: %(formats)s."),
                params={"formats": Names(("pdf", "xlsx"))},
            ),
            "kind": [gettext_lazy("There is no such list to export, or you may not see it.")],
        }
    )
    kept = of_refusal(refusal)
    with display.speaking(None, "en"):
        assert refusal.messages[0] == "Choose one of these formats: pdf, xlsx."  # as raised
        english = kept.render()
    assert english == (
        "Choose one of these formats: pdf, xlsx. There is no such list to export, or you may not see it."
    )
    with display.speaking(None, "fa"):
        persian = kept.render()
    assert "pdf، xlsx" in persian and "Choose" not in persian and "There is" not in persian


def test_a_refusal_written_when_raised_reads_as_it_was_written():
    kept = of_refusal(ValidationError("پیام نوشته‌شده %(n)s", params={"n": 3}))
    with display.speaking(None, "fa"):
        assert kept.render() == "پیام نوشته‌شده ۳"
    with display.speaking(None, "en"):
        assert kept.render() == "پیام نوشته‌شده 3"
