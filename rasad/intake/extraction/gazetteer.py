"""Gazetteers: the names the extractors look for, and a matcher that finds them in a document.

A gazetteer entry is a name (or an alias, an abbreviation, an acronym) that stands for one
record: an organization of the tree, a province, a city. Names are compared by key with the
spaces taken out, so a name matches whatever spacing the document uses: «پدافند غیرعامل»،
«پدافند غیر عامل» and «پدافند غیر‌عامل» are the same key. A match always starts and ends on
token boundaries and never crosses a full stop, a colon, a bracket or a quote.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from rasad.intake.extraction.text import Document, fold


@dataclass(frozen=True)
class OrganizationEntry:
    """An organization of the tree, as the extractors need it (no database row)."""

    code: str
    name: str
    kind: str = ""
    province_code: str = ""
    name_en: str = ""
    aliases: tuple[str, ...] = ()
    pk: int | None = None


@dataclass(frozen=True)
class PlaceEntry:
    """A province, county or city of the shipped geography."""

    kind: str  # "province" | "county" | "city"
    code: str  # province code, or the GeoNames id of a city
    name: str
    latitude: float | None
    longitude: float | None
    province_code: str = ""
    population: int = 0


@dataclass(frozen=True)
class Match:
    """A gazetteer name found in a document: tokens ``[first, last)``."""

    first: int
    last: int
    value: object
    surface: str  # the variant that matched (for the explanation)


@dataclass
class Matcher:
    """Finds the longest names of a gazetteer in a document's tokens."""

    names: dict[str, list[tuple[object, str]]] = field(default_factory=dict)
    prefixes: set[str] = field(default_factory=set)
    max_tokens: int = 14

    def add(self, name: str, value: object) -> None:
        key = fold(name)
        if len(key) < 2:
            return
        bucket = self.names.setdefault(key, [])
        if all(existing is not value for existing, _surface in bucket):
            bucket.append((value, name))
        for end in range(1, len(key) + 1):
            self.prefixes.add(key[:end])

    def add_all(self, pairs: Iterable[tuple[str, object]]) -> None:
        for name, value in pairs:
            self.add(name, value)

    def matches_at(self, document: Document, first: int) -> list[Match]:
        """Every name that starts at token ``first``, longest first."""
        found: list[Match] = []
        key = ""
        tokens = document.tokens
        for last in range(first, min(len(tokens), first + self.max_tokens)):
            key += tokens[last].key
            if key not in self.prefixes:
                break
            for value, surface in self.names.get(key, ()):
                found.append(Match(first, last + 1, value, surface))
            if document.is_hard_break_after(last):
                break
        found.sort(key=lambda m: m.first - m.last)
        return found

    def find_all(self, document: Document, *, skip: Sequence[bool] | None = None) -> list[Match]:
        """Longest, leftmost, non-overlapping matches; tokens flagged in ``skip`` are taken."""
        results: list[Match] = []
        index = 0
        while index < len(document.tokens):
            if skip is not None and skip[index]:
                index += 1
                continue
            candidates = [
                m for m in self.matches_at(document, index) if skip is None or not any(skip[m.first : m.last])
            ]
            if candidates:
                longest = candidates[0]
                same = [m for m in candidates if m.last == longest.last]
                results.extend(same)
                index = longest.last
            else:
                index += 1
        return results
