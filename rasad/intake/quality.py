"""Measured quality of the extraction engine against annotated documents.

A corpus is a folder of documents, each a pair ``<id>.txt`` (the text, as a person would paste it)
and ``<id>.json`` (what a careful reader would record from it). A document whose JSON has a
``seed_file`` takes its text from the seeds folder instead (the project's seed reports are not
copied into the repository); its ``seed_sha256`` makes sure the annotation and the text agree.
``docs/intake.md`` describes the annotation format and the matching rules; in short:

* dates: the set of ISO days the document names;
* organizations: tree codes, or names for organizations the tree lacks (a name matches when one
  key contains the other and the shorter is at least 60% of the longer);
* people: names (a surname alone matches a full name with that surname); the title and the
  organization are scored separately, over the people found;
* places: kind and name;
* directives: the annotated words must overlap the proposed sentence; who and by when are
  scored separately, over the directives found.

Precision, recall and F1 are micro-averaged over the documents of a split.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from rasad.intake.extraction import Extraction, Gazetteer, Proposal, extract
from rasad.intake.extraction.text import fold
from rasad.lib.persian import normalize_text

CORPUS_DIR = Path(__file__).resolve().parent / "tests" / "data" / "corpus"
SCORED_FIELDS = ("date", "organization", "person", "place", "directive")


def default_seeds_dir() -> Path:
    """Where the seed reports are: ``RASAD_SEEDS_DIR``, else ``shared/seeds`` beside the repository."""
    configured = os.environ.get("RASAD_SEEDS_DIR")
    if configured:
        return Path(configured)
    return Path(__file__).resolve().parents[3] / "shared" / "seeds"


@dataclass
class AnnotatedDocument:
    identifier: str
    split: str
    text: str
    gold: dict[str, Any]

    @property
    def document_date(self) -> date | None:
        value = self.gold.get("document_date")
        return date.fromisoformat(value) if value else None


@dataclass
class Counts:
    true_positives: int = 0
    false_positives: int = 0
    false_negatives: int = 0

    def add(self, other: Counts) -> None:
        self.true_positives += other.true_positives
        self.false_positives += other.false_positives
        self.false_negatives += other.false_negatives

    @property
    def precision(self) -> float:
        found = self.true_positives + self.false_positives
        return self.true_positives / found if found else 1.0

    @property
    def recall(self) -> float:
        expected = self.true_positives + self.false_negatives
        return self.true_positives / expected if expected else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Accuracy:
    correct: int = 0
    total: int = 0

    def add(self, ok: bool) -> None:
        self.correct += int(ok)
        self.total += 1

    @property
    def value(self) -> float:
        return self.correct / self.total if self.total else 1.0


@dataclass
class Report:
    documents: int = 0
    fields: dict[str, Counts] = field(default_factory=lambda: {f: Counts() for f in SCORED_FIELDS})
    attributes: dict[str, Accuracy] = field(
        default_factory=lambda: {
            "person.title": Accuracy(),
            "person.organization": Accuracy(),
            "directive.actor": Accuracy(),
            "directive.deadline": Accuracy(),
        }
    )
    misses: list[str] = field(default_factory=list)


def load_corpus(
    directory: Path = CORPUS_DIR, seeds_dir: Path | None = None
) -> tuple[list[AnnotatedDocument], list[str]]:
    """The annotated documents of ``directory``, and notes about seeds that could not be read."""
    seeds_dir = seeds_dir or default_seeds_dir()
    documents: list[AnnotatedDocument] = []
    notes: list[str] = []
    for annotation_path in sorted(directory.glob("*.json")):
        gold = json.loads(annotation_path.read_text(encoding="utf-8"))
        if gold.get("seed_file"):
            seed_path = seeds_dir / gold["seed_file"]
            if not seed_path.exists():
                notes.append(f"{annotation_path.stem}: seed {gold['seed_file']} not found in {seeds_dir}")
                continue
            raw = seed_path.read_bytes()
            if hashlib.sha256(raw).hexdigest() != gold.get("seed_sha256"):
                notes.append(
                    f"{annotation_path.stem}: seed {gold['seed_file']} differs from the annotated one"
                )
                continue
            text = raw.decode("utf-8")
        else:
            text = annotation_path.with_suffix(".txt").read_text(encoding="utf-8")
        documents.append(AnnotatedDocument(annotation_path.stem, gold.get("split", "dev"), text, gold))
    return documents, notes


def _names_match(a: str, b: str) -> bool:
    ka, kb = fold(a), fold(b)
    if not ka or not kb:
        return False
    if ka == kb:
        return True
    shorter, longer = sorted((ka, kb), key=len)
    return shorter in longer and len(shorter) >= 0.6 * len(longer)


def _person_names_match(a: str, b: str) -> bool:
    wa, wb = [fold(w) for w in a.split()], [fold(w) for w in b.split()]
    if fold(a) == fold(b):
        return True
    return bool(wa and wb) and wa[-1] == wb[-1] and (set(wa) <= set(wb) or set(wb) <= set(wa))


def _organization_matches(gold: str | None, code: str, name: str) -> bool:
    if gold is None:
        return not code and not name
    if code and gold == code:
        return True
    return not code and bool(name) and _names_match(gold, name)


def _pair(
    gold: Sequence[Any], predicted: Sequence[Any], same: Any
) -> tuple[Counts, list[tuple[Any, Any]], list[Any]]:
    """Greedy one-to-one matching; returns counts, matched pairs and unmatched gold items."""
    unused = list(predicted)
    pairs: list[tuple[Any, Any]] = []
    missed: list[Any] = []
    for item in gold:
        partner = next((p for p in unused if same(item, p)), None)
        if partner is None:
            missed.append(item)
            continue
        unused.remove(partner)
        pairs.append((item, partner))
    return Counts(len(pairs), len(unused), len(missed)), pairs, missed


def locate(needle: str, text: str) -> tuple[int, int] | None:
    """Where ``needle`` is in ``text``, ignoring spacing, ZWNJ, punctuation and letter variants."""
    folded: list[str] = []
    offsets: list[int] = []
    for offset, character in enumerate(text):
        key = fold(character)
        for part in key:
            folded.append(part)
            offsets.append(offset)
    haystack = "".join(folded)
    key = fold(normalize_text(needle))
    position = haystack.find(key)
    if position < 0 or not key:
        return None
    return offsets[position], offsets[position + len(key) - 1] + 1


def score_document(document: AnnotatedDocument, extraction: Extraction, report: Report) -> None:
    """Add what ``extraction`` found in ``document`` against its gold annotations to ``report``:
    each field's counts, each attribute's correctness, and a line for every miss."""
    scoring = _DocumentScoring(document, extraction, report)
    scoring.dates()
    scoring.organizations()
    scoring.people()
    scoring.places()
    scoring.directives()


@dataclass
class _DocumentScoring:
    """The scoring of one document, a field at a time (in this order, which is the order of the
    report's misses)."""

    document: AnnotatedDocument
    extraction: Extraction
    report: Report
    by_field: dict[str, list[Proposal]] = field(init=False)

    def __post_init__(self) -> None:
        self.by_field = {f: self.extraction.of(f) for f in SCORED_FIELDS}

    def proposals(self, field_name: str) -> list[Proposal]:
        return self.by_field[field_name]

    def note(self, field_name: str, kind: str, items: Iterable[Any]) -> None:
        for item in items:
            self.report.misses.append(f"{self.document.identifier} {field_name} {kind}: {item}")

    def unpaired(self, field_name: str, pairs: list[tuple[Any, Any]]) -> list[Proposal]:
        """The proposals of ``field_name`` that matched no gold item (the extra ones)."""
        return [p for p in self.proposals(field_name) if all(p is not q for _g, q in pairs)]

    def dates(self) -> None:
        gold = self.document.gold["dates"]
        found = [p.data["iso"] for p in self.proposals("date")]
        counts, _pairs, missed = _pair(gold, found, lambda g, p: g == p)
        self.report.fields["date"].add(counts)
        self.note("date", "missed", missed)
        self.note("date", "extra", sorted(set(found) - set(gold)))

    def organizations(self) -> None:
        def organization_same(g: dict[str, str], p: Proposal) -> bool:
            return _organization_matches(
                g.get("code") or g.get("name"), p.data["code"], "" if p.data["code"] else p.data["name"]
            )

        counts, pairs, missed = _pair(
            self.document.gold["organizations"], self.proposals("organization"), organization_same
        )
        self.report.fields["organization"].add(counts)
        self.note("organization", "missed", missed)
        self.note("organization", "extra", [p.data["name"] for p in self.unpaired("organization", pairs)])

    def people(self) -> None:
        counts, pairs, missed = _pair(
            self.document.gold["people"],
            self.proposals("person"),
            lambda g, p: _person_names_match(g["name"], p.data["name"]),
        )
        self.report.fields["person"].add(counts)
        self.note("person", "missed", missed)
        self.note("person", "extra", [p.data["name"] for p in self.unpaired("person", pairs)])
        for g, p in pairs:
            self.person_attributes(g, p)

    def person_attributes(self, g: dict[str, Any], p: Proposal) -> None:
        """A found person's title and organization, against the gold person's."""
        title_ok = (
            _names_match(g.get("title") or "", p.data["title"]) if g.get("title") else not p.data["title"]
        )
        self.report.attributes["person.title"].add(title_ok)
        if not title_ok:
            self.note("person.title", "wrong", [f"{g['name']}: {p.data['title']!r} for {g.get('title')!r}"])
        organization_ok = _organization_matches(
            g.get("organization"),
            p.data["organization_code"],
            p.data["organization_name"] if p.data["organization_is_new"] else "",
        )
        self.report.attributes["person.organization"].add(organization_ok)
        if not organization_ok:
            self.note(
                "person.organization",
                "wrong",
                [f"{g['name']}: {p.data['organization_code'] or p.data['organization_name']!r}"],
            )

    def places(self) -> None:
        def place_same(g: dict[str, str], p: Proposal) -> bool:
            return g["kind"] == p.data["kind"] and fold(g["name"]) == fold(p.data["name"])

        counts, pairs, missed = _pair(self.document.gold["places"], self.proposals("place"), place_same)
        self.report.fields["place"].add(counts)
        self.note("place", "missed", missed)
        self.note(
            "place", "extra", [f"{p.data['kind']}:{p.data['name']}" for p in self.unpaired("place", pairs)]
        )

    def directives(self) -> None:
        """Directives are matched by where they are in the text: a found directive matches a gold
        one whose text overlaps one of its spans."""
        gold_directives = []
        for item in self.document.gold["directives"]:
            span = locate(item["text"], self.extraction.text)
            if span is None:
                raise ValueError(f"{self.document.identifier}: directive text not found: {item['text']}")
            gold_directives.append((item, span))

        def directive_same(g: tuple[dict[str, Any], tuple[int, int]], p: Proposal) -> bool:
            start, end = g[1]
            return any(s < end and start < e for s, e in p.spans)

        counts, pairs, missed = _pair(gold_directives, self.proposals("directive"), directive_same)
        self.report.fields["directive"].add(counts)
        self.note("directive", "missed", [g[0]["text"] for g in missed])
        self.note("directive", "extra", [p.text[:80] for p in self.unpaired("directive", pairs)])
        for (g, _span), p in pairs:
            self.directive_attributes(g, p)

    def directive_attributes(self, g: dict[str, Any], p: Proposal) -> None:
        """A found directive's actor and deadline, against the gold directive's."""
        actor = g.get("actor")
        actor_ok = _organization_matches(
            actor,
            p.data["organization_code"],
            p.data["organization_name"] if p.data["organization_is_new"] else "",
        ) or (
            actor is not None
            and not p.data["organization_code"]
            and _names_match(actor, p.data["actor_text"])
        )
        self.report.attributes["directive.actor"].add(actor_ok)
        if not actor_ok:
            self.note(
                "directive.actor",
                "wrong",
                [f"{g['text'][:40]}: {p.data['organization_code'] or p.data['actor_text']!r} for {actor!r}"],
            )
        deadline_ok = (g.get("deadline") or "") == p.data["deadline"]
        self.report.attributes["directive.deadline"].add(deadline_ok)
        if not deadline_ok:
            self.note(
                "directive.deadline",
                "wrong",
                [f"{g['text'][:40]}: {p.data['deadline']!r} for {g.get('deadline')!r}"],
            )


def evaluate(documents: Sequence[AnnotatedDocument], gazetteer: Gazetteer) -> dict[str, Report]:
    """A report per split (``dev``, ``heldout``, ...) and one for all documents (``all``)."""
    reports: dict[str, Report] = {}
    for document in documents:
        text = normalize_text(document.text)
        extraction = extract(text, gazetteer, document_date=document.document_date)
        for split in (document.split, "all"):
            report = reports.setdefault(split, Report())
            report.documents += 1
            score_document(document, extraction, report)
    return reports
