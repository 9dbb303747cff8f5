"""Fingerprints read over the phone: stable, derived from the identity key only, and spelled
with words no two of which sound alike."""

from __future__ import annotations

import os

from rasad.comms.crypto import fingerprint
from rasad.comms.crypto.fingerprint import WORDS

# Letters Persian writes differently but pronounces the same, merged for the comparison.
SAME_SOUND = str.maketrans(
    {
        "ث": "س",
        "ص": "س",
        "ذ": "ز",
        "ض": "ز",
        "ظ": "ز",
        "ط": "ت",
        "غ": "ق",
        "ح": "ه",
        "ع": "ا",
        "آ": "ا",
        "\u200c": None,
    }
)


def sound(word: str) -> str:
    return word.translate(SAME_SOUND)


def one_edit_apart(first: str, second: str) -> bool:
    if abs(len(first) - len(second)) > 1:
        return False
    if len(first) == len(second):
        return sum(a != b for a, b in zip(first, second, strict=True)) <= 1
    shorter, longer = sorted((first, second), key=len)
    return any(longer[:index] + longer[index + 1 :] == shorter for index in range(len(longer)))


def test_word_list_has_256_words_that_do_not_sound_alike() -> None:
    assert len(WORDS) == 256
    sounds = [sound(word) for word in WORDS]
    for index, first in enumerate(sounds):
        for second in sounds[index + 1 :]:
            assert not one_edit_apart(first, second), (first, second)
            assert not first.startswith(second) and not second.startswith(first), (first, second)


def test_fingerprint_is_stable_and_readable() -> None:
    key = bytes(range(32))
    first, second = fingerprint(key), fingerprint(key)
    assert first == second
    assert len(first.digit_groups) == 6
    assert all(len(group) == 5 and group.isdigit() for group in first.digit_groups)
    assert len(first.digits) == 35
    assert len(first.words) == 12
    assert all(word in WORDS for word in first.words)


def test_different_keys_give_different_fingerprints() -> None:
    prints = {fingerprint(os.urandom(32)).digits for _ in range(50)}
    assert len(prints) == 50


def test_fingerprint_known_answer() -> None:
    """Pinned so that a change to the derivation (which would make every confirmed peer look
    changed) cannot happen by accident."""
    print_ = fingerprint(bytes(range(32)))
    assert print_.digits == "16791 14014 97641 53449 96232 33721"
    assert " ".join(print_.words) == (
        "کوه چمدان خیار آسیاب سه\u200cتار کاروانسرا مناره سطل ستاره بستنی دروازه پنگوئن"
    )
