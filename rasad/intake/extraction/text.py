"""The text a document's proposals point into: tokens, sentences and matching keys.

Every extractor works on the normalized text (``rasad.lib.persian.normalize_text``), and every
span it reports is a pair of character offsets into that text, so that the review page can
highlight exactly the words a proposal came from. Matching compares *keys*, not surface forms: a
token's key has Latin digits, no ZWNJ or other invisible characters, and «أ إ ٱ ۀ ة ؤ» folded, so
«سازمان‌های»، «سازمانهای» and «سازمان های» compare alike once tokens are joined without spaces.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import Final

from rasad.lib.persian import to_latin_digits

# A token is a run of letters (any script), digits, combining marks and ZWNJs. Everything else
# (spaces, punctuation, quotes, brackets) separates tokens.
_TOKEN: Final = re.compile(r"[\w\u200c\u064b-\u065f\u0670]+")

_KEY_FOLDS: Final[dict[int, str | None]] = {
    ord("أ"): "ا",
    ord("إ"): "ا",
    ord("ٱ"): "ا",
    ord("آ"): "آ",
    ord("ۀ"): "ه",
    ord("ة"): "ه",
    ord("ؤ"): "و",
    ord("ي"): "ی",
    ord("ى"): "ی",
    ord("ك"): "ک",
    0x0654: None,
    0x0653: None,
    0x0655: None,
    ord("_"): None,
}

# Characters that end a sentence, and those that only end a clause or a phrase.
SENTENCE_END: Final = frozenset(".!?؟\n")
HARD_BREAK: Final = frozenset(".!?؟\n:;؛()[]{}«»\"“”'|/\\*•")
SOFT_BREAK: Final = frozenset("،,")


def fold(text: str) -> str:
    """The key of a word or phrase: what two spellings of it have in common, without spaces."""
    text = to_latin_digits(text.translate(_KEY_FOLDS)).lower()
    return "".join(c for c in text if c.isalnum())


@dataclass(frozen=True)
class Token:
    """One word of the document, with its offsets in the normalized text."""

    index: int
    start: int
    end: int
    text: str
    key: str


@dataclass(frozen=True)
class Sentence:
    """A sentence (or a headline line): offsets and the range of its tokens."""

    index: int
    start: int
    end: int
    first_token: int
    last_token: int  # exclusive

    def tokens(self, document: Document) -> list[Token]:
        return document.tokens[self.first_token : self.last_token]


@dataclass
class Document:
    """The normalized text with its tokens, sentences and the gaps between tokens."""

    text: str
    tokens: list[Token] = field(init=False)
    sentences: list[Sentence] = field(init=False)

    def __post_init__(self) -> None:
        self.tokens = [
            Token(i, m.start(), m.end(), m.group(), fold(m.group()))
            for i, m in enumerate(_TOKEN.finditer(self.text))
        ]
        self.sentences = self._split_sentences()

    @cached_property
    def latin(self) -> str:
        """The text with Latin digits: the same length, so offsets carry over."""
        return to_latin_digits(self.text)

    def gap(self, index: int) -> str:
        """The characters between token ``index`` and the next one."""
        if index + 1 >= len(self.tokens):
            return self.text[self.tokens[index].end :] if self.tokens else ""
        return self.text[self.tokens[index].end : self.tokens[index + 1].start]

    def is_hard_break_after(self, index: int) -> bool:
        return any(c in HARD_BREAK for c in self.gap(index))

    def is_soft_break_after(self, index: int) -> bool:
        return any(c in SOFT_BREAK for c in self.gap(index))

    def is_break_after(self, index: int) -> bool:
        return self.is_hard_break_after(index) or self.is_soft_break_after(index)

    def token_at(self, offset: int) -> int | None:
        """The index of the first token that starts at or after ``offset``."""
        for token in self.tokens:
            if token.start >= offset:
                return token.index
        return None

    def sentence_of(self, token_index: int) -> Sentence:
        for sentence in self.sentences:
            if sentence.first_token <= token_index < sentence.last_token:
                return sentence
        return self.sentences[-1]

    def _split_sentences(self) -> list[Sentence]:
        sentences: list[Sentence] = []
        start_token = 0
        for token in self.tokens:
            gap = self.gap(token.index)
            ends = any(c in SENTENCE_END for c in gap.replace("...", ""))
            # A full stop between two digits is a decimal point, not the end of a sentence.
            if ends and "\n" not in gap and gap.strip() == "." and token.key.isdigit():
                following = self.tokens[token.index + 1].key if token.index + 1 < len(self.tokens) else ""
                if following[:1].isdigit():
                    ends = False
            if ends or token.index == len(self.tokens) - 1:
                first = self.tokens[start_token]
                end = token.end
                # Keep the closing punctuation in the sentence's span.
                while end < len(self.text) and self.text[end] in '.!?؟»"”)':
                    end += 1
                sentences.append(Sentence(len(sentences), first.start, end, start_token, token.index + 1))
                start_token = token.index + 1
        return sentences


def word_keys(words: str) -> frozenset[str]:
    """The keys of words written one after another, separated by spaces."""
    return frozenset(fold(word) for word in words.split())
