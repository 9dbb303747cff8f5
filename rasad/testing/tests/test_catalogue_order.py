"""``scripts/catalogue_order.py``, which ``scripts/messages.sh`` runs after ``makemessages``: the
catalogue's entries keep the order they had, an entry added by hand at the end included, so a run
on an unchanged tree changes nothing (run twice on the project's catalogues: no diff)."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[3]

HEADER = 'msgid ""\nmsgstr ""\n"Language: fa\\n"\n'


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("catalogue_order", ROOT / "scripts" / "catalogue_order.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _catalogue(*entries: str) -> str:
    return "\n\n".join([HEADER.rstrip("\n"), *(entry.rstrip("\n") for entry in entries)]) + "\n"


ALPHA = '#: views.py\nmsgid "Alpha"\nmsgstr "الف"\n'
BETA = '#: views.py\nmsgctxt "letter"\nmsgid "Beta"\nmsgstr "ب"\n'
# Added by hand at the end, on one long line; msgmerge wraps it and names another file.
GAMMA_BY_HAND = '#: views.py\nmsgid "Gamma, a message long enough for gettext to wrap it"\nmsgstr "ج"\n'
GAMMA_MERGED = (
    '#: forms.py views.py\nmsgid ""\n"Gamma, a message long enough "\n"for gettext to wrap it"\nmsgstr "ج"\n'
)
PLURAL = (
    '#: views.py\nmsgid "%(n)s day"\nmsgid_plural "%(n)s days"\nmsgstr[0] "%(n)s روز"\n'
    'msgstr[1] "%(n)s روز"\n'
)
GONE = '#: views.py\nmsgid "Gone"\nmsgstr "رفته"\n'
NEW = '#: forms.py\nmsgid "New"\nmsgstr ""\n'


def test_a_run_on_an_unchanged_catalogue_changes_nothing():
    # msgmerge writes the sources' order: the entry added by hand at the end moves up.
    before = _catalogue(PLURAL, ALPHA, BETA, GAMMA_BY_HAND)
    merged = _catalogue(ALPHA, GAMMA_BY_HAND, BETA, PLURAL)
    assert _script().keep_order(before, merged) == before


def test_kept_entries_keep_their_place_and_merge_s_text_new_ones_come_last_gone_ones_go():
    before = _catalogue(BETA, GONE, ALPHA, GAMMA_BY_HAND)
    merged = _catalogue(NEW, ALPHA, BETA, GAMMA_MERGED, PLURAL)
    assert _script().keep_order(before, merged) == _catalogue(BETA, ALPHA, GAMMA_MERGED, NEW, PLURAL)


def test_an_entry_is_known_by_its_context_and_plural_as_well_as_its_id():
    script = _script()
    assert script.key(BETA) == ("letter", "Beta", None)
    assert script.key(PLURAL) == (None, "%(n)s day", "%(n)s days")
    assert script.key(GAMMA_MERGED) == script.key(GAMMA_BY_HAND)
    assert script.key(ALPHA) != script.key('msgctxt "x"\nmsgid "Alpha"\nmsgstr ""')


def test_every_catalogue_of_the_project_reads_back_as_written():
    script = _script()
    catalogues = sorted(ROOT.glob("rasad/**/locale/fa/LC_MESSAGES/django.po"))
    assert len(catalogues) > 10
    for path in catalogues:
        text = path.read_text("utf-8")
        entries = script.entries(text)
        keys = [script.key(entry) for entry in entries]
        assert len(set(keys)) == len(keys), path
        assert script.keep_order(text, text) == text, path
