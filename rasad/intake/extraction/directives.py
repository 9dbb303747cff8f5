"""Directives: sentences that ask someone to do something.

A sentence is a directive when one of these cues is in it (the cue travels with the proposal):

* obligation: «باید»، «بایستی»، «می‌بایست»، «موظف/مکلف است»، «ضروری است»، «لازم است»، «الزامی است»،
  «ضرورت دارد»، «بر ضرورت … تأکید کرد»;
* emphasis, request, proposal, decision, order: «تأکید کرد»، «خواستار … شد»، «از … خواست»،
  «درخواست کرد»، «پیشنهاد داد/کرد»، «مقرر شد»، «دستور داد»;
* a command in the verb itself: a main clause that opens with an organization and ends in a
  third-person subjunctive («ایمیدرو چالش‌ها را … ارسال کند»), or ends in a second-person plural
  imperative («… را جمع‌بندی و ارسال کنید»), said to the people in the room.

**Who** must act: the body named in «از X خواست»; else the organization that opens the clause of
the cue («ایمیدرو … ارسال کند»، «شرکت X باید …»); else, for a command said to the room, the
organization the meeting was held with («در نشستی با رئیس هیات عامل ایمیدرو»); else the words
before «باید» when they are a short noun phrase («صنایع»), without an organization. **What**: the
sentence without its speaker («رئیس سازمان … تأکید کرد:»). **By when**: a date in the sentence
after «تا»، «حداکثر»، «ظرف»، «مهلت»، «پیش از» or «قبل از», or a relative deadline («تا پایان سال»).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from rasad.intake.extraction.dates import DateMention
from rasad.intake.extraction.lexicon import STOPWORDS
from rasad.intake.extraction.organizations import OrgMention
from rasad.intake.extraction.people import Person
from rasad.intake.extraction.text import Document, Sentence, fold, word_keys

_MUST = word_keys("باید بایستی میبایست میبایستی بایست")
_NECESSARY = word_keys("ضروری لازم الزامی ضرورت لزوم نیاز")
_COPULAS = word_keys("است بود باشد دارد میباشد هست است،")
_EMPHASIS = word_keys("تاکید تأکید")
_DID = word_keys("کرد کردند نمود نمودند داشت داشتند شد")
_PROPOSAL_DID = word_keys("داد دادند کرد کردند شد")
_OBLIGED = word_keys("موظف مکلف ملزم")
_OBLIGED_VERB = word_keys("است هستند شد شدند گردید گردیدند میشوند میشود باشند")
_SUBJUNCTIVE = word_keys(
    "کند کنند نماید نمایند شود شوند گردد گردند دهد دهند یابد یابند بگیرد "
    "بگیرند بدهد بدهند بفرستد بفرستند بسازد ببرد بیاورد برساند بنویسد فراهم"
)
_IMPERATIVE = word_keys("کنید نمایید دهید بدهید بفرستید بگیرید شوید باشید بکنید بیاورید برسانید بنویسید")
_CLAUSE_MARKERS = word_keys("تا که اگر چنانچه اینکه زیرا چون")
_DEADLINE_CUES = word_keys("تا حداکثر ظرف طی مهلت پیش قبل موعد")
_MEETING = word_keys("نشست نشستی جلسه جلسهای دیدار دیداری گفتگو ملاقات")
_SPEECH_CUES = frozenset(
    ("directive.emphasis", "directive.request", "directive.proposal", "directive.order", "directive.decision")
)
_LEADING_FILLERS = word_keys("همچنین نیز ضمنا البته بنابراین لذا")


@dataclass
class DirectiveMention:
    sentence: Sentence
    cue: str
    rule: str
    action: str
    actor: OrgMention | None
    actor_text: str
    deadline: DateMention | None


def _speaker_end(document: Document, sentence: Sentence) -> int:
    """The first token after «… گفت:»: where the words reported begin (or the sentence start)."""
    for token in sentence.tokens(document)[:-1]:
        if ":" in document.gap(token.index) and token.index - sentence.first_token <= 60:
            return token.index + 1
    return sentence.first_token


def _clause_start(document: Document, sentence: Sentence, position: int, floor: int) -> int:
    """Where the clause holding token ``position`` begins («… بر اینکه صنایع باید …» → «صنایع»)."""
    for index in range(position - 1, floor - 1, -1):
        if document.tokens[index].key in _CLAUSE_MARKERS:
            return index + 1
        if any(c in ":;؛" for c in document.gap(index)):
            return index + 1
    return floor


def _find_cue(document: Document, sentence: Sentence) -> tuple[str, str, int] | None:
    tokens = sentence.tokens(document)
    keys = [t.key for t in tokens]
    for i, key in enumerate(keys):
        nxt = keys[i + 1] if i + 1 < len(keys) else ""
        if key in _MUST:
            return "directive.must", tokens[i].text, tokens[i].index
        if key in _OBLIGED and nxt in _OBLIGED_VERB:
            return "directive.obliged", tokens[i].text, tokens[i].index
        if key in _NECESSARY and (
            nxt in _COPULAS
            or (key in (fold("ضرورت"), fold("لزوم")) and fold("بر") in keys[max(0, i - 1) : i])
        ):
            return "directive.necessary", tokens[i].text, tokens[i].index
        if key in _EMPHASIS and (nxt in _DID or (i + 2 < len(keys) and keys[i + 2] in _DID)):
            if i > 0 and keys[i - 1] == fold("با"):
                continue
            return "directive.emphasis", tokens[i].text, tokens[i].index
        if key == fold("خواستار") and any(k in (fold("شد"), fold("شدند")) for k in keys[i + 1 : i + 30]):
            return "directive.request", tokens[i].text, tokens[i].index
        if key in (fold("خواست"), fold("درخواست")) and (key == fold("خواست") or nxt in _DID):
            return "directive.request", tokens[i].text, tokens[i].index
        if key == fold("خواسته") and nxt in (fold("شد"), fold("شدند")):
            return "directive.request", tokens[i].text, tokens[i].index
        if key in (fold("پیشنهاد"), fold("توصیه")) and nxt in _PROPOSAL_DID:
            return "directive.proposal", tokens[i].text, tokens[i].index
        if key == fold("مقرر") and nxt in (fold("شد"), fold("گردید")):
            return "directive.decision", tokens[i].text, tokens[i].index
        if key in (fold("تصویب"), fold("مصوب")) and (nxt in (fold("شد"), fold("رسید"), fold("گردید"))):
            return "directive.decision", tokens[i].text, tokens[i].index
        if key == fold("دستور") and nxt in (fold("داد"), fold("دادند")):
            return "directive.order", tokens[i].text, tokens[i].index
    return None


def _verb_cue(document: Document, sentence: Sentence, start: int) -> tuple[str, str, int] | None:
    """A command in the main clause's verb (subjunctive or imperative)."""
    tokens = document.tokens
    end = sentence.last_token
    for index in range(start, sentence.last_token):
        if tokens[index].key in _CLAUSE_MARKERS and index > start:
            end = index
            break
    if end - start < 3:
        return None
    last = tokens[end - 1]
    # «… می‌توانند … کمک کنند» says what someone can do, not what they must.
    if any(t.key.startswith(("میتوان", "نمیتوان", "بتوان")) for t in tokens[start:end]):
        return None
    if last.key in _IMPERATIVE:
        return "directive.imperative", last.text, last.index
    if last.key in _SUBJUNCTIVE:
        return "directive.subjunctive", last.text, last.index
    return None


def _meeting_counterpart(document: Document, organizations: Sequence[OrgMention]) -> OrgMention | None:
    """«در نشستی با رئیس هیات عامل ایمیدرو»: the organization the meeting was held with."""
    tokens = document.tokens
    for token in tokens:
        if token.key not in _MEETING:
            continue
        window = range(token.index + 1, min(len(tokens), token.index + 10))
        if not any(tokens[i].key == fold("با") for i in window):
            continue
        for mention in organizations:
            if mention.first in window and mention.first > token.index:
                return mention
    return None


_ENUMERATOR = re.compile(
    r"^[ \t]*(?:[0-9۰-۹]{1,2}[ \t]*[-.)،:–—]|بند[ \t]+[0-9۰-۹]{1,2}[ \t]*[-.):–—]?)[ \t]*"
)
_RESOLUTIONS_HEADING = re.compile(
    r"^[ \t]*(?:مصوبات|مصوبه‌ها|مصوبه|تصمیمات|تصمیم‌ها|اقدامات مقرر)[^\n]{0,20}:?[ \t]*$"
)
_RESPONSIBLE_LABEL = re.compile(r"(?:مسئول|مسوول|مسؤول)(?:[ \u200c]+(?:اجرا|پیگیری|انجام|اقدام))?[ \t]*:")
_DEADLINE_LABEL = re.compile(
    r"(?:مهلت(?:[ \u200c]+(?:اجرا|انجام))?|زمان(?:[ \u200c]+(?:اجرا|انجام))?"
    r"|موعد|تاریخ[ \u200c]+اتمام)[ \t]*:"
)


@dataclass(frozen=True)
class _Item:
    """A numbered resolution of meeting minutes: one line after «مصوبات:»."""

    start: int
    end: int


def _minutes_items(document: Document) -> list[_Item]:
    items: list[_Item] = []
    in_resolutions = False
    offset = 0
    for line in document.text.split("\n"):
        start, end = offset, offset + len(line)
        offset = end + 1
        if _RESOLUTIONS_HEADING.match(line):
            in_resolutions = True
            continue
        if not in_resolutions or not line.strip():
            continue
        enumerator = _ENUMERATOR.match(line)
        if enumerator is None:
            continue
        items.append(_Item(start + enumerator.end(), end))
    return items


def _item_directive(
    document: Document,
    item: _Item,
    organizations: Sequence[OrgMention],
    dates: Sequence[DateMention],
) -> DirectiveMention | None:
    text = document.text[item.start : item.end]
    first = document.token_at(item.start)
    if first is None:
        return None
    last = first
    while last < len(document.tokens) and document.tokens[last].end <= item.end:
        last += 1
    sentence = Sentence(-1, item.start, item.end, first, last)
    labels = [m.start() for m in (*_RESPONSIBLE_LABEL.finditer(text), *_DEADLINE_LABEL.finditer(text))]
    body_end = item.start + min(labels) if labels else item.end
    body = document.text[item.start : body_end].strip().rstrip("؛;،,.")
    body_tokens = [t for t in document.tokens[first:last] if t.end <= body_end]
    if not body_tokens:
        return None
    final = body_tokens[-1]
    responsible = _RESPONSIBLE_LABEL.search(text)
    # An item that only informs («جلسه بعدی … برگزار می‌شود») is not a task unless someone owns it.
    if responsible is None and final.key.startswith(("می", "نمی")) and "\u200c" in final.text:
        return None
    actor: OrgMention | None = None
    if responsible is not None:
        after = item.start + responsible.end()
        actor = next((m for m in organizations if document.tokens[m.first].start >= after), None)
        if actor is not None and document.tokens[actor.first].start > after + 3:
            actor = None
    if actor is None:
        actor = next((m for m in organizations if m.first == first), None)
    deadline: DateMention | None = None
    deadline_label = _DEADLINE_LABEL.search(text)
    if deadline_label is not None:
        after = item.start + deadline_label.end()
        deadline = next((d for d in dates if after <= d.start < item.end), None)
    if deadline is None:
        deadline = _deadline(document, sentence, dates)
    return DirectiveMention(
        sentence, "", "directive.minutes_item", body, actor, actor.name if actor else "", deadline
    )


def find_directives(
    document: Document,
    organizations: Sequence[OrgMention],
    people: Sequence[Person],
    dates: Sequence[DateMention],
) -> list[DirectiveMention]:
    tokens = document.tokens
    found: list[DirectiveMention] = []
    counterpart = _meeting_counterpart(document, organizations)
    title_orgs: dict[int, OrgMention] = {}
    for person in people:
        if person.title is not None and person.title.organization is not None:
            for first, _last in person.spans:
                title_orgs[first] = person.title.organization
    items = _minutes_items(document)
    for item in items:
        directive = _item_directive(document, item, organizations, dates)
        if directive is not None:
            found.append(directive)
    for sentence in document.sentences:
        if sentence.last_token - sentence.first_token < 3:
            continue
        if any(item.start <= sentence.start < item.end for item in items):
            continue
        content_start = _speaker_end(document, sentence)
        cue = _find_cue(document, sentence)
        if cue is None:
            cue = _verb_cue(document, sentence, content_start)
            if cue is None:
                continue
            opening = _opening_organization(document, content_start, organizations, title_orgs)
            if cue[0] == "directive.subjunctive" and opening is None:
                continue
        rule, cue_text, cue_index = cue
        # A cue of saying before the colon («… تأکید کرد: …») introduces the words after it.
        in_speaker_part = cue_index < content_start
        speech_cue = rule in _SPEECH_CUES
        if in_speaker_part and speech_cue:
            clause = content_start
        else:
            floor = content_start if not in_speaker_part else sentence.first_token
            clause = _clause_start(document, sentence, cue_index, floor)
        actor = _requested_from(document, sentence, organizations)
        actor_text = ""
        if actor is None and rule in ("directive.decision", "directive.proposal"):
            # «مقرر شد / پیشنهاد شد شرکت X …»: the body named right after the verb acts.
            actor = _opening_organization(document, cue_index + 2, organizations, {})
        if actor is None:
            # A title opening the clause acts only when it is told to («استاندار … باید …»);
            # a speaker who stresses a need asks others.
            titles = title_orgs if rule in ("directive.must", "directive.obliged") else {}
            actor = _opening_organization(document, clause, organizations, titles)
        if actor is None and rule in ("directive.must", "directive.obliged"):
            # «… و شرکت توانیر موظف است …»: the body right before the cue is its subject.
            actor = next(
                (
                    m
                    for m in organizations
                    if m.last == cue_index and m.first >= clause and not document.is_break_after(m.last - 1)
                ),
                None,
            )
        verb = _verb_cue(document, sentence, content_start) if content_start < sentence.last_token else None
        if actor is None and (rule == "directive.imperative" or (verb and verb[0] == "directive.imperative")):
            actor = counterpart
        if actor is None and rule == "directive.must":
            words = list(tokens[clause:cue_index])
            if 1 <= len(words) <= 4 and not any(
                t.key in STOPWORDS and t.key not in ("و", fold("همه")) for t in words
            ):
                actor_text = document.text[words[0].start : words[-1].end]
        if actor is not None:
            actor_text = actor.name
        quoted = content_start < sentence.last_token and (speech_cue or not in_speaker_part)
        action_start = tokens[content_start].start if quoted else sentence.start
        action = document.text[action_start : sentence.end].strip()
        deadline = _deadline(document, sentence, dates)
        found.append(DirectiveMention(sentence, cue_text, rule, action, actor, actor_text, deadline))
    return found


def _opening_organization(
    document: Document, start: int, organizations: Sequence[OrgMention], title_orgs: dict[int, OrgMention]
) -> OrgMention | None:
    position = start
    while position < len(document.tokens) and document.tokens[position].key in _LEADING_FILLERS:
        position += 1
    for mention in organizations:
        if mention.first == position:
            return mention
    return title_orgs.get(position)


def _requested_from(
    document: Document, sentence: Sentence, organizations: Sequence[OrgMention]
) -> OrgMention | None:
    """«از X خواست / خواستار شد»: X is who must act."""
    keys = [t.key for t in sentence.tokens(document)]
    if not {fold("خواست"), fold("خواستار"), fold("خواسته"), fold("درخواست")} & set(keys):
        return None
    for mention in organizations:
        if sentence.first_token < mention.first < sentence.last_token:
            before = document.tokens[mention.first - 1].key
            if before == fold("از") or (
                before in (fold("سوی"), fold("طرف")) and document.tokens[mention.first - 2].key == fold("از")
            ):
                return mention
    return None


def _deadline(document: Document, sentence: Sentence, dates: Sequence[DateMention]) -> DateMention | None:
    for mention in dates:
        if not sentence.start <= mention.start < sentence.end:
            continue
        if mention.rule in ("date.duration", "date.end_of_period"):
            return mention
        index = document.token_at(mention.start)
        if index is None:
            continue
        before = {document.tokens[i].key for i in range(max(sentence.first_token, index - 3), index)}
        if before & _DEADLINE_CUES:
            return mention
    return None
