"""Every Persian catalogue is whole and compiled as written: no message left untranslated or marked
fuzzy (Django shows neither: the reader meets the English), no message id given twice (msgfmt
refuses the file, and a hand-merged catalogue can hold both), and each ``.mo`` holds exactly the
translations of its ``.po``: the ``.mo`` is what Django reads, the ``.po`` what a reviewer reads,
and a catalogue edited by hand and not compiled again (or compiled from a side of a merge) shows
the reader something no reviewer saw. The catalogues are the apps' and the project's own
(``rasad/locale``: Django's refusals reworded, kept by hand; docs/development/translations.md).

The ``.po`` files are read here by a small reader of their syntax as gettext writes it, so that the
suite needs no gettext tools."""

from __future__ import annotations

import ast
import gettext
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CATALOGUES = sorted(ROOT.glob("**/locale/fa/LC_MESSAGES/django.po"))
_KEYWORD = re.compile(r'^(msgctxt|msgid|msgid_plural|msgstr(?:\[(\d+)\])?) (".*")$')


@dataclass
class Entry:
    line: int
    flags: set[str] = field(default_factory=set)
    context: str | None = None
    msgid: str = ""
    plural: str | None = None
    translations: dict[int, str] = field(default_factory=dict)

    @property
    def key(self) -> str:
        # As the compiled catalogue keys it: the context and the id joined by EOT.
        return self.msgid if self.context is None else f"{self.context}\x04{self.msgid}"


def read_po(path: Path) -> list[Entry]:
    """The catalogue's entries (its header, the empty id, among them); obsolete entries (``#~``)
    are comments and left out, as msgfmt leaves them."""
    entries: list[Entry] = []
    current: Entry | None = None
    part: tuple[str, int] | None = None
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:
            current, part = None, None
            continue
        if line.startswith("#"):
            if current is not None and part is not None:
                # A comment after an entry's strings starts the next entry.
                current, part = None, None
            if line.startswith("#,"):
                current = current or _started(entries, number)
                current.flags |= {flag.strip() for flag in line[2:].split(",")}
            elif not line.startswith("#~"):
                current = current or _started(entries, number)
            continue
        if line.startswith('"'):
            assert current is not None and part is not None, f"{path}:{number}: a string outside an entry"
            _append(current, part, ast.literal_eval(line))
            continue
        match = _KEYWORD.match(line)
        assert match, f"{path}:{number}: not a line of a catalogue: {line!r}"
        keyword, index, text = match.group(1), match.group(2), ast.literal_eval(match.group(3))
        after_translation = part is not None and part[0] == "msgstr"
        if keyword in ("msgctxt", "msgid") and (current is None or after_translation):
            current = _started(entries, number)
        assert current is not None
        part = ("msgstr", int(index or 0)) if keyword.startswith("msgstr") else (keyword, 0)
        _append(current, part, text)
    return entries


def _started(entries: list[Entry], number: int) -> Entry:
    entries.append(Entry(line=number))
    return entries[-1]


def _append(entry: Entry, part: tuple[str, int], text: str) -> None:
    name, index = part
    if name == "msgctxt":
        entry.context = (entry.context or "") + text
    elif name == "msgid":
        entry.msgid += text
    elif name == "msgid_plural":
        entry.plural = (entry.plural or "") + text
    else:
        entry.translations[index] = entry.translations.get(index, "") + text


def _messages(path: Path) -> list[Entry]:
    return [entry for entry in read_po(path) if entry.msgid]


def _name(path: Path) -> str:
    return str(path.relative_to(ROOT).parents[2])


def test_every_catalogue_is_found_the_project_s_own_too() -> None:
    names = {_name(path) for path in CATALOGUES}
    assert {"locale", "cases/locale", "lib/locale", "web/locale"} <= names


@pytest.mark.parametrize("path", CATALOGUES, ids=_name)
def test_no_message_is_untranslated_or_fuzzy(path: Path) -> None:
    found = [
        f"{path.relative_to(ROOT)}:{entry.line}: {entry.msgid[:60]!r}"
        for entry in _messages(path)
        if "fuzzy" in entry.flags
        or not entry.translations
        or any(not text for text in entry.translations.values())
    ]
    assert found == [], "untranslated or fuzzy (shown in English):\n" + "\n".join(found)


@pytest.mark.parametrize("path", CATALOGUES, ids=_name)
def test_no_message_id_is_given_twice(path: Path) -> None:
    seen: dict[str, int] = {}
    found = []
    for entry in _messages(path):
        if entry.key in seen:
            where = f"{path.relative_to(ROOT)}:{entry.line} and :{seen[entry.key]}"
            found.append(f"{where}: {entry.msgid[:60]!r}")
        seen.setdefault(entry.key, entry.line)
    assert found == []


@pytest.mark.parametrize("path", CATALOGUES, ids=_name)
def test_the_compiled_catalogue_holds_exactly_the_written_one(path: Path) -> None:
    written: dict[object, str] = {}
    for entry in _messages(path):
        if entry.plural is None:
            written[entry.key] = entry.translations.get(0, "")
        else:
            written.update({(entry.key, index): text for index, text in entry.translations.items()})
    with path.with_suffix(".mo").open("rb") as file:
        compiled = dict(gettext.GNUTranslations(file)._catalog)  # type: ignore[attr-defined]
    compiled.pop("", None)  # the header
    differing = sorted(
        str(key)[:80] for key in written.keys() | compiled.keys() if written.get(key) != compiled.get(key)
    )
    compiled_path = path.with_suffix(".mo").relative_to(ROOT)
    assert differing == [], f"{compiled_path} is not msgfmt of its .po: " + ", ".join(differing[:10])


def test_the_reader_reads_what_gettext_writes(tmp_path: Path) -> None:
    """The reader above, on the forms a catalogue takes: a context, a plural, strings continued
    over lines, escapes, a fuzzy flag and an obsolete entry."""
    po = tmp_path / "django.po"
    po.write_text(
        "\n".join(
            [
                'msgid ""',
                'msgstr ""',
                '"Language: fa\\n"',
                "",
                "#: a.py",
                "#, python-format",
                'msgctxt "a day"',
                'msgid "Closed"',
                'msgstr "تعطیل"',
                "",
                "#, fuzzy",
                'msgid ""',
                '"One "',
                '"\\"long\\" line"',
                'msgstr "یک"',
                "",
                'msgid "%(n)s file"',
                'msgid_plural "%(n)s files"',
                'msgstr[0] "%(n)s پرونده"',
                'msgstr[1] ""',
                "",
                '#~ msgid "Gone"',
                '#~ msgstr "رفته"',
            ]
        ),
        encoding="utf-8",
    )
    entries = read_po(po)
    assert [(e.context, e.msgid, e.plural, e.translations) for e in entries] == [
        (None, "", None, {0: "Language: fa\n"}),
        ("a day", "Closed", None, {0: "تعطیل"}),
        (None, 'One "long" line', None, {0: "یک"}),
        (None, "%(n)s file", "%(n)s files", {0: "%(n)s پرونده", 1: ""}),
    ]
    assert entries[1].key == "a day\x04Closed"
    assert "fuzzy" in entries[2].flags and "python-format" in entries[1].flags
