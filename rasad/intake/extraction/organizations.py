"""Organizations: names of the tree (with aliases, abbreviations and acronyms), and phrases that
look like the name of a body the tree does not have yet.

Rules, in the order they run:

1. **Tree names.** Every organization's name, its name without a trailing «ایران»/«کشور» («سازمان
   پدافند غیرعامل کشور» is usually written «سازمان پدافند غیرعامل»), its aliases (typed by an
   administrator or learnt from a reviewer's correction), and the acronym its English name gives
   in brackets ("(IMIDRO)") are looked up by key; the longest match wins.
2. **Abbreviations defined in the text.** «سازمان توسعه و نوسازی معادن و صنایع معدنی (ایمیدرو)»
   makes «ایمیدرو» mean the same organization for the rest of the document.
3. **Coordinated offices.** «ادارات کل حفاظت محیط زیست، تعاون، کار و رفاه اجتماعی و آموزش فنی و
   حرفه‌ای استان قم» names three offices; each is looked up as «اداره کل … استان قم».
4. **Organization-like phrases.** A head word («سازمان»، «اداره کل»، «شرکت»، «شورای»، «ستاد» …) and
   the words after it up to a function word, a verb, punctuation, a second head after «و», or the
   end of a place qualifier («استان قم»). A phrase whose name is a prefix of a tree name that differs
   only by a place qualifier is matched to that organization, preferring the province the document
   talks about; any other phrase is proposed as a new organization with a kind guessed from its head.

Plural heads («شرکت‌های دانش‌بنیان»), vague ones («این سازمان»، «سازمان مربوطه») and the news
agency a report is quoted from («خبرگزاری تسنیم») are not proposed.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from rasad.intake.extraction.gazetteer import Matcher, OrganizationEntry, PlaceEntry
from rasad.intake.extraction.lexicon import (
    GENERIC_AFTER_HEAD,
    GIVEN_NAMES,
    HEAD_KINDS,
    HONORIFICS,
    KNOWN_BODIES,
    LIGHT_VERBS,
    NEWS_SOURCE_HEADS,
    NOT_ORGANIZATIONS,
    ORGANIZATION_HEADS,
    STOPWORDS,
    TITLE_HEADS,
    WEAK_HEADS,
)
from rasad.intake.extraction.text import Document, fold, word_keys

# Qualifiers a tree name may carry that the text often leaves out.
_NATIONAL_SUFFIXES = ("جمهوری اسلامی ایران", "کل کشور", "ایران", "کشور")
_ACRONYM = re.compile(r"\(([A-Z][A-Za-z&]{1,11})\)")
_MAX_PHRASE_WORDS = 8
# «این سازمان»، «دو سازمان»، «سایر شرکت‌ها»: a reference back, or more than one body.
_DETERMINERS = word_keys("این آن همین همان هر دو سه چند سایر تمامی همه کدام چندین برخی")


@dataclass(frozen=True)
class OrgMention:
    """An organization named in the text: tokens ``[first, last)``."""

    first: int
    last: int
    name: str
    entry: OrganizationEntry | None
    rule: str
    kind: str = ""

    @property
    def identity(self) -> str:
        return self.entry.code if self.entry is not None else "new:" + fold(self.name)


def _starts_with_phrase(tokens: Sequence[str], phrases: Sequence[tuple[str, ...]]) -> int:
    """The length of the longest phrase ``tokens`` starts with (0 if none)."""
    for phrase in phrases:
        if tuple(tokens[: len(phrase)]) == phrase:
            return len(phrase)
    return 0


def name_variants(entry: OrganizationEntry) -> list[str]:
    variants = [entry.name, *entry.aliases]
    for suffix in _NATIONAL_SUFFIXES:
        if entry.name.endswith(" " + suffix):
            variants.append(entry.name[: -len(suffix) - 1])
    variants.extend(_ACRONYM.findall(entry.name_en))
    if entry.code.isalpha() and entry.code.isupper() and len(entry.code) >= 3:
        variants.append(entry.code)
    return variants


@dataclass
class OrganizationResolver:
    """The organization tree as the extractors see it, plus what one document adds to it."""

    entries: Sequence[OrganizationEntry]
    places: Sequence[PlaceEntry] = ()
    matcher: Matcher = field(init=False)
    province_context: Counter[str] = field(default_factory=Counter)
    _by_key: dict[str, OrganizationEntry] = field(init=False)
    _province_names: dict[str, str] = field(init=False)

    def __post_init__(self) -> None:
        self.matcher = Matcher()
        self._by_key = {}
        for entry in self.entries:
            for variant in name_variants(entry):
                self.matcher.add(variant, entry)
                self._by_key.setdefault(fold(variant), entry)
        self._province_names = {
            fold(place.name): place.code for place in self.places if place.kind == "province"
        }
        # Well-known bodies the tree lacks: recognised whole, proposed as new.
        for name, kind, abbreviations in KNOWN_BODIES:
            if fold(name) in self._by_key:
                continue
            known = OrganizationEntry(code="known:" + fold(name), name=name, kind=kind)
            for variant in (name, *abbreviations):
                if fold(variant) not in self._by_key:
                    self.matcher.add(variant, known)

    def add_document_alias(self, alias: str, entry: OrganizationEntry) -> None:
        self.matcher.add(alias, entry)

    def match_at(self, document: Document, first: int) -> OrgMention | None:
        for match in self.matcher.matches_at(document, first):
            if isinstance(match.value, OrganizationEntry):
                if match.value.code.startswith("new:"):
                    name = match.value.name
                    return OrgMention(match.first, match.last, name, None, "organization.abbreviation")
                if match.value.code.startswith("known:"):
                    return OrgMention(
                        match.first,
                        match.last,
                        match.value.name,
                        None,
                        "organization.known_body",
                        match.value.kind,
                    )
                return OrgMention(
                    match.first,
                    match.last,
                    _surface(document, match.first, match.last),
                    match.value,
                    "organization.tree"
                    if fold(match.surface) == fold(match.value.name)
                    else "organization.alias",
                )
        return None

    def resolve(self, name: str) -> OrganizationEntry | None:
        """The tree organization a phrase names, allowing a missing place qualifier."""
        key = fold(name)
        if key in self._by_key:
            return self._by_key[key]
        candidates: list[OrganizationEntry] = []
        for entry in self.entries:
            full = fold(entry.name)
            if not full.startswith(key) or len(key) < 6:
                continue
            rest = full[len(key) :]
            if rest in {fold(s) for s in _NATIONAL_SUFFIXES}:
                candidates.append(entry)
            elif self._is_place_qualifier(rest):
                # «ستاد رسانه‌ای استان» names Kerman's only in a document about Kerman.
                province = self._province_names.get(rest.removeprefix(fold("استان")))
                if not self.province_context or province in self.province_context:
                    candidates.append(entry)
        if len(candidates) == 1:
            return candidates[0]
        if candidates and self.province_context:
            ranked = sorted(candidates, key=lambda e: -self.province_context.get(e.province_code, 0))
            if self.province_context.get(ranked[0].province_code, 0) > self.province_context.get(
                ranked[1].province_code, 0
            ):
                return ranked[0]
        return None

    def _is_place_qualifier(self, rest: str) -> bool:
        if rest in {fold(s) for s in _NATIONAL_SUFFIXES}:
            return True
        rest = rest.removeprefix(fold("استان"))
        return rest in self._province_names

    def province_code_of(self, name: str) -> str | None:
        return self._province_names.get(fold(name))

    def province_after(self, document: Document, index: int) -> tuple[str, int] | None:
        """The province named from token ``index`` on («خراسان رضوی» is two words), and the
        token after it."""
        key = ""
        for last in range(index, min(len(document.tokens), index + 4)):
            key += document.tokens[last].key
            if key in self._province_names:
                return self._province_names[key], last + 1
            if last > index and document.is_break_after(last - 1):
                break
        return None


def _surface(document: Document, first: int, last: int) -> str:
    return document.text[document.tokens[first].start : document.tokens[last - 1].end]


def _is_verb_like(key: str) -> bool:
    return key.startswith(("می", "نمی")) and len(key) > 4 and key[2:3] != "ز"


def head_length(document: Document, index: int) -> int:
    keys = [t.key for t in document.tokens[index : index + 5]]
    return _starts_with_phrase(keys, ORGANIZATION_HEADS)


def phrase_at(
    document: Document,
    index: int,
    resolver: OrganizationResolver,
    taken: Sequence[bool],
    *,
    head: str | None = None,
) -> OrgMention | None:
    """An organization-like phrase that starts at token ``index`` with a head word (or, when
    ``head`` is given, the words at ``index`` continue that implied head: «مدیرکل X» → «اداره کل X»)."""
    tokens = document.tokens
    if head is None:
        length = head_length(document, index)
        if not length:
            return None
        head_key = "".join(t.key for t in tokens[index : index + length])
        if index > 0 and not document.is_break_after(index - 1):
            before = tokens[index - 1].key
            if before in _DETERMINERS or before.isdigit():
                return None
            if _starts_with_phrase([before], NEWS_SOURCE_HEADS) or before in {fold("خبرگزاری")}:
                return None
        content_start = index + length
    else:
        head_key = fold(head)
        content_start = index
        if document.is_break_after(index - 1) and document.gap(index - 1).strip() not in ("",):
            return None
    end = _phrase_end(document, content_start, resolver, taken, head is None, soft_breaks=False)
    # «اداره کل تعاون، کار و رفاه اجتماعی»: a name with commas in it is taken whole when the tree
    # knows it.
    if end < len(tokens) and end > content_start and document.is_soft_break_after(end - 1):
        longer = _phrase_end(document, content_start, resolver, taken, head is None, soft_breaks=True)
        start_of_name = index if head is None else content_start
        longer_name = _surface(document, start_of_name, longer)
        if head is not None:
            longer_name = head + " " + longer_name
        if longer > end and resolver.resolve(longer_name) is not None:
            end = longer
    content = [t.key for t in tokens[content_start:end]]
    if not content or content[0] in GENERIC_AFTER_HEAD:
        return None
    if head is None and head_key in WEAK_HEADS and len(content) < 2:
        return None
    surface_start = index if head is None else content_start
    name = _surface(document, surface_start, end)
    if head is not None:
        name = head + " " + name
    if fold(name) in NOT_ORGANIZATIONS:
        return None
    entry = resolver.resolve(name)
    kind = HEAD_KINDS.get(head_key, "")
    rule = "organization.phrase_matched" if entry is not None else "organization.new"
    return OrgMention(surface_start, end, name, entry, rule, kind)


def _phrase_end(
    document: Document,
    content_start: int,
    resolver: OrganizationResolver,
    taken: Sequence[bool],
    has_head: bool,
    *,
    soft_breaks: bool,
) -> int:
    """Where an organization-like phrase whose name words start at ``content_start`` ends."""
    tokens = document.tokens
    end = content_start
    last_place_end = -1
    while end < len(tokens) and end - content_start < _MAX_PHRASE_WORDS:
        if end > content_start and (
            document.is_hard_break_after(end - 1)
            or (not soft_breaks and document.is_soft_break_after(end - 1))
        ):
            break
        # A tree organization inside the phrase («معاونت سازمان حفاظت محیط زیست») ends it.
        if has_head and resolver.match_at(document, end) is not None:
            break
        if end == content_start and end > 0 and has_head and document.is_break_after(end - 1):
            break
        if taken[end]:
            break
        key = tokens[end].key
        if key == "و":
            if end + 1 >= len(tokens) or end == content_start:
                break
            following = tokens[end + 1].key
            if (
                following in STOPWORDS
                or head_length(document, end + 1)
                or following in GIVEN_NAMES
                or taken[end + 1]
            ):
                break
            end += 1
            continue
        if key in STOPWORDS or _is_verb_like(key) or not key or key.isdigit() or key == fold("شهرستان"):
            break
        # «… ارسال کند»: the word before a light verb belongs to the verb, not to the name.
        if end + 1 < len(tokens) and tokens[end + 1].key in LIGHT_VERBS and not document.is_break_after(end):
            break
        if end > content_start and (
            _starts_with_phrase([t.key for t in tokens[end : end + 3]], TITLE_HEADS)
            or _starts_with_phrase([key], HONORIFICS)
        ):
            break
        # A second strong head starts another body («معاونت … استانداری یزد»); a weak one is a word
        # of this name («شرکت مادرتخصصی تولید نیروی برق حرارتی»).
        if end > content_start and head_length(document, end) and key not in WEAK_HEADS:
            break
        if key == fold("استان"):
            # «… استان قم» ends the name; a bare «… استان» («اداره کل آموزش و پرورش استان») too.
            province = (
                resolver.province_after(document, end + 1) if not document.is_break_after(end) else None
            )
            end = province[1] if province is not None else end + 1
            last_place_end = end
            break
        end += 1
    if last_place_end < 0:
        # A phrase ends on a content word, never on «و».
        while end > content_start and tokens[end - 1].key == "و":
            end -= 1
    return end


def _coordinated_offices(
    document: Document, resolver: OrganizationResolver, taken: list[bool]
) -> list[OrgMention]:
    """«ادارات کل A، B و C استان P» → one mention per office."""
    tokens = document.tokens
    found: list[OrgMention] = []
    for token in tokens:
        if token.key != fold("ادارات") or token.index + 1 >= len(tokens):
            continue
        if tokens[token.index + 1].key != fold("کل"):
            continue
        start = token.index + 2
        end = start
        province_code: str | None = None
        province_end = start
        while end < min(len(tokens), start + 25):
            if end > start and document.is_hard_break_after(end - 1):
                break
            if tokens[end].key == fold("استان") and end + 1 < len(tokens):
                found_province = resolver.province_after(document, end + 1)
                if found_province is not None:
                    province_code = found_province[0]
                    province_end = found_province[1]
                    break
            end += 1
        if province_code is None:
            continue
        province_name = document.text[tokens[end + 1].start : tokens[province_end - 1].end]
        list_keys = [t.key for t in tokens[start:end]]
        covered = [False] * (end - start)
        for entry in resolver.entries:
            full = fold(entry.name)
            prefix, suffix = fold("اداره کل"), fold("استان") + fold(province_name)
            if entry.province_code != province_code or not full.startswith(prefix):
                continue
            if not full.endswith(suffix):
                continue
            middle = full[len(prefix) : -len(suffix)]
            span = _find_token_run(list_keys, middle)
            if span is None:
                continue
            first, last = span
            for i in range(first, last):
                covered[i] = True
            found.append(
                OrgMention(
                    start + first,
                    start + last,
                    _surface(document, start + first, start + last),
                    entry,
                    "organization.coordinated",
                )
            )
        # What the tree does not know: the parts between commas and the last «و».
        for part in _uncovered_parts(document, list_keys, covered, start):
            while part and list_keys[part[-1]] in STOPWORDS:
                part = part[:-1]
            if not part or all(list_keys[i] in STOPWORDS for i in part):
                continue
            first, last = start + part[0], start + part[-1] + 1
            name = "اداره کل " + _surface(document, first, last) + " استان " + province_name
            found.append(
                OrgMention(first, last, name, None, "organization.coordinated_new", "provincial_office")
            )
        for i in range(token.index, province_end):
            taken[i] = True
    return found


def _uncovered_parts(
    document: Document, list_keys: list[str], covered: list[bool], start: int
) -> list[list[int]]:
    """The offsets (from ``start``) of each part of a list of offices that no tree entry covered:
    the parts are separated by commas and by a «و» after a comma or at the start of a part."""
    group: list[int] = []
    groups: list[list[int]] = []
    for offset, key in enumerate(list_keys):
        if covered[offset] or (
            key == "و" and (not group or document.is_soft_break_after(start + offset - 1))
        ):
            if group:
                groups.append(group)
            group = []
            continue
        group.append(offset)
        if document.is_soft_break_after(start + offset):
            groups.append(group)
            group = []
    if group:
        groups.append(group)
    return groups


def _find_token_run(keys: Sequence[str], target: str) -> tuple[int, int] | None:
    for first in range(len(keys)):
        joined = ""
        for last in range(first, len(keys)):
            joined += keys[last]
            if joined == target:
                return first, last + 1
            if not target.startswith(joined):
                break
    return None


def find_organizations(
    document: Document, resolver: OrganizationResolver, *, skip: Sequence[bool]
) -> list[OrgMention]:
    """Every organization named in ``document``, in text order; ``skip`` marks people's names.

    Runs twice: an abbreviation defined in the body («… (ایمیدرو)») also names the organization in
    the headline above it, so the first run only learns the document's abbreviations."""
    _find_organizations(document, resolver, skip=skip)
    return _find_organizations(document, resolver, skip=skip)


def _find_organizations(
    document: Document, resolver: OrganizationResolver, *, skip: Sequence[bool]
) -> list[OrgMention]:
    tokens = document.tokens
    taken = list(skip)
    found: list[OrgMention] = []
    found.extend(_coordinated_offices(document, resolver, taken))
    index = 0
    while index < len(tokens):
        if taken[index]:
            index += 1
            continue
        mention = resolver.match_at(document, index)
        if (
            mention is not None
            and mention.rule == "organization.known_body"
            and _quoted_from(document, index)
        ):
            # «خبرگزاری صدا و سیما»: the agency a report is quoted from, not a party to it.
            for i in range(mention.first, mention.last):
                taken[i] = True
            index = mention.last
            continue
        if mention is None or any(taken[mention.first : mention.last]):
            mention = phrase_at(document, index, resolver, taken)
        if mention is None:
            index += 1
            continue
        found.append(mention)
        for i in range(mention.first, mention.last):
            taken[i] = True
        _learn_abbreviation(document, mention, resolver, found, taken)
        index = mention.last
    return sorted(found, key=lambda m: m.first)


def _quoted_from(document: Document, index: int) -> bool:
    if index == 0 or document.is_break_after(index - 1):
        return False
    return document.tokens[index - 1].key == fold("خبرگزاری")


def _learn_abbreviation(
    document: Document,
    mention: OrgMention,
    resolver: OrganizationResolver,
    found: list[OrgMention],
    taken: list[bool],
) -> None:
    """«… (ایمیدرو)» right after an organization defines an abbreviation for this document."""
    tokens = document.tokens
    after = mention.last
    if after >= len(tokens) or "(" not in document.gap(after - 1):
        return
    if after + 1 < len(tokens) and ")" not in document.gap(after):
        return
    abbreviation = tokens[after].text
    if len(tokens[after].key) < 2 or tokens[after].key in STOPWORDS:
        return
    entry = mention.entry
    if entry is None:
        entry = OrganizationEntry(code="new:" + fold(mention.name), name=mention.name)
    resolver.add_document_alias(abbreviation, entry)
    found.append(
        OrgMention(after, after + 1, abbreviation, mention.entry, "organization.abbreviation", mention.kind)
        if mention.entry is not None
        else OrgMention(after, after + 1, mention.name, None, "organization.abbreviation", mention.kind)
    )
    taken[after] = True
