"""The extraction engine: from a document's normalized text to proposals.

``extract(text, gazetteer, document_date=None)`` runs the extractors in a fixed order, because
each one's findings keep the next from misreading the same words:

1. tree organization names are found first, so that no name inside them is read as a person;
2. people's names, so that a surname is never read as a place or an organization;
3. places (the provinces they name tell which provincial office «اداره کل X» means);
4. organizations (tree names, abbreviations, coordinated offices, organization-like phrases);
5. titles, each with the organization it names or implies, and who holds them;
6. dates (relative ones against the document's date, given or read from its dateline);
7. directives, with who, what and by when.

Nothing here touches the database or the network: the gazetteer is passed in. Every proposal
carries the character spans of the normalized text it came from and the rule that made it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from rasad.intake.extraction.dates import DateMention, detect_document_date, find_dates
from rasad.intake.extraction.directives import find_directives
from rasad.intake.extraction.gazetteer import Matcher, OrganizationEntry, PlaceEntry
from rasad.intake.extraction.organizations import OrganizationResolver, OrgMention, find_organizations
from rasad.intake.extraction.people import (
    Person,
    attach_titles,
    find_names,
    find_surname_mentions,
    find_titles,
)
from rasad.intake.extraction.places import PlaceMention, build_place_matcher, find_places
from rasad.intake.extraction.text import Document, fold
from rasad.lib.jalali import format_date

FIELDS = ("date", "organization", "person", "place", "directive")


@dataclass(frozen=True)
class Gazetteer:
    """What the extractors look names up in: the organization tree (with aliases) and places."""

    organizations: tuple[OrganizationEntry, ...]
    places: tuple[PlaceEntry, ...]
    place_matcher: Matcher = field(compare=False, repr=False, default_factory=Matcher)

    @classmethod
    def build(cls, organizations: Sequence[OrganizationEntry], places: Sequence[PlaceEntry]) -> Gazetteer:
        return cls(tuple(organizations), tuple(places), build_place_matcher(places))


@dataclass(frozen=True)
class Proposal:
    """One thing the engine proposes to record, with the words it came from."""

    field: str
    key: str
    text: str
    spans: tuple[tuple[int, int], ...]
    rule: str
    data: dict[str, Any]

    def as_dict(self) -> dict[str, Any]:
        return {
            "field": self.field,
            "key": self.key,
            "text": self.text,
            "spans": [list(span) for span in self.spans],
            "rule": self.rule,
            "data": self.data,
        }


@dataclass
class Extraction:
    text: str
    document_date: date | None
    document_date_source: str
    proposals: list[Proposal]

    def of(self, field_name: str) -> list[Proposal]:
        return [p for p in self.proposals if p.field == field_name]


def _span(document: Document, first: int, last: int) -> tuple[int, int]:
    return document.tokens[first].start, document.tokens[last - 1].end


def _organization_data(mention: OrgMention | None) -> dict[str, Any]:
    if mention is None:
        return {"organization_code": "", "organization_name": "", "organization_is_new": False}
    entry = mention.entry
    return {
        "organization_code": entry.code if entry is not None else "",
        "organization_name": entry.name if entry is not None else mention.name,
        "organization_is_new": entry is None,
    }


def extract(text: str, gazetteer: Gazetteer, *, document_date: date | None = None) -> Extraction:
    """Propose the dates, organizations, people, places and directives of ``text`` (normalized)."""
    document = Document(text)
    tokens = document.tokens
    source = "given" if document_date is not None else ""
    if document_date is None:
        detected = detect_document_date(document)
        if detected is not None:
            document_date, source = detected.value, "detected"

    resolver = OrganizationResolver(gazetteer.organizations, gazetteer.places)
    org_like = [False] * len(tokens)
    for match in resolver.matcher.find_all(document):
        for i in range(match.first, match.last):
            org_like[i] = True
    people = find_names(document, org_like)
    names = [False] * len(tokens)
    for person in people:
        for first, last in person.spans:
            for i in range(first, last):
                names[i] = True
    places = find_places(document, gazetteer.place_matcher, gazetteer.places, skip=names)
    resolver.province_context = Counter(
        m.entry.province_code or m.entry.code
        for m in places
        if m.entry.kind == "province" or m.entry.province_code
    )
    organizations = find_organizations(document, resolver, skip=names)
    titles = find_titles(document, resolver, organizations, names)
    for title in titles:
        implied = title.organization
        if implied is not None and not any(m.first == implied.first for m in organizations):
            organizations.append(implied)
    organizations.sort(key=lambda m: m.first)
    attach_titles(document, people, titles)
    taken = list(names)
    for mention in organizations:
        for i in range(mention.first, mention.last):
            taken[i] = True
    find_surname_mentions(document, people, taken)
    dates = find_dates(document, document_date)
    directives = find_directives(document, organizations, people, dates)

    proposals: list[Proposal] = []
    proposals.extend(_date_proposals(document, dates))
    proposals.extend(_organization_proposals(document, organizations))
    proposals.extend(_person_proposals(document, people))
    proposals.extend(_place_proposals(document, places))
    for directive in directives:
        sentence = directive.sentence
        key = "directive:" + fold(directive.action)
        existing = next((p for p in proposals if p.key == key), None)
        if existing is not None:
            proposals[proposals.index(existing)] = Proposal(
                existing.field,
                existing.key,
                existing.text,
                (*existing.spans, (sentence.start, sentence.end)),
                existing.rule,
                existing.data,
            )
            continue
        data: dict[str, Any] = {
            "action": directive.action,
            "cue": directive.cue,
            "actor_text": directive.actor_text,
            **_organization_data(directive.actor),
            "deadline": directive.deadline.value.isoformat() if directive.deadline else "",
            "deadline_jalali": directive.deadline.jalali if directive.deadline else "",
            "deadline_text": (
                document.text[directive.deadline.start : directive.deadline.end] if directive.deadline else ""
            ),
        }
        proposals.append(
            Proposal(
                "directive", key, directive.action, ((sentence.start, sentence.end),), directive.rule, data
            )
        )
    return Extraction(text, document_date, source, proposals)


def _date_proposals(document: Document, dates: Sequence[DateMention]) -> list[Proposal]:
    grouped: dict[date, list[DateMention]] = {}
    for mention in dates:
        grouped.setdefault(mention.value, []).append(mention)
    proposals = []
    for value, mentions in grouped.items():
        first = mentions[0]
        proposals.append(
            Proposal(
                "date",
                "date:" + value.isoformat(),
                document.text[first.start : first.end],
                tuple((m.start, m.end) for m in mentions),
                first.rule,
                {
                    "iso": value.isoformat(),
                    "jalali": first.jalali,
                    "jalali_text": format_date(value, style="long"),
                    "relative": first.relative,
                    "weekday_mismatch": any(m.weekday_mismatch for m in mentions),
                },
            )
        )
    return proposals


def _organization_proposals(document: Document, mentions: Sequence[OrgMention]) -> list[Proposal]:
    # A new body named in full once and shortly later («ستاد رسانه‌ای استان خراسان رضوی» …
    # «ستاد رسانه‌ای») is one body: a short name that begins a longer one joins it.
    new_keys = sorted({m.identity for m in mentions if m.entry is None}, key=len, reverse=True)
    same_as: dict[str, str] = {}
    for key in new_keys:
        longer = next((k for k in new_keys if len(k) > len(key) and k.startswith(key)), None)
        if longer is not None and len(key) >= len("new:") + 6:
            same_as[key] = same_as.get(longer, longer)
    grouped: dict[str, list[OrgMention]] = {}
    for mention in mentions:
        grouped.setdefault(same_as.get(mention.identity, mention.identity), []).append(mention)
    proposals = []
    for identity, group in grouped.items():
        first = group[0]
        entry = next((m.entry for m in group if m.entry is not None), None)
        name = entry.name if entry is not None else max((m.name for m in group), key=len)
        kind = entry.kind if entry is not None else next((m.kind for m in group if m.kind), "")
        proposals.append(
            Proposal(
                "organization",
                "organization:" + identity,
                name,
                tuple(_span(document, m.first, m.last) for m in group),
                first.rule,
                {
                    "code": entry.code if entry is not None else "",
                    "pk": entry.pk if entry is not None else None,
                    "name": name,
                    "is_new": entry is None,
                    "kind": kind,
                    "surfaces": sorted({m.name for m in group}),
                    "rules": sorted({m.rule for m in group}),
                },
            )
        )
    return proposals


def _person_proposals(document: Document, people: Sequence[Person]) -> list[Proposal]:
    proposals = []
    for person in people:
        spans = [_span(document, first, last) for first, last in sorted(person.spans)]
        title = person.title
        if title is not None:
            spans.append(_span(document, title.first, title.last))
        proposals.append(
            Proposal(
                "person",
                "person:" + fold(person.name),
                person.name,
                tuple(spans),
                person.rule,
                {
                    "name": person.name,
                    "honorific": person.honorific,
                    "title": title.text if title is not None else "",
                    "title_rule": person.title_rule,
                    **_organization_data(title.organization if title is not None else None),
                },
            )
        )
    return proposals


def _place_proposals(document: Document, places: Sequence[PlaceMention]) -> list[Proposal]:
    grouped: dict[str, list[PlaceMention]] = {}
    for mention in places:
        entry = mention.entry
        identity = f"{entry.kind}:{entry.code or fold(entry.name)}"
        grouped.setdefault(identity, []).append(mention)
    proposals = []
    for identity, group in grouped.items():
        entry = group[0].entry
        proposals.append(
            Proposal(
                "place",
                "place:" + identity,
                entry.name,
                tuple(_span(document, m.first, m.last) for m in group),
                group[0].rule,
                {
                    "kind": entry.kind,
                    "code": entry.code,
                    "name": entry.name,
                    "latitude": entry.latitude,
                    "longitude": entry.longitude,
                    "province_code": entry.province_code or (entry.code if entry.kind == "province" else ""),
                    "is_new": not entry.code,
                },
            )
        )
    return proposals
