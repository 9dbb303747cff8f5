"""The parts of an instrument as their reader numbers them: a Persian reader sees the sections in
the abjad order («الف», «ب», «ج», … by their place) and their criteria and items after them
(«الف-۱», «الف-۱-۲»); an English reader, and the API, the spreadsheets and the page's anchors,
keep the stable codes (``A``, ``A1``, ``A1.2``)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from rasad.assessments.labels import ABJAD_LETTERS, child_label, heading, section_label
from rasad.assessments.testing import starter
from rasad.lib.display import DisplayPreferences
from rasad.testing.cast import Cast
from rasad.testing.web import signed_in_client

FA = DisplayPreferences()
EN = DisplayPreferences(language="en", calendar="gregorian", persian_digits=False)


def test_a_section_is_lettered_by_its_place_in_the_abjad_order():
    lettered = [section_label(code, n, prefs=FA) for n, code in enumerate("ABCDEFGHIJ", start=1)]
    assert " ".join(lettered) == "الف ب ج د هـ و ز ح ط ی"
    # A mnemonic letter (the award's T, P, S) reads by its place, not by the Latin alphabet.
    assert [section_label(code, n, prefs=FA) for n, code in enumerate("TPS", start=1)] == ["الف", "ب", "ج"]
    assert len(ABJAD_LETTERS) == len(set(ABJAD_LETTERS)) == 28


def test_a_code_of_its_own_or_a_place_past_the_letters_is_shown_as_its_code():
    assert section_label("ENV", 1, prefs=FA) == "ENV"
    assert section_label("۲", 2, prefs=FA) == "۲"
    assert section_label("A", 29, prefs=FA) == "A"
    assert section_label("A", 0, prefs=FA) == "A"
    assert child_label("ENV-01", "ENV", "ENV", prefs=FA) == "ENV-۰۱"


def test_criteria_and_items_follow_their_parents_label_in_persian_digits():
    assert child_label("A1", "A", "الف", prefs=FA) == "الف-۱"
    assert child_label("A12.3", "A12", "الف-۱۲", joint=".", prefs=FA) == "الف-۱۲-۳"
    # An item whose code does not continue its criterion's keeps its code.
    assert child_label("B7", "A1", "الف-۱", joint=".", prefs=FA) == "B۷"
    assert heading("الف-۱", "سیاست و مسئولیت", prefs=FA) == "الف-۱) سیاست و مسئولیت"


def test_an_english_reader_reads_the_codes():
    assert section_label("A", 1, prefs=EN) == "A"
    assert child_label("A1.2", "A1", "A1", joint=".", prefs=EN) == "A1.2"
    assert heading("A1", "Policy and responsibility", prefs=EN) == "A1. Policy and responsibility"


@pytest.mark.django_db
def test_the_instrument_page_letters_the_sections_and_keeps_the_codes_as_anchors(cast: Cast):
    """The award's sections, coded T, P, S, read «الف)», «ب)», «ج)» in their order; their items
    «الف-۱-۱»; the anchors (and the API) keep the codes."""
    instrument = starter("EMA")
    first = instrument.sections.order_by("order").first()
    assert first is not None and first.code == "T"
    page = signed_in_client(cast.root).get(reverse("assessments:instrument-detail", args=[instrument.pk]))
    text = page.content.decode()
    assert f"الف) {first.title}</span>" in text
    assert 'id="part-T"' in text and 'id="part-T1.1"' in text
    assert '<bdi class="text-muted small">الف-۱-۱</bdi>' in text
    assert "T. " not in text and ">T1.1<" not in text
