"""People and their titles.

* **Names.** A given name from the lexicon (or a compound of its parts: «محمودعلی»، «غلامرضا»،
  «نصرالله») followed by a surname; an honorific or rank («سردار»، «دکتر»، «مهندس»، «حجت‌الاسلام»)
  followed by one or two name words; or a single word that opens a sentence whose verb is one of
  saying and is followed by «با»، «ضمن»، «افزود» … («کیادلیری با اشاره به … افزود»). A surname
  seen alone later («جلالی ادامه داد») is the same person.
* **Titles.** A title head («رئیس»، «معاون»، «مدیرکل»، «استاندار» …), perhaps a few words naming a
  function, then an organization: «رئیس سازمان پدافند غیرعامل» names the organization outright;
  «مدیرکل حفاظت محیط زیست استان قم» implies «اداره کل حفاظت محیط زیست استان قم» and «استاندار
  اصفهان» implies «استانداری اصفهان»; the implied name is looked up in the tree.
* **Who holds which title.** A title right before or right after a name is that person's. A title
  that stands alone as the subject of a sentence («مدیرکل … گفت») goes to the nearest named person
  who has none, titles that name an organization first. A title with no person is not proposed
  as a person (its organization still is).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from rasad.intake.extraction.lexicon import (
    AFTER_SPEAKER,
    AMBIGUOUS_GIVEN_NAMES,
    GIVEN_NAMES,
    HONORIFICS,
    NAME_PREFIXES,
    NAME_SUFFIXES,
    PRONOUNS,
    SPEECH_VERBS,
    STOPWORDS,
    TITLE_HEADS,
    TITLE_TO_ORGANIZATION,
)
from rasad.intake.extraction.organizations import (
    OrganizationResolver,
    OrgMention,
    _starts_with_phrase,
    head_length,
    phrase_at,
)
from rasad.intake.extraction.text import Document, fold, word_keys

_PREPOSITIONS = word_keys("با به از برای توسط نزد میان بین و")
_SENTENCE_OPENERS = word_keys("همچنین سپس اما ولی البته بنابراین در به از با")
_SPEECH_KEYS = frozenset(phrase[0] for phrase in SPEECH_VERBS)


@dataclass
class TitleMention:
    first: int
    last: int
    text: str
    organization: OrgMention | None


@dataclass
class Person:
    """A named person, with every place the text names them."""

    name_tokens: list[str]
    name: str
    spans: list[tuple[int, int]] = field(default_factory=list)  # token ranges
    honorific: str = ""
    title: TitleMention | None = None
    rule: str = ""
    title_rule: str = ""

    @property
    def surname(self) -> str:
        return self.name_tokens[-1]


def is_given_name(key: str, *, strict: bool = True) -> bool:
    if key in GIVEN_NAMES:
        return not strict or key not in AMBIGUOUS_GIVEN_NAMES
    for prefix in (*NAME_PREFIXES, *GIVEN_NAMES):
        if key.startswith(prefix) and len(key) > len(prefix) + 1:
            rest = key[len(prefix) :]
            if rest in GIVEN_NAMES or rest in NAME_SUFFIXES:
                return True
    return any(
        key.endswith(s) and len(key) > len(s) + 1 and key[: -len(s)] in GIVEN_NAMES for s in NAME_SUFFIXES
    )


def _is_name_word(document: Document, index: int) -> bool:
    """Could token ``index`` be part of a person's name?"""
    if index >= len(document.tokens):
        return False
    key = document.tokens[index].key
    if len(key) < 2 or not key.isalpha() or key in STOPWORDS or key in PRONOUNS or key in _SPEECH_KEYS:
        return False
    if key.startswith(("می", "نمی")) and "\u200c" in document.tokens[index].text:
        return False
    keys = [t.key for t in document.tokens[index : index + 3]]
    return not (
        _starts_with_phrase(keys, TITLE_HEADS) or head_length(document, index) or key == fold("استان")
    )


def find_names(document: Document, org_like: Sequence[bool]) -> list[Person]:
    """Named people; ``org_like`` marks tokens inside tree organization names."""
    tokens = document.tokens
    people: list[Person] = []
    taken = list(org_like)

    def take(first: int, last: int, rule: str, honorific: str = "") -> None:
        name_tokens = [t.key for t in tokens[first:last]]
        name = document.text[tokens[first].start : tokens[last - 1].end]
        people.append(Person(name_tokens, name, [(first, last)], honorific, rule=rule))
        for i in range(first, last):
            taken[i] = True

    index = 0
    while index < len(tokens):
        if taken[index]:
            index += 1
            continue
        keys = [t.key for t in tokens[index : index + 4]]
        honorific_length = _starts_with_phrase(keys, HONORIFICS)
        # Ranks and honorifics stack: «سرتیپ دوم پاسدار دکتر …».
        while honorific_length:
            more = _starts_with_phrase(
                [t.key for t in tokens[index + honorific_length : index + honorific_length + 4]], HONORIFICS
            )
            if not more or tokens[index + honorific_length].key in (fold("سید"), fold("سیده")):
                break
            honorific_length += more
        if honorific_length:
            start = index + honorific_length
            # «سید» after a rank («سردار سید محمد …») is part of the name.
            if start < len(tokens) and tokens[start].key in (fold("سید"), fold("سیده")):
                start += 1
            if (
                start < len(tokens)
                and not document.is_hard_break_after(start - 1)
                and _is_name_word(document, start)
            ):
                end = start + 1
                if is_given_name(tokens[start].key, strict=False):
                    while (
                        end < len(tokens)
                        and is_given_name(tokens[end].key)
                        and _is_name_word(document, end + 1)
                    ):
                        end += 1
                    if _is_name_word(document, end) and not document.is_break_after(end - 1):
                        end += 1
                elif (
                    _is_name_word(document, end)
                    and not document.is_break_after(start)
                    and tokens[end].key not in AFTER_SPEAKER
                ):
                    end += 1
                honorific = document.text[tokens[index].start : tokens[index + honorific_length - 1].end]
                take(start, end, "person.honorific", honorific)
                index = end
                continue
        if is_given_name(tokens[index].key) and not (
            index > 0 and tokens[index - 1].key in (fold("شهید"), fold("امام"))
        ):
            end = index + 1
            while end < len(tokens) and is_given_name(tokens[end].key) and _is_name_word(document, end + 1):
                if document.is_break_after(end - 1):
                    break
                end += 1
            if end < len(tokens) and _is_name_word(document, end) and not document.is_break_after(end - 1):
                take(index, end + 1, "person.given_name")
                index = end + 1
                continue
        index += 1
    _find_names_before_titles(document, taken, take)
    _find_speakers(document, taken, take)
    return _merge(people)


# Records a person found at tokens [first, last) by a rule, and marks those tokens as taken.
_Take = Callable[[int, int, str], None]


def _find_names_before_titles(document: Document, taken: list[bool], take: _Take) -> None:
    """«کامبیز مشیری مدیرعامل شرکت …»: two name words opening a sentence, right before a title."""
    tokens = document.tokens
    for sentence in document.sentences:
        first = sentence.first_token
        if first + 2 >= sentence.last_token or taken[first] or taken[first + 1]:
            continue
        if tokens[first].key in _SENTENCE_OPENERS or document.is_break_after(first):
            continue
        if not (_is_name_word(document, first) and _is_name_word(document, first + 1)):
            continue
        if document.is_break_after(first + 1) and "،" not in document.gap(first + 1):
            continue
        keys = [t.key for t in tokens[first + 2 : first + 6]]
        if _starts_with_phrase(keys, TITLE_HEADS) and len(tokens[first].key) >= 3:
            take(first, first + 2, "person.before_title")


def _find_speakers(document: Document, taken: list[bool], take: _Take) -> None:
    """A speaker named by surname alone at the start of a sentence."""
    tokens = document.tokens
    for sentence in document.sentences:
        first = sentence.first_token
        if first >= len(tokens) or taken[first] or first + 1 >= sentence.last_token:
            continue
        if tokens[first].key in _SENTENCE_OPENERS or not _is_name_word(document, first):
            continue
        if len(tokens[first].key) < 3 or tokens[first + 1].key not in AFTER_SPEAKER:
            continue
        if document.is_break_after(first):
            continue
        sentence_keys = [t.key for t in sentence.tokens(document)]
        if not any(key in _SPEECH_KEYS for key in sentence_keys):
            continue
        take(first, first + 1, "person.speaker")


def _merge(people: list[Person]) -> list[Person]:
    merged: list[Person] = []
    for person in people:
        for other in merged:
            if other.surname == person.surname and (
                set(person.name_tokens) <= set(other.name_tokens)
                or set(other.name_tokens) <= set(person.name_tokens)
            ):
                if len(person.name_tokens) > len(other.name_tokens):
                    other.name_tokens, other.name = person.name_tokens, person.name
                    other.rule = person.rule
                other.spans.extend(person.spans)
                other.honorific = other.honorific or person.honorific
                break
        else:
            merged.append(person)
    return merged


def find_titles(
    document: Document,
    resolver: OrganizationResolver,
    organizations: Sequence[OrgMention],
    names: Sequence[bool],
) -> list[TitleMention]:
    """Title phrases, each with the organization it names or implies (if any)."""
    tokens = document.tokens
    by_start = {m.first: m for m in organizations}
    in_org = [False] * len(tokens)
    for mention in organizations:
        for i in range(mention.first, mention.last):
            in_org[i] = True
    titles: list[TitleMention] = []
    index = 0
    while index < len(tokens):
        if in_org[index] or names[index]:
            index += 1
            continue
        keys = [t.key for t in tokens[index : index + 4]]
        length = _starts_with_phrase(keys, TITLE_HEADS)
        if not length:
            index += 1
            continue
        head_key = "".join(keys[:length])
        content = index + length
        organization: OrgMention | None = None
        end = content
        # An organization named within a few words of the head («معاون آموزش … سازمان حفاظت …»).
        for offset in range(0, 6):
            position = content + offset
            if position >= len(tokens) or (position > content and document.is_hard_break_after(position - 1)):
                break
            if position in by_start:
                organization = by_start[position]
                end = organization.last
                break
            if names[position] or (tokens[position].key in STOPWORDS and tokens[position].key != "و"):
                break
            if position > index and document.is_hard_break_after(position):
                break
        if organization is None:
            organization = _implied_organization(document, resolver, names, head_key, content)
            if organization is not None:
                end = organization.last
        if organization is None:
            # A function without an organization («معاون آموزش و مشارکت‌های مردمی سازمان»).
            while end < len(tokens) and end - content < 5 and not names[end]:
                if end > index and document.is_break_after(end - 1):
                    break
                key = tokens[end].key
                if (key in STOPWORDS and key != "و") or key in _SPEECH_KEYS:
                    break
                end += 1
            while end > content and tokens[end - 1].key == "و":
                end -= 1
        if end == content and organization is None and head_key not in TITLE_TO_ORGANIZATION:
            index = content
            continue
        text = document.text[tokens[index].start : tokens[end - 1].end]
        titles.append(TitleMention(index, end, text, organization))
        index = end
    return titles


def _implied_organization(
    document: Document, resolver: OrganizationResolver, names: Sequence[bool], head_key: str, content: int
) -> OrgMention | None:
    """The organization the title's head implies (``TITLE_TO_ORGANIZATION``), or a second head
    in the title does: «معاون وزیر کشور» implies «وزارت کشور». ``content`` is the token after
    the head."""
    tokens = document.tokens
    implied_head, implied_at = head_key, content
    if head_key not in TITLE_TO_ORGANIZATION:
        for offset in range(0, 3):
            position = content + offset
            if position >= len(tokens) or tokens[position].key in STOPWORDS:
                break
            if tokens[position].key in TITLE_TO_ORGANIZATION:
                implied_head, implied_at = tokens[position].key, position + 1
                break
    if implied_head not in TITLE_TO_ORGANIZATION or implied_at >= len(tokens):
        return None
    implied = phrase_at(
        document,
        implied_at,
        resolver,
        [names[i] for i in range(len(tokens))],
        head=TITLE_TO_ORGANIZATION[implied_head],
    )
    if implied is None:
        return None
    return OrgMention(
        implied.first,
        implied.last,
        implied.name,
        implied.entry,
        "organization.from_title" if implied.entry is not None else "organization.new_from_title",
        implied.kind,
    )


def attach_titles(document: Document, people: list[Person], titles: list[TitleMention]) -> None:
    """Give each person the title written next to their name, else a free-standing one."""
    tokens = document.tokens
    used: set[int] = set()
    for person in people:
        for first, last in person.spans:
            for number, title in enumerate(titles):
                if number in used:
                    continue
                between = range(title.last, first)
                right_after = title.first == last and not document.is_hard_break_after(last - 1)
                right_before = (title.last == first and not document.is_hard_break_after(first - 1)) or (
                    title.last < first
                    and len(between) <= 3
                    and bool(person.honorific)
                    and fold(person.honorific) == "".join(tokens[i].key for i in between)
                )
                if right_after or right_before:
                    if person.title is None:
                        person.title = title
                        person.title_rule = "title.adjacent"
                    used.add(number)
    held = {fold(p.title.text) for p in people if p.title is not None}
    free = [
        (number, title)
        for number, title in enumerate(titles)
        if number not in used
        and fold(title.text) not in held
        and not (
            title.first > 0
            and tokens[title.first - 1].key in _PREPOSITIONS
            and not document.is_break_after(title.first - 1)
        )
    ]
    for person in sorted(people, key=lambda p: min(s[0] for s in p.spans)):
        if person.title is not None or not free:
            continue
        position = min(s[0] for s in person.spans)

        def score(item: tuple[int, TitleMention], position: int = position) -> tuple[int, int]:
            _number, title = item
            return (0 if title.organization is not None else 1, abs(title.first - position))

        _best_number, best = min(free, key=score)
        person.title = best
        person.title_rule = "title.same_speaker"
        best_key = fold(best.text)
        free = [(n, t) for n, t in free if fold(t.text) != best_key]


def find_surname_mentions(document: Document, people: list[Person], taken: Sequence[bool]) -> None:
    """«جلالی ادامه داد»: a known surname alone is another mention of the same person."""
    surnames = {p.surname: p for p in people if len(p.surname) >= 3}
    for token in document.tokens:
        person = surnames.get(token.key)
        if person is None or taken[token.index]:
            continue
        if any(first <= token.index < last for first, last in person.spans):
            continue
        person.spans.append((token.index, token.index + 1))
