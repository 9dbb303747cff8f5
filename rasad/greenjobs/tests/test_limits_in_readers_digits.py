"""A scheme's limits are named in the reader's digits inside a Persian refusal (session 21: the
bounds were interpolated as Python integers, «حداکثر 30 قاعده»)."""

from __future__ import annotations

from django.utils import translation

from rasad.greenjobs.actions.registry import MAX_DOCUMENTS, check_documents
from rasad.greenjobs.rules import MAX_RULES, check_rules
from rasad.lib import display


def test_too_many_rules_or_documents_are_refused_with_the_limit_in_persian_digits():
    with translation.override("fa"):
        _rules, rule_errors = check_rules([{}] * (MAX_RULES + 1))
        _documents, document_errors = check_documents([{}] * (MAX_DOCUMENTS + 1))
    assert "۳۰" in rule_errors["rules"][0] and "30" not in rule_errors["rules"][0]
    assert "۱۲" in document_errors["documents"][0] and "12" not in document_errors["documents"][0]


def test_a_reader_of_latin_digits_reads_the_limit_in_latin_digits():
    token = display.activate(display.DisplayPreferences(language="en", persian_digits=False))
    try:
        with translation.override("en"):
            _rules, rule_errors = check_rules([{}] * (MAX_RULES + 1))
    finally:
        display.reset(token)
    assert rule_errors == {"rules": ["A scheme has at most 30 rules."]}
