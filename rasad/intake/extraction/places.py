"""Places: provinces, counties and cities of the shipped geography, with coordinates.

A name from the gazetteer is a place when it stands as a whole word sequence. Names that are
also ordinary words («نور»، «بهار»، «میانه») count only after a cue word («شهر»، «شهرستان»،
«استان»، «بخش»، «بندر»). A bare name that is both a province and its capital («قم»، «کرمان») is
read as the province, «شهر قم» as the city and «شهرستان X» as the county (counties have no data of
their own yet: the county is placed at its seat, the city of the same name). «شهرستان X» and
«بخش X» with an X the geography does not know are proposed as new places without coordinates.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rasad.intake.extraction.gazetteer import Matcher, PlaceEntry
from rasad.intake.extraction.lexicon import (
    AMBIGUOUS_PLACES,
    NOT_PLACE_BEFORE,
    STOPWORDS,
)
from rasad.intake.extraction.text import Document, fold


@dataclass(frozen=True)
class PlaceMention:
    first: int
    last: int
    entry: PlaceEntry
    rule: str


def build_place_matcher(places: Sequence[PlaceEntry]) -> Matcher:
    matcher = Matcher(max_tokens=5)
    # Provinces first, so that when a province and a city share a name the province is the
    # first value of the bucket.
    for entry in sorted(places, key=lambda p: {"province": 0, "county": 1, "city": 2}[p.kind]):
        matcher.add(entry.name, entry)
    return matcher


_CUE_KINDS = {
    fold("استان"): "province",
    fold("استانهای"): "province",
    fold("شهر"): "city",
    fold("شهرهای"): "city",
    fold("شهرستان"): "county",
    fold("شهرستانهای"): "county",
    fold("بخش"): "county",
    fold("بندر"): "city",
}


def find_places(
    document: Document, matcher: Matcher, places: Sequence[PlaceEntry], *, skip: Sequence[bool]
) -> list[PlaceMention]:
    """Places in ``document``; tokens flagged in ``skip`` (people's names) are not looked at."""
    tokens = document.tokens
    by_name: dict[tuple[str, str], PlaceEntry] = {}
    for entry in places:
        by_name.setdefault((entry.kind, fold(entry.name)), entry)
    found: list[PlaceMention] = []
    previous_cue: str | None = None
    previous_end = -1
    seen: set[tuple[int, int]] = set()
    for match in matcher.find_all(document, skip=skip):
        # A name that is both a province and a city is one match here; _choose decides.
        if (match.first, match.last) in seen:
            continue
        seen.add((match.first, match.last))
        entries = [
            m.value
            for m in matcher.matches_at(document, match.first)
            if m.last == match.last and isinstance(m.value, PlaceEntry)
        ]
        if not entries:
            continue
        before = tokens[match.first - 1].key if match.first > 0 else ""
        has_break_before = match.first == 0 or document.is_hard_break_after(match.first - 1)
        cue = _CUE_KINDS.get(before) if not has_break_before else None
        if before in NOT_PLACE_BEFORE and not has_break_before:
            continue
        # «شهرهای اردبیل، تبریز و زنجان»: a cue carries over a list of places.
        inherited = False
        if cue is None and previous_cue is not None and _listed_after(document, previous_end, match.first):
            cue, inherited = previous_cue, True
        key = fold(document.text[tokens[match.first].start : tokens[match.last - 1].end])
        # «بندر» is part of many city names («بندر انزلی»); a bare «بندر» cue then means nothing.
        if key in AMBIGUOUS_PLACES and cue is None:
            continue
        entry, rule = _choose(entries, cue, by_name)
        first = match.first - 1 if cue is not None and not inherited else match.first
        found.append(PlaceMention(first, match.last, entry, rule))
        previous_cue, previous_end = cue, match.last
    # «شهرستان X» / «بخش X» for an X the geography does not know.
    taken = [False] * len(tokens)
    for mention in found:
        for i in range(mention.first, mention.last):
            taken[i] = True
    for token in tokens:
        # «بخش» is far more often "section" than "district", so only «شهرستان» opens a new place.
        if token.key != fold("شهرستان") or taken[token.index]:
            continue
        nxt = token.index + 1
        if nxt >= len(tokens) or taken[nxt] or skip[nxt] or document.is_break_after(token.index):
            continue
        if tokens[nxt].key in STOPWORDS or not tokens[nxt].key.isalpha() or len(tokens[nxt].key) < 2:
            continue
        # A county whose name has two words is written «شهرستان خور و بیابانک».
        last = nxt + 1
        if (
            last + 1 < len(tokens)
            and tokens[last].key == "و"
            and not document.is_break_after(nxt)
            and tokens[last + 1].key not in STOPWORDS
            and fold("شهرستان") == token.key
        ):
            last += 2
        name = document.text[tokens[nxt].start : tokens[last - 1].end]
        found.append(PlaceMention(token.index, last, PlaceEntry("county", "", name, None, None), "place.new"))
    return sorted(found, key=lambda m: m.first)


def _listed_after(document: Document, previous_end: int, first: int) -> bool:
    """Whether the place at token ``first`` follows the one ending at ``previous_end`` in a list
    (separated only by «،» or «و»)."""
    if previous_end < 0 or first < previous_end:
        return False
    between = document.tokens[previous_end:first]
    if len(between) > 1 or any(t.key != "و" for t in between):
        return False
    gap = document.text[document.tokens[previous_end - 1].end : document.tokens[first].start]
    return all(c in " \u200c،,و" for c in gap)


def _choose(
    entries: list[PlaceEntry], cue: str | None, by_name: dict[tuple[str, str], PlaceEntry]
) -> tuple[PlaceEntry, str]:
    if cue == "province":
        for entry in entries:
            if entry.kind == "province":
                return entry, "place.province_cue"
    if cue in ("city", "county"):
        cities = [e for e in entries if e.kind == "city"]
        if cities:
            city = max(cities, key=lambda e: e.population)
            if cue == "county":
                county = PlaceEntry(
                    "county", city.code, city.name, city.latitude, city.longitude, city.province_code
                )
                return county, "place.county_at_seat"
            return city, "place.city_cue"
    provinces = [e for e in entries if e.kind == "province"]
    if provinces:
        return provinces[0], "place.province"
    return max(entries, key=lambda e: e.population), "place.city"
