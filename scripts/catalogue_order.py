"""Keep a catalogue's entries in the order they had before ``makemessages`` ran.

    python3 scripts/catalogue_order.py BEFORE AFTER   # rewrites AFTER

``makemessages`` merges a catalogue with ``msgmerge``, which writes the entries in the order of
the extracted template (the source files' order): an entry added by hand at the end of a
catalogue, as people add them while they work, moved back into place on the next run, and the
diff showed translations that had not changed. ``scripts/messages.sh`` passes the catalogue as it
was and as ``makemessages`` wrote it: every entry that was there keeps its place (its text as
``msgmerge`` wrote it: its ``#:`` comment, a fuzzy guess), an entry the sources no longer hold is
gone, and a new one is added at the end, in the sources' order. The header stays first. Entries
are told apart by their context, id and plural id (as gettext keys them), read from the quoted
strings, so a long line wrapped otherwise is the same entry. Standard library only: the catalogue
is gettext's own syntax, one entry per paragraph."""

from __future__ import annotations

import re
import sys
from pathlib import Path

_KEYWORD = re.compile(r'^(msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?) (".*")$')
Key = tuple[str | None, str, str | None]


def entries(text: str) -> list[str]:
    """The catalogue's paragraphs: the header, then one entry each."""
    return [block for block in re.split(r"\n[ \t]*\n", text.strip("\n")) if block.strip()]


def key(entry: str) -> Key:
    """The entry's context, id and plural id, as the quoted strings say them."""
    parts: dict[str, str] = {}
    current = None
    for line in entry.splitlines():
        if line.startswith("#"):
            continue
        match = _KEYWORD.match(line)
        if match:
            current = match.group(1)
            if current.startswith("msgstr"):
                break
            parts[current] = match.group(2)[1:-1]
        elif current and line.startswith('"'):
            parts[current] += line.strip()[1:-1]
    return parts.get("msgctxt"), parts.get("msgid", ""), parts.get("msgid_plural")


def keep_order(before: str, after: str) -> str:
    """``after``'s entries in ``before``'s order; the entries ``before`` did not hold at the end."""
    merged = entries(after)
    if not merged:
        return after
    header, rest = merged[0], merged[1:]
    by_key = {key(entry): entry for entry in rest}
    kept = [key(entry) for entry in entries(before)[1:]]
    known = set(kept)
    ordered = [by_key[k] for k in kept if k in by_key]
    ordered += [entry for entry in rest if key(entry) not in known]
    return "\n\n".join([header, *ordered]) + "\n"


def main(before: str, after: str) -> None:
    path = Path(after)
    path.write_text(keep_order(Path(before).read_text("utf-8"), path.read_text("utf-8")), "utf-8")


if __name__ == "__main__":
    main(*sys.argv[1:])
