"""How an instrument's parts are numbered for their reader: the display label of a section, a
criterion and an item, beside their stable codes.

The starter instruments code their parts with Latin letters (section ``A``, criterion ``A1``, item
``A1.2``; some with a mnemonic letter, ``T`` for the technical score). The codes are the keys the
API, the spreadsheets, the results and the comparisons between cycles match parts by, so they
never change. A Persian document numbers its sections with the letters in the abjad order
(«بند الف», «بند ب», …, as the laws and memoranda the platform's bodies cite do: «بند «د» ماده ۶»),
and their parts with numbers: a Persian reader sees «الف», «الف-۱», «الف-۱-۲» where an English
reader sees ``A``, ``A1``, ``A1.2``. ``docs/assessments.md`` (“How parts are numbered”) describes the rule.

A section's letter follows its place among the instrument's sections (its ``order``: 1 is «الف»),
not the Latin letter, so that ``T``, ``P``, ``S`` read «الف», «ب», «ج» as the sections are listed.
A part whose code is not of that form (an instrument imported with codes of its own: ``ENV-01``,
``۱``) is shown by its code, in the reader's digits.
"""

from __future__ import annotations

import re
from typing import Final

from rasad.lib import display, formatting

__all__ = ["ABJAD_LETTERS", "child_label", "heading", "section_label"]

# The Persian letters in the abjad order (ابجد، هوز، حطی، کلمن، سعفص، قرشت، ثخذ، ضظغ), as Persian
# documents number their clauses; «هـ» with its tatweel so that it is not read as a word.
ABJAD_LETTERS: Final = (
    "الف",
    "ب",
    "ج",
    "د",
    "هـ",
    "و",
    "ز",
    "ح",
    "ط",
    "ی",
    "ک",
    "ل",
    "م",
    "ن",
    "س",
    "ع",
    "ف",
    "ص",
    "ق",
    "ر",
    "ش",
    "ت",
    "ث",
    "خ",
    "ذ",
    "ض",
    "ظ",
    "غ",
)

# Between the letter and the numbers of a part (and between the numbers): «الف-۱-۲».
SEPARATOR: Final = "-"

_LETTER_CODE: Final = re.compile(r"[A-Za-z]")
_NUMBER: Final = re.compile(r"[0-9]+")


def _persian(prefs: display.DisplayPreferences | None) -> bool:
    return (prefs if prefs is not None else display.current()).language.startswith("fa")


def section_label(code: str, order: int, *, prefs: display.DisplayPreferences | None = None) -> str:
    """A section as its reader numbers it: for a Persian reader, the abjad letter of its place
    (``order`` 1 is «الف») when its code is one Latin letter; otherwise its code."""
    if _persian(prefs) and _LETTER_CODE.fullmatch(code) and 1 <= order <= len(ABJAD_LETTERS):
        return ABJAD_LETTERS[order - 1]
    return formatting.code(code, prefs=prefs)


def child_label(
    code: str,
    parent_code: str,
    parent_label: str,
    *,
    joint: str = "",
    prefs: display.DisplayPreferences | None = None,
) -> str:
    """A criterion or an item as its reader numbers it: for a Persian reader, when its code is
    its parent's code, ``joint`` and a number (``A`` and ``1`` in ``A1``; ``A1``, ``.`` and ``2``
    in ``A1.2``), the parent's label and the number (``parent_label`` «الف-۱» gives «الف-۱-۲»);
    otherwise its code."""
    if _persian(prefs) and code.startswith(parent_code + joint):
        number = code[len(parent_code) + len(joint) :]
        if parent_label != formatting.code(parent_code, prefs=prefs) and _NUMBER.fullmatch(number):
            return f"{parent_label}{SEPARATOR}{formatting.digits(number, prefs=prefs)}"
    return formatting.code(code, prefs=prefs)


def heading(label: str, title: str, *, prefs: display.DisplayPreferences | None = None) -> str:
    """A section or a criterion with its title, as a list of clauses writes it: «الف) راهبری امنیت»
    in Persian, "A. Security governance" in English."""
    return f"{label}) {title}" if _persian(prefs) else f"{label}. {title}"
